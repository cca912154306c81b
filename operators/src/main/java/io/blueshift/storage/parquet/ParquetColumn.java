package io.blueshift.storage.parquet;

import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import org.apache.parquet.format.Type;

/**
 * One flat (non-nested) Parquet column as the engine sees it: where its chunks are in each
 * row group ({@code leafIndex}), its physical type, and how values convert to {@link #type()}.
 */
public record ParquetColumn(String name, int leafIndex, Type physical, int typeLength, boolean optional,
                            DataType type, Conversion conversion) {

    /** How a physical value becomes an engine value. */
    enum Conversion {
        BOOLEAN, INT32, INT32_TO_INT64, UINT32_TO_INT64, INT64, TIMESTAMP_MILLIS, TIMESTAMP_MICROS,
        TIMESTAMP_NANOS, INT96_TIMESTAMP, FLOAT_TO_DOUBLE, DOUBLE, STRING, BINARY_DECIMAL
    }

    public Field field() {
        return new Field(name, type, optional);
    }
}
