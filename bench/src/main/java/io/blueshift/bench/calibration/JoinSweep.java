package io.blueshift.bench.calibration;

import io.blueshift.hwprofiles.Calibration;
import io.blueshift.kernels.KernelProvider;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.plan.PlanBuilder;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.operators.plan.QueryExecutor;
import io.blueshift.storage.InMemoryTable;
import io.blueshift.storage.TableBuilder;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times a hash join shaped like TPC-H's lineitem probing orders ({@link #workload}): a build
 * of {@code buildRows} distinct keys in shuffled order with one payload column, a probe of four
 * rows per key in random order, summed after the join, through the real executor, at each
 * value of the context's hash partition bits in {@link #bits}. Rounds interleave the bit
 * counts (each once per round, after one untimed round); a count's figure is its median over
 * the rounds. Rounds stop early (after at least one timed round) when the budget is spent.
 * <p>
 * The context's bits are for a table of about a million rows; the join scales them by its
 * build size ({@code bits + log2(rows / 2^20)}, at least one partition per worker), so at
 * small builds the low counts give the same partitioning.
 */
public final class JoinSweep {
    static final int PROBE_PER_KEY = 4;

    private final int buildRows;
    private final int threads;
    private final int batchRows;
    private final PrintStream progress;

    public JoinSweep(int buildRows, int threads, int batchRows, PrintStream progress) {
        if (buildRows <= 0 || threads <= 0 || batchRows <= 0) {
            throw new IllegalArgumentException("buildRows=" + buildRows + " threads=" + threads + " batchRows=" + batchRows);
        }
        this.buildRows = buildRows;
        this.threads = threads;
        this.batchRows = batchRows;
        this.progress = progress;
    }

    public static String workload(int buildRows) {
        return String.format(Locale.ROOT, "SELECT SUM(l_quantity), SUM(o_totalprice), COUNT(*) FROM lineitem-like (%,d rows)"
                + " JOIN orders-like (%,d rows) ON l_orderkey = o_orderkey", (long) buildRows * PROBE_PER_KEY, buildRows);
    }

    /** Every bit count 0..12, or every other one (quick). */
    public static List<Integer> bits(boolean everyOther) {
        List<Integer> b = new ArrayList<>();
        for (int i = 0; i <= 12; i += everyOther ? 2 : 1) b.add(i);
        return b;
    }

    public List<Calibration.PartitionPoint> run(MemoryPool pool, KernelProvider kernels, List<Integer> bits, int maxRounds,
                                                long budgetNanos) {
        double[][] ms = new double[bits.size()][maxRounds];
        long start = System.nanoTime();
        int rounds = 0;
        try (MemoryPool data = pool.child("join sweep data");
             InMemoryTable orders = orders(data);
             InMemoryTable lineitem = lineitem(data)) {
            PlanNode plan = PlanBuilder.scan(lineitem, "l_orderkey", "l_quantity")
                    .join(PlanNode.JoinType.INNER, PlanBuilder.scan(orders, "o_orderkey", "o_totalprice"),
                            List.of("l_orderkey"), List.of("o_orderkey"), null)
                    .aggregate(List.of(), List.of(b -> b.sum(b.col("l_quantity"), "q"), b -> b.sum(b.col("o_totalprice"), "p"),
                            b -> b.countStar("n")))
                    .build();
            for (int round = -1; round < maxRounds; round++) {
                if (round >= 1 && System.nanoTime() - start > budgetNanos) {
                    progress.printf(Locale.ROOT, "        time budget spent after %d rounds%n", rounds);
                    break;
                }
                for (int i = 0; i < bits.size(); i++) {
                    double t = time(pool, kernels, plan, bits.get(i));
                    if (round >= 0) ms[i][round] = t;
                }
                if (round >= 0) {
                    rounds++;
                    progress.printf(Locale.ROOT, "        round %d of %d%n", round + 1, maxRounds);
                }
            }
        }
        List<Calibration.PartitionPoint> points = new ArrayList<>();
        for (int i = 0; i < bits.size(); i++) {
            ms[i] = Arrays.copyOf(ms[i], rounds);
            Arrays.sort(ms[i]);
            points.add(new Calibration.PartitionPoint(bits.get(i), ms[i][rounds / 2]));
            progress.printf(Locale.ROOT, "        %2d bits: %7.1f ms%n", bits.get(i), ms[i][rounds / 2]);
        }
        return points;
    }

    private double time(MemoryPool pool, KernelProvider kernels, PlanNode plan, int bits) {
        try (MemoryPool q = pool.child("join sweep query")) {
            ExecutionContext ctx = new ExecutionContext(q, kernels, batchRows, threads).hashPartitionBits(bits);
            long t0 = System.nanoTime();
            try (MaterializedResult r = new QueryExecutor(ctx).execute(plan)) {
                double millis = (System.nanoTime() - t0) / 1e6;
                long n = ((Number) r.rows().getFirst().get(2)).longValue();
                if (n != (long) buildRows * PROBE_PER_KEY) {
                    throw new IllegalStateException("join sweep query gave " + n + " rows, expected " + (long) buildRows * PROBE_PER_KEY);
                }
                return millis;
            }
        }
    }

    /** Keys 0..n-1 in a shuffled order (a build is rarely sorted by its key), price = key * 3. */
    private InMemoryTable orders(MemoryPool pool) {
        int[] keys = new int[buildRows];
        for (int i = 0; i < buildRows; i++) keys[i] = i;
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
        for (int i = buildRows - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = keys[i];
            keys[i] = keys[j];
            keys[j] = t;
        }
        Schema schema = Schema.of(Field.of("o_orderkey", DataType.INT64), Field.of("o_totalprice", DataType.INT64));
        try (TableBuilder b = new TableBuilder(pool, "orders_like", schema)) {
            for (int k : keys) {
                b.setLong(0, k);
                b.setLong(1, k * 3L);
                b.endRow();
            }
            return b.build();
        }
    }

    /** Each key four times, in random order. */
    private InMemoryTable lineitem(MemoryPool pool) {
        int n = buildRows * PROBE_PER_KEY;
        int[] keys = new int[n];
        for (int i = 0; i < n; i++) keys[i] = i / PROBE_PER_KEY;
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(13);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = keys[i];
            keys[i] = keys[j];
            keys[j] = t;
        }
        Schema schema = Schema.of(Field.of("l_orderkey", DataType.INT64), Field.of("l_quantity", DataType.INT64));
        try (TableBuilder b = new TableBuilder(pool, "lineitem_like", schema)) {
            for (int i = 0; i < n; i++) {
                b.setLong(0, keys[i]);
                b.setLong(1, 1 + (i % 50));
                b.endRow();
            }
            return b.build();
        }
    }
}
