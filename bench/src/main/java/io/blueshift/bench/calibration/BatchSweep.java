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
 * a scan of a lineitem-like table, a filter keeping about half its rows, a hash-join probe into
 * an orders-like build of a quarter as many rows (shuffled keys, two payload columns), and a
 * grouped aggregation over a build-side column ({@value #GROUPS} groups), through the real
 * executor at each batch size from {@value #MIN_ROWS} to {@value #MAX_ROWS} rows. At the full
 * size the probe side is 2M rows x 4 columns (64 MiB) and the hash table some 16 MiB, well
 * beyond L2 as a real query's are; an aggregation alone (the earlier workload) pays a large
 * fixed cost per batch at many groups and favoured the largest batches 2x, which TPC-H did not
 * repeat. Rounds interleave the sizes (every size once per round), so drift in clock speed or
 * JIT state spreads over all of them; a size's figure is its median over the rounds, after one
 * untimed round. Rounds stop early (after at least one timed round) when the budget is spent.
 * (Hash partition bits are swept on a hash join alone: {@link JoinSweep}.)
 */
public final class BatchSweep {
    static final int MIN_ROWS = 1024;
    static final int MAX_ROWS = 65536;
    static final int GROUPS = 4096;
    static final int PROBE_PER_KEY = 4;
    /** l_quantity 1..50; {@code <= 25} keeps half the rows. */
    static final long QUANTITY_CUT = 25;

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
        return String.format(Locale.ROOT, "mixed pipeline: scan lineitem-like (%,d rows) -> filter l_quantity <= %d -> hash-join "
                + "probe into orders-like (%,d rows) -> SUM, COUNT GROUP BY o_group (%,d groups)", (long) rows, QUANTITY_CUT,
                (long) rows / PROBE_PER_KEY, GROUPS);
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
            PlanNode plan = PlanBuilder.scan(lineitem, "l_orderkey", "l_quantity", "l_price")
                    .filter(b -> b.le(b.col("l_quantity"), new Expr.Literal(QUANTITY_CUT, DataType.INT64)))
                    .join(PlanNode.JoinType.INNER, PlanBuilder.scan(orders, "o_orderkey", "o_group", "o_price"),
                            List.of("l_orderkey"), List.of("o_orderkey"), null)
                    .aggregate(List.of("o_group"), List.of(b -> b.sum(b.col("l_price"), "lp"), b -> b.sum(b.col("o_price"), "op"),
                            b -> b.countStar("n")))
                    .build();
            for (int round = -1; round < maxRounds; round++) {
                if (round >= 1 && System.nanoTime() - start > budgetNanos) {
                    progress.printf(Locale.ROOT, "        time budget spent after %d rounds%n", rounds);
                    break;
                }
                for (int i = 0; i < sizes.size(); i++) {
                    double t = time(pool, kernels, plan, sizes.get(i), expected);
                    if (round >= 0) ms[i][round] = t;
                }
                if (round >= 0) {
                    rounds++;
                    progress.printf(Locale.ROOT, "        round %d of %d%n", round + 1, maxRounds);
                }
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

    /** The answer every run must give: groups and the total count of joined rows. */
    private record Expected(long groups, long joined) { }

    private double time(MemoryPool pool, KernelProvider kernels, PlanNode plan, int batchRows, Expected expected) {
        try (MemoryPool q = pool.child("sweep query")) {
            ExecutionContext ctx = new ExecutionContext(q, kernels, batchRows, threads);
            long t0 = System.nanoTime();
            try (MaterializedResult r = new QueryExecutor(ctx).execute(plan)) {
                double millis = (System.nanoTime() - t0) / 1e6;
                long joined = 0;
                for (List<Object> row : r.rows()) joined += ((Number) row.get(3)).longValue();
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

    /** Each order key four times, in random order; quantity 1..50, price from the row number. */
    private InMemoryTable lineitem(MemoryPool pool) {
        int[] keys = shuffled(rows / PROBE_PER_KEY, PROBE_PER_KEY, 13);
        Schema schema = Schema.of(Field.of("l_orderkey", DataType.INT64), Field.of("l_quantity", DataType.INT64),
                Field.of("l_price", DataType.INT64));
        try (TableBuilder b = new TableBuilder(pool, "lineitem_like", schema)) {
            for (int i = 0; i < keys.length; i++) {
                b.setLong(0, keys[i]);
                b.setLong(1, 1 + (i * 7L + keys[i]) % 50);
                b.setLong(2, 1000 + i % 9973);
                b.endRow();
            }
            return b.build();
        }
    }

    private static Expected expected(InMemoryTable lineitem, InMemoryTable orders) {
        java.util.BitSet groups = new java.util.BitSet(GROUPS);
        long joined = 0;
        for (var block : lineitem.blocks()) {
            for (int i = 0; i < block.rowCount(); i++) {
                if (((Number) block.column(1).getObject(i)).longValue() <= QUANTITY_CUT) {
                    joined++;
                    groups.set(group(((Number) block.column(0).getObject(i)).intValue()));
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
