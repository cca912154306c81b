package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The reference {@link AggregateKernels}. Null rows are folded in as the operation's identity
 * instead of branching. INT64 sums keep the high (signed) and low (unsigned) 32-bit halves in
 * separate longs, which cannot overflow for up to 2^31 rows, and check the total once at the end.
 */
public final class ScalarAggregateKernels implements AggregateKernels {
    public static final ScalarAggregateKernels INSTANCE = new ScalarAggregateKernels();

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    private ScalarAggregateKernels() {}

    private static int row(MemorySegment sel, int i) {
        return sel == null ? i : sel.getAtIndex(INT, i);
    }

    @Override
    public long countValid(MemorySegment validity, MemorySegment sel, int count) {
        if (validity == null) {
            return count;
        }
        long n = 0;
        if (sel == null) {
            int full = count >>> 6;
            for (int w = 0; w < full; w++) {
                n += Long.bitCount(BitmapWords.word(validity, w));
            }
            for (int r = full << 6; r < count; r++) {
                n += BitmapWords.bit(validity, r);
            }
            return n;
        }
        for (int i = 0; i < count; i++) {
            n += BitmapWords.bit(validity, sel.getAtIndex(INT, i));
        }
        return n;
    }

    @Override
    public long sumInt64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        long high = 0;
        long low = 0;
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            long v = data.getAtIndex(LONG, r) & -(long) BitmapWords.bit(validity, r);
            high += v >> 32;
            low += v & 0xFFFF_FFFFL;
        }
        return exactSum(high, low);
    }

    /**
     * {@code high * 2^32 + low} as a long, where {@code high} sums signed upper halves and
     * {@code low} unsigned lower halves (both without overflow); throws if it does not fit.
     */
    public static long exactSum(long high, long low) {
        high += low >>> 32;
        low &= 0xFFFF_FFFFL;
        if (high < Integer.MIN_VALUE || high > Integer.MAX_VALUE) {
            throw new ArithmeticException("BIGINT overflow in SUM: the total does not fit in 64 bits");
        }
        return (high << 32) | low;
    }

    @Override
    public long sumInt32(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        long sum = 0; // |sum| < 2^31 * 2^31: cannot overflow
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            sum += data.getAtIndex(INT, r) & -BitmapWords.bit(validity, r);
        }
        return sum;
    }

    @Override
    public double sumFloat64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        double sum = 0;
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            // a null row adds -0.0, the identity that leaves -0.0 and NaN alike untouched
            sum += BitmapWords.bit(validity, r) != 0 ? data.getAtIndex(DOUBLE, r) : -0.0;
        }
        return sum;
    }

    @Override
    public long minInt64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        long m = Long.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            m = Math.min(m, BitmapWords.bit(validity, r) != 0 ? data.getAtIndex(LONG, r) : Long.MAX_VALUE);
        }
        return m;
    }

    @Override
    public long maxInt64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        long m = Long.MIN_VALUE;
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            m = Math.max(m, BitmapWords.bit(validity, r) != 0 ? data.getAtIndex(LONG, r) : Long.MIN_VALUE);
        }
        return m;
    }

    @Override
    public int minInt32(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        int m = Integer.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            m = Math.min(m, BitmapWords.bit(validity, r) != 0 ? data.getAtIndex(INT, r) : Integer.MAX_VALUE);
        }
        return m;
    }

    @Override
    public int maxInt32(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        int m = Integer.MIN_VALUE;
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            m = Math.max(m, BitmapWords.bit(validity, r) != 0 ? data.getAtIndex(INT, r) : Integer.MIN_VALUE);
        }
        return m;
    }

    @Override
    public double minFloat64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        double m = Double.POSITIVE_INFINITY;
        boolean sawNaN = false;
        boolean sawNumber = false;
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            boolean valid = BitmapWords.bit(validity, r) != 0;
            double v = data.getAtIndex(DOUBLE, r);
            boolean nan = v != v;
            sawNaN |= valid & nan;
            sawNumber |= valid & !nan;
            m = Math.min(m, valid & !nan ? v : Double.POSITIVE_INFINITY);
        }
        return minFloat64Result(m, sawNaN, sawNumber);
    }

    /** SQL orders NaN above every number: MIN is NaN only when every valid value is NaN. */
    public static double minFloat64Result(double minOfNumbers, boolean sawNaN, boolean sawNumber) {
        return sawNaN & !sawNumber ? Double.NaN : minOfNumbers;
    }

    @Override
    public double maxFloat64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            m = Math.max(m, BitmapWords.bit(validity, r) != 0 ? data.getAtIndex(DOUBLE, r) : Double.NEGATIVE_INFINITY);
        }
        return m;
    }

    @Override
    public void sumInt64Grouped(MemorySegment data, MemorySegment validity, int[] rows, int count,
                                int[] groupIds, long[] acc) {
        for (int i = 0; i < count; i++) {
            int r = rows == null ? i : rows[i];
            if (BitmapWords.bit(validity, r) != 0) {
                int g = groupIds[i];
                acc[g] = Math.addExact(acc[g], data.getAtIndex(LONG, r));
            }
        }
    }

    @Override
    public void sumFloat64Grouped(MemorySegment data, MemorySegment validity, int[] rows, int count,
                                  int[] groupIds, double[] acc) {
        for (int i = 0; i < count; i++) {
            int r = rows == null ? i : rows[i];
            if (BitmapWords.bit(validity, r) != 0) {
                acc[groupIds[i]] += data.getAtIndex(DOUBLE, r);
            }
        }
    }

    @Override
    public void countGrouped(MemorySegment validity, int[] rows, int count,
                             int[] groupIds, long[] acc) {
        if (validity == null) {
            for (int i = 0; i < count; i++) {
                acc[groupIds[i]]++;
            }
            return;
        }
        for (int i = 0; i < count; i++) {
            acc[groupIds[i]] += BitmapWords.bit(validity, rows == null ? i : rows[i]);
        }
    }

    @Override
    public void minInt64Grouped(MemorySegment data, MemorySegment validity, int[] rows, int count,
                                int[] groupIds, long[] acc) {
        for (int i = 0; i < count; i++) {
            int r = rows == null ? i : rows[i];
            int g = groupIds[i];
            long v = BitmapWords.bit(validity, r) != 0 ? data.getAtIndex(LONG, r) : Long.MAX_VALUE;
            acc[g] = Math.min(acc[g], v);
        }
    }

    @Override
    public void maxInt64Grouped(MemorySegment data, MemorySegment validity, int[] rows, int count,
                                int[] groupIds, long[] acc) {
        for (int i = 0; i < count; i++) {
            int r = rows == null ? i : rows[i];
            int g = groupIds[i];
            long v = BitmapWords.bit(validity, r) != 0 ? data.getAtIndex(LONG, r) : Long.MIN_VALUE;
            acc[g] = Math.max(acc[g], v);
        }
    }

    /**
     * Plain (wrapping) sums per group and lane, with an OR of every added value's magnitude: when
     * that bound times the rows cannot reach 2^63, no partial sum wrapped and the sums are exact;
     * otherwise the rows are summed again in high and low halves ({@link #sumFewGroupsExact}).
     * Four lanes by row index, so consecutive rows of one group update different slots.
     */
    @Override
    public void sumInt64FewGroups(MemorySegment data, MemorySegment validity, int[] rowGroups, int span,
                                  int groups, long[] acc) {
        long[] lanes = new long[groups * 4];
        long magnitude = 0;
        for (int r = 0; r < span; r++) {
            int g = rowGroups[r];
            if (g >= 0 && BitmapWords.bit(validity, r) != 0) {
                long v = data.getAtIndex(LONG, r);
                magnitude |= v ^ (v >> 63);
                lanes[g * 4 + (r & 3)] += v;
            }
        }
        if (!fewGroupSumsExact(magnitude, span)) {
            sumFewGroupsExact(data, validity, rowGroups, span, groups, acc);
            return;
        }
        for (int g = 0; g < groups; g++) {
            long sum = lanes[g * 4] + lanes[g * 4 + 1] + lanes[g * 4 + 2] + lanes[g * 4 + 3];
            acc[g] = addSum(acc[g], sum);
        }
    }

    /**
     * Whether sums of at most {@code rows} values, each {@code v} with {@code v ^ (v >> 63)} (or
     * {@code |v|}) among the bits of {@code magnitude}, stay inside 64 bits: each value is at most
     * 2^b in magnitude (b the bit length of {@code magnitude}) and {@code rows < 2^k}, so any
     * partial sum is below 2^(b + k). A negative {@code magnitude} (|Long.MIN_VALUE|) never is.
     */
    public static boolean fewGroupSumsExact(long magnitude, int rows) {
        return magnitude >= 0 && (64 - Long.numberOfLeadingZeros(magnitude)) + (32 - Integer.numberOfLeadingZeros(rows)) <= 63;
    }

    /** {@code acc + sum}, or the SUM overflow error. */
    public static long addSum(long acc, long sum) {
        long r = acc + sum;
        if (((acc ^ r) & (sum ^ r)) < 0) {
            throw new ArithmeticException("BIGINT overflow in SUM: the total does not fit in 64 bits");
        }
        return r;
    }

    /** {@link #sumInt64FewGroups} in high (signed) and low (unsigned) halves per group: exact for any values. */
    public static void sumFewGroupsExact(MemorySegment data, MemorySegment validity, int[] rowGroups, int span,
                                         int groups, long[] acc) {
        long[] halves = new long[groups * 2];
        for (int r = 0; r < span; r++) {
            int g = rowGroups[r];
            if (g >= 0 && BitmapWords.bit(validity, r) != 0) {
                long v = data.getAtIndex(LONG, r);
                halves[2 * g] += v >> 32;
                halves[2 * g + 1] += v & 0xFFFF_FFFFL;
            }
        }
        for (int g = 0; g < groups; g++) {
            // acc's halves join the batch's: the high halves stay far inside 64 bits (< 2^31 rows)
            acc[g] = exactSum(halves[2 * g] + (acc[g] >> 32), halves[2 * g + 1] + (acc[g] & 0xFFFF_FFFFL));
        }
    }

    @Override
    public void countFewGroups(MemorySegment validity, int[] rowGroups, int span, int groups, long[] acc) {
        long[] lanes = new long[groups * 4];
        for (int r = 0; r < span; r++) {
            int g = rowGroups[r];
            if (g >= 0) {
                lanes[g * 4 + (r & 3)] += BitmapWords.bit(validity, r);
            }
        }
        for (int g = 0; g < groups; g++) {
            acc[g] += lanes[g * 4] + lanes[g * 4 + 1] + lanes[g * 4 + 2] + lanes[g * 4 + 3];
        }
    }
}
