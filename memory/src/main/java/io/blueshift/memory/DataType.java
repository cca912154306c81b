package io.blueshift.memory;

/**
 * The engine's SQL types. Each maps to one Arrow physical layout so batches cross into Arrow
 * without copies: fixed-width values in one data buffer, VARCHAR as 16-byte string views.
 */
public sealed interface DataType {

    BooleanType BOOLEAN = new BooleanType();
    Int32Type INT32 = new Int32Type();
    Int64Type INT64 = new Int64Type();
    Float64Type FLOAT64 = new Float64Type();
    DateType DATE = new DateType();
    TimestampType TIMESTAMP = new TimestampType();
    VarcharType VARCHAR = new VarcharType();

    /** Bytes per value in the data buffer; BOOLEAN is bit-packed and reports 0. */
    int byteWidth();

    /** SQL spelling, e.g. {@code DECIMAL(15,2)}. */
    String sqlName();

    static DecimalType decimal(int precision, int scale) {
        return new DecimalType(precision, scale);
    }

    /** Bit-packed, Arrow order (bit i of byte i/8). */
    record BooleanType() implements DataType {
        public int byteWidth() { return 0; }
        public String sqlName() { return "BOOLEAN"; }
    }

    record Int32Type() implements DataType {
        public int byteWidth() { return 4; }
        public String sqlName() { return "INTEGER"; }
    }

    record Int64Type() implements DataType {
        public int byteWidth() { return 8; }
        public String sqlName() { return "BIGINT"; }
    }

    record Float64Type() implements DataType {
        public int byteWidth() { return 8; }
        public String sqlName() { return "DOUBLE"; }
    }

    /** Days since 1970-01-01 as int32 (Arrow date32). */
    record DateType() implements DataType {
        public int byteWidth() { return 4; }
        public String sqlName() { return "DATE"; }
    }

    /** Microseconds since the epoch, no zone, as int64. */
    record TimestampType() implements DataType {
        public int byteWidth() { return 8; }
        public String sqlName() { return "TIMESTAMP"; }
    }

    /** Unscaled value as int64; precision at most 18 so every value fits. */
    record DecimalType(int precision, int scale) implements DataType {
        public static final int MAX_PRECISION = 18;

        public DecimalType {
            if (precision < 1 || precision > MAX_PRECISION) {
                throw new IllegalArgumentException(
                        "DECIMAL precision must be 1.." + MAX_PRECISION + ", got " + precision);
            }
            if (scale < 0 || scale > precision) {
                throw new IllegalArgumentException(
                        "DECIMAL scale must be 0.." + precision + ", got " + scale);
            }
        }

        public int byteWidth() { return 8; }
        public String sqlName() { return "DECIMAL(" + precision + "," + scale + ")"; }
    }

    /** 16-byte string views (Arrow Utf8View): length, prefix, inline bytes or buffer+offset. */
    record VarcharType() implements DataType {
        public int byteWidth() { return StringViews.VIEW_BYTES; }
        public String sqlName() { return "VARCHAR"; }
    }
}
