package io.blueshift.bench.calibration;

import io.blueshift.hwprofiles.Calibration;
import io.blueshift.kernels.KernelProvider;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.expr.Expr;
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
import java.util.SplittableRandom;

/**
 * Times a mixed pipeline shaped like the TPC-H queries that dominate a run ({@link #workload}):
 * a scan of a lineitem-like table of eight 8-byte columns (the row width the L2 rule of
 * {@link io.blueshift.hwprofiles.TuningParameters} assumes), a filter on two of them keeping
 * about half the rows, a hash-join probe into an orders-like build of a quarter as many rows
 * (shuffled keys, two payload columns), Q1-style arithmetic on four columns, and a grouped
 * aggregation ({@value #GROUPS} groups from the build side times three flags), through the real
 * executor at each batch size from {@value #MIN_ROWS} to {@value #MAX_ROWS} rows. At the full
 * size the probe side is 2M rows x 64 bytes (128 MiB) and the hash table some 16 MiB, well
 * beyond L2 as a real query's are, and a batch of 65,536 rows (4 MiB) no longer fits L2. An
 * aggregation alone on two columns (the earlier workload) paid a large fixed cost per batch at
 * many groups and favoured the largest batches 2x, which TPC-H did not repeat. Rounds
 * interleave the sizes (every size once per round), so drift in clock speed or JIT state
 * spreads over all of them, and every other round runs them backwards; a size's figure is its
 * median over the rounds, after untimed runs until the JIT has settled ({@link #warmUp}). Rounds stop early (after at least one timed round) when the budget is spent.
 * (Hash partition bits are swept on a hash join alone: {@link JoinSweep}.)
 */
public final class BatchSweep {
    static final int MIN_ROWS = 1024;
    static final int MAX_ROWS = 65536;
    static final int GROUPS = 1024;
    static final int FLAGS = 3;
    static final int PROBE_PER_KEY = 4;
    /** l_quantity 1..50 and l_shipdate 0..2999: {@code l_quantity <= 45 AND l_shipdate <= 1666} keeps half the rows. */
    static final long QUANTITY_CUT = 45;
    static final long SHIPDATE_CUT = 1666;

    private final int rows;
    private final int threads;
    private final PrintStream progress;

    public BatchSweep(int rows, int threads, PrintStream progress) {
        if (rows < PROBE_PER_KEY || threads <= 0) throw new IllegalArgumentException("rows=" + rows + " threads=" + threads);
        this.rows = rows;
        this.threads = threads;
        this.progress = progress;
    }

    /** What is timed, for progress lines, the profile file and {@code profile explain}. */
    public static String workload(int rows) {
        return String.format(Locale.ROOT, "mixed pipeline: scan lineitem-like (%,d rows x 8 BIGINT) -> filter l_shipdate, "
                + "l_quantity (half pass) -> hash-join probe into orders-like (%,d rows) -> price x discount x tax -> 4 SUMs, "
                + "COUNT GROUP BY o_group, l_flag (%,d groups)", (long) rows, (long) rows / PROBE_PER_KEY, GROUPS * FLAGS);
    }

    public static List<Integer> sizes() {
        List<Integer> s = new ArrayList<>();
        for (int r = MIN_ROWS; r <= MAX_ROWS; r *= 2) s.add(r);
        return s;
    }

    public List<Calibration.SweepPoint> run(MemoryPool pool, KernelProvider kernels, int maxRounds, long budgetNanos) {
        return run(pool, kernels, sizes(), maxRounds, budgetNanos);
    }

    /** The sweep at the given batch sizes (multiples of 64). */
    public List<Calibration.SweepPoint> run(MemoryPool pool, KernelProvider kernels, List<Integer> sizes, int maxRounds,
                                            long budgetNanos) {
        double[][] ms = new double[sizes.size()][maxRounds];
        long start = System.nanoTime();
        int rounds = 0;
        try (MemoryPool data = pool.child("sweep data");
             InMemoryTable orders = orders(data);
             InMemoryTable lineitem = lineitem(data)) {
            Expected expected = expected(lineitem, orders);
            PlanNode plan = PlanBuilder.scan(lineitem, "l_orderkey", "l_quantity", "l_price", "l_discount", "l_tax", "l_shipdate",
                            "l_flag", "l_status")
                    .filter(b -> b.and(b.le(b.col("l_shipdate"), literal(SHIPDATE_CUT)), b.le(b.col("l_quantity"), literal(QUANTITY_CUT))))
                    .join(PlanNode.JoinType.INNER, PlanBuilder.scan(orders, "o_orderkey", "o_group", "o_price"),
                            List.of("l_orderkey"), List.of("o_orderkey"), null)
                    .project(List.of("o_group", "l_flag", "l_quantity", "disc_price", "charge", "o_price", "l_status"), List.of(
                            b -> b.col("o_group"), b -> b.col("l_flag"), b -> b.col("l_quantity"),
                            b -> b.mul(b.col("l_price"), b.sub(literal(100), b.col("l_discount"))),
                            b -> b.mul(b.mul(b.col("l_price"), b.sub(literal(100), b.col("l_discount"))),
                                    b.add(literal(100), b.col("l_tax"))),
                            b -> b.col("o_price"), b -> b.col("l_status")))
                    .aggregate(List.of("o_group", "l_flag"), List.of(b -> b.sum(b.col("l_quantity"), "q"),
                            b -> b.sum(b.col("disc_price"), "dp"), b -> b.sum(b.col("charge"), "c"), b -> b.sum(b.col("o_price"), "op"),
                            b -> b.countStar("n")))
                    .build();
            warmUp(pool, kernels, plan, sizes, expected, budgetNanos / 4);
            for (int round = 0; round < maxRounds; round++) {
                if (round >= 1 && System.nanoTime() - start > budgetNanos) {
                    progress.printf(Locale.ROOT, "        time budget spent after %d rounds%n", rounds);
                    break;
                }
                // odd rounds run the sizes backwards, so what is left of the JIT's warm-up or a change in load
                // does not always fall on the same end of the sweep
                for (int k = 0; k < sizes.size(); k++) {
                    int i = round % 2 == 0 ? k : sizes.size() - 1 - k;
                    ms[i][round] = time(pool, kernels, plan, sizes.get(i), expected);
                }
                rounds++;
                progress.printf(Locale.ROOT, "        round %d of %d%n", round + 1, maxRounds);
            }
        }
        List<Calibration.SweepPoint> points = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            ms[i] = Arrays.copyOf(ms[i], rounds);
            Arrays.sort(ms[i]);
            points.add(new Calibration.SweepPoint(sizes.get(i), ms[i][rounds / 2]));
            progress.printf(Locale.ROOT, "        %6d rows: %7.1f ms%n", sizes.get(i), ms[i][rounds / 2]);
        }
        return points;
    }

    /**
     * Untimed runs at the smallest size (the most batches, so the operators' code compiles
     * soonest) and at the largest until two runs in a row at the smallest agree within 10%
     * (the JIT is done with this code), at most {@code nanos} or eight pairs. On crowded cores
     * the compiler threads get little time, and a single warm-up run left the first sizes of
     * the first round paying for compilation.
     */
    private void warmUp(MemoryPool pool, KernelProvider kernels, PlanNode plan, List<Integer> sizes, Expected expected,
                        long nanos) {
        long t0 = System.nanoTime();
        double last = Double.NaN;
        for (int i = 0; i < 8; i++) {
            double t = time(pool, kernels, plan, sizes.getFirst(), expected);
            time(pool, kernels, plan, sizes.getLast(), expected);
            if (Math.abs(t - last) <= 0.1 * Math.min(t, last) || System.nanoTime() - t0 > nanos) break;
            last = t;
        }
        progress.printf(Locale.ROOT, "        warm-up %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    /** The answer every run must give: groups and the total count of joined rows. */
    private record Expected(long groups, long joined) { }

    private double time(MemoryPool pool, KernelProvider kernels, PlanNode plan, int batchRows, Expected expected) {
        try (MemoryPool q = pool.child("sweep query")) {
            ExecutionContext ctx = new ExecutionContext(q, kernels, batchRows, threads);
            long t0 = System.nanoTime();
            try (MaterializedResult r = new QueryExecutor(ctx).execute(plan)) {
                double millis = (System.nanoTime() - t0) / 1e6;
                long joined = 0;
                for (List<Object> row : r.rows()) joined += ((Number) row.get(6)).longValue();
                if (r.rowCount() != expected.groups() || joined != expected.joined()) {
                    throw new IllegalStateException("mixed sweep query gave " + r.rowCount() + " groups and " + joined
                            + " rows, expected " + expected.groups() + " and " + expected.joined());
                }
                return millis;
            }
        }
    }

    /** Keys 0..n-1 in shuffled order (a build is rarely sorted by its key); group = a hash of the key. */
    private InMemoryTable orders(MemoryPool pool) {
        int n = rows / PROBE_PER_KEY;
        int[] keys = shuffled(n, 1, 11);
        Schema schema = Schema.of(Field.of("o_orderkey", DataType.INT64), Field.of("o_group", DataType.INT64),
                Field.of("o_price", DataType.INT64));
        try (TableBuilder b = new TableBuilder(pool, "orders_like", schema)) {
            for (int k : keys) {
                b.setLong(0, k);
                b.setLong(1, group(k));
                b.setLong(2, k * 3L);
                b.endRow();
            }
            return b.build();
        }
    }

    /** Each order key four times, in random order; eight columns like lineitem's, all BIGINT. */
    private InMemoryTable lineitem(MemoryPool pool) {
        int[] keys = shuffled(rows / PROBE_PER_KEY, PROBE_PER_KEY, 13);
        Schema schema = Schema.of(Field.of("l_orderkey", DataType.INT64), Field.of("l_quantity", DataType.INT64),
                Field.of("l_price", DataType.INT64), Field.of("l_discount", DataType.INT64), Field.of("l_tax", DataType.INT64),
                Field.of("l_shipdate", DataType.INT64), Field.of("l_flag", DataType.INT64), Field.of("l_status", DataType.INT64));
        SplittableRandom rnd = new SplittableRandom(17);
        try (TableBuilder b = new TableBuilder(pool, "lineitem_like", schema)) {
            for (int key : keys) {
                b.setLong(0, key);
                b.setLong(1, 1 + rnd.nextInt(50));
                b.setLong(2, 90_000 + rnd.nextInt(10_000_000));
                b.setLong(3, rnd.nextInt(11));
                b.setLong(4, rnd.nextInt(9));
                b.setLong(5, rnd.nextInt(3000));
                b.setLong(6, rnd.nextInt(FLAGS));
                b.setLong(7, rnd.nextInt(2));
                b.endRow();
            }
            return b.build();
        }
    }

    private static Expr literal(long v) {
        return new Expr.Literal(v, DataType.INT64);
    }

    private static Expected expected(InMemoryTable lineitem, InMemoryTable orders) {
        java.util.BitSet groups = new java.util.BitSet(GROUPS * FLAGS);
        long joined = 0;
        for (var block : lineitem.blocks()) {
            for (int i = 0; i < block.rowCount(); i++) {
                long qty = ((Number) block.column(1).getObject(i)).longValue();
                long ship = ((Number) block.column(5).getObject(i)).longValue();
                if (qty <= QUANTITY_CUT && ship <= SHIPDATE_CUT) {
                    joined++;
                    int flag = ((Number) block.column(6).getObject(i)).intValue();
                    groups.set(group(((Number) block.column(0).getObject(i)).intValue()) * FLAGS + flag);
                }
            }
        }
        return new Expected(groups.cardinality(), joined);
    }

    private static int group(int key) {
        return (int) (((key * 0x9E3779B97F4A7C15L) >>> 40) & (GROUPS - 1));
    }

    /** 0..n-1, each {@code copies} times, shuffled. */
    private static int[] shuffled(int n, int copies, long seed) {
        int[] keys = new int[n * copies];
        for (int i = 0; i < keys.length; i++) keys[i] = i / copies;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = keys.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = keys[i];
            keys[i] = keys[j];
            keys[j] = t;
        }
        return keys;
    }
}
