package io.blueshift.simd;

import static io.blueshift.simd.SimdSpecies.ORDER;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.blueshift.kernels.ArithmeticKernels;
import io.blueshift.kernels.BitmapWords;
import io.blueshift.kernels.ScalarArithmeticKernels;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dense INT64 arithmetic with overflow found a vector at a time: sign tests for add and
 * subtract; for multiply, lanes whose magnitudes' leading zeros add to 65 or more cannot
 * overflow, and only the other lanes are checked exactly (with {@link Math#multiplyHigh}).
 * Validity is read only when a lane overflows. With a selection (the Vector API has no gather
 * from a MemorySegment) the selected rows are gathered into arrays a block at a time, computed
 * and checked a vector at a time there, and scattered back to their row ids: one short
 * gather loop and one scatter loop shared by every operator, so the row loops the JIT must
 * compile are few and small.
 */
final class SimdArithmeticKernels implements ArithmeticKernels {
    static final SimdArithmeticKernels INSTANCE = new SimdArithmeticKernels();

    private static final ArithmeticKernels SCALAR = ScalarArithmeticKernels.INSTANCE;
    private static final VectorSpecies<Long> LONG = SimdSpecies.LONG;
    private static final VectorSpecies<Double> DOUBLE = SimdSpecies.DOUBLE;
    private static final ValueLayout.OfLong LONG_LAYOUT = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT_LAYOUT = ValueLayout.JAVA_INT_UNALIGNED;
    /** Selected rows gathered at a time: three arrays of this many longs stay in L1. */
    static final int BLOCK = 512;
    /** Per thread: the gathered left operand, right operand and results of one block. */
    private static final ThreadLocal<long[][]> BLOCKS = ThreadLocal.withInitial(() -> new long[3][BLOCK]);

    private SimdArithmeticKernels() {}

    private enum Op {
        ADD("+"), SUBTRACT("-"), MULTIPLY("*");

        final String symbol;

        Op(String symbol) { this.symbol = symbol; }
    }

    private static LongVector apply(Op op, LongVector x, LongVector y) {
        return switch (op) {
            case ADD -> x.add(y);
            case SUBTRACT -> x.sub(y);
            case MULTIPLY -> x.mul(y);
        };
    }

    /** Lanes whose result may have overflowed: exact for add and subtract, a superset for multiply. */
    private static VectorMask<Long> suspect(Op op, LongVector x, LongVector y, LongVector r) {
        return switch (op) {
            case ADD -> x.lanewise(VectorOperators.XOR, r).and(y.lanewise(VectorOperators.XOR, r))
                    .compare(VectorOperators.LT, 0);
            case SUBTRACT -> x.lanewise(VectorOperators.XOR, y).and(x.lanewise(VectorOperators.XOR, r))
                    .compare(VectorOperators.LT, 0);
            case MULTIPLY -> x.lanewise(VectorOperators.ABS).lanewise(VectorOperators.LEADING_ZEROS_COUNT)
                    .add(y.lanewise(VectorOperators.ABS).lanewise(VectorOperators.LEADING_ZEROS_COUNT))
                    .compare(VectorOperators.LT, 65);
        };
    }

    /**
     * Throws for the first valid lane among {@code suspects} (bits of rows {@code i..}) that
     * truly overflows; returns if none does.
     */
    private static void check(Op op, long suspects, int i, MemorySegment a, MemorySegment b, long bConstant,
                              boolean constantFirst, MemorySegment aValidity, MemorySegment bValidity) {
        long lanes = suspects & BitmapWords.lanes(aValidity, i, LONG.length())
                & BitmapWords.lanes(bValidity, i, LONG.length());
        for (; lanes != 0; lanes &= lanes - 1) {
            int row = i + Long.numberOfTrailingZeros(lanes);
            long v = a.getAtIndex(LONG_LAYOUT, row);
            long w = b != null ? b.getAtIndex(LONG_LAYOUT, row) : bConstant;
            long x = constantFirst ? w : v;
            long y = constantFirst ? v : w;
            boolean overflows = switch (op) {
                case ADD, SUBTRACT -> true; // the sign test is exact
                case MULTIPLY -> Math.multiplyHigh(x, y) != ((x * y) >> 63);
            };
            if (overflows) {
                throw ScalarArithmeticKernels.overflowAt(op.symbol, x, y, row);
            }
        }
    }

    private static void binary(Op op, MemorySegment a, MemorySegment b, MemorySegment aValidity,
                               MemorySegment bValidity, int count, MemorySegment out) {
        int lanes = LONG.length();
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            LongVector x = LongVector.fromMemorySegment(LONG, a, (long) i << 3, ORDER);
            LongVector y = LongVector.fromMemorySegment(LONG, b, (long) i << 3, ORDER);
            LongVector r = apply(op, x, y);
            VectorMask<Long> suspects = suspect(op, x, y, r);
            if (suspects.anyTrue()) {
                check(op, suspects.toLong(), i, a, b, 0, false, aValidity, bValidity);
            }
            r.intoMemorySegment(out, (long) i << 3, ORDER);
        }
        if (i < count) {
            VectorMask<Long> inRange = LONG.indexInRange(i, count);
            LongVector x = LongVector.fromMemorySegment(LONG, a, (long) i << 3, ORDER, inRange);
            LongVector y = LongVector.fromMemorySegment(LONG, b, (long) i << 3, ORDER, inRange);
            LongVector r = apply(op, x, y);
            check(op, suspect(op, x, y, r).and(inRange).toLong(), i, a, b, 0, false, aValidity, bValidity);
            r.intoMemorySegment(out, (long) i << 3, ORDER, inRange);
        }
    }

    private static void withConstant(Op op, MemorySegment a, MemorySegment aValidity, long constant,
                                     boolean constantFirst, int count, MemorySegment out) {
        int lanes = LONG.length();
        LongVector c = LongVector.broadcast(LONG, constant);
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            LongVector v = LongVector.fromMemorySegment(LONG, a, (long) i << 3, ORDER);
            LongVector x = constantFirst ? c : v;
            LongVector y = constantFirst ? v : c;
            LongVector r = apply(op, x, y);
            VectorMask<Long> suspects = suspect(op, x, y, r);
            if (suspects.anyTrue()) {
                check(op, suspects.toLong(), i, a, null, constant, constantFirst, aValidity, null);
            }
            r.intoMemorySegment(out, (long) i << 3, ORDER);
        }
        if (i < count) {
            VectorMask<Long> inRange = LONG.indexInRange(i, count);
            LongVector v = LongVector.fromMemorySegment(LONG, a, (long) i << 3, ORDER, inRange);
            LongVector x = constantFirst ? c : v;
            LongVector y = constantFirst ? v : c;
            LongVector r = apply(op, x, y);
            check(op, suspect(op, x, y, r).and(inRange).toLong(), i, a, null, constant, constantFirst, aValidity, null);
            r.intoMemorySegment(out, (long) i << 3, ORDER, inRange);
        }
    }

    /** Copies {@code src} at the row ids {@code sel[from, from + m)} into {@code dst[0, m)}. */
    private static void gather(MemorySegment src, MemorySegment sel, int from, int m, long[] dst) {
        for (int j = 0; j < m; j++) {
            dst[j] = src.getAtIndex(LONG_LAYOUT, sel.getAtIndex(INT_LAYOUT, from + j));
        }
    }

    /** Writes {@code src[0, m)} to {@code out} at the row ids {@code sel[from, from + m)}. */
    private static void scatter(long[] src, MemorySegment sel, int from, int m, MemorySegment out) {
        for (int j = 0; j < m; j++) {
            out.setAtIndex(LONG_LAYOUT, sel.getAtIndex(INT_LAYOUT, from + j), src[j]);
        }
    }

    /**
     * Throws for the first valid lane among {@code suspects} (bits of gathered positions
     * {@code j..}, block starting at selection index {@code from}) that truly overflows.
     */
    private static void checkGathered(Op op, long suspects, int j, long[] xs, long[] ys, long c, boolean constantFirst,
                                      MemorySegment sel, int from, MemorySegment aValidity, MemorySegment bValidity) {
        for (long lanes = suspects; lanes != 0; lanes &= lanes - 1) {
            int at = j + Long.numberOfTrailingZeros(lanes);
            int row = sel.getAtIndex(INT_LAYOUT, from + at);
            if ((BitmapWords.bit(aValidity, row) & BitmapWords.bit(bValidity, row)) == 0) {
                continue;
            }
            long w = ys == null ? c : ys[at];
            long x = constantFirst ? w : xs[at];
            long y = constantFirst ? xs[at] : w;
            boolean overflows = switch (op) {
                case ADD, SUBTRACT -> true; // the sign test is exact
                case MULTIPLY -> Math.multiplyHigh(x, y) != ((x * y) >> 63);
            };
            if (overflows) {
                throw ScalarArithmeticKernels.overflowAt(op.symbol, x, y, row);
            }
        }
    }

    /**
     * {@code out = a op b} (or {@code a op c}, {@code c op a} when {@code b} is null) on the
     * selected rows: gather a block, compute, scatter. A selection smaller than one vector
     * takes the scalar twin.
     */
    private static boolean selected(Op op, MemorySegment a, MemorySegment b, long c, boolean constantFirst,
                                    MemorySegment aValidity, MemorySegment bValidity, MemorySegment sel, int count,
                                    MemorySegment out) {
        if (count < LONG.length()) {
            return false;
        }
        long[][] block = BLOCKS.get();
        long[] xs = block[0];
        long[] ys = b == null ? null : block[1];
        long[] rs = block[2];
        for (int from = 0; from < count; from += BLOCK) {
            int m = Math.min(BLOCK, count - from);
            gather(a, sel, from, m, xs);
            if (ys != null) {
                gather(b, sel, from, m, ys);
            }
            computeGathered(op, xs, ys, c, constantFirst, m, rs, sel, from, aValidity, bValidity);
            scatter(rs, sel, from, m, out);
        }
        return true;
    }

    /**
     * {@code out[r] = xs op ys} over gathered values {@code [0, m)}, results into {@code rs}.
     * {@code ys} null: the constant {@code c} (first operand when {@code constantFirst}).
     */
    private static void computeGathered(Op op, long[] xs, long[] ys, long c, boolean constantFirst, int m, long[] rs,
                                        MemorySegment sel, int from, MemorySegment aValidity, MemorySegment bValidity) {
        int lanes = LONG.length();
        LongVector cv = LongVector.broadcast(LONG, c);
        int j = 0;
        for (; j <= m - lanes; j += lanes) {
            LongVector v = LongVector.fromArray(LONG, xs, j);
            LongVector w = ys == null ? cv : LongVector.fromArray(LONG, ys, j);
            LongVector x = constantFirst ? w : v;
            LongVector y = constantFirst ? v : w;
            LongVector r = apply(op, x, y);
            VectorMask<Long> suspects = suspect(op, x, y, r);
            if (suspects.anyTrue()) {
                checkGathered(op, suspects.toLong(), j, xs, ys, c, constantFirst, sel, from, aValidity, bValidity);
            }
            r.intoArray(rs, j);
        }
        for (; j < m; j++) {
            long v = xs[j];
            long w = ys == null ? c : ys[j];
            long x = constantFirst ? w : v;
            long y = constantFirst ? v : w;
            long r = switch (op) {
                case ADD -> x + y;
                case SUBTRACT -> x - y;
                case MULTIPLY -> x * y;
            };
            boolean overflows = switch (op) {
                case ADD -> ((x ^ r) & (y ^ r)) < 0;
                case SUBTRACT -> ((x ^ y) & (x ^ r)) < 0;
                case MULTIPLY -> Math.multiplyHigh(x, y) != (r >> 63);
            };
            if (overflows) {
                int row = sel.getAtIndex(INT_LAYOUT, from + j);
                if ((BitmapWords.bit(aValidity, row) & BitmapWords.bit(bValidity, row)) != 0) {
                    throw ScalarArithmeticKernels.overflowAt(op.symbol, x, y, row);
                }
            }
            rs[j] = r;
        }
    }

    @Override
    public void addInt64(MemorySegment a, MemorySegment b, MemorySegment aValidity, MemorySegment bValidity,
                         MemorySegment sel, int count, MemorySegment out) {
        if (sel != null) {
            if (!selected(Op.ADD, a, b, 0, false, aValidity, bValidity, sel, count, out)) {
                SCALAR.addInt64(a, b, aValidity, bValidity, sel, count, out);
            }
        } else {
            binary(Op.ADD, a, b, aValidity, bValidity, count, out);
        }
    }

    @Override
    public void subtractInt64(MemorySegment a, MemorySegment b, MemorySegment aValidity, MemorySegment bValidity,
                              MemorySegment sel, int count, MemorySegment out) {
        if (sel != null) {
            if (!selected(Op.SUBTRACT, a, b, 0, false, aValidity, bValidity, sel, count, out)) {
                SCALAR.subtractInt64(a, b, aValidity, bValidity, sel, count, out);
            }
        } else {
            binary(Op.SUBTRACT, a, b, aValidity, bValidity, count, out);
        }
    }

    @Override
    public void multiplyInt64(MemorySegment a, MemorySegment b, MemorySegment aValidity, MemorySegment bValidity,
                              MemorySegment sel, int count, MemorySegment out) {
        if (sel != null) {
            if (!selected(Op.MULTIPLY, a, b, 0, false, aValidity, bValidity, sel, count, out)) {
                SCALAR.multiplyInt64(a, b, aValidity, bValidity, sel, count, out);
            }
        } else {
            binary(Op.MULTIPLY, a, b, aValidity, bValidity, count, out);
        }
    }

    @Override
    public void addInt64Constant(MemorySegment a, MemorySegment aValidity, long constant,
                                 MemorySegment sel, int count, MemorySegment out) {
        if (sel != null) {
            if (!selected(Op.ADD, a, null, constant, false, aValidity, null, sel, count, out)) {
                SCALAR.addInt64Constant(a, aValidity, constant, sel, count, out);
            }
        } else {
            withConstant(Op.ADD, a, aValidity, constant, false, count, out);
        }
    }

    @Override
    public void subtractFromConstantInt64(long constant, MemorySegment a, MemorySegment aValidity,
                                          MemorySegment sel, int count, MemorySegment out) {
        if (sel != null) {
            if (!selected(Op.SUBTRACT, a, null, constant, true, aValidity, null, sel, count, out)) {
                SCALAR.subtractFromConstantInt64(constant, a, aValidity, sel, count, out);
            }
        } else {
            withConstant(Op.SUBTRACT, a, aValidity, constant, true, count, out);
        }
    }

    @Override
    public void multiplyInt64Constant(MemorySegment a, MemorySegment aValidity, long constant,
                                      MemorySegment sel, int count, MemorySegment out) {
        if (sel != null) {
            if (!selected(Op.MULTIPLY, a, null, constant, false, aValidity, null, sel, count, out)) {
                SCALAR.multiplyInt64Constant(a, aValidity, constant, sel, count, out);
            }
        } else {
            withConstant(Op.MULTIPLY, a, aValidity, constant, false, count, out);
        }
    }

    @Override
    public void scaleUpInt64(MemorySegment a, MemorySegment aValidity, int digits,
                             MemorySegment sel, int count, MemorySegment out) {
        long factor = ScalarArithmeticKernels.powerOfTen(digits);
        if (sel != null) {
            if (!selected(Op.MULTIPLY, a, null, factor, false, aValidity, null, sel, count, out)) {
                SCALAR.scaleUpInt64(a, aValidity, digits, sel, count, out);
            }
        } else {
            withConstant(Op.MULTIPLY, a, aValidity, factor, false, count, out);
        }
    }

    @Override
    public void decimalToFloat64(MemorySegment a, int scale, MemorySegment sel, int count, MemorySegment out) {
        double divisor = ScalarArithmeticKernels.powerOfTen(scale);
        if (sel != null) {
            SCALAR.decimalToFloat64(a, scale, sel, count, out);
            return;
        }
        int lanes = LONG.length();
        DoubleVector d = DoubleVector.broadcast(DOUBLE, divisor);
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            LongVector v = LongVector.fromMemorySegment(LONG, a, (long) i << 3, ORDER);
            ((DoubleVector) v.convert(VectorOperators.L2D, 0)).div(d).intoMemorySegment(out, (long) i << 3, ORDER);
        }
        if (i < count) {
            VectorMask<Long> inRange = LONG.indexInRange(i, count);
            LongVector v = LongVector.fromMemorySegment(LONG, a, (long) i << 3, ORDER, inRange);
            ((DoubleVector) v.convert(VectorOperators.L2D, 0)).div(d)
                    .intoMemorySegment(out, (long) i << 3, ORDER, inRange.cast(DOUBLE));
        }
    }
}
