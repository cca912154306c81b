package io.blueshift.gpu.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The CUDA driver API ({@code libcuda.so.1}) bound through FFM: the calls the backend needs,
 * each checked, so a failure is a {@link CudaException} naming the function and the error
 * ({@code cuGetErrorName}). {@link #load} reports a missing library or function as
 * {@link NativeLibrary.Unavailable}. Device pointers are {@code long}s (CUdeviceptr).
 */
public final class CudaDriver {
    public static final int ATTR_MULTIPROCESSOR_COUNT = 16;
    public static final int ATTR_MEMORY_CLOCK_RATE = 36;
    public static final int ATTR_GLOBAL_MEMORY_BUS_WIDTH = 37;
    public static final int ATTR_COMPUTE_CAPABILITY_MAJOR = 75;
    public static final int ATTR_COMPUTE_CAPABILITY_MINOR = 76;

    private final MethodHandle cuInit, cuDriverGetVersion, cuDeviceGetCount, cuDeviceGet, cuDeviceGetName,
            cuDeviceGetAttribute, cuDeviceTotalMem, cuDevicePrimaryCtxRetain, cuDevicePrimaryCtxRelease,
            cuCtxSetCurrent, cuCtxSynchronize, cuMemAlloc, cuMemFree, cuMemcpyHtoD, cuMemcpyDtoH,
            cuMemcpyHtoDAsync, cuMemcpyDtoHAsync, cuMemcpyDtoDAsync, cuMemsetD8, cuMemsetD32, cuMemHostAlloc, cuMemFreeHost,
            cuModuleLoadData, cuModuleGetFunction, cuModuleUnload, cuLaunchKernel, cuStreamCreate,
            cuStreamSynchronize, cuStreamDestroy, cuEventCreate, cuEventRecord, cuEventSynchronize,
            cuEventElapsedTime, cuEventDestroy, cuGetErrorName;

    private CudaDriver(NativeLibrary lib) throws NativeLibrary.Unavailable {
        FunctionDescriptor i_a = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        cuInit = lib.function("cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        cuDriverGetVersion = lib.function("cuDriverGetVersion", i_a);
        cuDeviceGetCount = lib.function("cuDeviceGetCount", i_a);
        cuDeviceGet = lib.function("cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDeviceGetName = lib.function("cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        cuDeviceGetAttribute = lib.function("cuDeviceGetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        cuDeviceTotalMem = lib.function("cuDeviceTotalMem_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDevicePrimaryCtxRetain = lib.function("cuDevicePrimaryCtxRetain", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuDevicePrimaryCtxRelease = lib.function("cuDevicePrimaryCtxRelease_v2", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        cuCtxSetCurrent = lib.function("cuCtxSetCurrent", i_a);
        cuCtxSynchronize = lib.function("cuCtxSynchronize", FunctionDescriptor.of(JAVA_INT));
        cuMemAlloc = lib.function("cuMemAlloc_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        cuMemFree = lib.function("cuMemFree_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        cuMemcpyHtoD = lib.function("cuMemcpyHtoD_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG));
        cuMemcpyDtoH = lib.function("cuMemcpyDtoH_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
        cuMemcpyHtoDAsync = lib.function("cuMemcpyHtoDAsync_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS));
        cuMemcpyDtoHAsync = lib.function("cuMemcpyDtoHAsync_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        cuMemcpyDtoDAsync = lib.function("cuMemcpyDtoDAsync_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS));
        // async on our stream: the plain memsets run on the legacy stream, which a non-blocking stream does not wait for
        cuMemsetD8 = lib.function("cuMemsetD8Async", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ValueLayout.JAVA_BYTE, JAVA_LONG, ADDRESS));
        cuMemsetD32 = lib.function("cuMemsetD32Async", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS));
        cuMemHostAlloc = lib.function("cuMemHostAlloc", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        cuMemFreeHost = lib.function("cuMemFreeHost", i_a);
        cuModuleLoadData = lib.function("cuModuleLoadData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuModuleGetFunction = lib.function("cuModuleGetFunction", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        cuModuleUnload = lib.function("cuModuleUnload", i_a);
        cuLaunchKernel = lib.function("cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        cuStreamCreate = lib.function("cuStreamCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuStreamSynchronize = lib.function("cuStreamSynchronize", i_a);
        cuStreamDestroy = lib.function("cuStreamDestroy_v2", i_a);
        cuEventCreate = lib.function("cuEventCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        cuEventRecord = lib.function("cuEventRecord", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cuEventSynchronize = lib.function("cuEventSynchronize", i_a);
        FunctionDescriptor elapsed = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        MethodHandle e;
        try {
            e = lib.function("cuEventElapsedTime_v2", elapsed); // CUDA 12.8+; the old name stays for older drivers
        } catch (NativeLibrary.Unavailable missing) {
            e = lib.function("cuEventElapsedTime", elapsed);
        }
        cuEventElapsedTime = e;
        cuEventDestroy = lib.function("cuEventDestroy_v2", i_a);
        cuGetErrorName = lib.function("cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    /** Opens libcuda.so.1 and initialises the driver; unavailable (with the reason) when either fails. */
    public static CudaDriver load() throws NativeLibrary.Unavailable {
        String override = System.getProperty("blueshift.gpu.libcuda");
        NativeLibrary lib = NativeLibrary.open(override != null ? List.of(override) : List.of("libcuda.so.1", "libcuda.so"));
        CudaDriver d = new CudaDriver(lib);
        int rc = d.raw(d.cuInit, 0);
        if (rc != 0) {
            throw new NativeLibrary.Unavailable("cuInit failed: " + d.errorName(rc));
        }
        return d;
    }

    /** For tests: the driver, loaded, or an error naming why not. */
    static CudaDriver load0() {
        try {
            return load();
        } catch (NativeLibrary.Unavailable e) {
            throw new IllegalStateException(e.getMessage());
        }
    }

    private int raw(MethodHandle h, Object... args) {
        try {
            return (int) h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private void check(String function, MethodHandle h, Object... args) {
        int rc = raw(h, args);
        if (rc != 0) {
            throw new CudaException(function, rc, errorName(rc));
        }
    }

    /** The driver's name for a result code; the built-in table where the driver does not know it. */
    public String errorName(int code) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            if (raw(cuGetErrorName, code, p) == 0) {
                MemorySegment s = p.get(ADDRESS, 0);
                if (!s.equals(MemorySegment.NULL)) {
                    return s.reinterpret(256).getString(0);
                }
            }
        } catch (RuntimeException e) {
            // fall through to the table
        }
        return CudaErrors.name(code);
    }

    public int driverVersion() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check("cuDriverGetVersion", cuDriverGetVersion, v);
            return v.get(JAVA_INT, 0);
        }
    }

    public int deviceCount() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check("cuDeviceGetCount", cuDeviceGetCount, v);
            return v.get(JAVA_INT, 0);
        }
    }

    public int device(int ordinal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check("cuDeviceGet", cuDeviceGet, v, ordinal);
            return v.get(JAVA_INT, 0);
        }
    }

    public String deviceName(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(256);
            check("cuDeviceGetName", cuDeviceGetName, v, 256, device);
            return v.getString(0);
        }
    }

    public int attribute(int device, int attribute) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check("cuDeviceGetAttribute", cuDeviceGetAttribute, v, attribute, device);
            return v.get(JAVA_INT, 0);
        }
    }

    public long totalMemory(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_LONG);
            check("cuDeviceTotalMem", cuDeviceTotalMem, v, device);
            return v.get(JAVA_LONG, 0);
        }
    }

    public MemorySegment retainPrimaryContext(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            check("cuDevicePrimaryCtxRetain", cuDevicePrimaryCtxRetain, v, device);
            return v.get(ADDRESS, 0);
        }
    }

    public void releasePrimaryContext(int device) {
        check("cuDevicePrimaryCtxRelease", cuDevicePrimaryCtxRelease, device);
    }

    public void setCurrent(MemorySegment context) {
        check("cuCtxSetCurrent", cuCtxSetCurrent, context);
    }

    public void synchronize() {
        check("cuCtxSynchronize", cuCtxSynchronize);
    }

    public long malloc(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_LONG);
            check("cuMemAlloc", cuMemAlloc, v, Math.max(bytes, 1));
            return v.get(JAVA_LONG, 0);
        }
    }

    public void free(long devicePointer) {
        check("cuMemFree", cuMemFree, devicePointer);
    }

    public void copyHtoD(long dst, MemorySegment src, long bytes) {
        check("cuMemcpyHtoD", cuMemcpyHtoD, dst, src, bytes);
    }

    public void copyDtoH(MemorySegment dst, long src, long bytes) {
        check("cuMemcpyDtoH", cuMemcpyDtoH, dst, src, bytes);
    }

    public void copyHtoDAsync(long dst, MemorySegment src, long bytes, MemorySegment stream) {
        check("cuMemcpyHtoDAsync", cuMemcpyHtoDAsync, dst, src, bytes, stream);
    }

    public void copyDtoHAsync(MemorySegment dst, long src, long bytes, MemorySegment stream) {
        check("cuMemcpyDtoHAsync", cuMemcpyDtoHAsync, dst, src, bytes, stream);
    }

    public void copyDtoDAsync(long dst, long src, long bytes, MemorySegment stream) {
        check("cuMemcpyDtoDAsync", cuMemcpyDtoDAsync, dst, src, bytes, stream);
    }

    public void memset8(long dst, byte value, long count, MemorySegment stream) {
        check("cuMemsetD8Async", cuMemsetD8, dst, value, count, stream);
    }

    public void memset32(long dst, int value, long count, MemorySegment stream) {
        check("cuMemsetD32Async", cuMemsetD32, dst, value, count, stream);
    }

    /** Page-locked host memory (flags 0: portable to this context only). */
    public MemorySegment hostAlloc(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            check("cuMemHostAlloc", cuMemHostAlloc, v, Math.max(bytes, 1), 0);
            return v.get(ADDRESS, 0).reinterpret(bytes);
        }
    }

    public void hostFree(MemorySegment p) {
        check("cuMemFreeHost", cuMemFreeHost, p);
    }

    /** Loads a module from a NUL-terminated PTX image. */
    public MemorySegment loadModule(MemorySegment image) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            check("cuModuleLoadData", cuModuleLoadData, v, image);
            return v.get(ADDRESS, 0);
        }
    }

    public MemorySegment function(MemorySegment module, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            check("cuModuleGetFunction(" + name + ")", cuModuleGetFunction, v, module, a.allocateFrom(name));
            return v.get(ADDRESS, 0);
        }
    }

    public void unloadModule(MemorySegment module) {
        check("cuModuleUnload", cuModuleUnload, module);
    }

    /**
     * Launches {@code function} on a 1-D grid. Arguments: {@code Long} (pointers, int64,
     * size_t), {@code Integer} (int32), {@code Double}; each is passed by address as the driver wants.
     */
    public void launch(String name, MemorySegment function, int gridX, int blockX, int sharedBytes, MemorySegment stream,
                       Object... args) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = a.allocate(ADDRESS, Math.max(args.length, 1));
            for (int i = 0; i < args.length; i++) {
                MemorySegment slot = switch (args[i]) {
                    case Long l -> a.allocateFrom(JAVA_LONG, l);
                    case Integer n -> a.allocateFrom(JAVA_INT, n);
                    case Double d -> a.allocateFrom(JAVA_DOUBLE, d);
                    default -> throw new IllegalArgumentException("kernel argument of type " + args[i].getClass());
                };
                params.setAtIndex(ADDRESS, i, slot);
            }
            check("cuLaunchKernel(" + name + ")", cuLaunchKernel, function, gridX, 1, 1, blockX, 1, 1, sharedBytes,
                    stream, params, MemorySegment.NULL);
        }
    }

    public MemorySegment createStream() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            check("cuStreamCreate", cuStreamCreate, v, 1); // CU_STREAM_NON_BLOCKING
            return v.get(ADDRESS, 0);
        }
    }

    public void synchronize(MemorySegment stream) {
        check("cuStreamSynchronize", cuStreamSynchronize, stream);
    }

    public void destroyStream(MemorySegment stream) {
        check("cuStreamDestroy", cuStreamDestroy, stream);
    }

    public MemorySegment createEvent() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            check("cuEventCreate", cuEventCreate, v, 0);
            return v.get(ADDRESS, 0);
        }
    }

    public void record(MemorySegment event, MemorySegment stream) {
        check("cuEventRecord", cuEventRecord, event, stream);
    }

    /** Milliseconds between two recorded events (waits for the second). */
    public float elapsedMillis(MemorySegment start, MemorySegment end) {
        check("cuEventSynchronize", cuEventSynchronize, end);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_FLOAT);
            check("cuEventElapsedTime", cuEventElapsedTime, v, start, end);
            return v.get(JAVA_FLOAT, 0);
        }
    }

    /** Waits for the work recorded before {@code event}. */
    public void synchronizeEvent(MemorySegment event) {
        check("cuEventSynchronize", cuEventSynchronize, event);
    }

    public void destroyEvent(MemorySegment event) {
        check("cuEventDestroy", cuEventDestroy, event);
    }
}
