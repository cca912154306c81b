package io.blueshift.operators.aggregate;

import io.blueshift.kernels.Kernels;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryLimitExceededException;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.operators.MixedTable;
import io.blueshift.operators.OperatorTestBase;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.plan.PlanBuilder;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.storage.InMemoryTable;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GROUP BY over the distinct rows of a GROUP BY with more keys, run as one {@link DistinctAggregate}:
 * against a naive fold on 1 to 4 workers (each worker's pairs deduplicated again in the merge),
 * with NULL group keys and NULL distinct values, string keys inline and out of line, and under
 * memory limits that refuse anywhere on the way.
 */
class DistinctAggregateTest extends OperatorTestBase {
    private static final Schema SCHEMA = Schema.of(Field.of("k", DataType.INT64), Field.of("s", DataType.VARCHAR),
            Field.of("v", DataType.INT64));

    /** Rows of {@code groups} (k, s) groups, each with values of v from a range of about 40, repeated. */
    private static List<Object[]> rows(int n, int groups) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long g = (i * 7919L) % groups;
            Long k = g % 89 == 0 ? null : g;
            String s = g % 97 == 0 ? null : (g % 2 == 0 ? "a key string longer than twelve bytes " + g : "k" + g);
            Long v = i % 31 == 0 ? null : (long) ((i * 13L + g) % 40 - 20);
            rows.add(new Object[] {k, s, v});
        }
        return rows;
    }

    /** Per (k, s): distinct v rows (NULL one of them), distinct non-null v, their sum, min, max. */
    private static Map<List<Object>, Object[]> expected(List<Object[]> rows) {
        Map<List<Object>, Set<Long>> values = new HashMap<>();
        Map<List<Object>, Boolean> hasNull = new HashMap<>();
        for (Object[] r : rows) {
            List<Object> key = Arrays.asList(r[0], r[1]);
            Set<Long> set = values.computeIfAbsent(key, x -> new TreeSet<>());
            if (r[2] == null) {
                hasNull.put(key, true);
            } else {
                set.add((Long) r[2]);
            }
        }
        Map<List<Object>, Object[]> want = new HashMap<>();
        values.forEach((key, set) -> {
            long sum = 0;
            for (long v : set) {
                sum += v;
            }
            TreeSet<Long> sorted = (TreeSet<Long>) set;
            want.put(key, new Object[] {(long) set.size() + (hasNull.getOrDefault(key, false) ? 1 : 0), (long) set.size(),
                    set.isEmpty() ? null : sum, set.isEmpty() ? null : sorted.first(), set.isEmpty() ? null : sorted.last()});
        });
        return want;
    }

    private static PlanNode plan(InMemoryTable t) {
        return PlanBuilder.scan(t).aggregate(List.of("v", "k", "s"), List.of())
                .aggregate(List.of("k", "s"), List.of(b -> b.countStar("n"), b -> b.count(b.col("v"), "nv"),
                        b -> b.sum(b.col("v"), "sv"), b -> b.min(b.col("v"), "mv"), b -> b.max(b.col("v"), "xv"))).build();
    }

    private static void check(Map<List<Object>, Object[]> want, List<List<Object>> got, String where) {
        assertEquals(want.size(), got.size(), "groups on " + where);
        Set<List<Object>> seen = new HashSet<>();
        for (List<Object> row : got) {
            List<Object> key = Arrays.asList(row.get(0), row.get(1));
            assertTrue(seen.add(key), "group " + key + " twice on " + where);
            Object[] acc = want.get(key);
            assertNotNull(acc, "unexpected group " + key + " on " + where);
            assertEquals(Arrays.asList(acc), row.subList(2, 7), "aggregates of " + key + " on " + where);
        }
    }

    @Test
    void theTwoLevelPlanRunsAsOneSink() {
        try (InMemoryTable t = MixedTable.build(pool, "d", SCHEMA, rows(100, 10), 4096)) {
            PlanNode p = plan(t);
            assertTrue(p instanceof PlanNode.Aggregate a && a.input() instanceof PlanNode.Aggregate);
            PlanNode.Aggregate outer = (PlanNode.Aggregate) p;
            PlanNode.Aggregate inner = (PlanNode.Aggregate) outer.input();
            assertNotNull(DistinctAggregate.create(inner.input().schema(), inner.keys(), outer.keys(), outer.aggregates()));
            // an aggregate of an outer key, or the same keys at both levels, keep the two levels
            assertNull(DistinctAggregate.create(inner.input().schema(), inner.keys(), inner.keys(), List.of()));
            assertNull(DistinctAggregate.create(inner.input().schema(), inner.keys(), new int[] {1},
                    List.of(new AggregateCall(AggregateFunction.MAX, 1, DataType.INT64, "m"))));
        }
    }

    @Test
    void manyGroupsOnEveryThreadCount() {
        for (int[] shape : new int[][] {{20_000, 7}, {60_000, 3000}, {90_000, 40_000}}) {
            List<Object[]> rows = rows(shape[0], shape[1]);
            Map<List<Object>, Object[]> want = expected(rows);
            try (InMemoryTable t = MixedTable.build(pool, "d", SCHEMA, rows, 4096)) {
                for (int threads = 1; threads <= 4; threads++) {
                    check(want, run(plan(t), ctx(threads)), threads + " threads, " + shape[1] + " groups");
                }
            }
        }
    }

    /**
     * The distinct column's kind picks the pairs' set: INT32, DATE and INT64 take {@link DistinctPairs}
     * (narrow and wide values), VARCHAR and two distinct columns the generic pair table; each against
     * the naive counts (distinct rows with NULL, distinct non-null values) on 1 to 4 workers.
     */
    @Test
    void everyDistinctColumnKind() {
        for (DataType type : List.of(DataType.INT32, DataType.DATE, DataType.INT64, DataType.VARCHAR)) {
            Schema schema = Schema.of(Field.of("k", DataType.INT64), Field.of("s", DataType.VARCHAR), Field.of("v", type),
                    Field.of("w", DataType.INT32));
            for (int groups : new int[] {7, 3000}) {
                List<Object[]> base = rows(30_000, groups);
                List<Object[]> rows = new ArrayList<>();
                for (Object[] r : base) {
                    Long v = (Long) r[2];
                    Object value = v == null ? null : switch (type) {
                        case DataType.VarcharType t -> "value " + v;
                        case DataType.Int64Type t -> v * 1_000_000_007L;
                        default -> (int) (v * 100_003);
                    };
                    rows.add(new Object[] {r[0], r[1], value, v == null ? 0 : (int) (v & 3)});
                }
                Map<List<Object>, Set<Object>> one = new HashMap<>();
                Map<List<Object>, Set<List<Object>>> two = new HashMap<>();
                for (Object[] r : rows) {
                    List<Object> key = Arrays.asList(r[0], r[1]);
                    one.computeIfAbsent(key, x -> new HashSet<>()).add(r[2] == null ? "NULL" : r[2]);
                    two.computeIfAbsent(key, x -> new HashSet<>()).add(Arrays.asList(r[2], r[3]));
                }
                try (InMemoryTable t = MixedTable.build(pool, "d", schema, rows, 4096)) {
                    for (int threads = 1; threads <= 4; threads++) {
                        String where = type + ", " + groups + " groups, " + threads + " threads";
                        PlanNode p1 = PlanBuilder.scan(t).aggregate(List.of("v", "k", "s"), List.of())
                                .aggregate(List.of("k", "s"), List.of(b -> b.countStar("n"), b -> b.count(b.col("v"), "nv"))).build();
                        List<List<Object>> got = run(p1, ctx(threads));
                        assertEquals(one.size(), got.size(), "groups, " + where);
                        for (List<Object> row : got) {
                            Set<Object> want = one.get(Arrays.asList(row.get(0), row.get(1)));
                            assertNotNull(want, where);
                            assertEquals(List.of((long) want.size(), (long) want.size() - (want.contains("NULL") ? 1 : 0)),
                                    row.subList(2, 4), "counts of " + row.subList(0, 2) + ", " + where);
                        }
                        PlanNode p2 = PlanBuilder.scan(t).aggregate(List.of("v", "k", "w", "s"), List.of())
                                .aggregate(List.of("k", "s"), List.of(b -> b.countStar("n"))).build();
                        got = run(p2, ctx(threads));
                        assertEquals(two.size(), got.size(), "groups of two distinct columns, " + where);
                        for (List<Object> row : got) {
                            assertEquals((long) two.get(Arrays.asList(row.get(0), row.get(1))).size(), row.get(2),
                                    "two distinct columns " + row.subList(0, 2) + ", " + where);
                        }
                    }
                }
            }
        }
    }

    @Test
    void emptyInput() {
        try (InMemoryTable t = MixedTable.build(pool, "d", SCHEMA, List.of(), 4096)) {
            for (int threads = 1; threads <= 2; threads++) {
                assertEquals(List.of(), run(plan(t), ctx(threads)));
            }
        }
    }

    /** Each limit either gives the full answer or fails with the pool's message, leaving nothing accounted. */
    @Test
    void memoryLimitFailsCleanlyWherever() {
        List<Object[]> rows = rows(60_000, 15_000);
        Map<List<Object>, Object[]> want = expected(rows);
        int failed = 0;
        try (InMemoryTable t = MixedTable.build(pool, "d", SCHEMA, rows, 4096)) {
            for (long limit : new long[] {64L << 10, 256L << 10, 1L << 20, 2L << 20, 4L << 20, 256L << 20}) {
                for (int threads : new int[] {1, 2, 4}) {
                    String where = threads + " threads, limit " + limit;
                    try (MemoryPool query = pool.child("query", limit)) {
                        ExecutionContext ctx = new ExecutionContext(query, Kernels.provider(), BATCH_ROWS, threads);
                        try {
                            check(want, run(plan(t), ctx), where);
                        } catch (MemoryLimitExceededException e) {
                            failed++;
                            assertTrue(e.getMessage().startsWith("memory limit exceeded: "), where + ": " + e.getMessage());
                        }
                        assertEquals(0, query.reserved(), "bytes left accounted on " + where);
                    }
                }
            }
        }
        assertTrue(failed > 0, "no limit was low enough to fail");
    }
}
