package io.blueshift.bench.calibration;

import io.blueshift.bench.kernels.KernelWorkloads;
import io.blueshift.bench.probe.BandwidthProbe;
import io.blueshift.hwprofiles.Calibration;
import io.blueshift.hwprofiles.HardwareProfile;
import io.blueshift.hwprofiles.TuningParameters;
import io.blueshift.kernels.KernelProvider;
import io.blueshift.kernels.Kernels;
import io.blueshift.memory.MemoryPool;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;

/**
 * The measurements behind {@code blueshift profile calibrate}, each bounded in time so the
 * whole run stays under about 30 s (quick: under 10 s) on any machine we target:
 * read bandwidth on one core and on all, random-access latency, the filter and hash kernels
 * with each provider, a sweep of batch rows on a mixed scan, filter, join-probe and aggregation
 * pipeline ({@link BatchSweep}) that confirms or overrides the L2 rule's batch rows
 * ({@link TuningParameters#confirmBatchRows}), then a sweep of hash partition bits on a hash
 * join at those batch rows ({@link JoinSweep}).
 * Each step prints one progress line before it starts.
 */
public final class Calibrator {
    /** Sizes and repetitions for one run; {@link #QUICK} and {@link #FULL}. */
    public record Budget(String name, long bandwidthBytes, long chaseBytes, int chaseHops, long warmNanos, int passes,
                         int sweepRows, int sweepRounds, long sweepNanos, int joinBuildRows, boolean joinEveryOtherBit,
                         int joinRounds, long joinNanos) { }

    public static final Budget QUICK = new Budget("quick", 256L << 20, 128L << 20, 1 << 20, 150_000_000L, 3,
            128 << 10, 3, 3_000_000_000L, 128 << 10, true, 3, 3_000_000_000L);
    public static final Budget FULL = new Budget("full", 512L << 20, 256L << 20, 2 << 20, 400_000_000L, 5,
            2 << 20, 5, 10_000_000_000L, 512 << 10, false, 5, 9_000_000_000L);

    private final HardwareProfile hardware;
    private final Budget budget;
    private final PrintStream progress;
    private final long start = System.nanoTime();

    public Calibrator(HardwareProfile hardware, Budget budget, PrintStream progress) {
        this.hardware = hardware;
        this.budget = budget;
        this.progress = progress;
    }

    public Calibration run() {
        int threads = hardware.effectiveCores() > 0 ? hardware.effectiveCores() : Runtime.getRuntime().availableProcessors();
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        if (load > threads / 2.0) {
            progress.printf(Locale.ROOT, "warning: load average %.1f on %d cores: other work will skew these figures%n", load, threads);
        }
        double one, all;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment data = arena.allocate(budget.bandwidthBytes(), 64);
            data.fill((byte) 1);
            long count = data.byteSize() / 8;
            step("read bandwidth, 1 core, %d MiB", data.byteSize() >> 20);
            double scalar = medianGBs(data.byteSize(), () -> BandwidthProbe.sumScalar(data, count));
            double vector = BandwidthProbe.vectorApiPresent()
                    ? medianGBs(data.byteSize(), () -> BandwidthProbe.sumVector(data, count)) : -1;
            one = Math.max(scalar, vector);
            done("%.1f GB/s", one);
            step("read bandwidth, %d threads", threads);
            all = allCoreGBs(data, threads, vector > scalar);
            done("%.1f GB/s", all);
        }
        step("random-access latency, pointer chase over %d MiB", budget.chaseBytes() >> 20);
        double latency = PointerChase.nanosPerHop(budget.chaseBytes(), budget.chaseHops(), 42);
        done("%.0f ns per access", latency);

        KernelProvider scalarKernels = Kernels.scalar();
        Optional<KernelProvider> simd = Kernels.vectorized();
        double[] filter = {-1, -1}, hash = {-1, -1};
        try (Arena arena = Arena.ofConfined()) {
            int rows = (int) Math.min(16 << 20, budget.bandwidthBytes() / 8);
            MemorySegment ints = KernelWorkloads.int32Column(arena, rows, 42);
            MemorySegment longs = KernelWorkloads.int64Column(arena, rows, 7);
            int batch = KernelWorkloads.BATCH_ROWS;
            MemorySegment sel = KernelWorkloads.selection(arena, batch);
            MemorySegment hashes = arena.allocate((long) batch * Long.BYTES, 64);
            int constant = KernelWorkloads.lessThanConstant(50);
            List<KernelProvider> providers = new ArrayList<>(List.of(scalarKernels));
            simd.ifPresent(providers::add);
            for (int i = 0; i < providers.size(); i++) {
                KernelProvider p = providers.get(i);
                step("filter int32 < c (50%% pass), %s", p.name());
                filter[i] = medianGBs(ints.byteSize(), () -> KernelWorkloads.filterLessThan(p.filter(), ints, rows, batch, constant, sel));
                done("%.1f GB/s", filter[i]);
                step("hash int64 keys, %s", p.name());
                hash[i] = medianGBs(longs.byteSize(), () -> hashAll(p, longs, rows, batch, hashes));
                done("%.1f GB/s", hash[i]);
            }
            if (simd.isEmpty()) progress.println("  simd provider unavailable: scalar only");
        }

        int ruleRows = TuningParameters.ruleBatchRows(hardware.l2Bytes());
        BatchSweep sweep = new BatchSweep(budget.sweepRows(), threads, progress);
        List<Calibration.SweepPoint> points;
        try (MemoryPool pool = MemoryPool.root("calibration", Math.max(1L << 30, 256L * budget.sweepRows()))) {
            step("batch-rows sweep: %s, %d threads", BatchSweep.workload(budget.sweepRows()), threads);
            points = sweep.run(pool, Kernels.provider(), budget.sweepRounds(), budget.sweepNanos());
        }
        Calibration.SweepPoint fastest = points.stream().min((a, b) -> Double.compare(a.millis(), b.millis())).orElseThrow();
        int batchRows = TuningParameters.confirmBatchRows(points, ruleRows);
        done("fastest %d rows (%.1f ms); the L2 rule gives %d (%s); keeping %d (%s)", fastest.batchRows(), fastest.millis(),
                ruleRows, points.stream().filter(p -> p.batchRows() == ruleRows).findFirst()
                        .map(p -> String.format(Locale.ROOT, "%.1f ms", p.millis())).orElse("not swept"), batchRows,
                batchRows == ruleRows ? "rule confirmed: nothing more than " + TuningParameters.BATCH_OVERRIDE_PERCENT + "% faster"
                        : "more than " + TuningParameters.BATCH_OVERRIDE_PERCENT + "% faster than the rule");

        int ruleBits = TuningParameters.rulePartitionBits(hardware.l2Bytes());
        List<Integer> bits = JoinSweep.bits(budget.joinEveryOtherBit());
        List<Calibration.PartitionPoint> parts;
        try (MemoryPool pool = MemoryPool.root("calibration", Math.max(1L << 30, 256L * budget.joinBuildRows()))) {
            step("partition-bits sweep: %s, bits %s, %d batch rows, %d threads", JoinSweep.workload(budget.joinBuildRows()),
                    bits, batchRows, threads);
            parts = new JoinSweep(budget.joinBuildRows(), threads, batchRows, progress)
                    .run(pool, Kernels.provider(), bits, budget.joinRounds(), budget.joinNanos());
        }
        Calibration.PartitionPoint bestBits = fastest(parts, ruleBits);
        done("best %d bits (%.1f ms); the L2 rule gives %d", bestBits.bits(), bestBits.millis(), ruleBits);

        double seconds = (System.nanoTime() - start) / 1e9;
        return new Calibration(LocalDate.now().toString(), hardware.cpuModel(), threads, budget == QUICK, seconds,
                one, all, latency, filter[0], filter[1], hash[0], hash[1], BatchSweep.workload(budget.sweepRows()),
                points, batchRows, ruleRows,
                JoinSweep.workload(budget.joinBuildRows()), parts, bestBits.bits(), ruleBits);
    }

    /**
     * The fastest point; a tie (within 1%, below what these timings resolve) goes to the rule's
     * value when it is among the tied, else to the fewest bits (less partitioning work).
     */
    static Calibration.PartitionPoint fastest(List<Calibration.PartitionPoint> points, int ruleBits) {
        double min = points.stream().mapToDouble(Calibration.PartitionPoint::millis).min().orElseThrow();
        List<Calibration.PartitionPoint> tied = points.stream().filter(p -> p.millis() <= min * 1.01).toList();
        return tied.stream().filter(p -> p.bits() == ruleBits).findFirst().orElse(tied.getFirst());
    }

    private static long hashAll(KernelProvider p, MemorySegment data, int rows, int batch, MemorySegment out) {
        long x = 0;
        for (int s = 0; s < rows; s += batch) {
            int n = Math.min(batch, rows - s);
            p.hash().hashInt64(data.asSlice((long) s * 8, (long) n * 8), null, null, n, out);
            x ^= out.getAtIndex(ValueLayout.JAVA_LONG, n - 1);
        }
        return x;
    }

    /** Each thread sums its own slice; GB/s of the whole buffer per pass, median of passes. */
    private double allCoreGBs(MemorySegment data, int threads, boolean vector) {
        long slice = (data.byteSize() / 8 / threads) * 8;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            LongSupplier pass = () -> {
                List<Future<Long>> parts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    MemorySegment part = data.asSlice(t * slice, slice);
                    parts.add(pool.submit(() -> vector ? BandwidthProbe.sumVector(part, slice / 8)
                            : BandwidthProbe.sumScalar(part, slice / 8)));
                }
                long s = 0;
                for (Future<Long> f : parts) {
                    try {
                        s += f.get();
                    } catch (Exception e) {
                        throw new IllegalStateException("bandwidth thread failed", e);
                    }
                }
                return s;
            };
            return medianGBs(slice * threads, pass);
        }
    }

    /** Warm-up for the budget's time (at least one pass), then the median GB/s of its passes. */
    private double medianGBs(long bytes, LongSupplier pass) {
        long warmStart = System.nanoTime();
        long expected = pass.getAsLong();
        while (System.nanoTime() - warmStart < budget.warmNanos()) pass.getAsLong();
        double[] gbs = new double[budget.passes()];
        for (int r = 0; r < gbs.length; r++) {
            long t0 = System.nanoTime();
            long got = pass.getAsLong();
            long nanos = System.nanoTime() - t0;
            if (got != expected) throw new IllegalStateException("result changed between passes: " + got + " vs " + expected);
            gbs[r] = (double) bytes / nanos;
        }
        Arrays.sort(gbs);
        return gbs[gbs.length / 2];
    }

    private void step(String format, Object... args) {
        progress.printf(Locale.ROOT, "[%5.1fs] " + format + " ...%n",
                concat((System.nanoTime() - start) / 1e9, args));
    }

    private void done(String format, Object... args) {
        progress.printf(Locale.ROOT, "        " + format + "%n", args);
    }

    private static Object[] concat(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
