/* A stand-in for libcuda.so.1 and libnvrtc.so, for testing the FFM bindings on machines
 * without a GPU: one "device" whose memory is host memory (malloc), copies are memcpy, and
 * kernel launches fail with CUDA_ERROR_LAUNCH_FAILED (719) unless FAKECUDA_LAUNCH_OK is set
 * (then they do nothing). Allocations over FAKECUDA_MEMORY bytes (default 1 GiB) fail with
 * CUDA_ERROR_OUT_OF_MEMORY. Built by FakeDriverTest with the system C compiler. */
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

typedef int CUresult;
static long long mem_limit(void) {
    const char* v = getenv("FAKECUDA_MEMORY");
    return v ? atoll(v) : (1LL << 30);
}

CUresult cuInit(unsigned int flags) { return getenv("FAKECUDA_NO_DEVICE") ? 100 : 0; }
CUresult cuDriverGetVersion(int* v) { *v = 12080; return 0; }
CUresult cuDeviceGetCount(int* n) { *n = 1; return 0; }
CUresult cuDeviceGet(int* d, int ordinal) { if (ordinal != 0) return 101; *d = 0; return 0; }
CUresult cuDeviceGetName(char* name, int len, int dev) { strncpy(name, "Fake GPU 9000", len); return 0; }
CUresult cuDeviceGetAttribute(int* v, int attr, int dev) {
    switch (attr) {
        case 16: *v = 132; return 0;
        case 36: *v = 2619000; return 0;
        case 37: *v = 5120; return 0;
        case 75: *v = 9; return 0;
        case 76: *v = 0; return 0;
        default: return 1;
    }
}
CUresult cuDeviceTotalMem_v2(size_t* bytes, int dev) { *bytes = (size_t) mem_limit(); return 0; }
static int ctx_token;
CUresult cuDevicePrimaryCtxRetain(void** ctx, int dev) { *ctx = &ctx_token; return 0; }
CUresult cuDevicePrimaryCtxRelease_v2(int dev) { return 0; }
CUresult cuCtxSetCurrent(void* ctx) { return ctx == &ctx_token ? 0 : 201; }
CUresult cuCtxSynchronize(void) { return 0; }
CUresult cuMemAlloc_v2(uint64_t* p, size_t n) {
    if ((long long) n > mem_limit()) return 2;
    void* m = malloc(n);
    if (!m) return 2;
    *p = (uint64_t) (uintptr_t) m;
    return 0;
}
CUresult cuMemFree_v2(uint64_t p) { free((void*) (uintptr_t) p); return 0; }
CUresult cuMemcpyHtoD_v2(uint64_t dst, const void* src, size_t n) { memcpy((void*) (uintptr_t) dst, src, n); return 0; }
CUresult cuMemcpyDtoH_v2(void* dst, uint64_t src, size_t n) { memcpy(dst, (void*) (uintptr_t) src, n); return 0; }
CUresult cuMemcpyHtoDAsync_v2(uint64_t dst, const void* src, size_t n, void* s) { return cuMemcpyHtoD_v2(dst, src, n); }
CUresult cuMemcpyDtoHAsync_v2(void* dst, uint64_t src, size_t n, void* s) { return cuMemcpyDtoH_v2(dst, src, n); }
CUresult cuMemcpyDtoDAsync_v2(uint64_t dst, uint64_t src, size_t n, void* s) {
    memmove((void*) (uintptr_t) dst, (void*) (uintptr_t) src, n);
    return 0;
}
CUresult cuMemsetD8Async(uint64_t dst, unsigned char v, size_t n, void* s) { memset((void*) (uintptr_t) dst, v, n); return 0; }
CUresult cuMemsetD32Async(uint64_t dst, unsigned int v, size_t n, void* s) {
    unsigned int* p = (unsigned int*) (uintptr_t) dst;
    for (size_t i = 0; i < n; i++) p[i] = v;
    return 0;
}
CUresult cuMemHostAlloc(void** p, size_t n, unsigned int flags) { *p = malloc(n); return *p ? 0 : 2; }
CUresult cuMemFreeHost(void* p) { free(p); return 0; }
static int module_token;
CUresult cuModuleLoadData(void** m, const void* image) {
    if (strstr((const char*) image, ".entry") == 0) return 218;
    *m = &module_token;
    return 0;
}
CUresult cuModuleGetFunction(void** f, void* m, const char* name) { *f = (void*) strdup(name); return 0; }
CUresult cuModuleUnload(void* m) { return 0; }
CUresult cuLaunchKernel(void* f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shared, void* stream, void** params, void** extra) {
    if (!params && gx > 0) return 1;
    return getenv("FAKECUDA_LAUNCH_OK") ? 0 : 719;
}
static int stream_token;
CUresult cuStreamCreate(void** s, unsigned int flags) { *s = &stream_token; return 0; }
CUresult cuStreamSynchronize(void* s) { return 0; }
CUresult cuStreamDestroy_v2(void* s) { return 0; }
static int event_token;
CUresult cuEventCreate(void** e, unsigned int flags) { *e = &event_token; return 0; }
CUresult cuEventRecord(void* e, void* s) { return 0; }
CUresult cuEventSynchronize(void* e) { return 0; }
CUresult cuEventElapsedTime(float* ms, void* a, void* b) { *ms = 1.5f; return 0; }
CUresult cuEventDestroy_v2(void* e) { return 0; }
CUresult cuGetErrorName(CUresult code, const char** name) {
    switch (code) {
        case 0: *name = "CUDA_SUCCESS"; return 0;
        case 2: *name = "CUDA_ERROR_OUT_OF_MEMORY"; return 0;
        case 100: *name = "CUDA_ERROR_NO_DEVICE"; return 0;
        case 719: *name = "CUDA_ERROR_LAUNCH_FAILED"; return 0;
        default: *name = 0; return 1;
    }
}

/* NVRTC: "compiles" to a PTX text naming each kernel as an entry. */
typedef struct { char* ptx; } prog;
int nvrtcCreateProgram(void** p, const char* src, const char* name, int n, const char** h, const char** inc) {
    prog* q = malloc(sizeof(prog));
    q->ptx = strdup("// fake PTX\n.version 8.0\n.target sm_90\n.visible .entry bs_fake()\n{\n}\n");
    *p = q;
    return 0;
}
int nvrtcCompileProgram(void* p, int n, const char** options) {
    for (int i = 0; i < n; i++) if (strstr(options[i], "compute_") == 0 && strstr(options[i], "default-device") == 0) return 5;
    return getenv("FAKECUDA_NVRTC_FAIL") ? 6 : 0;
}
int nvrtcGetPTXSize(void* p, size_t* n) { *n = strlen(((prog*) p)->ptx) + 1; return 0; }
int nvrtcGetPTX(void* p, char* out) { strcpy(out, ((prog*) p)->ptx); return 0; }
int nvrtcGetProgramLogSize(void* p, size_t* n) { *n = 32; return 0; }
int nvrtcGetProgramLog(void* p, char* out) { strcpy(out, "fake.cu(1): error: forced"); return 0; }
int nvrtcDestroyProgram(void** p) { prog* q = *p; free(q->ptx); free(q); *p = 0; return 0; }
