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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The merge paths of GROUP BY with many groups: workers' tables sealed as runs (keys that
 * come clustered), partitioned (keys spread out), both in one query, on every thread count,
 * with NULL keys and NULL inputs, and under memory limits that refuse somewhere on the way.
 */
class HashAggregateMergeTest extends OperatorTestBase {
    private static final Schema SCHEMA = Schema.of(Field.of("k", DataType.INT64), Field.of("s", DataType.VARCHAR),
            Field.of("v", DataType.INT64), Field.of("t", DataType.VARCHAR));

    /** Row i's group: clustered (three rows a key, in key order) for the first {@code clustered} rows, spread out after. */
    private static List<Object[]> rows(int n, int clustered, int spreadGroups) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long g = i < clustered ? i / 3 : 1_000_000 + (i * 7919L) % spreadGroups;
            Long k = g % 89 == 0 ? null : g;
            String s = g % 97 == 0 ? null : (g % 2 == 0 ? "a key string longer than twelve bytes " + g : "k" + g);
            Long v = i % 7 == 0 ? null : (long) (i % 1000 - 500);
            rows.add(new Object[] {k, s, v, "t" + (i % 613)});
        }
        return rows;
    }

    /** Per (k, s): rows, non-null count of v, sum of v, min of v, max of t. */
    private static Map<List<Object>, Object[]> expected(List<Object[]> rows) {
        Map<List<Object>, Object[]> want = new HashMap<>();
        for (Object[] r : rows) {
            Object[] acc = want.computeIfAbsent(Arrays.asList(r[0], r[1]), x -> new Object[] {0L, 0L, null, null, null});
            acc[0] = (Long) acc[0] + 1;
            if (r[2] != null) {
                long v = (Long) r[2];
                acc[1] = (Long) acc[1] + 1;
                acc[2] = acc[2] == null ? v : (Long) acc[2] + v;
                acc[3] = acc[3] == null ? v : Math.min((Long) acc[3], v);
            }
            String t = (String) r[3];
            acc[4] = acc[4] == null || t.compareTo((String) acc[4]) > 0 ? t : acc[4];
        }
        return want;
    }

    private static PlanNode plan(InMemoryTable t) {
        return PlanBuilder.scan(t).aggregate(List.of("k", "s"), List.of(b -> b.countStar("n"), b -> b.count(b.col("v"), "nv"),
                b -> b.sum(b.col("v"), "sv"), b -> b.min(b.col("v"), "mv"), b -> b.max(b.col("t"), "mt"))).build();
    }

    private static void check(Map<List<Object>, Object[]> want, List<List<Object>> got, String where) {
        assertEquals(want.size(), got.size(), "groups on " + where);
        Set<List<Object>> seen = new HashSet<>();
        for (List<Object> row : got) {
            List<Object> key = Arrays.asList(row.get(0), row.get(1));
            assertTrue(seen.add(key), "group " + key + " twice on " + where);
            Object[] acc = want.get(key);
            assertTrue(acc != null, "unexpected group " + key + " on " + where);
            assertEquals(Arrays.asList(acc), row.subList(2, 7), "aggregates of " + key + " on " + where);
        }
    }

    private void checkAllThreadCounts(List<Object[]> rows, int[] afters) {
        Map<List<Object>, Object[]> want = expected(rows);
        try (InMemoryTable t = MixedTable.build(pool, "groups", SCHEMA, rows, 4096)) {
            for (int after : afters) {
                HashAggregate.partitionAfterOverride = after;
                try {
                    for (int threads = 1; threads <= 4; threads++) {
                        check(want, run(plan(t), ctx(threads)), threads + " threads, sealed or partitioned after " + after);
                    }
                } finally {
                    HashAggregate.partitionAfterOverride = 0;
                }
            }
        }
    }

    /** 30,000 groups of three adjacent rows: every worker seals its tables as runs, merged into new tables. */
    @Test
    void clusteredKeysSealedAsRunsMergeOnEveryThreadCount() {
        checkAllThreadCounts(rows(90_000, 90_000, 1), new int[] {0, 300, 4000});
    }

    /** Clustered keys, then keys spread over 20,000 groups: runs first, then partition tables, in one merge. */
    @Test
    void runsAndPartitionTablesMergeTogether() {
        checkAllThreadCounts(rows(120_000, 40_000, 20_000), new int[] {0, 300});
    }

    /** Spread keys only: tables partitioned, no run. */
    @Test
    void spreadKeysPartitionWithoutRuns() {
        checkAllThreadCounts(rows(60_000, 0, 25_000), new int[] {300});
    }

    /** Row i's key drawn at random (a fixed mix of i) from {@code groups} keys: repeats at any rate, in no order. */
    private static List<Object[]> randomRows(int n, int groups) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long x = (i + 1) * 0x9E3779B97F4A7C15L;
            x ^= x >>> 31;
            long g = 2_000_000 + Math.floorMod(x * 0xBF58476D1CE4E5B9L >>> 1, groups);
            Long k = g % 89 == 0 ? null : g;
            String s = g % 2 == 0 ? "a key string longer than twelve bytes " + g : "k" + g;
            Long v = i % 7 == 0 ? null : (long) (i % 1000 - 500);
            rows.add(new Object[] {k, s, v, "t" + (i % 613)});
        }
        return rows;
    }

    /**
     * Random keys past a worker's first limit (300 groups): repeating (1,000 keys: about 1.2 rows
     * a group there, one table each, merged at the finish), nearly distinct at first and
     * repeating by four times the limit (3,000 keys: looked at again, then one table), nearly
     * distinct still then (20,000 keys: routed after the second look), and distinct (routed at
     * once): the same groups on every thread count.
     */
    @Test
    void randomKeysRoutedOrNotMergeOnEveryThreadCount() {
        for (int groups : new int[] {1000, 3000, 20_000}) {
            checkAllThreadCounts(randomRows(40_000, groups), new int[] {300});
        }
        checkAllThreadCounts(rows(30_000, 0, 30_000), new int[] {300});
    }

    /**
     * Under a query limit the aggregation may run out anywhere (a worker's table, a run, a
     * merge table, the result): each limit either gives the full answer or fails with the
     * pool's message, and the query's pool holds nothing afterwards.
     */
    @Test
    void memoryLimitFailsCleanlyWherever() {
        List<Object[]> rows = rows(90_000, 60_000, 15_000);
        Map<List<Object>, Object[]> want = expected(rows);
        int failed = 0;
        try (InMemoryTable t = MixedTable.build(pool, "groups", SCHEMA, rows, 4096)) {
            HashAggregate.partitionAfterOverride = 2000;
            try {
                for (long limit : new long[] {256L << 10, 1L << 20, 2L << 20, 4L << 20, 8L << 20, 256L << 20}) {
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
            } finally {
                HashAggregate.partitionAfterOverride = 0;
            }
        }
        assertTrue(failed > 0, "no limit was low enough to fail");
    }

    @Test
    void mergeBitsGiveSmallPartitionsAndEveryWorkerSeveral() {
        assertEquals(2, HashAggregate.mergeBits(1000, 1));
        assertEquals(3, HashAggregate.mergeBits(1000, 2));
        assertEquals(7, HashAggregate.mergeBits(1000, 32), "four partitions a worker");
        assertEquals(7, HashAggregate.mergeBits(1_500_000, 2), "TPC-H SF 1 orders: ~12K groups a partition");
        assertEquals(GroupTable.RUN_BITS, HashAggregate.mergeBits(1L << 40, 2));
    }
}
