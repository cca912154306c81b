package io.blueshift.hwprofiles;

import java.util.List;
import java.util.Objects;

/**
 * What {@code blueshift profile calibrate} measured on one machine. GB/s are 10^9 bytes of
 * input per second; {@code -1} means not measured (e.g. the SIMD figures without the Vector
 * API). {@code batchRows} is the sweep's best point, the value {@link TuningParameters} then
 * uses; {@code ruleBatchRows} is what the L2 rule alone would have chosen, kept for comparison.
 * Likewise {@code hashPartitionBits} is the fastest point of the partition-bits sweep on a hash
 * join ({@code joinWorkload}), {@code -1} when not swept, and {@code ruleHashPartitionBits} the
 * L2 rule's value.
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
        int ruleBatchRows,
        String joinWorkload,
        List<PartitionPoint> partitionSweep,
        int hashPartitionBits,
        int ruleHashPartitionBits) {

    /** One point of the partition-bits sweep: the median time of the join with the context's bits at {@code bits}. */
    public record PartitionPoint(int bits, double millis) { }

    /** A calibration without the partition-bits sweep (profiles written before it existed). */
    public Calibration(String date, String cpuModel, int threads, boolean quick, double seconds, double readGBsOneCore,
                       double readGBsAllCores, double latencyNs, double filterScalarGBs, double filterSimdGBs,
                       double hashScalarGBs, double hashSimdGBs, String sweepWorkload, List<SweepPoint> batchSweep,
                       int batchRows, int ruleBatchRows) {
        this(date, cpuModel, threads, quick, seconds, readGBsOneCore, readGBsAllCores, latencyNs, filterScalarGBs,
                filterSimdGBs, hashScalarGBs, hashSimdGBs, sweepWorkload, batchSweep, batchRows, ruleBatchRows,
                "", List.of(), -1, -1);
    }

    /** One point of the batch-rows sweep: the median time of the workload at that size. */
    public record SweepPoint(int batchRows, double millis) { }

    public Calibration {
        Objects.requireNonNull(date, "date is null");
        Objects.requireNonNull(cpuModel, "cpuModel is null");
        Objects.requireNonNull(sweepWorkload, "sweepWorkload is null");
        Objects.requireNonNull(joinWorkload, "joinWorkload is null");
        batchSweep = List.copyOf(batchSweep);
        partitionSweep = List.copyOf(partitionSweep);
        if (hashPartitionBits < -1 || hashPartitionBits > 12) {
            throw new IllegalArgumentException("hashPartitionBits must be 0..12 or -1 (not swept), got " + hashPartitionBits);
        }
    }

    /** The partition-bits sweep point at {@code bits}, if measured. */
    public java.util.Optional<PartitionPoint> partitionPoint(int bits) {
        return partitionSweep.stream().filter(p -> p.bits() == bits).findFirst();
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
