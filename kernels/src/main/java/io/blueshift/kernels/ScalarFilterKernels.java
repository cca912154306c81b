package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The reference {@link FilterKernels}: one row at a time, branch-free. Every row id is written
 * to {@code out[k]} and {@code k} advances only when the row passes, so {@code out[k]} is
 * written even for rows that fail ({@code k <= i} keeps that inside the candidates' room).
 */
public final class ScalarFilterKernels implements FilterKernels {
    public static final ScalarFilterKernels INSTANCE = new ScalarFilterKernels();

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    private ScalarFilterKernels() {}

    /**
     * 1 if {@code v op c}, else 0, without a data-dependent branch (the switch is on the
     * loop-invariant operator): a filter's pass rate is often near 50%, where branches mispredict.
     */
    public static int test(CompareOp op, long v, long c) {
        long d = v - c;
        int lt = (int) ((d ^ ((v ^ c) & (d ^ v))) >>> 63); // signed v < c (Hacker's Delight 2-12)
        int eq = (int) (((d | -d) >>> 63) ^ 1);
        return switch (op) {
            case EQ -> eq;
            case NE -> eq ^ 1;
            case LT -> lt;
            case LE -> lt | eq;
            case GT -> (lt | eq) ^ 1;
            case GE -> lt ^ 1;
        };
    }

    /** IEEE comparisons (Java's operators): NaN passes only NE, -0.0 equals 0.0. */
    public static boolean test(CompareOp op, double v, double c) {
        return switch (op) {
            case EQ -> v == c;
            case NE -> v != c;
            case LT -> v < c;
            case LE -> v <= c;
            case GT -> v > c;
            case GE -> v >= c;
        };
    }

    @Override
    public int compareInt32(CompareOp op, MemorySegment data, MemorySegment validity, int count, int constant, MemorySegment out) {
        return compareInt32Rows(op, data, validity, null, count, constant, out);
    }

    @Override
    public int compareInt64(CompareOp op, MemorySegment data, MemorySegment validity, int count, long constant, MemorySegment out) {
        return compareInt64Rows(op, data, validity, null, count, constant, out);
    }

    @Override
    public int compareFloat64(CompareOp op, MemorySegment data, MemorySegment validity, int count, double constant, MemorySegment out) {
        return compareFloat64Rows(op, data, validity, null, count, constant, out);
    }

    @Override
    public int betweenInt32(MemorySegment data, MemorySegment validity, int count, int low, int high, MemorySegment out) {
        return betweenInt32Rows(data, validity, null, count, low, high, out);
    }

    @Override
    public int betweenInt64(MemorySegment data, MemorySegment validity, int count, long low, long high, MemorySegment out) {
        return betweenInt64Rows(data, validity, null, count, low, high, out);
    }

    @Override
    public int betweenFloat64(MemorySegment data, MemorySegment validity, int count, double low, double high, MemorySegment out) {
        return betweenFloat64Rows(data, validity, null, count, low, high, out);
    }

    @Override
    public int compareInt32Selected(CompareOp op, MemorySegment data, MemorySegment validity,
                                    MemorySegment sel, int selCount, int constant, MemorySegment out) {
        return compareInt32Rows(op, data, validity, sel, selCount, constant, out);
    }

    @Override
    public int compareInt64Selected(CompareOp op, MemorySegment data, MemorySegment validity,
                                    MemorySegment sel, int selCount, long constant, MemorySegment out) {
        return compareInt64Rows(op, data, validity, sel, selCount, constant, out);
    }

    @Override
    public int compareFloat64Selected(CompareOp op, MemorySegment data, MemorySegment validity,
                                      MemorySegment sel, int selCount, double constant, MemorySegment out) {
        return compareFloat64Rows(op, data, validity, sel, selCount, constant, out);
    }

    @Override
    public int betweenInt32Selected(MemorySegment data, MemorySegment validity,
                                    MemorySegment sel, int selCount, int low, int high, MemorySegment out) {
        return betweenInt32Rows(data, validity, sel, selCount, low, high, out);
    }

    @Override
    public int betweenInt64Selected(MemorySegment data, MemorySegment validity,
                                    MemorySegment sel, int selCount, long low, long high, MemorySegment out) {
        return betweenInt64Rows(data, validity, sel, selCount, low, high, out);
    }

    @Override
    public int betweenFloat64Selected(MemorySegment data, MemorySegment validity,
                                      MemorySegment sel, int selCount, double low, double high, MemorySegment out) {
        return betweenFloat64Rows(data, validity, sel, selCount, low, high, out);
    }

    // sel == null: candidate i is row i

    @Override
    public int compareColumnsInt32(CompareOp op, MemorySegment left, MemorySegment leftValidity,
                                   MemorySegment right, MemorySegment rightValidity, MemorySegment sel, int count, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            int pass = test(op, left.getAtIndex(INT, r), right.getAtIndex(INT, r))
                    & BitmapWords.bit(leftValidity, r) & BitmapWords.bit(rightValidity, r);
            out.setAtIndex(INT, k, r);
            k += pass;
        }
        return k;
    }

    @Override
    public int compareColumnsInt64(CompareOp op, MemorySegment left, MemorySegment leftValidity,
                                   MemorySegment right, MemorySegment rightValidity, MemorySegment sel, int count, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            int pass = test(op, left.getAtIndex(LONG, r), right.getAtIndex(LONG, r))
                    & BitmapWords.bit(leftValidity, r) & BitmapWords.bit(rightValidity, r);
            out.setAtIndex(INT, k, r);
            k += pass;
        }
        return k;
    }

    private static int row(MemorySegment sel, int i) {
        return sel == null ? i : sel.getAtIndex(INT, i);
    }

    private static int compareInt32Rows(CompareOp op, MemorySegment data, MemorySegment validity,
                                        MemorySegment sel, int count, int constant, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            int pass = test(op, data.getAtIndex(INT, r), constant) & BitmapWords.bit(validity, r);
            out.setAtIndex(INT, k, r);
            k += pass;
        }
        return k;
    }

    private static int compareInt64Rows(CompareOp op, MemorySegment data, MemorySegment validity,
                                        MemorySegment sel, int count, long constant, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            int pass = test(op, data.getAtIndex(LONG, r), constant) & BitmapWords.bit(validity, r);
            out.setAtIndex(INT, k, r);
            k += pass;
        }
        return k;
    }

    private static int compareFloat64Rows(CompareOp op, MemorySegment data, MemorySegment validity,
                                          MemorySegment sel, int count, double constant, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            boolean pass = test(op, data.getAtIndex(DOUBLE, r), constant) & BitmapWords.bit(validity, r) != 0;
            out.setAtIndex(INT, k, r);
            k += pass ? 1 : 0;
        }
        return k;
    }

    private static int betweenInt32Rows(MemorySegment data, MemorySegment validity, MemorySegment sel,
                                        int count, int low, int high, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            int v = data.getAtIndex(INT, r);
            int pass = (test(CompareOp.GE, v, low) & test(CompareOp.LE, v, high)) & BitmapWords.bit(validity, r);
            out.setAtIndex(INT, k, r);
            k += pass;
        }
        return k;
    }

    private static int betweenInt64Rows(MemorySegment data, MemorySegment validity, MemorySegment sel,
                                        int count, long low, long high, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            long v = data.getAtIndex(LONG, r);
            int pass = (test(CompareOp.GE, v, low) & test(CompareOp.LE, v, high)) & BitmapWords.bit(validity, r);
            out.setAtIndex(INT, k, r);
            k += pass;
        }
        return k;
    }

    private static int betweenFloat64Rows(MemorySegment data, MemorySegment validity, MemorySegment sel,
                                          int count, double low, double high, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            double v = data.getAtIndex(DOUBLE, r);
            boolean pass = v >= low & v <= high & BitmapWords.bit(validity, r) != 0;
            out.setAtIndex(INT, k, r);
            k += pass ? 1 : 0;
        }
        return k;
    }
}
