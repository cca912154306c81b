package io.blueshift.operators.aggregate;

import io.blueshift.kernels.Kernels;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.operators.MixedTable;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.plan.Exprs;
import io.blueshift.operators.plan.PlanBuilder;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.operators.plan.QueryExecutor;
import io.blueshift.storage.InMemoryTable;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GROUP BY on few groups (where rows go to per-group lane slots, folded after each batch) and
 * just past that (up to 80), over a string key (inline and out-of-line strings, NULL) and an
 * INT32 key (NULL too), with random NULLs in every input, edge values for MIN/MAX, batch and
 * table block sizes with tails, a filter (a selection on the batches) or none, and 1 or 2 workers: every
 * aggregate against a naive fold of the rows. Keys arrive shuffled or clustered, so both ways
 * of the first probe pass run.
 */
class FewGroupsPropertyTest {
    private static final Schema SCHEMA = Schema.of(
            Field.of("s", DataType.VARCHAR), Field.of("k", DataType.INT32), Field.of("filt", DataType.INT32),
            Field.of("v", DataType.INT64), Field.of("e", DataType.INT64), Field.of("i", DataType.INT32),
            Field.of("f", DataType.FLOAT64), Field.of("dec", DataType.decimal(15, 2)));
    private static final long[] EDGES = {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 1, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1};
    private static final int[] INT_EDGES = {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 1};

    @Property(tries = 40)
    void fewGroupsEqualANaiveFold(@ForAll @IntRange(min = 1, max = 80) int keys,
                                  @ForAll @IntRange(min = 1, max = 3000) int rowCount,
                                  @ForAll @IntRange(min = 1, max = 90) int blockEights,
                                  @ForAll @IntRange(min = 1, max = 8) int batchSixtyFours,
                                  @ForAll @IntRange(min = 0, max = 3) int nullEvery,
                                  @ForAll boolean filtered, @ForAll boolean clustered,
                                  @ForAll @IntRange(min = 1, max = 2) int threads,
                                  @ForAll long seed) {
        Random rnd = new Random(seed);
        int batchRows = 64 * batchSixtyFours;
        List<Object[]> rows = new ArrayList<>();
        for (int r = 0; r < rowCount; r++) {
            int j = clustered ? (int) ((long) r * keys / rowCount) : rnd.nextInt(keys);
            String s = j % 11 == 3 ? null : (j % 2 == 0 ? "k" + j : "a key string longer than twelve bytes #" + j);
            Integer k = j % 7 == 1 ? null : j % 5;
            rows.add(new Object[] {s, k, rnd.nextInt(4),
                    maybeNull(rnd, nullEvery, (long) (rnd.nextInt(2_000_001) - 1_000_000) * 1_000_000L),
                    maybeNull(rnd, nullEvery, rnd.nextInt(3) == 0 ? EDGES[rnd.nextInt(EDGES.length)] : rnd.nextLong()),
                    maybeNull(rnd, nullEvery, rnd.nextInt(3) == 0 ? INT_EDGES[rnd.nextInt(INT_EDGES.length)] : rnd.nextInt()),
                    maybeNull(rnd, nullEvery, (rnd.nextInt(2001) - 1000) / 8.0),
                    maybeNull(rnd, nullEvery, BigDecimal.valueOf(rnd.nextInt(2_000_001) - 1_000_000, 2))});
        }
        Map<List<Object>, List<Object[]>> groups = new HashMap<>();
        for (Object[] r : rows) {
            if (!filtered || (Integer) r[2] > 0) {
                groups.computeIfAbsent(Arrays.asList(r[0], r[1]), x -> new ArrayList<>()).add(r);
            }
        }
        try (MemoryPool pool = MemoryPool.unbounded("few groups");
             InMemoryTable t = MixedTable.build(pool, "few", SCHEMA, rows, 8 * blockEights)) {
            PlanBuilder b = PlanBuilder.scan(t);
            if (filtered) {
                b = b.filter(x -> x.gt(x.col("filt"), Exprs.integer(0)));
            }
            PlanNode plan = b.aggregate(List.of("s", "k"), List.of(
                    x -> x.countStar("n"), x -> x.count(x.col("v"), "cv"), x -> x.sum(x.col("v"), "sv"),
                    x -> x.sum(x.col("i"), "si"), x -> x.sum(x.col("dec"), "sd"), x -> x.sum(x.col("f"), "sf"),
                    x -> x.min(x.col("e"), "mine"), x -> x.max(x.col("e"), "maxe"),
                    x -> x.min(x.col("i"), "mini"), x -> x.max(x.col("i"), "maxi"),
                    x -> x.min(x.col("f"), "minf"), x -> x.max(x.col("f"), "maxf"),
                    x -> x.avg(x.col("v"), "av"), x -> x.avg(x.col("f"), "af"), x -> x.max(x.col("s"), "maxs"))).build();
            ExecutionContext ctx = new ExecutionContext(pool, Kernels.provider(), batchRows, threads);
            List<List<Object>> got;
            try (MaterializedResult res = new QueryExecutor(ctx).execute(plan)) {
                got = res.rows();
            }
            assertEquals(groups.size(), got.size(), "groups");
            Map<List<Object>, List<Object>> byKey = new HashMap<>();
            for (List<Object> row : got) {
                assertNull(byKey.put(Arrays.asList(row.get(0), row.get(1)), row), "a group twice: " + row);
            }
            for (var e : groups.entrySet()) {
                List<Object> row = byKey.get(e.getKey());
                assertTrue(row != null, "missing group " + e.getKey());
                List<Object[]> g = e.getValue();
                String at = " of group " + e.getKey();
                assertEquals((long) g.size(), row.get(2), "count(*)" + at);
                assertEquals(count(g, 3), row.get(3), "count(v)" + at);
                assertEquals(sumLong(g, 3), row.get(4), "sum(v)" + at);
                assertEquals(sumLong(g, 5), row.get(5), "sum(i)" + at);
                assertEquals(sumDec(g), row.get(6), "sum(dec)" + at);
                HashAggregateTest.assertValue(sumDouble(g), row.get(7), "sum(f)" + at);
                assertEquals(extreme(g, 4, true), row.get(8), "min(e)" + at);
                assertEquals(extreme(g, 4, false), row.get(9), "max(e)" + at);
                assertEquals(extreme(g, 5, true), row.get(10), "min(i)" + at);
                assertEquals(extreme(g, 5, false), row.get(11), "max(i)" + at);
                assertEquals(extreme(g, 6, true), row.get(12), "min(f)" + at);
                assertEquals(extreme(g, 6, false), row.get(13), "max(f)" + at);
                Object sv = sumLong(g, 3);
                HashAggregateTest.assertValue(sv == null ? null : ((Long) sv).doubleValue() / count(g, 3), row.get(14), "avg(v)" + at);
                Object sf = sumDouble(g);
                HashAggregateTest.assertValue(sf == null ? null : (Double) sf / count(g, 6), row.get(15), "avg(f)" + at);
                assertEquals(extreme(g, 0, false), row.get(16), "max(s)" + at);
            }
        }
    }

    private static Object maybeNull(Random rnd, int nullEvery, Object v) {
        return nullEvery > 0 && rnd.nextInt(nullEvery * 4) == 0 ? null : v;
    }

    private static long count(List<Object[]> g, int c) {
        return g.stream().filter(r -> r[c] != null).count();
    }

    private static Object sumLong(List<Object[]> g, int c) {
        return count(g, c) == 0 ? null : g.stream().filter(r -> r[c] != null).mapToLong(r -> ((Number) r[c]).longValue()).sum();
    }

    private static Object sumDouble(List<Object[]> g) {
        return count(g, 6) == 0 ? null : g.stream().filter(r -> r[6] != null).mapToDouble(r -> (Double) r[6]).sum();
    }

    private static Object sumDec(List<Object[]> g) {
        return count(g, 7) == 0 ? null
                : g.stream().filter(r -> r[7] != null).map(r -> (BigDecimal) r[7]).reduce(BigDecimal.ZERO.setScale(2), BigDecimal::add);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object extreme(List<Object[]> g, int c, boolean min) {
        Comparable best = null;
        for (Object[] r : g) {
            Comparable v = (Comparable) r[c];
            if (v != null && (best == null || (min ? v.compareTo(best) < 0 : v.compareTo(best) > 0))) {
                best = v;
            }
        }
        return best;
    }
}
