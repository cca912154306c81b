package io.blueshift.bench.kernels;

import io.blueshift.bench.probe.BandwidthProbe;
import io.blueshift.hwprofiles.HardwareProfile;
import io.blueshift.kernels.KernelProvider;
import io.blueshift.kernels.Kernels;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * A quick kernel report without JMH forks, for {@code blueshift bench kernels}: the read
 * bandwidth probe (one core and all cores), then each kernel on out-of-cache data with each available provider, as
 * GB/s of input read and as a share of the probe. Warm-up passes (at least 1 s), then the
 * median of timed passes; about 15-30 s in all. Figures from JMH ({@link FilterKernelBenchmark},
 * {@link SumKernelBenchmark}) are the ones to quote; this one is for a quick look.
 */
public final class KernelReport {
    static final int WARMUP = 3;
    /** Warm-up also lasts at least this long, so C2 has compiled the kernel loop, not just OSR'd it. */
    static final long WARMUP_NANOS = 1_000_000_000L;
    static final int REPETITIONS = 7;

    /** One measured line; {@code percentOfProbe} is {@code gbs} over the one-core probe's GB/s; NaN rows/s where rows mean nothing. */
    public record Row(String name, String provider, double gbs, double percentOfProbe, double mrowsPerSec) {
        public Row(String name, String provider, double gbs, double percentOfProbe) {
            this(name, provider, gbs, percentOfProbe, Double.NaN);
        }
    }

    private KernelReport() { }

    public static List<Row> run(PrintStream progress) {
        List<Row> rows = new ArrayList<>();
        HardwareProfile profile = HardwareProfile.detect();
        progress.printf("cpu: %s, %d cores, L3 %d MiB%n", profile.cpuModel(), profile.effectiveCores(),
                profile.l3Bytes() >> 20);
        long probeBytes = BandwidthProbe.defaultBytes(profile);
        progress.printf("probe: summing %d MiB of INT64 ...%n", probeBytes >> 20);
        BandwidthProbe.Result probe = BandwidthProbe.measure(probeBytes, 5);
        double ceiling = probe.gbs();
        rows.add(new Row("read bandwidth (probe, max of loops)", "-", ceiling, 100));
        rows.add(new Row("read bandwidth (probe, plain loop)", "scalar", probe.scalarGBs(), 100 * probe.scalarGBs() / ceiling));
        if (probe.vectorGBs() > 0) {
            rows.add(new Row("read bandwidth (probe, LongVector)", "simd", probe.vectorGBs(), 100 * probe.vectorGBs() / ceiling));
        }
        int cores = Math.max(1, profile.effectiveCores());
        progress.printf("probe: summing %d MiB of INT64 on %d threads ...%n", probeBytes >> 20, cores);
        double allCores = allCoreGBs(probeBytes, cores);
        rows.add(new Row("read bandwidth (probe, all " + cores + " cores)", "-", allCores, 100 * allCores / ceiling));

        List<KernelProvider> providers = new ArrayList<>();
        providers.add(Kernels.scalar());
        Optional<KernelProvider> simd = Kernels.vectorized();
        simd.ifPresentOrElse(providers::add, () -> progress.println("simd provider unavailable: scalar only"));

        int batch = KernelWorkloads.BATCH_ROWS;
        try (Arena arena = Arena.ofConfined()) {
            progress.printf("filter: generating %d INT32 rows ...%n", KernelWorkloads.FILTER_ROWS);
            MemorySegment ints = KernelWorkloads.int32Column(arena, KernelWorkloads.FILTER_ROWS, 42);
            MemorySegment out = KernelWorkloads.selection(arena, batch);
            for (int percent : new int[] {50, 2}) {
                int constant = KernelWorkloads.lessThanConstant(percent);
                for (KernelProvider p : providers) {
                    progress.printf("filter int32 < c (%d%%), %s ...%n", percent, p.name());
                    double gbs = medianGBs(ints.byteSize(), () -> KernelWorkloads.filterLessThan(
                            p.filter(), ints, KernelWorkloads.FILTER_ROWS, batch, constant, out));
                    rows.add(new Row("filter int32 < c (" + percent + "% pass)", p.name(), gbs, 100 * gbs / ceiling,
                            gbs * 1e3 / Integer.BYTES));
                }
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            progress.printf("sum: generating %d INT64 rows ...%n", KernelWorkloads.SUM_ROWS);
            MemorySegment longs = KernelWorkloads.int64Column(arena, KernelWorkloads.SUM_ROWS, 7);
            for (KernelProvider p : providers) {
                progress.printf("sum int64, %s ...%n", p.name());
                double gbs = medianGBs(longs.byteSize(), () -> KernelWorkloads.sum(
                        p.aggregate(), longs, KernelWorkloads.SUM_ROWS, batch));
                rows.add(new Row("scan: sum int64 (no nulls)", p.name(), gbs, 100 * gbs / ceiling, gbs * 1e3 / Long.BYTES));
            }
            MemorySegment hashes = arena.allocate((long) batch * Long.BYTES, 64);
            for (KernelProvider p : providers) {
                progress.printf("hash int64, %s ...%n", p.name());
                double gbs = medianGBs(longs.byteSize(), () -> KernelWorkloads.hash(p.hash(), longs, KernelWorkloads.SUM_ROWS, batch, hashes));
                rows.add(new Row("hash int64", p.name(), gbs, 100 * gbs / ceiling, gbs * 1e3 / Long.BYTES));
            }
            int keys = KernelWorkloads.VALUE_BOUND / 2;
            for (KernelProvider p : providers) {
                progress.printf("probe: hash + lookup in a %d-key table, %s ...%n", keys, p.name());
                long[] table = KernelWorkloads.probeTable(p.hash(), keys);
                double gbs = medianGBs(longs.byteSize(), () -> KernelWorkloads.probe(p.hash(), table, longs, KernelWorkloads.SUM_ROWS, batch, hashes));
                rows.add(new Row("probe int64 (" + (table.length * 8L >> 20) + " MiB table, 50% hit)", p.name(), gbs,
                        100 * gbs / ceiling, gbs * 1e3 / Long.BYTES));
            }
        }
        return rows;
    }

    /** The rows as an aligned text table, one line each, with a header. */
    public static String format(List<Row> rows) {
        int nameWidth = "kernel".length();
        int providerWidth = "provider".length();
        for (Row r : rows) {
            nameWidth = Math.max(nameWidth, r.name().length());
            providerWidth = Math.max(providerWidth, r.provider().length());
        }
        String line = "%-" + nameWidth + "s  %-" + providerWidth + "s  %8s  %8s  %8s%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, line, "kernel", "provider", "GB/s", "Mrows/s", "% probe"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, line, r.name(), r.provider(),
                    String.format(Locale.ROOT, "%.1f", r.gbs()),
                    Double.isFinite(r.mrowsPerSec()) ? String.format(Locale.ROOT, "%.0f", r.mrowsPerSec()) : "-",
                    String.format(Locale.ROOT, "%.0f%%", r.percentOfProbe())));
        }
        return sb.toString();
    }

    public static void print(List<Row> rows, PrintStream out) {
        out.print(format(rows));
    }

    /** Each thread sums its own slice of one buffer; GB/s of the whole buffer, median of passes. */
    private static double allCoreGBs(long bytes, int threads) {
        long slice = (bytes / 8 / threads) * 8;
        try (Arena arena = Arena.ofShared();
             java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
            MemorySegment data = arena.allocate(slice * threads, 64);
            for (long i = 0; i < slice * threads / 8; i++) {
                data.setAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, i, i);
            }
            boolean vector = BandwidthProbe.vectorApiPresent();
            return medianGBs(slice * threads, () -> {
                List<java.util.concurrent.Future<Long>> parts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    MemorySegment part = data.asSlice(t * slice, slice);
                    parts.add(pool.submit(() -> vector ? BandwidthProbe.sumVector(part, slice / 8) : BandwidthProbe.sumScalar(part, slice / 8)));
                }
                long s = 0;
                for (var f : parts) {
                    try {
                        s += f.get();
                    } catch (Exception e) {
                        throw new IllegalStateException("bandwidth thread failed", e);
                    }
                }
                return s;
            });
        }
    }

    /** Median GB/s over {@link #REPETITIONS} timed passes after the warm-up; every pass must agree. */
    private static double medianGBs(long bytes, LongSupplier pass) {
        long expected = 0;
        long warmStart = System.nanoTime();
        for (int i = 0; i < WARMUP || System.nanoTime() - warmStart < WARMUP_NANOS; i++) expected = pass.getAsLong();
        double[] gbs = new double[REPETITIONS];
        for (int r = 0; r < REPETITIONS; r++) {
            long start = System.nanoTime();
            long got = pass.getAsLong();
            long nanos = System.nanoTime() - start;
            if (got != expected) throw new IllegalStateException("kernel result changed between passes: " + got + " vs " + expected);
            gbs[r] = (double) bytes / nanos;
        }
        Arrays.sort(gbs);
        return gbs[REPETITIONS / 2];
    }
}
