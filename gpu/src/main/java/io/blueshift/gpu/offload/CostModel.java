package io.blueshift.gpu.offload;

import io.blueshift.gpu.DeviceInfo;

import java.util.Locale;

/**
 * Estimates, in milliseconds, an operator on the CPU and on a device, from the device's
 * description and the CPU's thread count. The device pays for the transfer over the host link
 * (inputs over, results back) plus a fixed cost per kernel launch and synchronisation; the CPU
 * pays per byte scanned or per row hashed. Rates not known from the device fall back to the
 * constants below (conservative: a device that cannot be described is never assumed fast).
 *
 * <ul>
 *   <li>CPU filter scan: {@value #CPU_SCAN_GBS_PER_THREAD} GB/s per thread (SIMD filter on
 *       out-of-cache data, DESIGN.md), capped at {@value #CPU_SCAN_GBS_MAX} GB/s for memory.</li>
 *   <li>CPU hash join: {@value #CPU_BUILD_NS} ns per build row and {@value #CPU_PROBE_NS} ns per
 *       probe row per thread (cache-missing table accesses).</li>
 *   <li>Device: scans at 70% of its memory bandwidth, hashes {@value #DEVICE_BUILD_ROWS_PER_S}
 *       build and {@value #DEVICE_PROBE_ROWS_PER_S} probe rows per second, each morsel costs
 *       {@value #LAUNCH_MICROS} µs of launches and a synchronisation, the link runs at 80% of
 *       its rate; the device join also pays for materializing its probe side
 *       ({@value #PROBE_ROW_BYTES} bytes a row at {@value #HOST_COPY_GBS} GB/s).</li>
 * </ul>
 */
public record CostModel(DeviceInfo device, int cpuThreads) {
    static final double CPU_SCAN_GBS_PER_THREAD = 10;
    static final double CPU_SCAN_GBS_MAX = 80;
    static final double CPU_BUILD_NS = 20;
    static final double CPU_PROBE_NS = 10;
    static final double DEVICE_BUILD_ROWS_PER_S = 2e9;
    static final double DEVICE_PROBE_ROWS_PER_S = 4e9;
    static final double LAUNCH_MICROS = 40;
    static final double UNKNOWN_LINK_GBS = 12;
    static final double PROBE_ROW_BYTES = 16;
    static final double HOST_COPY_GBS = 5;
    static final double UNKNOWN_DEVICE_GBS = 300;

    public CostModel {
        if (cpuThreads < 1) throw new IllegalArgumentException("cpuThreads must be >= 1, got " + cpuThreads);
    }

    /** Both estimates, and which side wins. */
    public record Estimate(double gpuMillis, double cpuMillis) {
        public boolean gpuWins() {
            return gpuMillis < cpuMillis;
        }

        /** "gpu: est 3.1 ms vs cpu 9.8 ms" or "cpu: est 2.0 ms vs gpu 5.5 ms". */
        public String phrase() {
            return gpuWins()
                    ? String.format(Locale.ROOT, "gpu: est %.1f ms vs cpu %.1f ms", gpuMillis, cpuMillis)
                    : String.format(Locale.ROOT, "cpu: est %.1f ms vs gpu %.1f ms", cpuMillis, gpuMillis);
        }
    }

    double linkGBs() {
        return (device.pcieGBs() > 0 ? device.pcieGBs() : UNKNOWN_LINK_GBS) * 0.8;
    }

    double deviceGBs() {
        return (device.memoryGBs() > 0 ? device.memoryGBs() : UNKNOWN_DEVICE_GBS) * 0.7;
    }

    double cpuScanGBs() {
        return Math.min(CPU_SCAN_GBS_PER_THREAD * cpuThreads, CPU_SCAN_GBS_MAX);
    }

    /**
     * A filter over {@code rows} rows reading {@code predicateBytes} bytes of predicate columns,
     * keeping {@code selectivity} of them, in {@code morsels} pieces; {@code resident}: the
     * columns are on the device already (no transfer in).
     */
    public Estimate filterScan(long rows, long predicateBytes, double selectivity, int morsels, boolean resident) {
        return filterScan(rows, predicateBytes, selectivity, morsels, resident ? predicateBytes : 0);
    }

    /** As above, with {@code residentBytes} of the predicate columns on the device already (the rest goes over). */
    public Estimate filterScan(long rows, long predicateBytes, double selectivity, int morsels, long residentBytes) {
        double in = Math.max(0, predicateBytes - residentBytes) / linkGBs() / 1e6;
        double out = rows * selectivity * 4 / linkGBs() / 1e6;
        // the columns, then a bit mask written and read (a quarter byte a row) and the selection written
        double dev = (predicateBytes + rows * (0.25 + 4 * selectivity)) / deviceGBs() / 1e6;
        double launches = Math.max(1, morsels) * LAUNCH_MICROS / 1e3;
        double cpu = predicateBytes / cpuScanGBs() / 1e6;
        return new Estimate(in + out + dev + launches, cpu);
    }

    /** An equi-join on one 8-byte key: {@code matches} pairs come back. */
    public Estimate hashJoin(long buildRows, long probeRows, long matches, int morsels) {
        double transfer = (buildRows * 8.0 + probeRows * 8.0 + matches * 8.0) / linkGBs() / 1e6;
        double dev = buildRows / DEVICE_BUILD_ROWS_PER_S * 1e3 + probeRows / DEVICE_PROBE_ROWS_PER_S * 1e3;
        double launches = (2 + Math.max(1, morsels)) * LAUNCH_MICROS / 1e3;
        // the device join materializes its probe side first (the CPU join streams it)
        double materialize = probeRows * PROBE_ROW_BYTES / HOST_COPY_GBS / 1e6;
        double cpu = (buildRows * CPU_BUILD_NS + probeRows * CPU_PROBE_NS) / cpuThreads / 1e6;
        return new Estimate(transfer + dev + launches + materialize, cpu);
    }
}
