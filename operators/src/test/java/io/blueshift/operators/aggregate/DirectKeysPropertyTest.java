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
 * GROUP BY one integer key that {@link DirectKeys} indexes by value: INT32 or INT64 keys dense
 * around a base (0, negative, or next to the type's smallest or largest value), drifting down
 * or up from batch to batch (the array grows on either side), with sparse outliers in some
 * runs (the cache turns off mid-way and the table goes on), NULLs in some blocks, 1 to 40000
 * distinct keys, a filter or none, 1 or 2 workers: COUNT(*) and SUM of each group against a
 * naive fold.
 */
class DirectKeysPropertyTest {
    @Property(tries = 100)
    void directKeysEqualANaiveFold(@ForAll boolean wide,
                                   @ForAll @IntRange(min = 0, max = 3) int baseKind,
                                   @ForAll @IntRange(min = 1, max = 40000) int distinct,
                                   @ForAll @IntRange(min = 0, max = 2) int drift,
                                   @ForAll @IntRange(min = 0, max = 2) int outliers,
                                   @ForAll @IntRange(min = 1, max = 30000) int rowCount,
                                   @ForAll @IntRange(min = 1, max = 40) int blockSixtyFours,
                                   @ForAll @IntRange(min = 1, max = 8) int batchSixtyFours,
                                   @ForAll @IntRange(min = 0, max = 3) int nullEvery,
                                   @ForAll boolean filtered,
                                   @ForAll @IntRange(min = 1, max = 2) int threads,
                                   @ForAll long seed) {
        Random rnd = new Random(seed);
        DataType type = wide ? DataType.INT64 : DataType.INT32;
        long min = wide ? Long.MIN_VALUE : Integer.MIN_VALUE;
        long max = wide ? Long.MAX_VALUE : Integer.MAX_VALUE;
        long base = switch (baseKind) {
            case 0 -> 0;
            case 1 -> -distinct / 2 - 7;
            case 2 -> min;
            default -> max - distinct + 1;
        };
        Schema schema = new Schema(List.of(Field.of("k", type), Field.of("v", DataType.INT64), Field.of("filt", DataType.INT32)));
        int blockRows = 64 * blockSixtyFours;
        List<Object[]> rows = new ArrayList<>();
        for (int r = 0; r < rowCount; r++) {
            // drift 1: keys climb with the row number; 2: they fall (the array grows downward)
            long span = drift == 0 ? distinct : Math.max(1, (long) distinct * (r + 1) / rowCount);
            long off = rnd.nextLong(span);
            if (drift == 2) {
                off = distinct - 1 - off;
            }
            long k = base + off;
            if (outliers > 0 && rnd.nextInt(outliers == 1 ? 5000 : 50) == 0) {
                k = rnd.nextBoolean() ? min : max;   // far from the others: past any array's span
            }
            boolean nullBlock = nullEvery > 0 && (r / blockRows) % (nullEvery + 1) == 1;
            Object key = nullBlock && rnd.nextInt(3) == 0 ? null : wide ? (Object) k : (Object) (int) k;
            rows.add(new Object[] {key, (long) rnd.nextInt(), rnd.nextInt(4)});
        }
        Map<List<Object>, long[]> expected = new HashMap<>();
        for (Object[] r : rows) {
            if (!filtered || (Integer) r[2] > 0) {
                long[] agg = expected.computeIfAbsent(Arrays.asList(r[0]), x -> new long[2]);
                agg[0]++;
                agg[1] += (Long) r[1];
            }
        }
        try (MemoryPool pool = MemoryPool.unbounded("direct keys");
             InMemoryTable t = MixedTable.build(pool, "direct", schema, rows, blockRows)) {
            PlanBuilder b = PlanBuilder.scan(t);
            if (filtered) {
                b = b.filter(x -> x.gt(x.col("filt"), Exprs.integer(0)));
            }
            PlanNode plan = b.aggregate(List.of("k"), List.of(x -> x.countStar("n"), x -> x.sum(x.col("v"), "sv"))).build();
            ExecutionContext ctx = new ExecutionContext(pool, Kernels.provider(), 64 * batchSixtyFours, threads);
            List<List<Object>> got;
            try (MaterializedResult res = new QueryExecutor(ctx).execute(plan)) {
                got = res.rows();
            }
            assertEquals(expected.size(), got.size(), "groups");
            Map<List<Object>, List<Object>> byKey = new HashMap<>();
            for (List<Object> row : got) {
                assertNull(byKey.put(new ArrayList<>(row.subList(0, 1)), row), "a group twice: " + row);
            }
            for (var e : expected.entrySet()) {
                List<Object> row = byKey.get(e.getKey());
                assertTrue(row != null, "missing group " + e.getKey());
                assertEquals(e.getValue()[0], row.get(1), "count(*) of " + e.getKey());
                assertEquals(e.getValue()[1], row.get(2), "sum(v) of " + e.getKey());
            }
        }
    }
}
