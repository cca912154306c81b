package io.blueshift.hwprofiles;

import java.util.List;
import java.util.Objects;

/**
 * What {@code blueshift profile calibrate} measured on one machine. GB/s are 10^9 bytes of
 * input per second; {@code -1} means not measured (e.g. the SIMD figures without the Vector
 * API). {@code batchRows} is the sweep's best point, the value {@link TuningParameters} then
 * uses; {@code ruleBatchRows} is what the L2 rule alone would have chosen, kept for comparison.
 */
public record Calibration(
        String date,
        String cpuModel,
        int threads,
        boolean quick,
        double seconds,
        double readGBsOneCore,
        double readGBsAllCores,
        double latencyNs,
        double filterScalarGBs,
        double filterSimdGBs,
        double hashScalarGBs,
        double hashSimdGBs,
        String sweepWorkload,
        List<SweepPoint> batchSweep,
        int batchRows,
        int ruleBatchRows) {

    /** One point of the batch-rows sweep: the median time of the workload at that size. */
    public record SweepPoint(int batchRows, double millis) { }

    public Calibration {
        Objects.requireNonNull(date, "date is null");
        Objects.requireNonNull(cpuModel, "cpuModel is null");
        Objects.requireNonNull(sweepWorkload, "sweepWorkload is null");
        batchSweep = List.copyOf(batchSweep);
    }

    /** Whether the filter kernel ran at least as fast on SIMD as scalar; empty when either is unmeasured. */
    public java.util.Optional<Boolean> simdFaster() {
        if (filterSimdGBs <= 0 || filterScalarGBs <= 0) return java.util.Optional.empty();
        return java.util.Optional.of(filterSimdGBs >= filterScalarGBs);
    }

    /** The sweep point at {@code rows}, if measured. */
    public java.util.Optional<SweepPoint> point(int rows) {
        return batchSweep.stream().filter(p -> p.batchRows() == rows).findFirst();
    }
}
