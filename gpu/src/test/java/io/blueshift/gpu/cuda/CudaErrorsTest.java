package io.blueshift.gpu.cuda;

import io.blueshift.gpu.Accelerators;
import io.blueshift.gpu.Discovery;
import io.blueshift.gpu.GpuDetection;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Error names, and a missing library reported as a reason instead of a crash or a linkage error. */
class CudaErrorsTest {

    @Test
    void namesTheDriversErrors() {
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", CudaErrors.name(2));
        assertEquals("CUDA_ERROR_NO_DEVICE", CudaErrors.name(100));
        assertEquals("CUDA_ERROR_ILLEGAL_ADDRESS", CudaErrors.name(700));
        assertEquals("CUDA_ERROR_12345", CudaErrors.name(12345));
        assertEquals("NVRTC_ERROR_COMPILATION", CudaErrors.nvrtcName(6));
    }

    @Test
    void exceptionCarriesFunctionNameAndCode() {
        CudaException e = new CudaException("cuMemAlloc", 2, CudaErrors.name(2));
        assertEquals("cuMemAlloc failed: CUDA_ERROR_OUT_OF_MEMORY (2)", e.getMessage());
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", e.errorName());
        assertEquals(2, e.code());
        assertEquals("cuMemAlloc", e.function());
        CudaException log = new CudaException("nvrtcCompileProgram", 6, CudaErrors.nvrtcName(6), "line 3: error");
        assertTrue(log.getMessage().endsWith("NVRTC_ERROR_COMPILATION (6): line 3: error"), log.getMessage());
    }

    @Test
    void absentLibraryIsAReasonNotACrash() {
        String old = System.getProperty("blueshift.gpu.libcuda");
        System.setProperty("blueshift.gpu.libcuda", "/nonexistent/libcuda.so.1");
        try {
            var e = assertThrows(NativeLibrary.Unavailable.class, CudaDriver::load);
            assertTrue(e.getMessage().contains("cannot load /nonexistent/libcuda.so.1"), e.getMessage());
            Discovery d = new CudaProvider().open();
            assertFalse(d.available());
            assertTrue(d.reason().contains("/nonexistent/libcuda.so.1"), d.reason());
            var report = new GpuDetection().detect();
            assertFalse(report.found());
            assertEquals("none (" + d.reason() + ")", report.summary());
        } finally {
            if (old == null) System.clearProperty("blueshift.gpu.libcuda"); else System.setProperty("blueshift.gpu.libcuda", old);
        }
    }

    @Test
    void absentNvrtcIsAReason() {
        String old = System.getProperty("blueshift.gpu.libnvrtc");
        System.setProperty("blueshift.gpu.libnvrtc", "/nonexistent/libnvrtc.so");
        try {
            var e = assertThrows(NativeLibrary.Unavailable.class, Nvrtc::load);
            assertTrue(e.getMessage().contains("/nonexistent/libnvrtc.so"), e.getMessage());
        } finally {
            if (old == null) System.clearProperty("blueshift.gpu.libnvrtc"); else System.setProperty("blueshift.gpu.libnvrtc", old);
        }
    }

    @Test
    void nvrtcIsLookedForUnderEveryName() {
        var c = Nvrtc.candidates();
        assertTrue(c.containsAll(java.util.List.of("libnvrtc.so", "libnvrtc.so.12", "libnvrtc.so.13")), c.toString());
    }

    @Test
    void unknownBackendSaysWhichAreKnown() {
        Discovery d = Accelerators.discover("opencl");
        assertFalse(d.available());
        assertTrue(d.reason().contains("known: ") && d.reason().contains("cuda") && d.reason().contains("reference"), d.reason());
        assertTrue(Accelerators.discover("none").reason().contains("turned off"));
    }

    @Test
    void kernelSourceShipsWithEveryKernel() {
        String src = KernelImage.kernelSource();
        for (String k : CudaAccelerator.KERNELS) {
            assertTrue(src.contains("extern \"C\" __global__ void " + k + "("), k);
        }
    }

    /** Where an NVRTC is installed (no device needed), the shipped kernels compile with it, for Hopper. */
    @Test
    void kernelsCompileWhereNvrtcIsInstalled() {
        Nvrtc nvrtc;
        try {
            nvrtc = Nvrtc.load();
        } catch (NativeLibrary.Unavailable e) {
            org.junit.jupiter.api.Assumptions.abort("no NVRTC here: " + e.getMessage());
            return;
        }
        byte[] ptx = nvrtc.compile(KernelImage.kernelSource(), KernelImage.CU, java.util.List.of("--gpu-architecture=compute_90", "-default-device"));
        String text = new String(ptx, java.nio.charset.StandardCharsets.US_ASCII);
        for (String k : CudaAccelerator.KERNELS) {
            assertTrue(text.contains(".entry " + k + "("), k);
        }
    }
}
