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

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * ORDER BY through {@link RowOrder}'s per-row longs: doubles at the edges of their order
 * (-0.0 before 0.0, NaN after infinity, the smallest subnormals), and strings whose first eight
 * bytes agree (decided by bytes 8-15 or by all the bytes) or differ only by trailing zero bytes, with NULLs.
 */
class RowOrderTest extends OperatorTestBase {
    private static final double[] DOUBLES = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0,
            Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 1.5, -1.5};
    private static final String[] STRINGS = {"", "a", "a\0", "abcdefgh", "abcdefghi", "abcdefgh\0", "abcdefgh and more than twelve",
            "abcdefgh and more than twelve!", "abcdefgi", "\u00ff", "zzzzzzzzzzzzzzzz", "Ünï",
            // equal first 8 bytes, decided by bytes 8-15: inline (9-12 bytes) and out of line (13-16), zero and high bytes
            "abcdefgh1234", "abcdefgh1234\0", "abcdefgh12345", "abcdefgh1234567", "abcdefgh12345678", "abcdefgh12345678x",
            "abcdefgh12345679", "abcdefgh\u00ff", "abcdefgh\u00ff\u00ff\u00ff", "abcdefgh123\0\0",
            // equal in 16 and 24 bytes, decided by bytes 16-31 or past the 32 read into longs
            "abcdefgh12345678ABCDEFG", "abcdefgh12345678ABCDEFGH", "abcdefgh12345678ABCDEFGHx", "abcdefgh12345678ABCDEFGI",
            "abcdefgh12345678ABCDEFGH12345678", "abcdefgh12345678ABCDEFGH12345678z", "abcdefgh12345678ABCDEFGH12345679",
            "abcdefgh12345678ABCDEFGH12345678\0"};

    @Test
    void doublesAndStringsSortAsByteAndDoubleCompare() {
        Schema schema = Schema.of(Field.of("id", DataType.INT64), Field.of("f", DataType.FLOAT64), Field.of("s", DataType.VARCHAR));
        Random rnd = new Random(7);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            rows.add(new Object[] {(long) i,
                    rnd.nextInt(8) == 0 ? null : DOUBLES[rnd.nextInt(DOUBLES.length)],
                    rnd.nextInt(8) == 0 ? null : STRINGS[rnd.nextInt(STRINGS.length)]});
        }
        Comparator<Object> doubles = (a, b) -> Double.compare((Double) a, (Double) b);
        Comparator<Object> strings = (a, b) -> Arrays.compareUnsigned(((String) a).getBytes(StandardCharsets.UTF_8),
                ((String) b).getBytes(StandardCharsets.UTF_8));
        try (InMemoryTable table = MixedTable.build(pool, "t", schema, rows, 64)) {
            for (boolean asc : new boolean[] {true, false}) {
                Comparator<Object[]> f = column(1, doubles, asc);
                Comparator<Object[]> s = column(2, strings, asc);
                String dir = asc ? "" : " DESC";
                check(table, rows, new String[] {"s" + dir, "f" + dir}, s.thenComparing(f));
                check(table, rows, new String[] {"f" + dir, "s"}, f.thenComparing(column(2, strings, true)));
            }
        }
    }

    private static Comparator<Object[]> column(int c, Comparator<Object> values, boolean asc) {
        Comparator<Object> order = asc ? Comparator.nullsLast(values) : Comparator.nullsFirst(values.reversed());
        return (x, y) -> order.compare(x[c], y[c]);
    }

    private void check(InMemoryTable table, List<Object[]> rows, String[] keys, Comparator<Object[]> order) {
        List<Object[]> sorted = new ArrayList<>(rows);
        sorted.sort(order);   // stable: ties by id, as the engine's one-thread sort
        List<Long> want = sorted.stream().map(r -> (Long) r[0]).toList();
        PlanNode plan = PlanBuilder.scan(table, "id", "f", "s").orderBy(keys).build();
        List<Long> got = run(plan, ctx(1)).stream().map(r -> (Long) r.get(0)).toList();
        assertEquals(want, got, "ORDER BY " + String.join(", ", keys));
        PlanNode top = PlanBuilder.scan(table, "id", "f", "s").orderBy(keys).limit(40).build();
        assertEquals(want.subList(0, 40), run(top, ctx(1)).stream().map(r -> (Long) r.get(0)).toList(), "top 40");
    }
}
