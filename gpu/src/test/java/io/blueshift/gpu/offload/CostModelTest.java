package io.blueshift.gpu.offload;

import io.blueshift.gpu.DeviceInfo;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The offload decision on described devices: no GPU needed. */
class CostModelTest {
    static final DeviceInfo H100 = DeviceInfo.simulated("H100 (described)", 80L << 30, 132, 50, 3350);
    static final DeviceInfo SLOW_LINK = DeviceInfo.simulated("old card on PCIe 3 x4", 8L << 30, 20, 3, 200);

    @Test
    void smallScansStayOnTheCpu() {
        var e = new CostModel(H100, 2).filterScan(10_000, 40_000, 0.1, 1, false);
        assertFalse(e.gpuWins(), e.phrase());
        assertTrue(e.phrase().startsWith("cpu: est "), e.phrase());
    }

    @Test
    void bigScansGoToTheDeviceWhenTheCpuIsNarrow() {
        long rows = 250_000_000;
        var e = new CostModel(H100, 2).filterScan(rows, rows * 4, 0.05, 250, false);
        assertTrue(e.gpuWins(), e.phrase());
        assertTrue(e.phrase().matches("gpu: est [0-9.]+ ms vs cpu [0-9.]+ ms"), e.phrase());
    }

    @Test
    void theTransferDecidesAgainstAWideCpu() {
        long rows = 250_000_000;
        var moved = new CostModel(H100, 64).filterScan(rows, rows * 4, 0.05, 100, false);
        assertFalse(moved.gpuWins(), moved.phrase());
        var resident = new CostModel(H100, 64).filterScan(rows, rows * 4, 0.05, 100, true);
        assertTrue(resident.gpuWins(), resident.phrase());
        assertTrue(resident.gpuMillis() < moved.gpuMillis());
    }

    @Test
    void aSlowLinkNeverPays() {
        long rows = 100_000_000;
        assertFalse(new CostModel(SLOW_LINK, 2).filterScan(rows, rows * 8, 0.5, 1500, false).gpuWins());
    }

    @Test
    void bigJoinsPayOnAFastDevice() {
        var small = new CostModel(H100, 8).hashJoin(1000, 10_000, 10_000, 1);
        assertFalse(small.gpuWins(), small.phrase());
        var big = new CostModel(H100, 2).hashJoin(10_000_000, 100_000_000, 100_000_000, 1500);
        assertTrue(big.gpuWins(), big.phrase());
        // materializing the probe side costs about what a wide CPU needs to probe it
        var wide = new CostModel(H100, 32).hashJoin(10_000_000, 100_000_000, 100_000_000, 1500);
        assertFalse(wide.gpuWins(), wide.phrase());
    }
}
