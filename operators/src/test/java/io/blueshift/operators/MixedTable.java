package io.blueshift.operators;

import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.storage.InMemoryTable;
import io.blueshift.storage.TableBuilder;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded table with one column per type and about 10% NULLs, plus the same rows as Java
 * values (as {@code ColumnVector.getObject} returns them) for naive expected results.
 * {@code id} is 0..n-1 in order, never NULL; {@code sorted} rises with id for zone maps.
 */
public record MixedTable(InMemoryTable table, List<Object[]> rows) {
    public static final int ID = 0, I32 = 1, I64 = 2, DATE = 3, DEC = 4, F64 = 5, STR = 6, SORTED = 7;
    public static final DataType DEC_TYPE = DataType.decimal(15, 2);
    public static final Schema SCHEMA = Schema.of(
            Field.of("id", DataType.INT64),
            Field.of("i32", DataType.INT32),
            Field.of("i64", DataType.INT64),
            Field.of("d", DataType.DATE),
            Field.of("dec", DEC_TYPE),
            Field.of("f", DataType.FLOAT64),
            Field.of("s", DataType.VARCHAR),
            Field.of("sorted", DataType.INT32));

    static final List<String> STRINGS = List.of("", "a", "b", "ab", "twelve bytes", "twelve bytes!",
            "a string well over twelve bytes #1", "a string well over twelve bytes #2",
            "a string well over twelve bytes #10", "zz", "Ünïcödé strings over 12 bytes");

    public static MixedTable create(MemoryPool pool, int rows, int blockRows, long seed) {
        Random rnd = new Random(seed);
        List<Object[]> values = new ArrayList<>(rows);
        LocalDate base = LocalDate.of(1995, 1, 1);
        for (int i = 0; i < rows; i++) {
            Object[] r = new Object[SCHEMA.size()];
            r[ID] = (long) i;
            r[I32] = nullOr(rnd, rnd.nextInt(101) - 50);
            r[I64] = nullOr(rnd, (rnd.nextInt(201) - 100) * 10_000_000_000L);
            r[DATE] = nullOr(rnd, base.plusDays(rnd.nextInt(400)));
            r[DEC] = nullOr(rnd, BigDecimal.valueOf(rnd.nextInt(41) - 20, 2));
            r[F64] = nullOr(rnd, (rnd.nextInt(101) - 50) / 4.0);
            r[STR] = nullOr(rnd, STRINGS.get(rnd.nextInt(STRINGS.size())));
            r[SORTED] = i / 10;
            values.add(r);
        }
        return new MixedTable(build(pool, "mixed", SCHEMA, values, blockRows), values);
    }

    private static Object nullOr(Random rnd, Object v) {
        return rnd.nextInt(10) == 0 ? null : v;
    }

    public static InMemoryTable build(MemoryPool pool, String name, Schema schema, List<Object[]> rows, int blockRows) {
        try (TableBuilder b = new TableBuilder(pool, name, schema, blockRows)) {
            for (Object[] r : rows) {
                for (int c = 0; c < r.length; c++) {
                    b.setObject(c, r[c]);
                }
                b.endRow();
            }
            return b.build();
        }
    }
}
