package io.blueshift.memory.arrow;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** A batch with one column of every type, nulls every third row, strings inline and out of line. */
final class SampleBatch {
    static final List<String> NAMES = List.of("flag", "i32", "i64", "f64", "day", "ts", "price", "name");
    static final List<DataType> TYPES = List.of(DataType.BOOLEAN, DataType.INT32, DataType.INT64, DataType.FLOAT64,
            DataType.DATE, DataType.TIMESTAMP, DataType.decimal(15, 2), DataType.VARCHAR);

    private SampleBatch() {}

    static boolean isNull(int row, int column) {
        return (row + column) % 3 == 0;
    }

    /** Expected value as {@link ColumnVector#getObject} returns it. */
    static Object value(int row, int column) {
        if (isNull(row, column)) {
            return null;
        }
        return switch (column) {
            case 0 -> row % 2 == 0;
            case 1 -> row * 7 - 100;
            case 2 -> (long) row * 1_000_000_007L - 5;
            case 3 -> row * 0.25 - 1;
            case 4 -> java.time.LocalDate.ofEpochDay(19_000 + row);
            case 5 -> 1_700_000_000_000_000L + row;
            case 6 -> BigDecimal.valueOf(row % 2 == 0 ? -12_345_678L * row : 99_999_999_999_99L - row, 2);
            case 7 -> string(row);
            default -> throw new IllegalArgumentException();
        };
    }

    /** Short strings stay inline (<= 12 bytes); every fourth is long and goes out of line. */
    static String string(int row) {
        return row % 4 == 0 ? "out-of-line string number " + row + " ✓" : "s" + row;
    }

    static Batch create(MemoryPool pool, int rows) {
        List<ColumnVector> columns = new ArrayList<>();
        for (int c = 0; c < TYPES.size(); c++) {
            ColumnVector v = ColumnVector.allocate(pool, TYPES.get(c), rows, true, NAMES.get(c));
            columns.add(v);
            for (int r = 0; r < rows; r++) {
                Object o = value(r, c);
                if (o == null) {
                    v.setNull(r);
                    continue;
                }
                switch (o) {
                    case Boolean b -> v.setBoolean(r, b);
                    case Integer i -> v.setInt(r, i);
                    case Long l -> v.setLong(r, l);
                    case Double d -> v.setDouble(r, d);
                    case java.time.LocalDate d -> v.setInt(r, (int) d.toEpochDay());
                    case BigDecimal d -> v.setLong(r, d.unscaledValue().longValueExact());
                    case String s -> v.setString(r, s);
                    default -> throw new IllegalArgumentException();
                }
            }
        }
        return new Batch(columns, rows);
    }
}
