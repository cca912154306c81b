package io.blueshift.gpu.cuda;

import io.blueshift.gpu.Accelerator;
import io.blueshift.gpu.AcceleratorContract;
import io.blueshift.gpu.Discovery;
import io.blueshift.memory.MemoryPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The CUDA backend against plain loops, on a real device; skipped (with the reason) without one. */
@Tag("gpu")
class CudaAcceleratorTest {
    static Discovery discovery;
    MemoryPool pool;

    @BeforeAll
    static void find() {
        discovery = new CudaProvider().open();
        if (discovery.available()) {
            var d = discovery.accelerator().get().device();
            System.err.println("CUDA device: " + d + "; kernels: " + ((CudaAccelerator) discovery.accelerator().get()).kernelSource());
        }
    }

    @AfterAll
    static void release() {
        discovery.accelerator().ifPresent(Accelerator::close);
    }

    @BeforeEach
    void open() {
        assumeTrue(discovery.available(), () -> "no CUDA device: " + discovery.reason());
        pool = MemoryPool.unbounded("cuda");
    }

    @AfterEach
    void close() {
        if (pool != null) pool.close();
    }

    Accelerator acc() { return discovery.accelerator().get(); }

    @Test
    void describesTheDevice() {
        var d = acc().device();
        assertTrue(d.memoryBytes() > 0 && d.multiprocessors() > 0 && d.computeMajor() > 0, d.toString());
    }

    @Test
    void filter() { AcceleratorContract.filterMatchesLoops(acc(), pool, 21); }

    @Test
    void join() { AcceleratorContract.joinMatchesLoops(acc(), pool, 22); }

    @Test
    void aggregate() { AcceleratorContract.aggregateMatchesLoops(acc(), pool, 23); }

    @Test
    void memory() { AcceleratorContract.deviceMemoryIsAccounted(acc(), pool); }

    @Test
    void outOfDeviceMemoryIsNamed() {
        long tooMuch = acc().device().memoryBytes() * 4;
        CudaException e = assertThrows(CudaException.class, () -> acc().allocate(tooMuch, pool, "too much"));
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", e.errorName());
        assertEquals(0, pool.reserved(), "a refused allocation holds nothing");
    }
}
