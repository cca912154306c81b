package io.blueshift.api;

import io.blueshift.gpu.Accelerators;
import io.blueshift.gpu.offload.GpuMode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** The gpu session option on a machine without a device: a clear error for on, reasons in EXPLAIN for auto. */
class GpuOptionTest {
    static Options small() {
        return new Options(2, 1024, 1L << 30, 1L << 30);
    }

    @Test
    void defaultIsAuto() {
        assertEquals(GpuMode.AUTO, small().gpu());
        assertEquals(GpuMode.OFF, small().withGpu(GpuMode.OFF).withThreads(3).gpu());
        assertEquals("gpu must be on, off or auto, got 'maybe'",
                assertThrows(IllegalArgumentException.class, () -> GpuMode.parse("maybe")).getMessage());
    }

    @Test
    void gpuOnWithoutADeviceIsOneClearLine() {
        assumeFalse(Accelerators.get().available(), "this machine has a GPU");
        var e = assertThrows(IllegalArgumentException.class, () -> Blueshift.open(small().withGpu(GpuMode.ON)));
        assertTrue(e.getMessage().startsWith("gpu=on but no CUDA device: "), e.getMessage());
        assertTrue(e.getMessage().endsWith(Accelerators.get().reason()), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void explainSaysWhereFiltersAndJoinsRun() {
        assumeFalse(Accelerators.get().available(), "this machine has a GPU");
        try (Session s = Blueshift.open(small())) {
            s.loadTpch(0.01, null);
            String text = s.explain("SELECT count(*) FROM lineitem JOIN orders ON l_orderkey = o_orderkey WHERE l_quantity < 10");
            assertTrue(text.contains("HashJoin INNER") && text.contains("gpu: not used (no device ("), text);
            assertTrue(text.matches("(?s).*Filter l_quantity < 10.00\n.*"), text);
        }
        try (Session s = Blueshift.open(small().withGpu(GpuMode.OFF))) {
            s.loadTpch(0.01, null);
            assertTrue(s.explain("SELECT count(*) FROM lineitem WHERE l_quantity < 10").contains("gpu: not used (gpu=off)"));
        }
    }
}
