package io.blueshift.operators.window;

import io.blueshift.memory.DataType;

/**
 * One window function of a {@link io.blueshift.operators.plan.PlanNode.Window}: its function,
 * argument column ({@code -1} for none), the constant it takes (LAG/LEAD offset, NTILE
 * buckets), LAG/LEAD's default column ({@code -1} for NULL), and the output name and type.
 */
public record WindowCall(Function function, int argument, long constant, int defaultColumn, String name, DataType type) {

    public enum Function {
        ROW_NUMBER, RANK, DENSE_RANK, PERCENT_RANK, CUME_DIST, NTILE,
        COUNT_STAR, COUNT, SUM, AVG, MIN, MAX,
        LAG, LEAD, FIRST_VALUE, LAST_VALUE;

        /** Functions of the row's place in its partition, which ignore the frame. */
        boolean ranking() {
            return ordinal() <= NTILE.ordinal() || this == LAG || this == LEAD;
        }
    }

    public String describe(String argumentName) {
        return function.name().toLowerCase() + "(" + (argument < 0 ? "" : argumentName) + ")";
    }
}
