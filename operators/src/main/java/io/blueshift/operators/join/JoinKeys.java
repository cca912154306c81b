package io.blueshift.operators.join;

import io.blueshift.kernels.HashKernels;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.StringViews;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Join keys: hashing through the kernels (so build and probe agree bit for bit, an INT32 key
 * like the same INT64 one) and equality of one probe value with one build value.
 */
final class JoinKeys {
    private static final ValueLayout.OfLong LONG_U = ValueLayout.JAVA_LONG_UNALIGNED;

    private JoinKeys() {}

    static void checkType(DataType t) {
        if (t instanceof DataType.BooleanType) {
            throw new UnsupportedOperationException("not supported: a join key of type BOOLEAN");
        }
    }

    /**
     * Keys are compared by their stored bits, so both sides must store a value the same way:
     * the same type, INT32 with INT64 (hashed alike), or DECIMALs of one scale (an integer
     * counts as scale 0). Anything else needs a cast in the plan.
     */
    static void checkComparable(DataType probe, DataType build) {
        checkType(probe);
        checkType(build);
        if (probe.equals(build) || scale(probe) >= 0 && scale(probe) == scale(build)) {
            return;
        }
        throw new UnsupportedOperationException("not supported: join keys of types " + probe.sqlName()
                + " and " + build.sqlName() + " (cast one side)");
    }

    private static int scale(DataType t) {
        return switch (t) {
            case DataType.Int32Type i -> 0;
            case DataType.Int64Type i -> 0;
            case DataType.DecimalType d -> d.scale();
            default -> -1;
        };
    }

    /** Hash of every candidate's keys into {@code out} (dense, index i for the i-th candidate). */
    static void hash(HashKernels h, List<ColumnVector> keys, MemorySegment sel, int n, MemorySegment out) {
        for (int k = 0; k < keys.size(); k++) {
            ColumnVector v = keys.get(k);
            boolean first = k == 0;
            if (v.type() instanceof DataType.VarcharType) {
                if (first) h.hashStringViews(v.data(), v.varBuffers(), v.validity(), sel, n, out);
                else h.combineStringViews(v.data(), v.varBuffers(), v.validity(), sel, n, out);
            } else if (v.byteWidth() == 4) {
                if (first) h.hashInt32(v.data(), v.validity(), sel, n, out);
                else h.combineInt32(v.data(), v.validity(), sel, n, out);
            } else {
                if (first) h.hashInt64(v.data(), v.validity(), sel, n, out);
                else h.combineInt64(v.data(), v.validity(), sel, n, out);
            }
        }
    }

    /** Value {@code i} of a fixed-width integer-like vector, sign-extended. */
    static long longAt(ColumnVector v, int i) {
        return v.byteWidth() == 4 ? v.getInt(i) : v.getLong(i);
    }

    /** Non-null equality of probe value {@code a[i]} and build value {@code b[j]}. */
    static boolean equal(ColumnVector a, int i, ColumnVector b, int j) {
        if (a.type() instanceof DataType.VarcharType) {
            MemorySegment x = a.data();
            MemorySegment y = b.data();
            long x0 = x.get(LONG_U, (long) i << 4);
            if (x0 != y.get(LONG_U, (long) j << 4)) {
                return false;
            }
            return (int) x0 <= StringViews.INLINE_MAX
                    ? x.get(LONG_U, ((long) i << 4) + 8) == y.get(LONG_U, ((long) j << 4) + 8)
                    : StringViews.equals(x, a.varBuffers(), i, y, b.varBuffers(), j);
        }
        return longAt(a, i) == longAt(b, j);
    }

    /** True if any of {@code keys} is NULL at row {@code i}. */
    static boolean anyNull(List<ColumnVector> keys, int i) {
        for (ColumnVector k : keys) {
            if (k.isNull(i)) {
                return true;
            }
        }
        return false;
    }
}
