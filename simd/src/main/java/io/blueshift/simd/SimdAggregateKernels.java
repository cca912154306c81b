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

    /** Validity of rows {@code [i, i + lanes)} as a mask: all true without a bitmap. */
    private static <E> VectorMask<E> valid(VectorSpecies<E> species, MemorySegment validity, int i) {
        return VectorMask.fromLong(species, BitmapWords.lanes(validity, i, species.length()));
    }

    @Override
    public long countValid(MemorySegment validity, MemorySegment sel, int count) {
        // a popcount per 64-row word already runs at memory bandwidth in the scalar twin
        return SCALAR.countValid(validity, sel, count);
    }

    // Each loop below: full vectors with plain loads (validity, when present, as a lane mask),
    // then one masked load for the last partial vector.

    @Override
    public long sumInt64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        if (sel != null) {
            return SCALAR.sumInt64(data, validity, sel, count);
        }
        // high (signed) and low (unsigned) 32-bit halves per lane: neither can overflow for < 2^31 rows
        LongVector zero = LongVector.zero(LONG);
        LongVector high = zero;
        LongVector low = zero;
        int i = 0;
        for (; i <= count - LONG.length(); i += LONG.length()) {
            LongVector v = LongVector.fromMemorySegment(LONG, data, (long) i << 3, ORDER);
            if (validity != null) {
                v = zero.blend(v, valid(LONG, validity, i));
            }
            high = high.add(v.lanewise(VectorOperators.ASHR, 32));
            low = low.add(v.and(0xFFFF_FFFFL));
        }
        if (i < count) {
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
        IntVector zero = IntVector.zero(INT_PER_LONG);
        LongVector acc = LongVector.zero(LONG);
        int i = 0;
        for (; i <= count - INT_PER_LONG.length(); i += INT_PER_LONG.length()) {
            IntVector v = IntVector.fromMemorySegment(INT_PER_LONG, data, (long) i << 2, ORDER);
            if (validity != null) {
                v = zero.blend(v, valid(INT_PER_LONG, validity, i));
            }
            acc = acc.add((LongVector) v.convertShape(VectorOperators.I2L, LONG, 0));
        }
        if (i < count) {
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
        // two accumulators hide the latency of the adds
        DoubleVector zero = DoubleVector.zero(DOUBLE);
        DoubleVector acc0 = zero;
        DoubleVector acc1 = zero;
        int lanes = DOUBLE.length();
        int i = 0;
        for (; i <= count - 2 * lanes; i += 2 * lanes) {
            DoubleVector v0 = DoubleVector.fromMemorySegment(DOUBLE, data, (long) i << 3, ORDER);
            DoubleVector v1 = DoubleVector.fromMemorySegment(DOUBLE, data, (long) (i + lanes) << 3, ORDER);
            if (validity != null) {
                v0 = zero.blend(v0, valid(DOUBLE, validity, i));
                v1 = zero.blend(v1, valid(DOUBLE, validity, i + lanes));
            }
            acc0 = acc0.add(v0);
            acc1 = acc1.add(v1);
        }
        for (; i < count; i += lanes) {
            VectorMask<Double> m = rows(DOUBLE, validity, i, count);
            acc0 = acc0.add(DoubleVector.fromMemorySegment(DOUBLE, data, (long) i << 3, ORDER, m), m);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public long minInt64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        return sel != null ? SCALAR.minInt64(data, validity, sel, count)
                : extremeInt64(VectorOperators.MIN, Long.MAX_VALUE, data, validity, count);
    }

    @Override
    public long maxInt64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        return sel != null ? SCALAR.maxInt64(data, validity, sel, count)
                : extremeInt64(VectorOperators.MAX, Long.MIN_VALUE, data, validity, count);
    }

    private static long extremeInt64(VectorOperators.Associative op, long identity, MemorySegment data,
                                     MemorySegment validity, int count) {
        LongVector none = LongVector.broadcast(LONG, identity);
        LongVector acc = none;
        int i = 0;
        for (; i <= count - LONG.length(); i += LONG.length()) {
            LongVector v = LongVector.fromMemorySegment(LONG, data, (long) i << 3, ORDER);
            if (validity != null) {
                v = none.blend(v, valid(LONG, validity, i));
            }
            acc = op == VectorOperators.MIN ? acc.min(v) : acc.max(v);
        }
        if (i < count) {
            VectorMask<Long> m = rows(LONG, validity, i, count);
            LongVector v = none.blend(LongVector.fromMemorySegment(LONG, data, (long) i << 3, ORDER, m), m);
            acc = op == VectorOperators.MIN ? acc.min(v) : acc.max(v);
        }
        return op == VectorOperators.MIN ? acc.reduceLanes(VectorOperators.MIN) : acc.reduceLanes(VectorOperators.MAX);
    }

    @Override
    public int minInt32(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        return sel != null ? SCALAR.minInt32(data, validity, sel, count)
                : extremeInt32(VectorOperators.MIN, Integer.MAX_VALUE, data, validity, count);
    }

    @Override
    public int maxInt32(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        return sel != null ? SCALAR.maxInt32(data, validity, sel, count)
                : extremeInt32(VectorOperators.MAX, Integer.MIN_VALUE, data, validity, count);
    }

    private static int extremeInt32(VectorOperators.Associative op, int identity, MemorySegment data,
                                    MemorySegment validity, int count) {
        IntVector none = IntVector.broadcast(INT, identity);
        IntVector acc = none;
        int i = 0;
        for (; i <= count - INT.length(); i += INT.length()) {
            IntVector v = IntVector.fromMemorySegment(INT, data, (long) i << 2, ORDER);
            if (validity != null) {
                v = none.blend(v, valid(INT, validity, i));
            }
            acc = op == VectorOperators.MIN ? acc.min(v) : acc.max(v);
        }
        if (i < count) {
            VectorMask<Integer> m = rows(INT, validity, i, count);
            IntVector v = none.blend(IntVector.fromMemorySegment(INT, data, (long) i << 2, ORDER, m), m);
            acc = op == VectorOperators.MIN ? acc.min(v) : acc.max(v);
        }
        return op == VectorOperators.MIN ? acc.reduceLanes(VectorOperators.MIN) : acc.reduceLanes(VectorOperators.MAX);
    }

    @Override
    public double minFloat64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        if (sel != null) {
            return SCALAR.minFloat64(data, validity, sel, count);
        }
        DoubleVector none = DoubleVector.broadcast(DOUBLE, Double.POSITIVE_INFINITY);
        DoubleVector acc = none;
        VectorMask<Double> sawNaN = DOUBLE.maskAll(false);
        VectorMask<Double> sawNumber = DOUBLE.maskAll(false);
        for (int i = 0; i < count; i += DOUBLE.length()) {
            VectorMask<Double> m = i + DOUBLE.length() <= count && validity == null
                    ? DOUBLE.maskAll(true) : rows(DOUBLE, validity, i, count);
            DoubleVector v = i + DOUBLE.length() <= count
                    ? DoubleVector.fromMemorySegment(DOUBLE, data, (long) i << 3, ORDER)
                    : DoubleVector.fromMemorySegment(DOUBLE, data, (long) i << 3, ORDER, m);
            VectorMask<Double> nan = v.test(VectorOperators.IS_NAN).and(m);
            VectorMask<Double> number = m.andNot(nan);
            sawNaN = sawNaN.or(nan);
            sawNumber = sawNumber.or(number);
            acc = acc.min(none.blend(v, number));
        }
        return ScalarAggregateKernels.minFloat64Result(acc.reduceLanes(VectorOperators.MIN),
                sawNaN.anyTrue(), sawNumber.anyTrue());
    }

    @Override
    public double maxFloat64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        if (sel != null) {
            return SCALAR.maxFloat64(data, validity, sel, count);
        }
        DoubleVector none = DoubleVector.broadcast(DOUBLE, Double.NEGATIVE_INFINITY);
        // four accumulators: a Math.max-exact vector max (NaN, -0.0) is a chain of several instructions
        DoubleVector acc = none;
        DoubleVector acc1 = none;
        DoubleVector acc2 = none;
        DoubleVector acc3 = none;
        int lanes = DOUBLE.length();
        int i = 0;
        for (; i <= count - 4 * lanes; i += 4 * lanes) {
            DoubleVector v0 = DoubleVector.fromMemorySegment(DOUBLE, data, (long) i << 3, ORDER);
            DoubleVector v1 = DoubleVector.fromMemorySegment(DOUBLE, data, (long) (i + lanes) << 3, ORDER);
            DoubleVector v2 = DoubleVector.fromMemorySegment(DOUBLE, data, (long) (i + 2 * lanes) << 3, ORDER);
            DoubleVector v3 = DoubleVector.fromMemorySegment(DOUBLE, data, (long) (i + 3 * lanes) << 3, ORDER);
            if (validity != null) {
                v0 = none.blend(v0, valid(DOUBLE, validity, i));
                v1 = none.blend(v1, valid(DOUBLE, validity, i + lanes));
                v2 = none.blend(v2, valid(DOUBLE, validity, i + 2 * lanes));
                v3 = none.blend(v3, valid(DOUBLE, validity, i + 3 * lanes));
            }
            acc = acc.max(v0);
            acc1 = acc1.max(v1);
            acc2 = acc2.max(v2);
            acc3 = acc3.max(v3);
        }
        acc = acc.max(acc1).max(acc2.max(acc3));
        for (; i <= count - lanes; i += lanes) {
            DoubleVector v = DoubleVector.fromMemorySegment(DOUBLE, data, (long) i << 3, ORDER);
            if (validity != null) {
                v = none.blend(v, valid(DOUBLE, validity, i));
            }
            acc = acc.max(v);
        }
        if (i < count) {
            VectorMask<Double> m = rows(DOUBLE, validity, i, count);
            acc = acc.max(none.blend(DoubleVector.fromMemorySegment(DOUBLE, data, (long) i << 3, ORDER, m), m));
        }
        return acc.reduceLanes(VectorOperators.MAX);
    }

    // grouped: a scatter-update by group id, which the Vector API cannot do on a MemorySegment

    @Override
    public void sumInt64Grouped(MemorySegment data, MemorySegment validity, int[] rows, int count,
                                int[] groupIds, long[] acc) {
        SCALAR.sumInt64Grouped(data, validity, rows, count, groupIds, acc);
    }

    @Override
    public void sumFloat64Grouped(MemorySegment data, MemorySegment validity, int[] rows, int count,
                                  int[] groupIds, double[] acc) {
        SCALAR.sumFloat64Grouped(data, validity, rows, count, groupIds, acc);
    }

    @Override
    public void countGrouped(MemorySegment validity, int[] rows, int count,
                             int[] groupIds, long[] acc) {
        SCALAR.countGrouped(validity, rows, count, groupIds, acc);
    }

    @Override
    public void minInt64Grouped(MemorySegment data, MemorySegment validity, int[] rows, int count,
                                int[] groupIds, long[] acc) {
        SCALAR.minInt64Grouped(data, validity, rows, count, groupIds, acc);
    }

    @Override
    public void maxInt64Grouped(MemorySegment data, MemorySegment validity, int[] rows, int count,
                                int[] groupIds, long[] acc) {
        SCALAR.maxInt64Grouped(data, validity, rows, count, groupIds, acc);
    }

    // few groups: per group, the rows of that group as a lane mask, summed lane-wise; four
    // groups per pass over the rows, so a value is loaded once for four groups

    @Override
    public void sumInt64FewGroups(MemorySegment data, MemorySegment validity, int[] rowGroups, int span,
                                  int groups, long[] acc) {
        long[] sums = new long[(groups + 3) & ~3];
        long magnitude = 0;
        for (int base = 0; base < groups; base += 4) {
            magnitude |= sumFour(data, validity, rowGroups, span, base, sums);
        }
        if (!ScalarAggregateKernels.fewGroupSumsExact(magnitude, span)) {
            ScalarAggregateKernels.sumFewGroupsExact(data, validity, rowGroups, span, groups, acc);
            return;
        }
        for (int g = 0; g < groups; g++) {
            acc[g] = ScalarAggregateKernels.addSum(acc[g], sums[g]);
        }
    }

    /**
     * Wrapping lane sums of groups {@code base .. base + 3} into {@code sums}; returns the OR of
     * the counted values' magnitudes ({@link VectorOperators#ABS}: negative for Long.MIN_VALUE).
     */
    private static long sumFour(MemorySegment data, MemorySegment validity, int[] rowGroups, int span,
                                int base, long[] sums) {
        int lanes = LONG.length();
        LongVector zero = LongVector.zero(LONG);
        LongVector s0 = zero, s1 = zero, s2 = zero, s3 = zero, mag = zero;
        int i = 0;
        for (; i <= span - lanes; i += lanes) {
            IntVector ids = IntVector.fromArray(INT_PER_LONG, rowGroups, i).sub(base);
            LongVector v = LongVector.fromMemorySegment(LONG, data, (long) i << 3, ORDER);
            VectorMask<Long> live = ids.compare(VectorOperators.ULT, 4).cast(LONG);
            if (validity != null) {
                live = live.and(valid(LONG, validity, i));
            }
            v = zero.blend(v, live);
            mag = mag.or(v.lanewise(VectorOperators.ABS));
            s0 = s0.add(v, ids.eq(0).cast(LONG));
            s1 = s1.add(v, ids.eq(1).cast(LONG));
            s2 = s2.add(v, ids.eq(2).cast(LONG));
            s3 = s3.add(v, ids.eq(3).cast(LONG));
        }
        if (i < span) {
            VectorMask<Integer> in = INT_PER_LONG.indexInRange(i, span);
            IntVector ids = IntVector.fromArray(INT_PER_LONG, rowGroups, i, in).sub(base);
            VectorMask<Long> live = ids.compare(VectorOperators.ULT, 4).and(in).cast(LONG)
                    .and(valid(LONG, validity, i));
            LongVector v = LongVector.fromMemorySegment(LONG, data, (long) i << 3, ORDER, live);
            mag = mag.or(v.lanewise(VectorOperators.ABS));
            s0 = s0.add(v, ids.eq(0).cast(LONG));
            s1 = s1.add(v, ids.eq(1).cast(LONG));
            s2 = s2.add(v, ids.eq(2).cast(LONG));
            s3 = s3.add(v, ids.eq(3).cast(LONG));
        }
        sums[base] = s0.reduceLanes(VectorOperators.ADD);
        sums[base + 1] = s1.reduceLanes(VectorOperators.ADD);
        sums[base + 2] = s2.reduceLanes(VectorOperators.ADD);
        sums[base + 3] = s3.reduceLanes(VectorOperators.ADD);
        return mag.reduceLanes(VectorOperators.OR);
    }

    @Override
    public void countFewGroups(MemorySegment validity, int[] rowGroups, int span, int groups, long[] acc) {
        int lanes = INT.length();
        for (int base = 0; base < groups; base += 4) {
            long c0 = 0, c1 = 0, c2 = 0, c3 = 0;
            int i = 0;
            for (; i <= span - lanes; i += lanes) {
                IntVector ids = IntVector.fromArray(INT, rowGroups, i).sub(base);
                if (validity != null) {
                    // a null row counts in no group
                    ids = ids.blend(-1, valid(INT, validity, i).not());
                }
                c0 += ids.eq(0).trueCount();
                c1 += ids.eq(1).trueCount();
                c2 += ids.eq(2).trueCount();
                c3 += ids.eq(3).trueCount();
            }
            for (; i < span; i++) {
                int g = rowGroups[i] - base;
                if (BitmapWords.bit(validity, i) != 0) {
                    c0 += g == 0 ? 1 : 0;
                    c1 += g == 1 ? 1 : 0;
                    c2 += g == 2 ? 1 : 0;
                    c3 += g == 3 ? 1 : 0;
                }
            }
            acc[base] += c0;
            if (base + 1 < groups) acc[base + 1] += c1;
            if (base + 2 < groups) acc[base + 2] += c2;
            if (base + 3 < groups) acc[base + 3] += c3;
        }
    }
}
