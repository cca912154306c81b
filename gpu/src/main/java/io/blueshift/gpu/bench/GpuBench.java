package io.blueshift.gpu.bench;

import io.blueshift.gpu.Accelerator;
import io.blueshift.gpu.Accelerators;
import io.blueshift.gpu.DeviceBuffer;
import io.blueshift.gpu.DeviceColumn;
import io.blueshift.gpu.DeviceColumns;
import io.blueshift.gpu.DeviceHashTable;
import io.blueshift.gpu.DevicePredicate;
import io.blueshift.gpu.Discovery;
import io.blueshift.gpu.cuda.CudaAccelerator;
import io.blueshift.kernels.CompareOp;
import io.blueshift.kernels.KernelProvider;
import io.blueshift.kernels.Kernels;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * {@code blueshift bench gpu}: filter scan and hash join on the CPU and on the device at
 * growing sizes. The CPU side is our kernels on every thread (the filter: the SIMD compare into
 * a selection; the join: an open-addressing table built and probed in Java, the same layout the
 * device uses). The device side is timed twice: on device-resident data, and with the
 * transfers counted (columns over, selections or pairs back). Best of {@code runs}. Without a
 * device only the CPU side runs.
 */
public final class GpuBench {
    public record Row(String op, long rows, double cpuMs, double gpuMs, double gpuWithTransferMs, String note, String after) {
        Row(String op, long rows, double cpuMs, double gpuMs, double gpuWithTransferMs, String note) {
            this(op, rows, cpuMs, gpuMs, gpuWithTransferMs, note, "");
        }
    }

    private GpuBench() { }

    public static void main(String[] args) {
        long maxRows = 64L << 20;
        int runs = 3;
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--max-rows" -> maxRows = parseRows(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--max-rows N, --runs N, --threads N)");
            }
        }
        System.exit(run(maxRows, runs, threads, System.out, System.err));
    }

    public static long parseRows(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long mult = 1;
        if (t.endsWith("k")) { mult = 1_000; t = t.substring(0, t.length() - 1); }
        else if (t.endsWith("m")) { mult = 1_000_000; t = t.substring(0, t.length() - 1); }
        else if (t.endsWith("b") || t.endsWith("g")) { mult = 1_000_000_000; t = t.substring(0, t.length() - 1); }
        return (long) (Double.parseDouble(t) * mult);
    }

    /** Runs and prints the table; returns the exit status. The CPU side stops at 256M rows. */
    public static int run(long maxRows, int runs, int threads, PrintStream out, PrintStream err) {
        return run(maxRows, runs, threads, 256_000_000L, out, err);
    }

    /**
     * Runs and prints the table; returns the exit status. Sizes grow 4x from 1M, and
     * {@code maxRows} itself is the last point. Above {@code cpuMaxRows} only the device side
     * runs (the CPU join alone would take minutes a point).
     */
    public static int run(long maxRows, int runs, int threads, long cpuMaxRows, PrintStream out, PrintStream err) {
        if (maxRows < 1_000_000) throw new IllegalArgumentException("--max-rows must be at least 1M, got " + maxRows);
        if (maxRows > Integer.MAX_VALUE) {
            err.println("bench gpu: --max-rows capped at 2^31-1 (one column per device buffer)");
            maxRows = Integer.MAX_VALUE;
        }
        Discovery d = Accelerators.get();
        Accelerator acc = d.accelerator().orElse(null);
        KernelProvider kernels = Kernels.provider();
        err.println("bench gpu: CPU " + threads + " thread(s), kernels " + kernels.name() + "; device: "
                + (acc == null ? "none (" + d.reason() + ")" : acc.device().name() + " [" + acc.backend() + "]"));
        List<Long> sizes = new ArrayList<>();
        for (long n = 1_000_000; n <= maxRows; n *= 4) sizes.add(n);
        if (sizes.getLast() < maxRows) sizes.add(maxRows);
        List<Row> rows = new ArrayList<>();
        Double copyGBs = null;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (MemoryPool mem = MemoryPool.unbounded("bench gpu")) {
            if (acc != null) {
                out.println("device: " + acc.device());
                if (acc instanceof CudaAccelerator cuda) {
                    out.println("kernels: " + cuda.kernelSource());
                    copyGBs = cuda.measureDeviceCopyGBs(1L << 30, mem);
                    out.printf(Locale.ROOT, "device memory: %.0f GB/s from clock and bus width; a 1 GiB device-to-device copy moves "
                            + "%.0f GB/s (read + write); host-to-device link (pinned) %.1f GB/s%n",
                            acc.device().memoryGBs(), copyGBs, acc.device().pcieGBs());
                }
            }
            for (long n : sizes) {
                boolean cpu = n <= cpuMaxRows;
                err.printf(Locale.ROOT, "bench gpu: %,d rows%s...%n", n, cpu ? "" : " (device only)");
                rows.add(filter((int) n, runs, threads, cpu, kernels, acc, mem, pool));
                rows.add(join((int) n, runs, threads, cpu, acc, mem, pool));
            }
        } finally {
            pool.shutdownNow();
        }
        print(rows, acc == null ? null : acc.device().memoryGBs(), copyGBs, out);
        if (acc == null) {
            out.println("GPU side needs a device: " + d.reason());
        }
        return 0;
    }

    /**
     * Build row {@code i}'s join key: distinct (mix is a bijection) and spread like random keys.
     * Until session 21 the keys were 7i + 3, which the tables' multiplicative hash spreads
     * unusually evenly at most sizes (2.25 slots visited a probe, against 4.24 for random keys at
     * the same load) and like random keys at 2^21 and 2^27 slots: the probe rate dipped there.
     */
    static long buildKey(long i) {
        return mix(i + 0x632BE59BD9B4E019L);
    }

    /** A well-mixed 64-bit value of {@code i} (data generation in parallel, the same at any thread count). */
    static long mix(long i) {
        long z = (i + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static Row filter(int n, int runs, int threads, boolean cpuSide, KernelProvider kernels, Accelerator acc, MemoryPool mem,
                      ExecutorService pool) {
        try (ColumnVector col = ColumnVector.allocate(mem, DataType.INT32, n, false, "bench column");
             ColumnVector sel = ColumnVector.allocate(mem, DataType.INT32, n, false, "bench selection")) {
            MemorySegment data = col.data();
            IntStream.range(0, (n + 65535) >>> 16).parallel().forEach(c -> {
                for (int i = c << 16, end = Math.min(n, i + 65536); i < end; i++) {
                    data.setAtIndex(ValueLayout.JAVA_INT, i, (int) Long.remainderUnsigned(mix(i), 1000));
                }
            });
            int chunk = 1 << 16;
            int chunks = (n + chunk - 1) / chunk;
            double cpu = !cpuSide ? -1 : best(runs, () -> {
                List<Future<Integer>> parts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int first = t;
                    parts.add(pool.submit(() -> {
                        int kept = 0;
                        for (int c = first; c < chunks; c += threads) {
                            int from = c * chunk;
                            int len = Math.min(chunk, n - from);
                            kept += kernels.filter().compareInt32(CompareOp.LT, col.data().asSlice(from * 4L, len * 4L), null, len, 100,
                                    sel.data().asSlice(from * 4L, len * 4L));
                        }
                        return kept;
                    }));
                }
                for (Future<Integer> f : parts) f.get();
            });
            if (acc == null) return new Row("filter scan (x < 100, 10%)", n, cpu, -1, -1, "");
            DevicePredicate p = new DevicePredicate(List.of(DevicePredicate.Compare.ofLong(0, CompareOp.LT, 100)));
            try (DeviceColumn dc = DeviceColumns.upload(acc, col, n, mem, "bench column");
                 DeviceBuffer ds = acc.allocate(n * 4L, mem, "bench selection")) {
                int expected = 0;
                for (int i = 0; i < n; i++) if (data.getAtIndex(ValueLayout.JAVA_INT, i) < 100) expected++;
                int kept = acc.filter(List.of(dc), p, n, ds, mem);
                if (kept != expected) {
                    throw new IllegalStateException("device filter kept " + kept + " rows, the CPU " + expected);
                }
                double resident = best(runs, () -> acc.filter(List.of(dc), p, n, ds, mem));
                String otherMode = "";
                if (acc instanceof CudaAccelerator cuda) { // the other filter mode, for comparison
                    boolean mode = cuda.onePassFilter();
                    cuda.onePassFilter(!mode);
                    try {
                        int k3 = acc.filter(List.of(dc), p, n, ds, mem);
                        if (k3 != expected) throw new IllegalStateException("other filter mode kept " + k3 + ", the CPU " + expected);
                        otherMode = String.format(Locale.ROOT, "; %s filter %.2f ms", mode ? "three-step" : "one-pass",
                                best(runs, () -> acc.filter(List.of(dc), p, n, ds, mem)));
                    } finally {
                        cuda.onePassFilter(mode);
                    }
                }
                double moved = best(runs, () -> {
                    try (DeviceColumn up = DeviceColumns.upload(acc, col, n, mem, "bench column")) {
                        int k = acc.filter(List.of(up), p, n, ds, mem);
                        acc.copyToHost(ds, 0, sel.data().asSlice(0, k * 4L));
                    }
                });
                double gbs = n * 4.0 / (resident * 1e6);
                return new Row("filter scan (x < 100, 10%)", n, cpu, resident, moved, String.format(Locale.ROOT, "%.0f GB/s on device", gbs),
                        otherMode);
            }
        }
    }

    static Row join(int n, int runs, int threads, boolean cpuSide, Accelerator acc, MemoryPool mem, ExecutorService pool) {
        int buildRows = Math.max(1, n / 4);
        try (ColumnVector bv = ColumnVector.allocate(mem, DataType.INT64, buildRows, false, "bench build keys");
             ColumnVector pv = ColumnVector.allocate(mem, DataType.INT64, n, false, "bench probe keys")) {
            MemorySegment b = bv.data();
            MemorySegment pk = pv.data();
            IntStream.range(0, (n + 65535) >>> 16).parallel().forEach(c -> {
                for (int i = c << 16, end = Math.min(n, i + 65536); i < end; i++) {
                    if (i < buildRows) b.setAtIndex(ValueLayout.JAVA_LONG, i, buildKey(i));
                    pk.setAtIndex(ValueLayout.JAVA_LONG, i, buildKey(Long.remainderUnsigned(mix(i), buildRows)));
                }
            });
            double cpu = -1;
            if (cpuSide) {
                long[] build = b.toArray(ValueLayout.JAVA_LONG);
                long[] probe = pk.toArray(ValueLayout.JAVA_LONG);
                cpu = best(runs, () -> cpuJoin(build, probe, threads, pool));
            }
            if (acc == null) return new Row("hash join (build n/4, all match)", n, cpu, -1, -1, "");
            try (DeviceColumn bk = DeviceColumns.upload(acc, bv, buildRows, mem, "bench build keys");
                 DeviceColumn dk = DeviceColumns.upload(acc, pv, n, mem, "bench probe keys");
                 DeviceBuffer pr = acc.allocate(n * 4L, mem, "bench probe rows");
                 DeviceBuffer br = acc.allocate(n * 4L, mem, "bench build rows")) {
                try (DeviceHashTable t = acc.buildHashTable(bk, buildRows, mem)) {
                    long k = acc.probe(t, dk, n, pr, br, n, mem);
                    if (k != n) throw new IllegalStateException("device join found " + k + " pairs, expected " + n);
                }
                double resident = best(runs, () -> {
                    try (DeviceHashTable t = acc.buildHashTable(bk, buildRows, mem)) {
                        acc.probe(t, dk, n, pr, br, n, mem);
                    }
                });
                double probeOnly;
                try (DeviceHashTable t = acc.buildHashTable(bk, buildRows, mem)) {
                    probeOnly = best(runs, () -> acc.probe(t, dk, n, pr, br, n, mem));
                }
                try (ColumnVector pairs = ColumnVector.allocate(mem, DataType.INT32, n, false, "bench pairs")) {
                    double moved = best(runs, () -> {
                        try (DeviceColumn b2 = DeviceColumns.upload(acc, bv, buildRows, mem, "bench build keys");
                             DeviceColumn p2 = DeviceColumns.upload(acc, pv, n, mem, "bench probe keys");
                             DeviceHashTable t = acc.buildHashTable(b2, buildRows, mem)) {
                            long k = acc.probe(t, p2, n, pr, br, n, mem);
                            acc.copyToHost(pr, 0, pairs.data().asSlice(0, k * 4));
                            acc.copyToHost(br, 0, pairs.data().asSlice(0, k * 4));
                        }
                    });
                    return new Row("hash join (build n/4, all match)", n, cpu, resident, moved,
                            String.format(Locale.ROOT, "%.2f G probe rows/s with the build, %.2f G/s probe alone (%.2f ms)",
                                    n / (resident * 1e6), n / (probeOnly * 1e6), probeOnly));
                }
            }
        }
    }

    /** Open addressing like the device's table: slots of key and build row, linear probing. */
    static long cpuJoin(long[] build, long[] probe, int threads, ExecutorService pool) throws Exception {
        int bits = 64 - Long.numberOfLeadingZeros(Math.max(1024, build.length * 2L) - 1);
        int cap = 1 << bits;
        long[] keys = new long[cap];
        int[] rows = new int[cap];
        Arrays.fill(rows, -1);
        for (int i = 0; i < build.length; i++) {
            int s = (int) ((build[i] * 0x9E3779B97F4A7C15L) >>> (64 - bits));
            while (rows[s] != -1) s = (s + 1) & (cap - 1);
            rows[s] = i;
            keys[s] = build[i];
        }
        List<Future<Long>> parts = new ArrayList<>();
        int per = (probe.length + threads - 1) / threads;
        for (int t = 0; t < threads; t++) {
            int from = t * per;
            int to = Math.min(probe.length, from + per);
            parts.add(pool.submit(() -> {
                long sum = 0;
                for (int i = from; i < to; i++) {
                    long k = probe[i];
                    int s = (int) ((k * 0x9E3779B97F4A7C15L) >>> (64 - bits));
                    int r;
                    while ((r = rows[s]) != -1) {
                        if (keys[s] == k) sum += r;
                        s = (s + 1) & (cap - 1);
                    }
                }
                return sum;
            }));
        }
        long total = 0;
        for (Future<Long> f : parts) total += f.get();
        return total;
    }

    interface Work {
        void run() throws Exception;
    }

    static double best(int runs, Work w) {
        double best = Double.MAX_VALUE;
        try {
            long warm = System.nanoTime(); // warm-up: the JIT compiles the loops on the first points
            for (int i = 0; i < 200 && (i < 1 || System.nanoTime() - warm < 1_000_000_000L); i++) {
                w.run();
            }
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                w.run();
                best = Math.min(best, (System.nanoTime() - t0) / 1e6);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return best;
    }

    static void print(List<Row> rows, Double deviceGBs, Double copyGBs, PrintStream out) {
        out.printf(Locale.ROOT, "%-34s %14s %10s %12s %16s %9s  %s%n", "operation", "rows", "cpu ms", "gpu ms", "gpu+transfer ms",
                "speedup", "note");
        for (Row r : rows) {
            String cpu = r.cpuMs() < 0 ? "-" : String.format(Locale.ROOT, "%.2f", r.cpuMs());
            String gpu = r.gpuMs() < 0 ? "needs device" : String.format(Locale.ROOT, "%.2f", r.gpuMs());
            String moved = r.gpuWithTransferMs() < 0 ? "needs device" : String.format(Locale.ROOT, "%.2f", r.gpuWithTransferMs());
            String speed = r.gpuMs() < 0 || r.cpuMs() < 0 ? "-" : String.format(Locale.ROOT, "%.1fx", r.cpuMs() / r.gpuMs());
            String note = r.note();
            if (deviceGBs != null && deviceGBs > 0 && r.op().startsWith("filter") && r.gpuMs() > 0) {
                double gbs = r.rows() * 4.0 / (r.gpuMs() * 1e6);
                note += String.format(Locale.ROOT, " (%.0f%% of %.0f GB/s", 100 * gbs / deviceGBs, deviceGBs);
                if (copyGBs != null && copyGBs > 0) {
                    note += String.format(Locale.ROOT, ", %.0f%% of the copy's %.0f GB/s", 100 * gbs / copyGBs, copyGBs);
                }
                note += ")";
            }
            note += r.after();
            out.printf(Locale.ROOT, "%-34s %,14d %10s %12s %16s %9s  %s%n", r.op(), r.rows(), cpu, gpu, moved, speed, note);
        }
    }
}
