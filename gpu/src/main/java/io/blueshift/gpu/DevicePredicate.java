package io.blueshift.gpu;

import io.blueshift.kernels.CompareOp;

import java.util.List;
import java.util.Objects;

/**
 * A conjunction of simple terms over the columns of a device filter: {@code column OP constant},
 * {@code column BETWEEN low AND high}, {@code column IN (...)}. NULL never passes. Integer
 * kinds compare exact longs (DECIMAL: unscaled, already rescaled to the column's scale);
 * FLOAT64 columns compare doubles.
 */
public record DevicePredicate(List<Term> terms) {
    public DevicePredicate {
        terms = List.copyOf(terms);
        if (terms.isEmpty()) {
            throw new IllegalArgumentException("a device predicate needs at least one term");
        }
    }

    public sealed interface Term {
        int column();
    }

    /** {@code column OP value}; for FLOAT64 columns {@code doubleValue} is used. */
    public record Compare(int column, CompareOp op, long value, double doubleValue) implements Term {
        public Compare {
            Objects.requireNonNull(op, "op is null");
        }

        public static Compare ofLong(int column, CompareOp op, long value) {
            return new Compare(column, op, value, value);
        }

        public static Compare ofDouble(int column, CompareOp op, double value) {
            return new Compare(column, op, 0, value);
        }
    }

    /** {@code low <= column <= high}. */
    public record Between(int column, long low, long high, double doubleLow, double doubleHigh) implements Term {
        public static Between ofLong(int column, long low, long high) {
            return new Between(column, low, high, low, high);
        }

        public static Between ofDouble(int column, double low, double high) {
            return new Between(column, 0, 0, low, high);
        }
    }

    /** {@code column IN (values)} over an integer column; values need not be sorted. */
    public record In(int column, long[] values) implements Term {
        public In {
            values = values.clone();
            java.util.Arrays.sort(values);
        }
    }
}
