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
 * Times a grouped aggregation ({@value #WORKLOAD}) through the real executor at each batch
 * size from {@value #MIN_ROWS} to {@value #MAX_ROWS} rows. Rounds interleave the sizes (every
 * size once per round), so drift in clock speed or JIT state spreads over all of them; a
 * size's figure is its median over the rounds, after one untimed round. Rounds stop early
 * (after at least one timed round) when the time budget is spent.
 * (Hash partition bits are swept on a hash join instead: {@link JoinSweep}.)
 */
public final class BatchSweep {
    public static final String WORKLOAD = "SELECT k, SUM(v), COUNT(*) GROUP BY k (65,536 groups)";
    static final int MIN_ROWS = 1024;
    static final int MAX_ROWS = 65536;
    static final int GROUPS = 1 << 16;

    private final int rows;
    private final int threads;
    private final PrintStream progress;
    private int distinctKeys;

    public BatchSweep(int rows, int threads, PrintStream progress) {
        if (rows <= 0 || threads <= 0) throw new IllegalArgumentException("rows=" + rows + " threads=" + threads);
        this.rows = rows;
        this.threads = threads;
        this.progress = progress;
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
        try (MemoryPool data = pool.child("sweep data"); InMemoryTable table = table(data)) {
            PlanNode plan = PlanBuilder.scan(table, "k", "v")
                    .aggregate(List.of("k"), List.of(b -> b.sum(b.col("v"), "s"), b -> b.countStar("n")))
                    .build();
            for (int round = -1; round < maxRounds; round++) {
                if (round >= 1 && System.nanoTime() - start > budgetNanos) {
                    progress.printf(Locale.ROOT, "        time budget spent after %d rounds%n", rounds);
                    break;
                }
                for (int i = 0; i < sizes.size(); i++) {
                    double t = time(pool, kernels, plan, sizes.get(i));
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

    private double time(MemoryPool pool, KernelProvider kernels, PlanNode plan, int batchRows) {
        try (MemoryPool q = pool.child("sweep query")) {
            ExecutionContext ctx = new ExecutionContext(q, kernels, batchRows, threads);
            long t0 = System.nanoTime();
            try (MaterializedResult r = new QueryExecutor(ctx).execute(plan)) {
                long groups = r.rowCount();
                double millis = (System.nanoTime() - t0) / 1e6;
                if (groups != distinctKeys) throw new IllegalStateException("sweep query gave " + groups + " groups");
                return millis;
            }
        }
    }

    private InMemoryTable table(MemoryPool pool) {
        Schema schema = Schema.of(Field.of("k", DataType.INT64), Field.of("v", DataType.INT64));
        try (TableBuilder b = new TableBuilder(pool, "sweep", schema)) {
            long x = 0x9E3779B97F4A7C15L;
            java.util.BitSet seen = new java.util.BitSet(GROUPS);
            for (int i = 0; i < rows; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
                int key = (int) ((x >>> 33) & (GROUPS - 1));
                seen.set(key);
                b.setLong(0, key);
                b.setLong(1, i & 1023);
                b.endRow();
            }
            distinctKeys = seen.cardinality();
            return b.build();
        }
    }
}
