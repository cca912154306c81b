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

    /*
     * ONE_SHAPE (session 8): the loops below take the operator as a bit set of the outcomes that
     * pass (less, equal, greater, unordered) and read the outcome's bit, so no loop switches on
     * the operator; and each has a dense and a selected form instead of testing the selection
     * per row. With a switch in the loop C2 compiled the operators seen so far and trapped and
     * recompiled the loop when a query brought another (session 7: compareInt64Rows compiled,
     * trapped and recompiled; 1.5 s compiles).
     */

    /** The outcomes {@code op} passes: bit 0 less, bit 1 equal, bit 2 greater, bit 3 unordered (NaN). */
    static int outcomes(CompareOp op) {
        return switch (op) {
            case EQ -> 0b0010;
            case NE -> 0b1101;
            case LT -> 0b0001;
            case LE -> 0b0011;
            case GT -> 0b0100;
            case GE -> 0b0110;
        };
    }

    /** 1 if {@code v} against {@code c} has one of the {@code outcomes}, else 0; branch-free. */
    private static int passes(int outcomes, long v, long c) {
        long d = v - c;
        int lt = (int) ((d ^ ((v ^ c) & (d ^ v))) >>> 63); // signed v < c (Hacker's Delight 2-12)
        int eq = (int) (((d | -d) >>> 63) ^ 1);
        return (outcomes >>> (2 - 2 * lt - eq)) & 1;       // less: bit 0, equal: bit 1, greater: bit 2
    }

    /** As {@link #passes(int, long, long)} with IEEE outcomes: NaN on either side is unordered (bit 3). */
    private static int passes(int outcomes, double v, double c) {
        int lt = v < c ? 1 : 0;
        int eq = v == c ? 1 : 0;
        int gt = v > c ? 1 : 0;
        return (outcomes >>> (3 - 3 * lt - 2 * eq - gt)) & 1;
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
        int outcomes = outcomes(op);
        return sel == null
                ? columnsInt32Dense(outcomes, left, leftValidity, right, rightValidity, count, out)
                : columnsInt32OfSelection(outcomes, left, leftValidity, right, rightValidity, sel, count, out);
    }

    @Override
    public int compareColumnsInt64(CompareOp op, MemorySegment left, MemorySegment leftValidity,
                                   MemorySegment right, MemorySegment rightValidity, MemorySegment sel, int count, MemorySegment out) {
        int outcomes = outcomes(op);
        return sel == null
                ? columnsInt64Dense(outcomes, left, leftValidity, right, rightValidity, count, out)
                : columnsInt64OfSelection(outcomes, left, leftValidity, right, rightValidity, sel, count, out);
    }

    private static int columnsInt32Dense(int outcomes, MemorySegment left, MemorySegment leftValidity, MemorySegment right, MemorySegment rightValidity,
                                     int count, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = i;
            int pass = passes(outcomes, left.getAtIndex(INT, r), right.getAtIndex(INT, r))
                    & BitmapWords.bit(leftValidity, r) & BitmapWords.bit(rightValidity, r);
            out.setAtIndex(INT, k, r);
            k += pass;
        }
        return k;
    }

    private static int columnsInt32OfSelection(int outcomes, MemorySegment left, MemorySegment leftValidity, MemorySegment right, MemorySegment rightValidity, MemorySegment sel,
                                     int count, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = sel.getAtIndex(INT, i);
            int pass = passes(outcomes, left.getAtIndex(INT, r), right.getAtIndex(INT, r))
                    & BitmapWords.bit(leftValidity, r) & BitmapWords.bit(rightValidity, r);
            out.setAtIndex(INT, k, r);
            k += pass;
        }
        return k;
    }

    private static int columnsInt64Dense(int outcomes, MemorySegment left, MemorySegment leftValidity, MemorySegment right, MemorySegment rightValidity,
                                     int count, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = i;
            int pass = passes(outcomes, left.getAtIndex(LONG, r), right.getAtIndex(LONG, r))
                    & BitmapWords.bit(leftValidity, r) & BitmapWords.bit(rightValidity, r);
            out.setAtIndex(INT, k, r);
            k += pass;
        }
        return k;
    }

    private static int columnsInt64OfSelection(int outcomes, MemorySegment left, MemorySegment leftValidity, MemorySegment right, MemorySegment rightValidity, MemorySegment sel,
                                     int count, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = sel.getAtIndex(INT, i);
            int pass = passes(outcomes, left.getAtIndex(LONG, r), right.getAtIndex(LONG, r))
                    & BitmapWords.bit(leftValidity, r) & BitmapWords.bit(rightValidity, r);
            out.setAtIndex(INT, k, r);
            k += pass;
        }
        return k;
    }

    private static int compareInt32Rows(CompareOp op, MemorySegment data, MemorySegment validity,
                                        MemorySegment sel, int count, int constant, MemorySegment out) {
        int outcomes = outcomes(op);
        return sel == null
                ? compareInt32Dense(outcomes, data, validity, count, constant, out)
                : compareInt32OfSelection(outcomes, data, validity, sel, count, constant, out);
    }

    private static int compareInt32Dense(int outcomes, MemorySegment data, MemorySegment validity, int count, int constant, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = i;
            int pass = passes(outcomes, data.getAtIndex(INT, r), constant) & BitmapWords.bit(validity, r);
            out.setAtIndex(INT, k, r);
            k += pass;
        }
        return k;
    }

    private static int compareInt32OfSelection(int outcomes, MemorySegment data, MemorySegment validity, MemorySegment sel, int count, int constant, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = sel.getAtIndex(INT, i);
            int pass = passes(outcomes, data.getAtIndex(INT, r), constant) & BitmapWords.bit(validity, r);
            out.setAtIndex(INT, k, r);
            k += pass;
        }
        return k;
    }

    private static int compareInt64Rows(CompareOp op, MemorySegment data, MemorySegment validity,
                                        MemorySegment sel, int count, long constant, MemorySegment out) {
        int outcomes = outcomes(op);
        return sel == null
                ? compareInt64Dense(outcomes, data, validity, count, constant, out)
                : compareInt64OfSelection(outcomes, data, validity, sel, count, constant, out);
    }

    private static int compareInt64Dense(int outcomes, MemorySegment data, MemorySegment validity, int count, long constant, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = i;
            int pass = passes(outcomes, data.getAtIndex(LONG, r), constant) & BitmapWords.bit(validity, r);
            out.setAtIndex(INT, k, r);
            k += pass;
        }
        return k;
    }

    private static int compareInt64OfSelection(int outcomes, MemorySegment data, MemorySegment validity, MemorySegment sel, int count, long constant, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = sel.getAtIndex(INT, i);
            int pass = passes(outcomes, data.getAtIndex(LONG, r), constant) & BitmapWords.bit(validity, r);
            out.setAtIndex(INT, k, r);
            k += pass;
        }
        return k;
    }

    private static int compareFloat64Rows(CompareOp op, MemorySegment data, MemorySegment validity,
                                        MemorySegment sel, int count, double constant, MemorySegment out) {
        int outcomes = outcomes(op);
        return sel == null
                ? compareFloat64Dense(outcomes, data, validity, count, constant, out)
                : compareFloat64OfSelection(outcomes, data, validity, sel, count, constant, out);
    }

    private static int compareFloat64Dense(int outcomes, MemorySegment data, MemorySegment validity, int count, double constant, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = i;
            int pass = passes(outcomes, data.getAtIndex(DOUBLE, r), constant) & BitmapWords.bit(validity, r);
            out.setAtIndex(INT, k, r);
            k += pass;
        }
        return k;
    }

    private static int compareFloat64OfSelection(int outcomes, MemorySegment data, MemorySegment validity, MemorySegment sel, int count, double constant, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = sel.getAtIndex(INT, i);
            int pass = passes(outcomes, data.getAtIndex(DOUBLE, r), constant) & BitmapWords.bit(validity, r);
            out.setAtIndex(INT, k, r);
            k += pass;
        }
        return k;
    }

    private static int betweenInt32Rows(MemorySegment data, MemorySegment validity, MemorySegment sel,
                                        int count, int low, int high, MemorySegment out) {
        return sel == null
                ? betweenInt32Dense(data, validity, count, low, high, out)
                : betweenInt32OfSelection(data, validity, sel, count, low, high, out);
    }

    private static int betweenInt32Dense(MemorySegment data, MemorySegment validity, int count, int low, int high, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = i;
            int v = data.getAtIndex(INT, r);
            boolean pass = v >= low & v <= high & BitmapWords.bit(validity, r) != 0;
            out.setAtIndex(INT, k, r);
            k += pass ? 1 : 0;
        }
        return k;
    }

    private static int betweenInt32OfSelection(MemorySegment data, MemorySegment validity, MemorySegment sel, int count, int low, int high, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = sel.getAtIndex(INT, i);
            int v = data.getAtIndex(INT, r);
            boolean pass = v >= low & v <= high & BitmapWords.bit(validity, r) != 0;
            out.setAtIndex(INT, k, r);
            k += pass ? 1 : 0;
        }
        return k;
    }

    private static int betweenInt64Rows(MemorySegment data, MemorySegment validity, MemorySegment sel,
                                        int count, long low, long high, MemorySegment out) {
        return sel == null
                ? betweenInt64Dense(data, validity, count, low, high, out)
                : betweenInt64OfSelection(data, validity, sel, count, low, high, out);
    }

    private static int betweenInt64Dense(MemorySegment data, MemorySegment validity, int count, long low, long high, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = i;
            long v = data.getAtIndex(LONG, r);
            boolean pass = v >= low & v <= high & BitmapWords.bit(validity, r) != 0;
            out.setAtIndex(INT, k, r);
            k += pass ? 1 : 0;
        }
        return k;
    }

    private static int betweenInt64OfSelection(MemorySegment data, MemorySegment validity, MemorySegment sel, int count, long low, long high, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = sel.getAtIndex(INT, i);
            long v = data.getAtIndex(LONG, r);
            boolean pass = v >= low & v <= high & BitmapWords.bit(validity, r) != 0;
            out.setAtIndex(INT, k, r);
            k += pass ? 1 : 0;
        }
        return k;
    }

    private static int betweenFloat64Rows(MemorySegment data, MemorySegment validity, MemorySegment sel,
                                        int count, double low, double high, MemorySegment out) {
        return sel == null
                ? betweenFloat64Dense(data, validity, count, low, high, out)
                : betweenFloat64OfSelection(data, validity, sel, count, low, high, out);
    }

    private static int betweenFloat64Dense(MemorySegment data, MemorySegment validity, int count, double low, double high, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = i;
            double v = data.getAtIndex(DOUBLE, r);
            boolean pass = v >= low & v <= high & BitmapWords.bit(validity, r) != 0;
            out.setAtIndex(INT, k, r);
            k += pass ? 1 : 0;
        }
        return k;
    }

    private static int betweenFloat64OfSelection(MemorySegment data, MemorySegment validity, MemorySegment sel, int count, double low, double high, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int r = sel.getAtIndex(INT, i);
            double v = data.getAtIndex(DOUBLE, r);
            boolean pass = v >= low & v <= high & BitmapWords.bit(validity, r) != 0;
            out.setAtIndex(INT, k, r);
            k += pass ? 1 : 0;
        }
        return k;
    }
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    @Override
    public void rangeBitsInt32(MemorySegment data, MemorySegment validity, int count, int low, int high, MemorySegment bits, boolean and) {
        int words = (count + 63) >>> 6;
        for (int w = 0; w < words; w++) {
            long old = and ? bits.getAtIndex(WORD, w) : -1L;
            int end = Math.min(count, (w + 1) << 6);
            long word = 0;
            for (int r = w << 6; r < end; r++) {
                int v = data.getAtIndex(INT, r);
                long pass = (v >= low && v <= high ? 1L : 0L) & BitmapWords.bit(validity, r);
                word |= pass << (r & 63);
            }
            bits.setAtIndex(WORD, w, word & old);
        }
    }

    @Override
    public void rangeBitsInt64(MemorySegment data, MemorySegment validity, int count, long low, long high, MemorySegment bits, boolean and) {
        int words = (count + 63) >>> 6;
        for (int w = 0; w < words; w++) {
            long old = and ? bits.getAtIndex(WORD, w) : -1L;
            int end = Math.min(count, (w + 1) << 6);
            long word = 0;
            for (int r = w << 6; r < end; r++) {
                long v = data.getAtIndex(LONG, r);
                long pass = (v >= low && v <= high ? 1L : 0L) & BitmapWords.bit(validity, r);
                word |= pass << (r & 63);
            }
            bits.setAtIndex(WORD, w, word & old);
        }
    }
}
