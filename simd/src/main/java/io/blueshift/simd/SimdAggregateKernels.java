package io.blueshift.simd;

import static io.blueshift.simd.SimdSpecies.ORDER;

import java.lang.foreign.MemorySegment;

import io.blueshift.kernels.AggregateKernels;
import io.blueshift.kernels.BitmapWords;
import io.blueshift.kernels.ScalarAggregateKernels;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Ungrouped aggregates over dense rows in lane-wise accumulators, with null lanes masked out,
 * reduced once at the end. With a selection the values must be gathered by row id, which the
 * Vector API cannot do from a MemorySegment, and grouped forms scatter into accumulators:
 * both run the scalar twin.
 */
final class SimdAggregateKernels implements AggregateKernels {
    static final SimdAggregateKernels INSTANCE = new SimdAggregateKernels();

    private static final AggregateKernels SCALAR = ScalarAggregateKernels.INSTANCE;
    private static final VectorSpecies<Integer> INT = SimdSpecies.INT;
    private static final VectorSpecies<Long> LONG = SimdSpecies.LONG;
    private static final VectorSpecies<Double> DOUBLE = SimdSpecies.DOUBLE;
    private static final VectorSpecies<Integer> INT_PER_LONG = SimdSpecies.INT_PER_LONG;

    private SimdAggregateKernels() {}

    /** Valid lanes among rows {@code [i, i + lanes)} that are also below {@code count}. */
    private static <E> VectorMask<E> rows(VectorSpecies<E> species, MemorySegment validity, int i, int count) {
        VectorMask<E> m = VectorMask.fromLong(species, BitmapWords.lanes(validity, i, species.length()));
        return i + species.length() <= count ? m : m.and(species.indexInRange(i, count));
    }

    @Override
    public long countValid(MemorySegment validity, MemorySegment sel, int count) {
        if (validity == null) {
            return count;
        }
        if (sel != null) {
            return SCALAR.countValid(validity, sel, count);
        }
        int fullWords = count >>> 6;
        int lanes = LONG.length();
        LongVector acc = LongVector.zero(LONG);
        int w = 0;
        for (; w <= fullWords - lanes; w += lanes) {
            acc = acc.add(LongVector.fromMemorySegment(LONG, validity, (long) w << 3, SimdSpecies.ORDER)
                    .lanewise(VectorOperators.BIT_COUNT));
        }
        long n = acc.reduceLanes(VectorOperators.ADD);
        for (; w < fullWords; w++) {
            n += Long.bitCount(BitmapWords.word(validity, w));
        }
        int rest = count & 63;
        if (rest != 0) {
            n += Long.bitCount(BitmapWords.word(validity, fullWords) & ((1L << rest) - 1));
        }
        return n;
    }

    @Override
    public long sumInt64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        if (sel != null) {
            return SCALAR.sumInt64(data, validity, sel, count);
        }
        // high (signed) and low (unsigned) 32-bit halves per lane: neither can overflow for < 2^31 rows
        LongVector high = LongVector.zero(LONG);
        LongVector low = LongVector.zero(LONG);
        for (int i = 0; i < count; i += LONG.length()) {
            VectorMask<Long> m = rows(LONG, validity, i, count);
            LongVector v = LongVector.fromMemorySegment(LONG, data, (long) i << 3, ORDER, m);
            high = high.add(v.lanewise(VectorOperators.ASHR, 32));
            low = low.add(v.and(0xFFFF_FFFFL));
        }
        return ScalarAggregateKernels.exactSum(high.reduceLanes(VectorOperators.ADD), low.reduceLanes(VectorOperators.ADD));
    }

    @Override
    public long sumInt32(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        if (sel != null) {
            return SCALAR.sumInt32(data, validity, sel, count);
        }
        LongVector acc = LongVector.zero(LONG);
        for (int i = 0; i < count; i += INT_PER_LONG.length()) {
            VectorMask<Integer> m = rows(INT_PER_LONG, validity, i, count);
            IntVector v = IntVector.fromMemorySegment(INT_PER_LONG, data, (long) i << 2, ORDER, m);
            acc = acc.add((LongVector) v.convertShape(VectorOperators.I2L, LONG, 0));
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public double sumFloat64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        if (sel != null) {
            return SCALAR.sumFloat64(data, validity, sel, count);
        }
        DoubleVector acc = DoubleVector.zero(DOUBLE);
        for (int i = 0; i < count; i += DOUBLE.length()) {
            VectorMask<Double> m = rows(DOUBLE, validity, i, count);
            acc = acc.add(DoubleVector.fromMemorySegment(DOUBLE, data, (long) i << 3, ORDER, m), m);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public long minInt64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        if (sel != null) {
            return SCALAR.minInt64(data, validity, sel, count);
        }
        LongVector acc = LongVector.broadcast(LONG, Long.MAX_VALUE);
        for (int i = 0; i < count; i += LONG.length()) {
            VectorMask<Long> m = rows(LONG, validity, i, count);
            acc = acc.lanewise(VectorOperators.MIN, LongVector.fromMemorySegment(LONG, data, (long) i << 3, ORDER, m), m);
        }
        return acc.reduceLanes(VectorOperators.MIN);
    }

    @Override
    public long maxInt64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        if (sel != null) {
            return SCALAR.maxInt64(data, validity, sel, count);
        }
        LongVector acc = LongVector.broadcast(LONG, Long.MIN_VALUE);
        for (int i = 0; i < count; i += LONG.length()) {
            VectorMask<Long> m = rows(LONG, validity, i, count);
            acc = acc.lanewise(VectorOperators.MAX, LongVector.fromMemorySegment(LONG, data, (long) i << 3, ORDER, m), m);
        }
        return acc.reduceLanes(VectorOperators.MAX);
    }

    @Override
    public int minInt32(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        if (sel != null) {
            return SCALAR.minInt32(data, validity, sel, count);
        }
        IntVector acc = IntVector.broadcast(INT, Integer.MAX_VALUE);
        for (int i = 0; i < count; i += INT.length()) {
            VectorMask<Integer> m = rows(INT, validity, i, count);
            acc = acc.lanewise(VectorOperators.MIN, IntVector.fromMemorySegment(INT, data, (long) i << 2, ORDER, m), m);
        }
        return acc.reduceLanes(VectorOperators.MIN);
    }

    @Override
    public int maxInt32(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        if (sel != null) {
            return SCALAR.maxInt32(data, validity, sel, count);
        }
        IntVector acc = IntVector.broadcast(INT, Integer.MIN_VALUE);
        for (int i = 0; i < count; i += INT.length()) {
            VectorMask<Integer> m = rows(INT, validity, i, count);
            acc = acc.lanewise(VectorOperators.MAX, IntVector.fromMemorySegment(INT, data, (long) i << 2, ORDER, m), m);
        }
        return acc.reduceLanes(VectorOperators.MAX);
    }

    @Override
    public double minFloat64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        if (sel != null) {
            return SCALAR.minFloat64(data, validity, sel, count);
        }
        DoubleVector acc = DoubleVector.broadcast(DOUBLE, Double.POSITIVE_INFINITY);
        VectorMask<Double> sawNaN = DOUBLE.maskAll(false);
        VectorMask<Double> sawNumber = DOUBLE.maskAll(false);
        for (int i = 0; i < count; i += DOUBLE.length()) {
            VectorMask<Double> m = rows(DOUBLE, validity, i, count);
            DoubleVector v = DoubleVector.fromMemorySegment(DOUBLE, data, (long) i << 3, ORDER, m);
            VectorMask<Double> nan = v.test(VectorOperators.IS_NAN).and(m);
            VectorMask<Double> number = m.andNot(nan);
            sawNaN = sawNaN.or(nan);
            sawNumber = sawNumber.or(number);
            acc = acc.lanewise(VectorOperators.MIN, v, number);
        }
        return ScalarAggregateKernels.minFloat64Result(acc.reduceLanes(VectorOperators.MIN),
                sawNaN.anyTrue(), sawNumber.anyTrue());
    }

    @Override
    public double maxFloat64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        if (sel != null) {
            return SCALAR.maxFloat64(data, validity, sel, count);
        }
        DoubleVector acc = DoubleVector.broadcast(DOUBLE, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < count; i += DOUBLE.length()) {
            VectorMask<Double> m = rows(DOUBLE, validity, i, count);
            acc = acc.lanewise(VectorOperators.MAX, DoubleVector.fromMemorySegment(DOUBLE, data, (long) i << 3, ORDER, m), m);
        }
        return acc.reduceLanes(VectorOperators.MAX);
    }

    // grouped: a scatter-update by group id, which the Vector API cannot do on a MemorySegment

    @Override
    public void sumInt64Grouped(MemorySegment data, MemorySegment validity, MemorySegment sel, int count,
                                MemorySegment groupIds, MemorySegment acc) {
        SCALAR.sumInt64Grouped(data, validity, sel, count, groupIds, acc);
    }

    @Override
    public void sumFloat64Grouped(MemorySegment data, MemorySegment validity, MemorySegment sel, int count,
                                  MemorySegment groupIds, MemorySegment acc) {
        SCALAR.sumFloat64Grouped(data, validity, sel, count, groupIds, acc);
    }

    @Override
    public void countGrouped(MemorySegment validity, MemorySegment sel, int count,
                             MemorySegment groupIds, MemorySegment acc) {
        SCALAR.countGrouped(validity, sel, count, groupIds, acc);
    }

    @Override
    public void minInt64Grouped(MemorySegment data, MemorySegment validity, MemorySegment sel, int count,
                                MemorySegment groupIds, MemorySegment acc) {
        SCALAR.minInt64Grouped(data, validity, sel, count, groupIds, acc);
    }

    @Override
    public void maxInt64Grouped(MemorySegment data, MemorySegment validity, MemorySegment sel, int count,
                                MemorySegment groupIds, MemorySegment acc) {
        SCALAR.maxInt64Grouped(data, validity, sel, count, groupIds, acc);
    }
}
