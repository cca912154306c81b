package io.blueshift.operators.aggregate;

import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.Schema;
import io.blueshift.operators.MixedTable;
import io.blueshift.operators.OperatorTestBase;
import io.blueshift.operators.plan.Exprs;
import io.blueshift.operators.plan.PlanBuilder;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.storage.InMemoryTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.blueshift.operators.MixedTable.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GROUP BY over every key type and every aggregate, against sums and counts done naively. */
class HashAggregateTest extends OperatorTestBase {
    private static final String[] NAMES = {"id", "i32", "i64", "d", "dec", "f", "s", "sorted"};

    /** Aggregates over the mixed table: (function, column); column -1 is COUNT(*). */
    private static final List<Object[]> CALLS = List.of(
            new Object[] {AggregateFunction.COUNT_STAR, -1},
            new Object[] {AggregateFunction.COUNT, I32}, new Object[] {AggregateFunction.COUNT, STR},
            new Object[] {AggregateFunction.SUM, I32}, new Object[] {AggregateFunction.SUM, I64},
            new Object[] {AggregateFunction.SUM, DEC}, new Object[] {AggregateFunction.SUM, F64},
            new Object[] {AggregateFunction.MIN, I32}, new Object[] {AggregateFunction.MAX, I32},
            new Object[] {AggregateFunction.MIN, I64}, new Object[] {AggregateFunction.MAX, I64},
            new Object[] {AggregateFunction.MIN, DATE}, new Object[] {AggregateFunction.MAX, DATE},
            new Object[] {AggregateFunction.MIN, DEC}, new Object[] {AggregateFunction.MAX, DEC},
            new Object[] {AggregateFunction.MIN, F64}, new Object[] {AggregateFunction.MAX, F64},
            new Object[] {AggregateFunction.AVG, I32}, new Object[] {AggregateFunction.AVG, I64},
            new Object[] {AggregateFunction.AVG, DEC}, new Object[] {AggregateFunction.AVG, F64});

    private static List<PlanBuilder.AggFn> calls() {
        List<PlanBuilder.AggFn> out = new ArrayList<>();
        for (int i = 0; i < CALLS.size(); i++) {
            AggregateFunction f = (AggregateFunction) CALLS.get(i)[0];
            int c = (Integer) CALLS.get(i)[1];
            String name = "a" + i;
            out.add(switch (f) {
                case COUNT_STAR -> b -> b.countStar(name);
                case COUNT -> b -> b.count(b.col(NAMES[c]), name);
                case SUM -> b -> b.sum(b.col(NAMES[c]), name);
                case MIN -> b -> b.min(b.col(NAMES[c]), name);
                case MAX -> b -> b.max(b.col(NAMES[c]), name);
                case AVG -> b -> b.avg(b.col(NAMES[c]), name);
            });
        }
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object expected(AggregateFunction f, int c, List<Object[]> group) {
        List<Object> vs = new ArrayList<>();
        for (Object[] r : group) {
            if (c < 0 || r[c] != null) {
                vs.add(c < 0 ? 1 : r[c]);
            }
        }
        if (f == AggregateFunction.COUNT_STAR || f == AggregateFunction.COUNT) {
            return (long) vs.size();
        }
        if (vs.isEmpty()) {
            return null;
        }
        return switch (f) {
            case MIN -> vs.stream().map(v -> (Comparable) v).min(Comparable::compareTo).get();
            case MAX -> vs.stream().map(v -> (Comparable) v).max(Comparable::compareTo).get();
            case SUM -> switch (vs.getFirst()) {
                case BigDecimal d -> vs.stream().map(v -> (BigDecimal) v).reduce(BigDecimal.ZERO.setScale(2), BigDecimal::add);
                case Double d -> vs.stream().mapToDouble(v -> (Double) v).sum();
                default -> vs.stream().mapToLong(v -> ((Number) v).longValue()).sum();
            };
            case AVG -> vs.stream().mapToDouble(v -> ((Number) v).doubleValue()).sum() / vs.size();
            default -> throw new IllegalStateException();
        };
    }

    static void assertValue(Object want, Object got, String what) {
        if (want instanceof Double w && got instanceof Double g) {
            assertEquals(w, g, Math.max(1e-9, Math.abs(w) * 1e-12), what);
        } else {
            assertEquals(want, got, what);
        }
    }

    private void checkGroupBy(MixedTable mixed, int key, int threads) {
        PlanNode plan = PlanBuilder.scan(mixed.table()).aggregate(List.of(NAMES[key]), calls()).build();
        Map<Object, List<Object[]>> groups = new HashMap<>();
        for (Object[] r : mixed.rows()) {
            groups.computeIfAbsent(r[key], k -> new ArrayList<>()).add(r);
        }
        List<List<Object>> got = run(plan, ctx(threads));
        assertEquals(groups.size(), got.size(), "groups by " + NAMES[key]);
        Map<Object, List<Object>> byKey = new HashMap<>();
        for (List<Object> row : got) {
            assertNull(byKey.put(row.get(0), row), "key " + row.get(0) + " appears twice");
        }
        for (var e : groups.entrySet()) {
            List<Object> row = byKey.get(e.getKey());
            assertTrue(row != null, "missing group " + e.getKey());
            for (int i = 0; i < CALLS.size(); i++) {
                AggregateFunction f = (AggregateFunction) CALLS.get(i)[0];
                int c = (Integer) CALLS.get(i)[1];
                assertValue(expected(f, c, e.getValue()), row.get(i + 1),
                        f + "(" + (c < 0 ? "*" : NAMES[c]) + ") for " + NAMES[key] + " = " + e.getKey() + " on " + threads + " threads");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {I32, I64, DATE, DEC, STR, SORTED})
    void everyKeyTypeAndAggregateIncludingANullGroup(int key) {
        MixedTable mixed = MixedTable.create(pool, 3000, 64, key);
        try (InMemoryTable t = mixed.table()) {
            checkGroupBy(mixed, key, 1);
            checkGroupBy(mixed, key, 4);
        }
    }

    @Test
    void sumOfAnAllNullGroupIsNullAndCountSkipsNulls() {
        Schema schema = Schema.of(Field.of("k", DataType.INT32), Field.of("v", DataType.decimal(15, 2)), Field.of("x", DataType.INT64));
        List<Object[]> rows = List.of(
                new Object[] {1, null, null}, new Object[] {1, null, 5L}, new Object[] {1, null, null},
                new Object[] {2, new BigDecimal("1.50"), null}, new Object[] {2, null, 7L},
                new Object[] {null, new BigDecimal("-2.25"), 1L}, new Object[] {null, new BigDecimal("0.25"), null});
        try (InMemoryTable t = MixedTable.build(pool, "nulls", schema, rows, 8)) {
            PlanNode plan = PlanBuilder.scan(t).aggregate(List.of("k"), List.of(
                    b -> b.countStar("n"), b -> b.count(b.col("v"), "nv"), b -> b.sum(b.col("v"), "sv"),
                    b -> b.min(b.col("v"), "minv"), b -> b.max(b.col("v"), "maxv"), b -> b.avg(b.col("v"), "avgv"),
                    b -> b.sum(b.col("x"), "sx"))).build();
            List<List<Object>> want = sorted(List.of(
                    Arrays.asList(1, 3L, 0L, null, null, null, null, 5L),
                    Arrays.asList(2, 2L, 1L, new BigDecimal("1.50"), new BigDecimal("1.50"), new BigDecimal("1.50"), 1.5, 7L),
                    Arrays.asList(null, 2L, 2L, new BigDecimal("-2.00"), new BigDecimal("-2.25"), new BigDecimal("0.25"), -1.0, 1L)));
            assertEquals(want, sorted(run(plan)));
            assertEquals(want, sorted(run(plan, ctx(3))));
        }
    }

    @Test
    void emptyInput() {
        MixedTable mixed = MixedTable.create(pool, 200, 64, 3);
        try (InMemoryTable t = mixed.table()) {
            PlanBuilder.ExprFn none = b -> b.gt(b.col("i32"), Exprs.integer(1000));
            PlanNode ungrouped = PlanBuilder.scan(t).filter(none).aggregate(List.of(), List.of(
                    b -> b.countStar("n"), b -> b.count(b.col("i32"), "c"), b -> b.sum(b.col("i32"), "s"),
                    b -> b.sum(b.col("dec"), "sd"), b -> b.min(b.col("d"), "m"), b -> b.avg(b.col("f"), "a"))).build();
            assertEquals(List.of(Arrays.asList(0L, 0L, null, null, null, null)), run(ungrouped));
            assertEquals(List.of(Arrays.asList(0L, 0L, null, null, null, null)), run(ungrouped, ctx(4)));

            PlanNode grouped = PlanBuilder.scan(t).filter(none).aggregate(List.of("s"), List.of(b -> b.countStar("n"))).build();
            assertEquals(List.of(), run(grouped, ctx(2)));
        }
        try (InMemoryTable empty = MixedTable.build(pool, "empty", MixedTable.SCHEMA, List.of(), 64)) {
            PlanNode ungrouped = PlanBuilder.scan(empty).aggregate(List.of(), List.of(b -> b.countStar("n"), b -> b.sum(b.col("i64"), "s"))).build();
            assertEquals(List.of(Arrays.asList(0L, null)), run(ungrouped));
            PlanNode grouped = PlanBuilder.scan(empty).aggregate(List.of("i32"), List.of(b -> b.countStar("n"))).build();
            assertEquals(List.of(), run(grouped));
        }
    }

    @Test
    void fiftyThousandGroupsMakeTheTableGrow() {
        Schema schema = Schema.of(Field.of("k", DataType.INT64), Field.of("name", DataType.VARCHAR), Field.of("v", DataType.INT32));
        int groups = 50_000;
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 2 * groups; i++) {
            long k = (i * 7919L) % groups;
            rows.add(new Object[] {k * 1_000_003L, "customer name number " + k, i % 5 == 0 ? null : i});
        }
        Map<Long, long[]> want = new HashMap<>();
        for (Object[] r : rows) {
            long[] acc = want.computeIfAbsent((Long) r[0], k -> new long[3]);
            acc[0]++;
            if (r[2] != null) {
                acc[1] += (Integer) r[2];
                acc[2]++;
            }
        }
        try (InMemoryTable t = MixedTable.build(pool, "wide", schema, rows, 4096)) {
            for (String key : List.of("k", "name")) {
                PlanNode plan = PlanBuilder.scan(t).aggregate(List.of(key),
                        List.of(b -> b.countStar("n"), b -> b.sum(b.col("v"), "s"), b -> b.min(b.col("k"), "mk"))).build();
                for (int threads : new int[] {1, 4}) {
                    List<List<Object>> got = run(plan, ctx(threads));
                    assertEquals(groups, got.size(), key + " on " + threads + " threads");
                    for (List<Object> row : got) {
                        long k = (Long) row.get(3);
                        long[] acc = want.get(k);
                        if (key.equals("k")) {
                            assertEquals(k, row.get(0));
                        } else {
                            assertEquals("customer name number " + k / 1_000_003L, row.get(0));
                        }
                        assertEquals(acc[0], row.get(1), "count for " + k);
                        assertEquals(acc[2] == 0 ? null : (Object) acc[1], row.get(2), "sum for " + k);
                    }
                }
            }
        }
    }

    /**
     * Dense keys (the direct-key cache, so no worker partitions its table) with every key in
     * both halves of the input: each worker's table holds most keys, the groups outside the
     * largest are over the fold's limit, and the tables are sealed as runs and merged by partition.
     */
    @Test
    void denseKeysInEveryWorkersTableMergeByPartition() {
        Schema schema = Schema.of(Field.of("k", DataType.INT64), Field.of("v", DataType.INT32));
        int groups = 80_000;
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 2 * groups; i++) {
            rows.add(new Object[] {(long) (i % groups), i});
        }
        try (InMemoryTable t = MixedTable.build(pool, "dense", schema, rows, 4096)) {
            PlanNode plan = PlanBuilder.scan(t).aggregate(List.of("k"),
                    List.of(b -> b.countStar("n"), b -> b.sum(b.col("v"), "s"))).build();
            for (int threads : new int[] {1, 2, 4}) {
                List<List<Object>> got = run(plan, ctx(threads));
                assertEquals(groups, got.size(), "groups on " + threads + " threads");
                for (List<Object> row : got) {
                    long k = (Long) row.get(0);
                    assertEquals(2L, row.get(1), "count for " + k + " on " + threads + " threads");
                    assertEquals(2 * k + groups, row.get(2), "sum for " + k + " on " + threads + " threads");
                }
            }
        }
    }

    /**
     * Two keys, one a string past the 12 inline bytes and both sometimes NULL, over enough
     * groups that four workers merge by partition: NULL keys form their own groups, strings
     * equal in length and prefix but not in their tail stay apart, MIN/MAX of strings merge.
     */
    @Test
    void nullableMultiColumnKeysWithLongStringsMergedByPartition() {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 120_000; i++) {
            int g = (i * 7919) % 40_000;
            String s = g % 97 == 0 ? null : "same prefix, tail " + (g % 20_000);
            Integer k = g % 89 == 0 ? null : g / 20_000;
            rows.add(new Object[] {s, k, (long) i});
        }
        Map<List<Object>, long[]> want = new HashMap<>();
        Map<List<Object>, String[]> minMax = new HashMap<>();
        for (Object[] r : rows) {
            List<Object> key = Arrays.asList(r[0], r[1]);
            long[] acc = want.computeIfAbsent(key, x -> new long[2]);
            acc[0]++;
            acc[1] += (Long) r[2];
            String v = "v" + ((Long) r[2] % 1000);
            minMax.merge(key, new String[] {v, v}, (a, b) -> new String[] {
                    a[0].compareTo(b[0]) <= 0 ? a[0] : b[0], a[1].compareTo(b[1]) >= 0 ? a[1] : b[1]});
        }
        List<Object[]> withText = new ArrayList<>();
        for (Object[] r : rows) {
            withText.add(new Object[] {r[0], r[1], r[2], "v" + ((Long) r[2] % 1000)});
        }
        Schema wide = Schema.of(Field.of("s", DataType.VARCHAR), Field.of("k", DataType.INT32), Field.of("v", DataType.INT64),
                Field.of("t", DataType.VARCHAR));
        try (InMemoryTable t = MixedTable.build(pool, "keys", wide, withText, 4096)) {
            PlanNode plan = PlanBuilder.scan(t).aggregate(List.of("s", "k"), List.of(b -> b.countStar("n"),
                    b -> b.sum(b.col("v"), "sv"), b -> b.min(b.col("t"), "mint"), b -> b.max(b.col("t"), "maxt"))).build();
            for (int threads : new int[] {1, 4}) {
                List<List<Object>> got = run(plan, ctx(threads));
                assertEquals(want.size(), got.size(), "groups on " + threads + " threads");
                for (List<Object> row : got) {
                    List<Object> key = Arrays.asList(row.get(0), row.get(1));
                    long[] acc = want.get(key);
                    assertTrue(acc != null, "unexpected group " + key);
                    assertEquals(acc[0], row.get(2), "count of " + key);
                    assertEquals(acc[1], row.get(3), "sum of " + key);
                    assertEquals(minMax.get(key)[0], row.get(4), "min of " + key);
                    assertEquals(minMax.get(key)[1], row.get(5), "max of " + key);
                }
            }
        }
    }

    /**
     * Enough groups that workers partition their tables (routing rows to partition tables,
     * then merging partition by partition on all workers), with NULLs in both keys, long and
     * short strings, and keys clustered in the first rows so that some workers may never
     * partition: on 1, 2 and 4 threads, at the rule's threshold and at small ones.
     */
    @Test
    void partitionedTablesWithNullKeysMergeOnEveryThreadCount() {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 150_000; i++) {
            // the first 20,000 rows share 16 groups; the rest spread over 60,000
            int g = i < 20_000 ? i % 16 : (int) ((i * 7919L) % 60_000);
            String s = g % 101 == 0 ? null : (g % 3 == 0 ? "a rather long grouping string #" + g : "s" + (g % 30_000));
            Long k = g % 97 == 0 ? null : (long) (g / 30_000);
            rows.add(new Object[] {s, k, (long) (i % 1000 == 0 ? -i : i)});
        }
        Map<List<Object>, long[]> want = new HashMap<>();
        for (Object[] r : rows) {
            long[] acc = want.computeIfAbsent(Arrays.asList(r[0], r[1]), x -> new long[] {0, 0, Long.MAX_VALUE});
            acc[0]++;
            acc[1] += (Long) r[2];
            acc[2] = Math.min(acc[2], (Long) r[2]);
        }
        Schema schema = Schema.of(Field.of("s", DataType.VARCHAR), Field.of("k", DataType.INT64), Field.of("v", DataType.INT64));
        try (InMemoryTable t = MixedTable.build(pool, "spread", schema, rows, 4096)) {
            PlanNode plan = PlanBuilder.scan(t).aggregate(List.of("s", "k"), List.of(b -> b.countStar("n"),
                    b -> b.sum(b.col("v"), "sv"), b -> b.min(b.col("v"), "mv"))).build();
            for (int after : new int[] {0, 300, 5000}) {
                HashAggregate.partitionAfterOverride = after;
                try {
                    for (int threads : new int[] {1, 2, 4}) {
                        List<List<Object>> got = run(plan, ctx(threads));
                        String where = threads + " threads, partitioned after " + after;
                        assertEquals(want.size(), got.size(), "groups on " + where);
                        java.util.Set<List<Object>> seen = new java.util.HashSet<>();
                        for (List<Object> row : got) {
                            List<Object> key = Arrays.asList(row.get(0), row.get(1));
                            assertTrue(seen.add(key), "group " + key + " twice on " + where);
                            long[] acc = want.get(key);
                            assertTrue(acc != null, "unexpected group " + key + " on " + where);
                            assertEquals(acc[0], row.get(2), "count of " + key + " on " + where);
                            assertEquals(acc[1], row.get(3), "sum of " + key + " on " + where);
                            assertEquals(acc[2], row.get(4), "min of " + key + " on " + where);
                        }
                    }
                } finally {
                    HashAggregate.partitionAfterOverride = 0;
                }
            }
        }
    }

    @Test
    void partitionBitsGiveEveryWorkerSeveralPartitions() {
        assertEquals(3, HashAggregate.partitionBits(ctx(2).hashPartitionBits(0)));
        assertEquals(4, HashAggregate.partitionBits(ctx(4).hashPartitionBits(0)));
        assertEquals(6, HashAggregate.partitionBits(ctx(2).hashPartitionBits(6)));
        assertEquals(10, HashAggregate.partitionBits(ctx(2).hashPartitionBits(12)));
        assertEquals(Math.max(HashAggregate.MIN_PARTITION_AFTER_GROUPS, 8 * BATCH_ROWS), HashAggregate.partitionAfterGroups(ctx(2)));
    }

    @Test
    void manyGroupsOutsideTheLargestTableMergeByPartition() {
        assertTrue(HashAggregate.foldIntoLargest(100_000, 100_000, 1), "one table: nothing to merge");
        assertTrue(HashAggregate.foldIntoLargest(40_000, 20_000, 2), "few groups outside the largest: fold");
        assertTrue(!HashAggregate.foldIntoLargest(250_000, 100_000, 4), "many groups outside the largest: by partition");
        assertTrue(!HashAggregate.foldIntoLargest(100_000, 50_000, 2), "two even tables of many groups: by partition");
    }
}
