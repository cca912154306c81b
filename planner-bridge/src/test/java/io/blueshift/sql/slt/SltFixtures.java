package io.blueshift.sql.slt;

import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.storage.InMemoryTable;
import io.blueshift.storage.TableBuilder;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The small hand-made tables every {@code .slt} file can query (described in
 * {@code src/test/resources/sql/README.md}; keep the two in step). Blocks of 1,024 rows so
 * {@code t_big} spans several blocks, zone maps and batches.
 */
final class SltFixtures {
    private static final int BLOCK_ROWS = 1024;

    private SltFixtures() {
    }

    static void build(MemoryPool pool, Consumer<InMemoryTable> register) {
        DataType i32 = DataType.INT32;
        DataType i64 = DataType.INT64;
        DataType str = DataType.VARCHAR;
        register.accept(table(pool, "t_one", schema("x", i32), List.of(row(1))));
        register.accept(table(pool, "t_int", schema("id", i32, "a", i32, "b", i64, "c", i32), List.of(
                row(1, 1, 10L, 5),
                row(2, 2, 20L, null),
                row(3, null, 30L, 5),
                row(4, 4, null, null),
                row(5, -5, -50L, 0),
                row(6, 2, 20L, 7),
                row(7, null, null, null),
                row(8, 0, 0L, 3))));
        register.accept(table(pool, "t_num", schema("id", i32, "d", DataType.decimal(10, 2),
                "e", DataType.decimal(18, 4), "f", DataType.FLOAT64), List.of(
                row(1, dec("1.50"), dec("100.0000"), 1.5),
                row(2, dec("-2.25"), dec("0.0001"), -0.25),
                row(3, null, dec("12345.6789"), null),
                row(4, dec("0.00"), null, 0.0),
                row(5, dec("99999999.99"), dec("-1.5000"), 1e10),
                row(6, dec("0.05"), dec("2.5000"), 0.1),
                row(7, dec("1.50"), null, 3.0),
                row(8, dec("-0.01"), dec("-0.0001"), -0.001))));
        register.accept(table(pool, "t_str", schema("id", i32, "s", str, "t", str), List.of(
                row(1, "apple", "a%"),
                row(2, "Apple", "A_"),
                row(3, "banana", null),
                row(4, "", ""),
                row(5, null, "x"),
                row(6, "a%b", "%"),
                row(7, "a_b", "_"),
                row(8, "a string longer than twelve bytes", "a%bytes"),
                row(9, "ümlaut", "ü%"),
                row(10, "apple", "apple"))));
        register.accept(table(pool, "t_date", schema("id", i32, "d", DataType.DATE, "flag", DataType.BOOLEAN), List.of(
                row(1, date("1995-01-01"), true),
                row(2, date("1995-12-31"), false),
                row(3, null, null),
                row(4, date("1992-02-29"), true),
                row(5, date("1998-12-01"), false),
                row(6, date("1970-01-01"), true))));
        register.accept(table(pool, "t_empty", schema("id", i32, "a", i32, "s", str, "d", DataType.decimal(10, 2)), List.of()));
        register.accept(table(pool, "t_left", schema("k", i32, "v", str), List.of(
                row(1, "l1"), row(2, "l2a"), row(2, "l2b"), row(3, "l3"), row(null, "lnull"), row(5, "l5"))));
        register.accept(table(pool, "t_right", schema("k", i32, "w", str), List.of(
                row(2, "r2a"), row(2, "r2b"), row(3, "r3"), row(4, "r4"), row(null, "rnull"), row(5, "r5"), row(5, "r5b"))));
        register.accept(table(pool, "t_limits", schema("id", i32, "i", i32, "l", i64,
                "d", DataType.decimal(18, 0), "m", DataType.decimal(18, 2)), List.of(
                row(1, Integer.MAX_VALUE, Long.MAX_VALUE, dec("999999999999999999"), dec("9999999999999999.99")),
                row(2, Integer.MIN_VALUE, Long.MIN_VALUE, dec("-999999999999999999"), dec("-9999999999999999.99")),
                row(3, 1, 1L, dec("1"), dec("0.01")))));
        List<List<Object>> big = new ArrayList<>();
        for (int id = 1; id <= 5000; id++) {
            big.add(row(id, id % 7, "k" + id % 3, id % 13 == 0 ? null : (long) (id * 37 % 1000),
                    id % 11 == 0 ? null : BigDecimal.valueOf(id * 7L % 10000, 2), id / 8.0));
        }
        register.accept(table(pool, "t_big", schema("id", i32, "g", i32, "h", str, "v", i64,
                "d", DataType.decimal(12, 2), "f", DataType.FLOAT64), big));
    }

    private static Schema schema(Object... nameTypePairs) {
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < nameTypePairs.length; i += 2) {
            fields.add(Field.of((String) nameTypePairs[i], (DataType) nameTypePairs[i + 1]));
        }
        return new Schema(fields);
    }

    private static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    private static BigDecimal dec(String s) {
        return new BigDecimal(s);
    }

    private static LocalDate date(String s) {
        return LocalDate.parse(s);
    }

    private static InMemoryTable table(MemoryPool pool, String name, Schema schema, List<List<Object>> rows) {
        try (TableBuilder b = new TableBuilder(pool, name, schema, BLOCK_ROWS)) {
            for (List<Object> row : rows) {
                for (int c = 0; c < row.size(); c++) {
                    b.setObject(c, row.get(c));
                }
                b.endRow();
            }
            return b.build();
        }
    }
}
