package io.blueshift.operators.holistic;

import io.blueshift.memory.DataType;
import io.blueshift.operators.order.SortKey;

import java.util.List;

/**
 * One aggregate of a {@link io.blueshift.operators.plan.PlanNode.GroupAggregate}: its function,
 * its input column ({@code -1} for COUNT(*)), a second column (the value ARG_MIN/ARG_MAX
 * compares, else {@code -1}), a constant (STRING_AGG's separator, a quantile's fraction),
 * the order of its inputs within a group (STRING_AGG ... ORDER BY), and its output name.
 */
public record GroupCall(Function function, int input, int input2, Object constant, List<SortKey> order,
                        DataType type, String name) {
    public GroupCall {
        order = List.copyOf(order);
    }

    public enum Function {
        COUNT_STAR, COUNT, SUM, MIN, MAX, AVG,
        STRING_AGG, QUANTILE_CONT, QUANTILE_DISC, MODE, ARG_MIN, ARG_MAX, BOOL_AND, BOOL_OR
    }

    /** DuckDB's result type of {@code function} over {@code input} (and {@code input2}'s type, unused but for ARG_MIN/MAX). */
    public static DataType resultType(Function function, DataType input) {
        return switch (function) {
            case COUNT_STAR, COUNT -> DataType.INT64;
            case SUM -> switch (input) {
                case DataType.DecimalType d -> DataType.decimal(DataType.DecimalType.MAX_PRECISION, d.scale());
                case DataType.Int32Type i -> DataType.INT64;
                case DataType.Int64Type i -> DataType.INT64;
                case DataType.Float64Type f -> DataType.FLOAT64;
                default -> throw new IllegalArgumentException("SUM is not defined for " + input.sqlName());
            };
            case AVG -> switch (input) {
                case DataType.DecimalType d -> DataType.FLOAT64;
                case DataType.Int32Type i -> DataType.FLOAT64;
                case DataType.Int64Type i -> DataType.FLOAT64;
                case DataType.Float64Type f -> DataType.FLOAT64;
                default -> throw new IllegalArgumentException("AVG is not defined for " + input.sqlName());
            };
            case MIN, MAX, MODE, QUANTILE_DISC, ARG_MIN, ARG_MAX -> input;
            case QUANTILE_CONT -> switch (input) {
                case DataType.Int32Type i -> DataType.FLOAT64;
                case DataType.Int64Type i -> DataType.FLOAT64;
                case DataType.Float64Type f -> DataType.FLOAT64;
                case DataType.DecimalType d -> d;
                case DataType.DateType d -> DataType.TIMESTAMP;
                case DataType.TimestampType t -> DataType.TIMESTAMP;
                default -> input;   // no interpolation between strings or booleans: the lower value
            };
            case STRING_AGG -> DataType.VARCHAR;
            case BOOL_AND, BOOL_OR -> {
                if (!(input instanceof DataType.BooleanType)) {
                    throw new IllegalArgumentException(function + " needs a BOOLEAN argument, got " + input.sqlName());
                }
                yield DataType.BOOLEAN;
            }
        };
    }

    public String describe(String inputName) {
        String f = function.name().toLowerCase();
        return function == Function.COUNT_STAR ? "count(*)" : f + "(" + inputName + (constant != null ? ", " + constant : "") + ")";
    }
}
