package io.blueshift.operators.aggregate;

import io.blueshift.memory.DataType;
import io.blueshift.memory.DataType.DecimalType;

/** The aggregate functions and their result types (SUM of DECIMAL(p,s) is DECIMAL(18,s)). */
public enum AggregateFunction {
    COUNT_STAR, COUNT, SUM, MIN, MAX, AVG;

    public DataType resultType(DataType input) {
        return switch (this) {
            case COUNT_STAR, COUNT -> DataType.INT64;
            case SUM -> switch (input) {
                case DecimalType d -> DataType.decimal(DecimalType.MAX_PRECISION, d.scale());
                case DataType.Int32Type i -> DataType.INT64;
                case DataType.Int64Type i -> DataType.INT64;
                case DataType.Float64Type f -> DataType.FLOAT64;
                default -> throw new IllegalArgumentException("SUM is not defined for " + input.sqlName());
            };
            case AVG -> switch (input) {
                case DecimalType d -> DataType.FLOAT64;
                case DataType.Int32Type i -> DataType.FLOAT64;
                case DataType.Int64Type i -> DataType.FLOAT64;
                case DataType.Float64Type f -> DataType.FLOAT64;
                default -> throw new IllegalArgumentException("AVG is not defined for " + input.sqlName());
            };
            case MIN, MAX -> {
                if (input instanceof DataType.BooleanType) {
                    throw new UnsupportedOperationException("not supported yet: " + name() + " of " + input.sqlName());
                }
                yield input;
            }
        };
    }
}
