package io.blueshift.operators.aggregate;

import io.blueshift.memory.DataType;

/**
 * One aggregate of a GROUP BY: {@code function(input column)} named {@code name}.
 * {@code input} is -1 for COUNT(*).
 */
public record AggregateCall(AggregateFunction function, int input, DataType inputType, String name) {
    public DataType resultType() {
        return function == AggregateFunction.COUNT_STAR ? DataType.INT64 : function.resultType(inputType);
    }

    public String describe(String inputName) {
        return function == AggregateFunction.COUNT_STAR ? "count(*)" : function.name().toLowerCase() + "(" + inputName + ")";
    }
}
