package io.blueshift.gpu;

import io.blueshift.memory.DataType;

import java.util.Optional;

/** How a device kernel reads a column: 32-bit ints, 64-bit ints, or doubles. */
public enum ValueKind {
    INT32(4), INT64(8), FLOAT64(8);

    private final int bytes;

    ValueKind(int bytes) { this.bytes = bytes; }

    public int bytes() { return bytes; }

    /** INT32 and DATE are INT32; INT64, TIMESTAMP and DECIMAL (scaled long) are INT64; empty for the rest. */
    public static Optional<ValueKind> of(DataType type) {
        return switch (type) {
            case DataType.Int32Type t -> Optional.of(INT32);
            case DataType.DateType t -> Optional.of(INT32);
            case DataType.Int64Type t -> Optional.of(INT64);
            case DataType.TimestampType t -> Optional.of(INT64);
            case DataType.DecimalType t -> Optional.of(INT64);
            case DataType.Float64Type t -> Optional.of(FLOAT64);
            default -> Optional.empty();
        };
    }
}
