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
 * GROUP BY keys that {@link PackedKeys} packs into one long (and some that stop it): one to
 * three key columns of VARCHAR (lengths 0 to 9: up to 7 pack, longer ones turn the cache off,
 * and lengths can grow from batch to batch, which widens the layout), INT32 and INT64 with
 * edge values, BOOLEAN and FLOAT64; NULLs in some table blocks only (a column that shows a
 * validity bitmap later), 1 to 6000 distinct keys (the map's limit is 4096), a filter or none,
 * 1 or 2 workers: COUNT(*) and SUM of each group against a naive fold.
 */
class PackedKeysPropertyTest {
    private static final DataType[] TYPES = {DataType.VARCHAR, DataType.INT32, DataType.INT64, DataType.BOOLEAN, DataType.FLOAT64};
    private static final long[] LONG_EDGES = {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 1};
    private static final int[] INT_EDGES = {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 1};
    private static final String BYTES = "abcAZ\u00e9\u0001 ";

    @Property(tries = 60)
    void packedKeysEqualANaiveFold(@ForAll @IntRange(min = 1, max = 3) int keyCount,
                                   @ForAll @IntRange(min = 0, max = 124) int typeCode,
                                   @ForAll @IntRange(min = 1, max = 6000) int distinct,
                                   @ForAll @IntRange(min = 1, max = 9) int maxLen,
                                   @ForAll boolean growing,
                                   @ForAll @IntRange(min = 1, max = 9000) int rowCount,
                                   @ForAll @IntRange(min = 1, max = 40) int blockSixtyFours,
                                   @ForAll @IntRange(min = 1, max = 8) int batchSixtyFours,
                                   @ForAll @IntRange(min = 0, max = 3) int nullEvery,
                                   @ForAll boolean filtered,
                                   @ForAll @IntRange(min = 1, max = 2) int threads,
                                   @ForAll long seed) {
        Random rnd = new Random(seed);
        DataType[] types = new DataType[keyCount];
        int code = typeCode;
        for (int k = 0; k < keyCount; k++) {
            types[k] = TYPES[code % TYPES.length];
            code /= TYPES.length;
        }
        List<Field> fields = new ArrayList<>();
        for (int k = 0; k < keyCount; k++) {
            fields.add(Field.of("k" + k, types[k]));
        }
        fields.add(Field.of("v", DataType.INT64));
        fields.add(Field.of("filt", DataType.INT32));
        Schema schema = new Schema(fields);
        int blockRows = 64 * blockSixtyFours;
        // each key combination j: its values drawn once
        Object[][] combos = new Object[distinct][];
        for (int j = 0; j < distinct; j++) {
            combos[j] = new Object[keyCount];
            for (int k = 0; k < keyCount; k++) {
                combos[j][k] = value(rnd, types[k], maxLen);
            }
        }
        List<Object[]> rows = new ArrayList<>();
        for (int r = 0; r < rowCount; r++) {
            int j = rnd.nextInt(distinct);
            Object[] row = new Object[keyCount + 2];
            boolean nullBlock = nullEvery > 0 && (r / blockRows) % (nullEvery + 1) == 1;
            for (int k = 0; k < keyCount; k++) {
                Object v = combos[j][k];
                if (growing && v instanceof String s && r < rowCount / 2) {
                    v = s.substring(0, Math.min(1, s.length()));   // short strings first, the longer ones later
                }
                row[k] = nullBlock && rnd.nextInt(3) == 0 ? null : v;
            }
            row[keyCount] = rnd.nextInt(4) == 0 ? LONG_EDGES[rnd.nextInt(LONG_EDGES.length)] >> 20 : (long) rnd.nextInt();
            row[keyCount + 1] = rnd.nextInt(4);
            rows.add(row);
        }
        Map<List<Object>, long[]> expected = new HashMap<>();
        for (Object[] r : rows) {
            if (!filtered || (Integer) r[keyCount + 1] > 0) {
                long[] agg = expected.computeIfAbsent(Arrays.asList(Arrays.copyOf(r, keyCount)), x -> new long[2]);
                agg[0]++;
                agg[1] += (Long) r[keyCount];
            }
        }
        List<String> keyNames = new ArrayList<>();
        for (int k = 0; k < keyCount; k++) {
            keyNames.add("k" + k);
        }
        try (MemoryPool pool = MemoryPool.unbounded("packed keys");
             InMemoryTable t = MixedTable.build(pool, "packed", schema, rows, blockRows)) {
            PlanBuilder b = PlanBuilder.scan(t);
            if (filtered) {
                b = b.filter(x -> x.gt(x.col("filt"), Exprs.integer(0)));
            }
            PlanNode plan = b.aggregate(keyNames, List.of(x -> x.countStar("n"), x -> x.sum(x.col("v"), "sv"))).build();
            ExecutionContext ctx = new ExecutionContext(pool, Kernels.provider(), 64 * batchSixtyFours, threads);
            List<List<Object>> got;
            try (MaterializedResult res = new QueryExecutor(ctx).execute(plan)) {
                got = res.rows();
            }
            assertEquals(expected.size(), got.size(), "groups");
            Map<List<Object>, List<Object>> byKey = new HashMap<>();
            for (List<Object> row : got) {
                assertNull(byKey.put(new ArrayList<>(row.subList(0, keyCount)), row), "a group twice: " + row);
            }
            for (var e : expected.entrySet()) {
                List<Object> row = byKey.get(e.getKey());
                assertTrue(row != null, "missing group " + e.getKey());
                assertEquals(e.getValue()[0], row.get(keyCount), "count(*) of " + e.getKey());
                assertEquals(e.getValue()[1], row.get(keyCount + 1), "sum(v) of " + e.getKey());
            }
        }
    }

    private static Object value(Random rnd, DataType type, int maxLen) {
        return switch (type) {
            case DataType.VarcharType t -> {
                int len = rnd.nextInt(maxLen + 1);
                StringBuilder s = new StringBuilder();
                for (int i = 0; i < len; i++) {
                    s.append(BYTES.charAt(rnd.nextInt(BYTES.length())));
                }
                yield s.toString();
            }
            case DataType.Int32Type t -> rnd.nextInt(4) == 0 ? INT_EDGES[rnd.nextInt(INT_EDGES.length)] : rnd.nextInt(100) - 50;
            case DataType.Int64Type t -> rnd.nextInt(4) == 0 ? LONG_EDGES[rnd.nextInt(LONG_EDGES.length)] : (long) rnd.nextInt(100) - 50;
            case DataType.BooleanType t -> rnd.nextBoolean();
            default -> (rnd.nextInt(201) - 100) / 4.0;
        };
    }
}
