package io.blueshift.operators.order;

import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.Schema;
import io.blueshift.operators.MixedTable;
import io.blueshift.operators.OperatorTestBase;
import io.blueshift.operators.plan.PlanBuilder;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.storage.InMemoryTable;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * ORDER BY through {@link PackedOrder} (one long per row) against a naive stable sort: random
 * key lists over every type of {@link MixedTable} with NULLs, both directions and both NULL
 * placements, over many batches; keys too wide to pack (doubles of both signs, wide spans) take
 * the row sort with the same answers; the parallel runs and merges of a large input.
 */
class PackedOrderTest extends OperatorTestBase {
    private static final int[] KEY_COLUMNS = {MixedTable.I32, MixedTable.I64, MixedTable.DATE, MixedTable.DEC,
            MixedTable.F64, MixedTable.STR, MixedTable.SORTED};

    @Test
    void randomKeyListsMatchANaiveStableSort() {
        MixedTable t = MixedTable.create(pool, 3000, 104, 11);
        try (InMemoryTable table = t.table()) {
            Random rnd = new Random(5);
            for (int round = 0; round < 24; round++) {
                int count = 1 + rnd.nextInt(3);
                List<SortKey> keys = new ArrayList<>();
                Comparator<Object[]> order = null;
                for (int k = 0; k < count; k++) {
                    int c = KEY_COLUMNS[rnd.nextInt(KEY_COLUMNS.length)];
                    SortKey key = new SortKey(c, rnd.nextBoolean(), rnd.nextBoolean());
                    keys.add(key);
                    Comparator<Object[]> one = column(key);
                    order = order == null ? one : order.thenComparing(one);
                }
                check(table, t.rows(), keys, order, 1);
                // two workers may hand the scan's batches over in another order: ties by id
                List<SortKey> total = new ArrayList<>(keys);
                total.add(SortKey.asc(MixedTable.ID));
                check(table, t.rows(), total, order.thenComparing(x -> (Long) x[MixedTable.ID]), 2);
            }
        }
    }

    /** Strings sharing 4-, 8-, 12- and 16-byte prefixes, of lengths around the inline limit, with zero and high bytes. */
    private static final String[] STRINGS = {"", "a", "a\0", "abcd", "abcdefgh", "abcdefghi", "abcdefgh\0", "abcdefgh1234",
            "abcdefgh1234\0", "abcdefgh12345", "abcdefgh12345678", "abcdefgh12345678x", "abcdefgh12345679",
            "abcdefgh12345678ABCDEFGH", "abcdefgh12345678ABCDEFGI", "abcdefgh12345678ABCDEFGH\0", "abcdefgh\u00ff",
            "\u00ff", "Ünïcödé", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzy"};

    @Test
    void stringRanksFollowByteOrder() {
        Schema schema = Schema.of(Field.of("id", DataType.INT64), Field.of("s", DataType.VARCHAR), Field.of("k", DataType.INT32));
        Random rnd = new Random(9);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            rows.add(new Object[] {(long) i, rnd.nextInt(9) == 0 ? null : STRINGS[rnd.nextInt(STRINGS.length)], rnd.nextInt(3)});
        }
        try (InMemoryTable table = MixedTable.build(pool, "t", schema, rows, 64)) {
            for (boolean asc : new boolean[] {true, false}) {
                for (boolean nullsFirst : new boolean[] {true, false}) {
                    List<SortKey> keys = List.of(new SortKey(1, asc, nullsFirst), SortKey.desc(2));
                    check(table, rows, keys, column(keys.get(0)).thenComparing(column(keys.get(1))), 1);
                }
            }
        }
    }

    @Test
    void packsNarrowKeysAndGivesUpOnWideOnes() {
        Schema schema = Schema.of(Field.of("i", DataType.INT32), Field.of("big", DataType.INT64), Field.of("s", DataType.VARCHAR));
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            rows.add(new Object[] {i % 7, (i % 2 == 0 ? Long.MIN_VALUE : Long.MAX_VALUE), "s" + (i % 13)});
        }
        try (InMemoryTable table = MixedTable.build(pool, "t", schema, rows, 64)) {
            var scan = PlanBuilder.scan(table, "i", "big", "s").build();
            try (var r = new io.blueshift.operators.plan.QueryExecutor(ctx(1)).execute(scan)) {
                long[] refs = refs(r.batches());
                assertNotNull(PackedOrder.order(r.batches(), refs, List.of(SortKey.asc(0), SortKey.desc(2)), r.schema(), ctx(1)));
                // the span of big overflows a long
                assertNull(PackedOrder.order(r.batches(), refs, List.of(SortKey.asc(1)), r.schema(), ctx(1)));
            }
            Comparator<Object[]> big = Comparator.comparing(x -> (Long) x[1]);
            Comparator<Object[]> i = Comparator.comparing(x -> (Integer) x[0]);
            List<Object[]> want = new ArrayList<>(rows);
            want.sort(big.thenComparing(i.reversed()));
            List<List<Object>> got = run(new PlanNode.Sort(PlanBuilder.scan(table, "i", "big", "s").build(),
                    List.of(SortKey.asc(1), SortKey.desc(0)), 0, Long.MAX_VALUE), ctx(1));
            for (int r = 0; r < want.size(); r++) {
                assertEquals(Arrays.asList(want.get(r)), got.get(r), "row " + r);
            }
        }
    }

    @Test
    void largeInputSortsInParallelRunsAndMerges() {
        Schema schema = Schema.of(Field.of("id", DataType.INT64), Field.of("k", DataType.INT32), Field.of("s", DataType.VARCHAR));
        Random rnd = new Random(3);
        List<Object[]> rows = new ArrayList<>();
        int n = PackedOrder.PARALLEL_ROWS + 20_011;
        for (int i = 0; i < n; i++) {
            rows.add(new Object[] {(long) i, rnd.nextInt(10) == 0 ? null : rnd.nextInt(1000),
                    "value number " + rnd.nextInt(50)});
        }
        try (InMemoryTable table = MixedTable.build(pool, "t", schema, rows, 8192)) {
            List<SortKey> keys = List.of(new SortKey(2, false, false), new SortKey(1, true, true), SortKey.asc(0));
            // ASCII strings: String order is byte order (and far cheaper for the naive sort)
            Comparator<Object[]> s = Comparator.comparing(x -> (String) x[2]);
            Comparator<Object[]> order = s.reversed().thenComparing(column(keys.get(1))).thenComparing(column(keys.get(2)));
            check(table, rows, keys, order, 2);
        }
    }

    private static long[] refs(List<io.blueshift.memory.Batch> batches) {
        List<Long> out = new ArrayList<>();
        for (int b = 0; b < batches.size(); b++) {
            for (int r = 0; r < batches.get(b).rowCount(); r++) {
                out.add(((long) b << 32) | r);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    @SuppressWarnings("unchecked")
    private static Comparator<Object[]> column(SortKey key) {
        Comparator<Object> values = (a, b) -> switch (a) {
            case String s -> Arrays.compareUnsigned(s.getBytes(StandardCharsets.UTF_8), ((String) b).getBytes(StandardCharsets.UTF_8));
            case Double d -> Double.compare(d, (Double) b);
            case BigDecimal d -> d.compareTo((BigDecimal) b);
            case LocalDate d -> d.compareTo((LocalDate) b);
            default -> ((Comparable<Object>) a).compareTo(b);
        };
        Comparator<Object> directed = key.ascending() ? values : values.reversed();
        Comparator<Object> order = key.nullsFirst() ? Comparator.nullsFirst(directed) : Comparator.nullsLast(directed);
        int c = key.column();
        return (x, y) -> order.compare(x[c], y[c]);
    }

    private void check(InMemoryTable table, List<Object[]> rows, List<SortKey> keys, Comparator<Object[]> order, int threads) {
        List<Object[]> sorted = new ArrayList<>(rows);
        sorted.sort(order);   // stable: ties keep input order, as the engine's sort
        List<Long> want = sorted.stream().map(r -> (Long) r[0]).toList();
        String[] names = table.schema().names().toArray(String[]::new);
        PlanNode plan = new PlanNode.Sort(PlanBuilder.scan(table, names).build(), keys, 0, Long.MAX_VALUE);
        List<Long> got = run(plan, ctx(threads)).stream().map(r -> (Long) r.get(0)).toList();
        assertEquals(want, got, "ORDER BY " + keys + " on " + threads + " threads");
    }
}
