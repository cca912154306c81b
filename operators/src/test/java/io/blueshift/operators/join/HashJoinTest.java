package io.blueshift.operators.join;

import io.blueshift.kernels.CompareOp;
import io.blueshift.kernels.Kernels;
import io.blueshift.memory.Batch;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryLimitExceededException;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.operators.MixedTable;
import io.blueshift.operators.OperatorTestBase;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.expr.Expr;
import io.blueshift.operators.plan.Exprs;
import io.blueshift.operators.plan.PlanBuilder;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.operators.plan.PlanNode.JoinType;
import io.blueshift.operators.plan.QueryExecutor;
import io.blueshift.storage.Catalog;
import io.blueshift.storage.InMemoryTable;
import io.blueshift.tpch.TpchGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hash joins of every type against nested loops over Java values: duplicates on both sides,
 * NULL keys, multi-column keys with long strings, residual conditions, empty sides, thread
 * counts, the memory limit, and lineitem ⋈ orders.
 */
class HashJoinTest extends OperatorTestBase {
    static final Schema PROBE = Schema.of(Field.of("pid", DataType.INT64), Field.of("pk", DataType.INT32),
            Field.of("ps", DataType.VARCHAR), Field.of("pv", DataType.INT64), Field.of("pd", DataType.DATE));
    static final Schema BUILD = Schema.of(Field.of("bid", DataType.INT64), Field.of("bk", DataType.INT32),
            Field.of("bs", DataType.VARCHAR), Field.of("bw", DataType.INT64), Field.of("bdec", DataType.decimal(15, 2)));
    static final List<String> STRINGS = new ArrayList<>(List.of("", "twelve bytes", "Ünïcödé strings over 12 bytes"));
    static {
        for (int i = 0; i < 16; i++) {
            STRINGS.add(i % 2 == 0 ? "s" + i : "a string well over twelve bytes #" + i);
        }
    }
    static final int PROBE_WIDTH = 5;

    private List<Object[]> probeRows;
    private List<Object[]> buildRows;
    private InMemoryTable probe;
    private InMemoryTable build;

    @BeforeEach
    void createTables() {
        Random rnd = new Random(7);
        probeRows = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            probeRows.add(new Object[] {(long) i, nullOr(rnd, rnd.nextInt(40)), nullOr(rnd, STRINGS.get(rnd.nextInt(STRINGS.size()))),
                    nullOr(rnd, (long) rnd.nextInt(100)), nullOr(rnd, LocalDate.of(1996, 1, 1).plusDays(rnd.nextInt(50)))});
        }
        buildRows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            buildRows.add(new Object[] {(long) i, nullOr(rnd, rnd.nextInt(60)), nullOr(rnd, STRINGS.get(rnd.nextInt(STRINGS.size()))),
                    nullOr(rnd, (long) rnd.nextInt(100)), nullOr(rnd, BigDecimal.valueOf(rnd.nextInt(41) - 20, 2))});
        }
        probe = MixedTable.build(pool, "probe", PROBE, probeRows, 96);
        build = MixedTable.build(pool, "build", BUILD, buildRows, 88);
    }

    @AfterEach
    void dropTables() {
        probe.close();
        build.close();
    }

    private static Object nullOr(Random rnd, Object v) {
        return rnd.nextInt(10) == 0 ? null : v;
    }

    private static Expr col(int i, Schema s, int offset) {
        return new Expr.ColumnRef(offset + i, s.type(i), s.field(i).name());
    }

    /** pv < bw */
    static Expr lessResidual() {
        return new Expr.Comparison(CompareOp.LT, col(3, PROBE, 0), col(3, BUILD, PROBE_WIDTH));
    }

    static Boolean less(Object[] p, Object[] b) {
        return p[3] == null || b[3] == null ? null : (Long) p[3] < (Long) b[3];
    }

    /** bw <> pv: the build column on the left (the probe compares pairs directly, operands flipped) */
    static Expr notEqualFlipped() {
        return new Expr.Comparison(CompareOp.NE, col(3, BUILD, PROBE_WIDTH), col(3, PROBE, 0));
    }

    static Boolean notEqual(Object[] p, Object[] b) {
        return p[3] == null || b[3] == null ? null : !p[3].equals(b[3]);
    }

    /** pv < bw OR bdec IS NULL */
    static Expr orResidual() {
        return new Expr.Or(List.of(lessResidual(), new Expr.IsNull(col(4, BUILD, PROBE_WIDTH), false)));
    }

    static Boolean lessOrNull(Object[] p, Object[] b) {
        if (b[4] == null) return true;
        return less(p, b);
    }

    private PlanNode join(PlanNode p, PlanNode b, int[] pk, int[] bk, JoinType type, Expr residual) {
        return new PlanNode.HashJoin(p, b, pk, bk, type, residual);
    }

    private void check(PlanNode p, List<Object[]> pRows, PlanNode b, List<Object[]> bRows, int[] pk, int[] bk,
                       JoinType type, Expr residual, NaiveJoin.Residual naive, int... threads) {
        List<List<Object>> expected = NaiveJoin.join(pRows, bRows, pk, bk, type, naive, PROBE.size(), BUILD.size());
        for (int t : threads) {
            List<List<Object>> actual = run(join(p, b, pk, bk, type, residual), ctx(t));
            assertEquals(canonical(expected), canonical(actual), type + " keys " + java.util.Arrays.toString(pk)
                    + " residual " + residual + " on " + t + " threads");
        }
    }

    /** Rows as sorted strings (each row printed once; sorting rows by toString is slow). */
    static List<String> canonical(List<List<Object>> rows) {
        return rows.stream().map(Object::toString).sorted().toList();
    }

    private PlanNode scanProbe() { return PlanBuilder.scan(probe).build(); }
    private PlanNode scanBuild() { return PlanBuilder.scan(build).build(); }

    @Test
    void everyJoinTypeMatchesNestedLoops() {
        int[][][] keySets = {{{1}, {1}}, {{1, 2}, {1, 2}}, {{2}, {2}}};
        List<Expr> residuals = new ArrayList<>(java.util.Arrays.asList(null, lessResidual(), orResidual(), notEqualFlipped()));
        List<NaiveJoin.Residual> naive = new ArrayList<>(java.util.Arrays.asList(null, HashJoinTest::less, HashJoinTest::lessOrNull,
                HashJoinTest::notEqual));
        for (JoinType type : List.of(JoinType.INNER, JoinType.LEFT, JoinType.SEMI, JoinType.ANTI, JoinType.MARK,
                JoinType.RIGHT_SEMI, JoinType.RIGHT_ANTI, JoinType.RIGHT)) {
            for (int[][] keys : keySets) {
                for (int r = 0; r < residuals.size(); r++) {
                    check(scanProbe(), probeRows, scanBuild(), buildRows, keys[0], keys[1], type,
                            residuals.get(r), naive.get(r), 1, 4);
                }
            }
        }
    }

    @Test
    void sparseIntegerKeysDropRowsByTheKeyBitmapOnlyWhereTheyCannotMatch() {
        // single INT64 keys (pv = bw) spread thin over a range: the build gets a key bitmap;
        // probe keys below, inside and above that range, NULLs on both sides
        Random rnd = new Random(11);
        List<Object[]> p = new ArrayList<>();
        for (Object[] r : probeRows) {
            Object[] c = r.clone();
            c[3] = nullOr(rnd, (long) rnd.nextInt(9000) - 2000);
            p.add(c);
        }
        List<Object[]> b = new ArrayList<>();
        for (Object[] r : buildRows) {
            Object[] c = r.clone();
            c[3] = nullOr(rnd, (long) rnd.nextInt(6000) - 1000);
            b.add(c);
        }
        for (int i = 0; i < 200; i++) {
            b.get(i)[3] = p.get(i * 3)[3];   // enough matches
        }
        try (InMemoryTable pt = MixedTable.build(pool, "probe2", PROBE, p, 96);
             InMemoryTable bt = MixedTable.build(pool, "build2", BUILD, b, 88)) {
            PlanNode ps = PlanBuilder.scan(pt).build();
            PlanNode bs = PlanBuilder.scan(bt).build();
            // pid < bid: a residual on other columns
            Expr residual = new Expr.Comparison(CompareOp.LT, col(0, PROBE, 0), col(0, BUILD, PROBE_WIDTH));
            NaiveJoin.Residual naive = (x, y) -> (Long) x[0] < (Long) y[0];
            for (JoinType type : JoinType.values()) {
                if (type == JoinType.SINGLE) {
                    continue;
                }
                check(ps, p, bs, b, new int[] {3}, new int[] {3}, type, null, null, 1, 3);
                check(ps, p, bs, b, new int[] {3}, new int[] {3}, type, residual, naive, 2);
                // several keys: the bitmap of the sparse one (not the first) drops rows
                check(ps, p, bs, b, new int[] {2, 3}, new int[] {2, 3}, type, null, null, 1, 2);
                check(ps, p, bs, b, new int[] {1, 3}, new int[] {1, 3}, type, null, null, 2);
            }
        }
    }

    @Test
    void wideIntegerKeysDropRowsByTheHashedBitmapOnlyWhereTheyCannotMatch() {
        // keys spread over far more than the exact bitmap's range, in a build large enough for the
        // hashed bitmap: INT32 keys (pk = bk) and INT64 keys (pv = bw) with extremes and NULLs
        Random rnd = new Random(12);
        List<Object[]> b = new ArrayList<>();
        for (int i = 0; i < 4500; i++) {
            Object[] c = buildRows.get(i % buildRows.size()).clone();
            c[0] = (long) i;
            c[1] = nullOr(rnd, rnd.nextInt());
            c[3] = nullOr(rnd, i == 7 ? Long.MIN_VALUE : i == 8 ? Long.MAX_VALUE : rnd.nextLong() >> 20);
            b.add(c);
        }
        for (boolean probeNulls : new boolean[] {false, true}) {
            List<Object[]> p = new ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                Object[] c = probeRows.get(i % probeRows.size()).clone();
                c[0] = (long) i;
                Object[] m = b.get(rnd.nextInt(b.size()));
                boolean match = i % 3 == 0 && m[1] != null && m[3] != null;
                Object wideInt = rnd.nextInt();
                Object wideLong = i == 9 ? Long.MAX_VALUE : rnd.nextLong() >> 20;
                c[1] = match ? m[1] : probeNulls ? nullOr(rnd, wideInt) : wideInt;
                c[3] = match ? m[3] : probeNulls ? nullOr(rnd, wideLong) : wideLong;
                p.add(c);
            }
            try (InMemoryTable pt = MixedTable.build(pool, "probe3", PROBE, p, 1024);
                 InMemoryTable bt = MixedTable.build(pool, "build3", BUILD, b, 1024)) {
                PlanNode ps = PlanBuilder.scan(pt).build();
                PlanNode bs = PlanBuilder.scan(bt).build();
                for (JoinType type : List.of(JoinType.INNER, JoinType.SEMI, JoinType.ANTI, JoinType.RIGHT_SEMI, JoinType.LEFT)) {
                    check(ps, p, bs, b, new int[] {1}, new int[] {1}, type, null, null, 1, 3);
                    check(ps, p, bs, b, new int[] {3}, new int[] {3}, type, null, null, 2);
                }
            }
        }
    }

    @Test
    void denseKeysJoinThroughTheDirectIndexWhatTheSlotsWouldGive() {
        // bid: unique, dense and shuffled (a direct index), with NULLs; probe ids below, inside
        // and above its range. bw: dense with duplicates (alone: a direct index with chains;
        // beside bk: the slots, as bw is not unique). INT32 against INT64 keys: the test below.
        Random rnd = new Random(13);
        List<Long> ids = new ArrayList<>();
        for (long i = 0; i < 3000; i++) {
            ids.add(-500 + i);
        }
        java.util.Collections.shuffle(ids, rnd);
        List<Object[]> b = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            Object[] c = buildRows.get(i % buildRows.size()).clone();
            c[0] = i % 97 == 5 ? null : ids.get(i);
            c[1] = nullOr(rnd, rnd.nextInt(4));
            b.add(c);
        }
        List<Object[]> p = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            Object[] c = probeRows.get(i % probeRows.size()).clone();
            c[0] = nullOr(rnd, (long) rnd.nextInt(3600) - 800);
            c[1] = nullOr(rnd, rnd.nextInt(40) - 5);
            p.add(c);
        }
        try (InMemoryTable pt = MixedTable.build(pool, "probe4", PROBE, p, 512);
             InMemoryTable bt = MixedTable.build(pool, "build4", BUILD, b, 448)) {
            PlanNode ps = PlanBuilder.scan(pt).build();
            PlanNode bs = PlanBuilder.scan(bt).build();
            for (JoinType type : JoinType.values()) {
                if (type == JoinType.SINGLE) {
                    continue;
                }
                check(ps, p, bs, b, new int[] {0}, new int[] {0}, type, null, null, 1, 3);
                check(ps, p, bs, b, new int[] {0, 1}, new int[] {0, 1}, type, null, null, 1, 2);
                check(ps, p, bs, b, new int[] {1, 0}, new int[] {1, 0}, type, null, null, 2);
                check(ps, p, bs, b, new int[] {3}, new int[] {3}, type, null, null, 1, 2);
                check(ps, p, bs, b, new int[] {3, 1}, new int[] {3, 1}, type, null, null, 2);
                check(ps, p, bs, b, new int[] {0}, new int[] {0}, type, lessResidual(), HashJoinTest::less, 2);
            }
        }
    }

    @Test
    void sparseKeysJoinThroughTheRankedIndexWhatTheSlotsWouldGive() {
        // bid: unique, 30-50 key values per row (too sparse for the direct index: the ranked
        // index), shuffled, with NULLs; bw: 1500 distinct values over 91,500 with duplicates
        // (alone: ranked with chains; beside bk: the slots, as bw is not unique). Probe keys
        // below, inside and above the ranges, a third of them build keys.
        Random rnd = new Random(17);
        List<Long> ids = new ArrayList<>();
        for (long i = 0; i < 3000; i++) {
            ids.add(-50_000 + i * 50 + rnd.nextInt(50));
        }
        java.util.Collections.shuffle(ids, rnd);
        List<Object[]> b = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            Object[] c = buildRows.get(i % buildRows.size()).clone();
            c[0] = i % 89 == 3 ? null : ids.get(i);
            c[1] = nullOr(rnd, rnd.nextInt(4));
            c[3] = nullOr(rnd, rnd.nextInt(1500) * 61L - 20_000);
            b.add(c);
        }
        List<Object[]> p = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            Object[] c = probeRows.get(i % probeRows.size()).clone();
            c[0] = nullOr(rnd, i % 3 == 0 ? ids.get(rnd.nextInt(ids.size())) : (long) rnd.nextInt(160_000) - 55_000);
            c[1] = nullOr(rnd, rnd.nextInt(6) - 1);
            c[3] = nullOr(rnd, i % 3 == 1 ? rnd.nextInt(1500) * 61L - 20_000 : (long) rnd.nextInt(100_000) - 25_000);
            p.add(c);
        }
        try (InMemoryTable pt = MixedTable.build(pool, "probe5", PROBE, p, 512);
             InMemoryTable bt = MixedTable.build(pool, "build5", BUILD, b, 448)) {
            PlanNode ps = PlanBuilder.scan(pt).build();
            PlanNode bs = PlanBuilder.scan(bt).build();
            for (JoinType type : JoinType.values()) {
                if (type == JoinType.SINGLE) {
                    continue;
                }
                check(ps, p, bs, b, new int[] {0}, new int[] {0}, type, null, null, 1, 3);
                check(ps, p, bs, b, new int[] {0, 1}, new int[] {0, 1}, type, null, null, 2);
                check(ps, p, bs, b, new int[] {1, 0}, new int[] {1, 0}, type, null, null, 1);
                check(ps, p, bs, b, new int[] {3}, new int[] {3}, type, null, null, 1, 2);
                check(ps, p, bs, b, new int[] {3, 1}, new int[] {3, 1}, type, null, null, 2);
                check(ps, p, bs, b, new int[] {0}, new int[] {0}, type, lessResidual(), HashJoinTest::less, 2);
                check(ps, p, bs, b, new int[] {3}, new int[] {3}, type, notEqualFlipped(), HashJoinTest::notEqual, 1);
            }
            // INT32 probe keys against the INT64 ranked column
            List<Object[]> p32 = p.stream().map(r -> {
                Object[] c = r.clone();
                c[1] = r[0] == null ? null : (int) (long) (Long) r[0];
                return c;
            }).toList();
            // (the nested loops compare Java values: the build keys as Integer objects, still stored as BIGINT)
            List<Object[]> b32 = b.stream().map(r -> {
                Object[] c = r.clone();
                c[0] = r[0] == null ? null : (int) (long) (Long) r[0];
                return c;
            }).toList();
            try (InMemoryTable pt32 = MixedTable.build(pool, "probe6", PROBE, p32, 512);
                 InMemoryTable bt32 = MixedTable.build(pool, "build6", BUILD, b32, 448)) {
                PlanNode bs32 = PlanBuilder.scan(bt32).build();
                check(PlanBuilder.scan(pt32).build(), p32, bs32, b32, new int[] {1}, new int[] {0}, JoinType.INNER, null, null, 1, 2);
                check(PlanBuilder.scan(pt32).build(), p32, bs32, b32, new int[] {1}, new int[] {0}, JoinType.ANTI, null, null, 2);
            }
        }
    }

    @Test
    void singleJoinOnUniqueKeysAndWithResidual() {
        // bid is unique: pid = bid has at most one match
        for (var r : List.of(new Object[] {null, null}, new Object[] {lessResidual(), (NaiveJoin.Residual) HashJoinTest::less})) {
            check(scanProbe(), probeRows, scanBuild(), buildRows, new int[] {0}, new int[] {0}, JoinType.SINGLE,
                    (Expr) r[0], (NaiveJoin.Residual) r[1], 1, 2, 4);
        }
    }

    @Test
    void planBuilderJoinByColumnNames() {
        PlanNode plan = PlanBuilder.scan(probe).join(JoinType.LEFT, PlanBuilder.scan(build), List.of("pk", "ps"), List.of("bk", "bs"),
                b -> b.lt(b.col("pv"), b.col("bw"))).build();
        List<List<Object>> expected = NaiveJoin.join(probeRows, buildRows, new int[] {1, 2}, new int[] {1, 2}, JoinType.LEFT,
                HashJoinTest::less, BUILD.size());
        assertEquals(canonical(expected), canonical(run(plan, ctx(2))));
        assertEquals(PROBE.size() + BUILD.size(), plan.schema().size());
    }

    @Test
    void integerKeysOfDifferentWidthsMatchAndIncomparableKeysAreRefused() {
        // pk INT32 = bid INT64
        check(scanProbe(), probeRows, scanBuild(), buildRows.stream().map(r -> {
            Object[] c = r.clone();
            c[0] = ((Long) r[0]).intValue();
            return c;
        }).toList(), new int[] {1}, new int[] {0}, JoinType.INNER, null, null, 1);
        // pv BIGINT = bdec DECIMAL(15,2) would compare unscaled values
        PlanNode bad = join(scanProbe(), scanBuild(), new int[] {3}, new int[] {4}, JoinType.INNER, null);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> run(bad, ctx(1)));
        assertEquals("not supported: join keys of types BIGINT and DECIMAL(15,2) (cast one side)", e.getMessage());
    }

    @Test
    void singleJoinWithTwoMatchesFails() {
        PlanNode plan = join(scanProbe(), scanBuild(), new int[] {1}, new int[] {1}, JoinType.SINGLE, null);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> run(plan, ctx(1)));
        assertEquals("more than one row returned by a subquery used as an expression", e.getMessage());
    }

    @Test
    void emptyBuildAndEmptyProbe() {
        PlanNode emptyBuild = PlanBuilder.scan(build).filter(b -> b.lt(b.col("bid"), Exprs.bigint(0))).build();
        PlanNode emptyProbe = PlanBuilder.scan(probe).filter(b -> b.lt(b.col("pid"), Exprs.bigint(0))).build();
        for (JoinType type : JoinType.values()) {
            for (int[] keys : new int[][] {{1}, {1, 2}}) {
                check(scanProbe(), probeRows, emptyBuild, List.of(), keys, keys, type, null, null, 1, 2);
                check(emptyProbe, List.of(), scanBuild(), type == JoinType.SINGLE ? List.of() : buildRows, keys, keys, type, null, null, 1, 2);
            }
        }
    }

    @Test
    void markWithoutNullBuildKeysGivesFalse() {
        PlanNode noNulls = PlanBuilder.scan(build).filter(b -> b.isNotNull(b.col("bk"))).build();
        List<Object[]> rows = buildRows.stream().filter(r -> r[1] != null).toList();
        check(scanProbe(), probeRows, noNulls, rows, new int[] {1}, new int[] {1}, JoinType.MARK, null, null, 1, 4);
        List<List<Object>> marks = run(join(scanProbe(), noNulls, new int[] {1}, new int[] {1}, JoinType.MARK, null), ctx(1));
        assertTrue(marks.stream().anyMatch(r -> Boolean.FALSE.equals(r.get(PROBE_WIDTH))));
        assertTrue(marks.stream().anyMatch(r -> r.get(PROBE_WIDTH) == null)); // NULL probe keys
    }

    @Test
    void outputBatchesHoldAtMostBatchRows() {
        // every probe row matches many build rows: one probe batch gives several output batches
        PlanNode plan = join(scanProbe(), scanBuild(), new int[] {4}, new int[] {4}, JoinType.INNER, null);
        plan = new PlanNode.HashJoin(scanProbe(), PlanBuilder.scan(build).filter(b -> b.lt(b.col("bid"), Exprs.bigint(150))).build(),
                new int[] {1}, new int[] {1}, JoinType.INNER, null);
        try (MaterializedResult r = new QueryExecutor(ctx(1)).execute(plan)) {
            assertTrue(r.rowCount() > probeRows.size(), "rows " + r.rowCount());
            for (Batch b : r.batches()) {
                assertTrue(b.liveCount() <= BATCH_ROWS, "batch of " + b.liveCount());
            }
        }
    }

    @Test
    void buildOverTheMemoryLimitFailsAndLeavesNothingBehind() {
        PlanNode plan = join(scanProbe(), scanBuild(), new int[] {1}, new int[] {1}, JoinType.INNER, null);
        for (int threads : new int[] {1, 4}) {
            MemoryPool small = MemoryPool.root("query", 24 * 1024);
            ExecutionContext ctx = new ExecutionContext(small, Kernels.provider(), BATCH_ROWS, threads);
            MemoryLimitExceededException e = assertThrows(MemoryLimitExceededException.class,
                    () -> new QueryExecutor(ctx).execute(plan).close());
            assertTrue(e.getMessage().contains("hash join"), e.getMessage());
            // buffers the pool keeps for reuse are freed when it closes (close fails on a leak)
            assertEquals(0, small.reserved() - small.reusableBytes(), "bytes left reserved on " + threads + " threads");
            small.close();
        }
    }

    @Test
    void lineitemJoinOrdersKeepsEveryLineitem() {
        try (Catalog tpch = TpchGenerator.generate(0.01, pool, null)) {
            PlanNode lineitem = PlanBuilder.scan(tpch.table("lineitem"), "l_orderkey", "l_quantity").build();
            PlanNode orders = PlanBuilder.scan(tpch.table("orders"), "o_orderkey", "o_orderdate", "o_orderpriority").build();
            PlanNode plan = new PlanNode.HashJoin(lineitem, orders, new int[] {0}, new int[] {0}, JoinType.INNER, null);
            long lines = tpch.table("lineitem").rowCount();
            for (int threads : new int[] {1, 2}) {
                try (MaterializedResult r = new QueryExecutor(ctx(threads)).execute(plan)) {
                    assertEquals(lines, r.rowCount());
                    for (List<Object> row : r.rows().subList(0, 100)) {
                        assertEquals(row.get(0), row.get(2));
                        assertFalse(((String) row.get(4)).isEmpty());
                    }
                }
            }
            // orders as the probe side: every order has lines, so SEMI keeps them all and ANTI none
            PlanNode semi = new PlanNode.HashJoin(orders, lineitem, new int[] {0}, new int[] {0}, JoinType.SEMI, null);
            assertEquals(tpch.table("orders").rowCount(), run(semi, ctx(2)).size());
            PlanNode anti = new PlanNode.HashJoin(orders, lineitem, new int[] {0}, new int[] {0}, JoinType.ANTI, null);
            assertEquals(0, run(anti, ctx(2)).size());
        }
    }

    @Test
    void partitionedParallelBuildsGiveTheSameRowsForEveryPartitionCount() {
        try (Catalog tpch = TpchGenerator.generate(0.01, pool, null)) {
            // lineitem (60K rows, several per order key) as the build side: above the size where
            // the build is partitioned and spread over the workers
            PlanNode lineitem = PlanBuilder.scan(tpch.table("lineitem"), "l_orderkey", "l_linenumber", "l_quantity").build();
            PlanNode orders = PlanBuilder.scan(tpch.table("orders"), "o_orderkey", "o_totalprice").build();
            assertTrue(JoinHashTable.partitionBits((int) tpch.table("lineitem").rowCount(), ctx(4).hashPartitionBits(12)) > 0);
            Expr residual = new Expr.Comparison(io.blueshift.kernels.CompareOp.LT,
                    new Expr.ColumnRef(1, io.blueshift.memory.DataType.decimal(15, 2), "o_totalprice"),
                    Exprs.decimal("100000.00"));
            for (JoinType type : List.of(JoinType.INNER, JoinType.SEMI, JoinType.ANTI, JoinType.LEFT, JoinType.RIGHT_SEMI,
                    JoinType.RIGHT_ANTI, JoinType.RIGHT)) {
                for (Expr r : java.util.Arrays.asList(null, residual)) {
                    PlanNode plan = new PlanNode.HashJoin(orders, lineitem, new int[] {0}, new int[] {0}, type, r);
                    List<String> expected = canonical(run(plan, ctx(1).hashPartitionBits(0)));
                    for (int[] config : new int[][] {{1, 12}, {2, 12}, {4, 3}}) {
                        int threads = config[0];
                        int bits = config[1];
                        assertEquals(expected, canonical(run(plan, ctx(threads).hashPartitionBits(bits))),
                                type + " residual " + r + " on " + threads + " threads, " + bits + " partition bits");
                    }
                }
            }
        }
    }
}
