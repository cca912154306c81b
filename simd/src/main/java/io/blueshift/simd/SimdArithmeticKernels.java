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
 * from a MemorySegment) a row loop runs that reads no validity: it ORs each row's overflow
 * test into one flag, and only when that is set does the scalar twin run the rows again with
 * validity, to throw for the first valid row that overflows or to let null rows' overflows
 * pass. When {@code out} overlaps an input (in place) the scalar twin runs at once, as a
 * second pass would read results. A gather into arrays then SIMD was tried: it ran 2.5x
 * slower in TPC-H Q11 (bench/RESULTS.md, session 8), its vector code not compiled by C2.
 */
final class SimdArithmeticKernels implements ArithmeticKernels {
    static final SimdArithmeticKernels INSTANCE = new SimdArithmeticKernels();

    private static final ArithmeticKernels SCALAR = ScalarArithmeticKernels.INSTANCE;
    private static final VectorSpecies<Long> LONG = SimdSpecies.LONG;
    private static final VectorSpecies<Double> DOUBLE = SimdSpecies.DOUBLE;
    private static final ValueLayout.OfLong LONG_LAYOUT = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT_LAYOUT = ValueLayout.JAVA_INT_UNALIGNED;

    private SimdArithmeticKernels() {}

    private enum Op {
        ADD("+"), SUBTRACT("-"), MULTIPLY("*");

        final String symbol;

        Op(String symbol) { this.symbol = symbol; }
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
        dense(op, a, b, 0, false, aValidity, bValidity, count, out);
    }

    private static void withConstant(Op op, MemorySegment a, MemorySegment aValidity, long constant,
                                     boolean constantFirst, int count, MemorySegment out) {
        dense(op, a, null, constant, constantFirst, aValidity, null, count, out);
    }

    /**
     * {@code a OP b}, or {@code a OP constant} ({@code constant OP a} when {@code constantFirst})
     * when {@code b} is null, over {@code count} rows. The operation and its overflow test are
     * written out in this one loop, with no helper method that takes or returns a vector: a
     * helper the JIT had compiled on its own (called from C1 code first) could later be too big
     * to inline into the loop's C2 code, and every call then boxed its vectors. That happened in
     * one process in four (Q1 at one thread: 336 MiB allocated a run, 3-5x the CPU;
     * bench/RESULTS.md, session 19). The tail runs the same test a row at a time.
     */
    private static void dense(Op op, MemorySegment a, MemorySegment b, long constant, boolean constantFirst,
                              MemorySegment aValidity, MemorySegment bValidity, int count, MemorySegment out) {
        int lanes = LONG.length();
        LongVector c = LongVector.broadcast(LONG, constant);
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            LongVector v = LongVector.fromMemorySegment(LONG, a, (long) i << 3, ORDER);
            LongVector w = b != null ? LongVector.fromMemorySegment(LONG, b, (long) i << 3, ORDER) : c;
            LongVector x = constantFirst ? w : v;
            LongVector y = constantFirst ? v : w;
            LongVector r = op == Op.ADD ? x.add(y) : op == Op.SUBTRACT ? x.sub(y) : x.mul(y);
            // lanes whose result may have overflowed: exact for add and subtract, a superset for multiply
            VectorMask<Long> suspects = op == Op.ADD
                    ? x.lanewise(VectorOperators.XOR, r).and(y.lanewise(VectorOperators.XOR, r)).compare(VectorOperators.LT, 0)
                    : op == Op.SUBTRACT
                    ? x.lanewise(VectorOperators.XOR, y).and(x.lanewise(VectorOperators.XOR, r)).compare(VectorOperators.LT, 0)
                    : x.lanewise(VectorOperators.ABS).lanewise(VectorOperators.LEADING_ZEROS_COUNT)
                            .add(y.lanewise(VectorOperators.ABS).lanewise(VectorOperators.LEADING_ZEROS_COUNT))
                            .compare(VectorOperators.LT, 65);
            if (suspects.anyTrue()) {
                check(op, suspects.toLong(), i, a, b, constant, constantFirst, aValidity, bValidity);
            }
            r.intoMemorySegment(out, (long) i << 3, ORDER);
        }
        for (; i < count; i++) {
            long v = a.getAtIndex(LONG_LAYOUT, i);
            long w = b != null ? b.getAtIndex(LONG_LAYOUT, i) : constant;
            long x = constantFirst ? w : v;
            long y = constantFirst ? v : w;
            long r = op == Op.ADD ? x + y : op == Op.SUBTRACT ? x - y : x * y;
            boolean overflows = op == Op.ADD ? ((x ^ r) & (y ^ r)) < 0
                    : op == Op.SUBTRACT ? ((x ^ y) & (x ^ r)) < 0
                    : Math.multiplyHigh(x, y) != (r >> 63);
            if (overflows && BitmapWords.bit(aValidity, i) != 0 && (b == null || BitmapWords.bit(bValidity, i) != 0)) {
                throw ScalarArithmeticKernels.overflowAt(op.symbol, x, y, i);
            }
            out.setAtIndex(LONG_LAYOUT, i, r);
        }
    }

    /** Whether {@code out} shares memory with {@code a} or {@code b} (null for none). */
    private static boolean overlaps(MemorySegment out, MemorySegment a, MemorySegment b) {
        return out.asOverlappingSlice(a).isPresent() || (b != null && out.asOverlappingSlice(b).isPresent());
    }

    /*
     * The selected rows without validity: each returns false when some row's result may have
     * overflowed (or out overlaps an input), and the caller then runs the scalar twin, which
     * re-reads the unchanged inputs and decides with validity. One loop per operator, as in
     * the scalar twin.
     */

    private static boolean addSelected(MemorySegment a, MemorySegment b, MemorySegment sel, int count, MemorySegment out) {
        if (overlaps(out, a, b)) {
            return false;
        }
        long flags = 0;
        for (int i = 0; i < count; i++) {
            int r = sel.getAtIndex(INT_LAYOUT, i);
            long x = a.getAtIndex(LONG_LAYOUT, r);
            long y = b.getAtIndex(LONG_LAYOUT, r);
            long result = x + y;
            flags |= (x ^ result) & (y ^ result);
            out.setAtIndex(LONG_LAYOUT, r, result);
        }
        return flags >= 0;
    }

    private static boolean subtractSelected(MemorySegment a, MemorySegment b, MemorySegment sel, int count, MemorySegment out) {
        if (overlaps(out, a, b)) {
            return false;
        }
        long flags = 0;
        for (int i = 0; i < count; i++) {
            int r = sel.getAtIndex(INT_LAYOUT, i);
            long x = a.getAtIndex(LONG_LAYOUT, r);
            long y = b.getAtIndex(LONG_LAYOUT, r);
            long result = x - y;
            flags |= (x ^ y) & (x ^ result);
            out.setAtIndex(LONG_LAYOUT, r, result);
        }
        return flags >= 0;
    }

    private static boolean multiplySelected(MemorySegment a, MemorySegment b, MemorySegment sel, int count, MemorySegment out) {
        if (overlaps(out, a, b)) {
            return false;
        }
        long flags = 0;
        for (int i = 0; i < count; i++) {
            int r = sel.getAtIndex(INT_LAYOUT, i);
            long x = a.getAtIndex(LONG_LAYOUT, r);
            long y = b.getAtIndex(LONG_LAYOUT, r);
            long result = x * y;
            flags |= Math.multiplyHigh(x, y) ^ (result >> 63);
            out.setAtIndex(LONG_LAYOUT, r, result);
        }
        return flags == 0;
    }

    private static boolean addConstantSelected(MemorySegment a, long c, MemorySegment sel, int count, MemorySegment out) {
        if (overlaps(out, a, null)) {
            return false;
        }
        long flags = 0;
        for (int i = 0; i < count; i++) {
            int r = sel.getAtIndex(INT_LAYOUT, i);
            long x = a.getAtIndex(LONG_LAYOUT, r);
            long result = x + c;
            flags |= (x ^ result) & (c ^ result);
            out.setAtIndex(LONG_LAYOUT, r, result);
        }
        return flags >= 0;
    }

    private static boolean subtractFromConstantSelected(long c, MemorySegment a, MemorySegment sel, int count, MemorySegment out) {
        if (overlaps(out, a, null)) {
            return false;
        }
        long flags = 0;
        for (int i = 0; i < count; i++) {
            int r = sel.getAtIndex(INT_LAYOUT, i);
            long y = a.getAtIndex(LONG_LAYOUT, r);
            long result = c - y;
            flags |= (c ^ y) & (c ^ result);
            out.setAtIndex(LONG_LAYOUT, r, result);
        }
        return flags >= 0;
    }

    private static boolean multiplyConstantSelected(MemorySegment a, long c, MemorySegment sel, int count, MemorySegment out) {
        if (overlaps(out, a, null)) {
            return false;
        }
        long flags = 0;
        for (int i = 0; i < count; i++) {
            int r = sel.getAtIndex(INT_LAYOUT, i);
            long x = a.getAtIndex(LONG_LAYOUT, r);
            long result = x * c;
            flags |= Math.multiplyHigh(x, c) ^ (result >> 63);
            out.setAtIndex(LONG_LAYOUT, r, result);
        }
        return flags == 0;
    }

    @Override
    public void addInt64(MemorySegment a, MemorySegment b, MemorySegment aValidity, MemorySegment bValidity,
                         MemorySegment sel, int count, MemorySegment out) {
        if (sel != null) {
            if (!addSelected(a, b, sel, count, out)) {
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
            if (!subtractSelected(a, b, sel, count, out)) {
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
            if (!multiplySelected(a, b, sel, count, out)) {
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
            if (!addConstantSelected(a, constant, sel, count, out)) {
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
            if (!subtractFromConstantSelected(constant, a, sel, count, out)) {
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
            if (!multiplyConstantSelected(a, constant, sel, count, out)) {
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
            if (!multiplyConstantSelected(a, factor, sel, count, out)) {
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
