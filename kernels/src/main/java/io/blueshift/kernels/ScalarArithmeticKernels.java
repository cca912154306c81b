package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The reference {@link ArithmeticKernels}. Each row computes the wrapped result and an
 * overflow flag without branching; a flag on a valid row throws.
 */
public final class ScalarArithmeticKernels implements ArithmeticKernels {
    public static final ScalarArithmeticKernels INSTANCE = new ScalarArithmeticKernels();

    /** 10^0 .. 10^18, every power of ten a long holds. */
    public static final long[] POWERS_OF_TEN = new long[19];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    private ScalarArithmeticKernels() {}

    private enum Op {
        ADD("+"), SUBTRACT("-"), MULTIPLY("*");

        final String symbol;

        Op(String symbol) { this.symbol = symbol; }
    }

    @Override
    public void addInt64(MemorySegment a, MemorySegment b, MemorySegment aValidity, MemorySegment bValidity,
                         MemorySegment sel, int count, MemorySegment out) {
        binary(Op.ADD, a, b, aValidity, bValidity, sel, count, out);
    }

    @Override
    public void subtractInt64(MemorySegment a, MemorySegment b, MemorySegment aValidity, MemorySegment bValidity,
                              MemorySegment sel, int count, MemorySegment out) {
        binary(Op.SUBTRACT, a, b, aValidity, bValidity, sel, count, out);
    }

    @Override
    public void multiplyInt64(MemorySegment a, MemorySegment b, MemorySegment aValidity, MemorySegment bValidity,
                              MemorySegment sel, int count, MemorySegment out) {
        binary(Op.MULTIPLY, a, b, aValidity, bValidity, sel, count, out);
    }

    @Override
    public void addInt64Constant(MemorySegment a, MemorySegment aValidity, long constant,
                                 MemorySegment sel, int count, MemorySegment out) {
        addConstant(a, aValidity, constant, sel, count, out);
    }

    @Override
    public void subtractFromConstantInt64(long constant, MemorySegment a, MemorySegment aValidity,
                                          MemorySegment sel, int count, MemorySegment out) {
        subtractFromConstant(a, aValidity, constant, sel, count, out);
    }

    @Override
    public void multiplyInt64Constant(MemorySegment a, MemorySegment aValidity, long constant,
                                      MemorySegment sel, int count, MemorySegment out) {
        multiplyConstant(a, aValidity, constant, sel, count, out);
    }

    @Override
    public void scaleUpInt64(MemorySegment a, MemorySegment aValidity, int digits,
                             MemorySegment sel, int count, MemorySegment out) {
        multiplyConstant(a, aValidity, powerOfTen(digits), sel, count, out);
    }

    @Override
    public void decimalToFloat64(MemorySegment a, int scale, MemorySegment sel, int count, MemorySegment out) {
        double divisor = powerOfTen(scale);
        for (int i = 0; i < count; i++) {
            int r = sel == null ? i : sel.getAtIndex(INT, i);
            out.setAtIndex(DOUBLE, r, a.getAtIndex(LONG, r) / divisor);
        }
    }

    /** {@code 10^digits} for digits in 0..18. */
    public static long powerOfTen(int digits) {
        if (digits < 0 || digits >= POWERS_OF_TEN.length) {
            throw new IllegalArgumentException("decimal scale digits must be 0..18, got " + digits);
        }
        return POWERS_OF_TEN[digits];
    }

    /*
     * One loop per operator (not one loop switching on it): the JIT compiles each for the
     * operator it runs, where a shared loop was recompiled each time another operator reached it.
     */
    private static void binary(Op op, MemorySegment a, MemorySegment b, MemorySegment aValidity,
                               MemorySegment bValidity, MemorySegment sel, int count, MemorySegment out) {
        switch (op) {
            case ADD -> addRows(a, b, aValidity, bValidity, sel, count, out);
            case SUBTRACT -> subtractRows(a, b, aValidity, bValidity, sel, count, out);
            case MULTIPLY -> multiplyRows(a, b, aValidity, bValidity, sel, count, out);
        }
    }

    private static void addRows(MemorySegment a, MemorySegment b, MemorySegment aValidity, MemorySegment bValidity,
                                MemorySegment sel, int count, MemorySegment out) {
        for (int i = 0; i < count; i++) {
            int r = sel == null ? i : sel.getAtIndex(INT, i);
            long x = a.getAtIndex(LONG, r);
            long y = b.getAtIndex(LONG, r);
            long result = x + y;
            if ((((x ^ result) & (y ^ result)) < 0) & (BitmapWords.bit(aValidity, r) & BitmapWords.bit(bValidity, r)) != 0) {
                throw overflowAt("+", x, y, r);
            }
            out.setAtIndex(LONG, r, result);
        }
    }

    private static void subtractRows(MemorySegment a, MemorySegment b, MemorySegment aValidity, MemorySegment bValidity,
                                     MemorySegment sel, int count, MemorySegment out) {
        for (int i = 0; i < count; i++) {
            int r = sel == null ? i : sel.getAtIndex(INT, i);
            long x = a.getAtIndex(LONG, r);
            long y = b.getAtIndex(LONG, r);
            long result = x - y;
            if ((((x ^ y) & (x ^ result)) < 0) & (BitmapWords.bit(aValidity, r) & BitmapWords.bit(bValidity, r)) != 0) {
                throw overflowAt("-", x, y, r);
            }
            out.setAtIndex(LONG, r, result);
        }
    }

    private static void multiplyRows(MemorySegment a, MemorySegment b, MemorySegment aValidity, MemorySegment bValidity,
                                     MemorySegment sel, int count, MemorySegment out) {
        for (int i = 0; i < count; i++) {
            int r = sel == null ? i : sel.getAtIndex(INT, i);
            long x = a.getAtIndex(LONG, r);
            long y = b.getAtIndex(LONG, r);
            long result = x * y;
            if ((Math.multiplyHigh(x, y) != (result >> 63)) & (BitmapWords.bit(aValidity, r) & BitmapWords.bit(bValidity, r)) != 0) {
                throw overflowAt("*", x, y, r);
            }
            out.setAtIndex(LONG, r, result);
        }
    }

    private static void addConstant(MemorySegment a, MemorySegment aValidity, long c, MemorySegment sel, int count, MemorySegment out) {
        for (int i = 0; i < count; i++) {
            int r = sel == null ? i : sel.getAtIndex(INT, i);
            long x = a.getAtIndex(LONG, r);
            long result = x + c;
            if ((((x ^ result) & (c ^ result)) < 0) & BitmapWords.bit(aValidity, r) != 0) {
                throw overflowAt("+", x, c, r);
            }
            out.setAtIndex(LONG, r, result);
        }
    }

    private static void subtractFromConstant(MemorySegment a, MemorySegment aValidity, long c, MemorySegment sel, int count, MemorySegment out) {
        for (int i = 0; i < count; i++) {
            int r = sel == null ? i : sel.getAtIndex(INT, i);
            long y = a.getAtIndex(LONG, r);
            long result = c - y;
            if ((((c ^ y) & (c ^ result)) < 0) & BitmapWords.bit(aValidity, r) != 0) {
                throw overflowAt("-", c, y, r);
            }
            out.setAtIndex(LONG, r, result);
        }
    }

    private static void multiplyConstant(MemorySegment a, MemorySegment aValidity, long c, MemorySegment sel, int count, MemorySegment out) {
        for (int i = 0; i < count; i++) {
            int r = sel == null ? i : sel.getAtIndex(INT, i);
            long x = a.getAtIndex(LONG, r);
            long result = x * c;
            if ((Math.multiplyHigh(x, c) != (result >> 63)) & BitmapWords.bit(aValidity, r) != 0) {
                throw overflowAt("*", x, c, r);
            }
            out.setAtIndex(LONG, r, result);
        }
    }

    /** The exception every provider throws for an overflowing row; public so twins word it alike. */
    public static ArithmeticException overflowAt(String symbol, long x, long y, int row) {
        return new ArithmeticException("BIGINT overflow: " + x + " " + symbol + " " + y + " (row " + row + ")");
    }
}
