package io.blueshift.gpu;

import io.blueshift.hwprofiles.GpuDetector;

import java.util.Objects;

/**
 * One device as its driver describes it. Bandwidths are in GB/s (10^9 bytes per second),
 * {@code -1} where unknown; {@link #simulated} builds one by hand for the cost model's tests.
 */
public record DeviceInfo(int ordinal, String name, long memoryBytes, int multiprocessors, int computeMajor,
                         int computeMinor, double pcieGBs, double memoryGBs) {
    public DeviceInfo {
        Objects.requireNonNull(name, "name is null");
    }

    /** A described device that need not exist (cost model tests, what-if EXPLAIN). */
    public static DeviceInfo simulated(String name, long memoryBytes, int multiprocessors, double pcieGBs, double memoryGBs) {
        return new DeviceInfo(0, name, memoryBytes, multiprocessors, 9, 0, pcieGBs, memoryGBs);
    }

    public DeviceInfo withPcieGBs(double gbs) {
        return new DeviceInfo(ordinal, name, memoryBytes, multiprocessors, computeMajor, computeMinor, gbs, memoryGBs);
    }

    public String computeCapability() {
        return computeMajor + "." + computeMinor;
    }

    public GpuDetector.Device toDetectorDevice() {
        return new GpuDetector.Device(name, memoryBytes, multiprocessors, computeCapability(), pcieGBs, memoryGBs);
    }
}
