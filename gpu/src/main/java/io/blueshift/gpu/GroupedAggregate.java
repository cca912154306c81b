package io.blueshift.gpu;

import java.util.List;
import java.util.Objects;

/**
 * A grouped aggregation's result, back on the host: the group keys and, per aggregate, one
 * value and one count of non-null inputs per group (a group whose count is 0 has a NULL
 * SUM/MIN/MAX). Groups come in no particular order.
 */
public record GroupedAggregate(long[] keys, List<long[]> values, List<long[]> counts) {
    public enum Function { SUM, COUNT, MIN, MAX }

    /** {@code function} over {@code column} (an INT64 device column), or COUNT(*) with a null column. */
    public record Spec(Function function, DeviceColumn column) {
        public Spec {
            Objects.requireNonNull(function, "function is null");
            if (column == null && function != Function.COUNT) {
                throw new IllegalArgumentException(function + " needs a column");
            }
            if (column != null && column.kind() != ValueKind.INT64) {
                throw new IllegalArgumentException("device aggregates take INT64 columns, got " + column.kind());
            }
        }
    }

    public GroupedAggregate {
        values = List.copyOf(values);
        counts = List.copyOf(counts);
    }

    public int groups() {
        return keys.length;
    }
}
