package io.blueshift.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class ScalarAggregateKernelsTest {
    private final AggregateKernels agg = ScalarAggregateKernels.INSTANCE;
    private final Random random = new Random(7);

    @Test
    void int64SumIsExactOrThrows() {
        long[] data = new long[200];
        for (int i = 0; i < data.length; i++) {
            data[i] = i % 2 == 0 ? Long.MAX_VALUE : Long.MIN_VALUE + 1;
        }
        // partial sums wrap back and forth; the true total is 0
        assertEquals(0, agg.sumInt64(Segments.of(data), null, null, data.length));
        data[0] = 5;
        BigInteger truth = IntStream.range(0, data.length).mapToObj(i -> BigInteger.valueOf(data[i]))
                .reduce(BigInteger.ZERO, BigInteger::add);
        assertEquals(truth.longValueExact(), agg.sumInt64(Segments.of(data), null, null, data.length));
        data[1] = Long.MAX_VALUE; // total 5 + MAX
        assertThrows(ArithmeticException.class, () -> agg.sumInt64(Segments.of(data), null, null, data.length));
        assertThrows(ArithmeticException.class,
                () -> agg.sumInt64(Segments.of(Long.MIN_VALUE, -1L), null, null, 2));
        assertEquals(Long.MIN_VALUE, agg.sumInt64(Segments.of(Long.MIN_VALUE + 1, -1L), null, null, 2));
    }

    @Test
    void nullRowsAreSkippedEvenWhenTheyWouldOverflow() {
        MemorySegment data = Segments.of(Long.MAX_VALUE, Long.MAX_VALUE, 3L);
        MemorySegment validity = Segments.validity(new boolean[]{true, false, true});
        assertThrows(ArithmeticException.class, () -> agg.sumInt64(data, null, null, 3));
        assertEquals(Long.MAX_VALUE, agg.sumInt64(Segments.of(Long.MAX_VALUE - 3, Long.MAX_VALUE, 3L), validity, null, 3));
        assertEquals(2, agg.countValid(validity, null, 3));
        assertEquals(1, agg.countValid(validity, Segments.of(1, 2), 2));
        assertEquals(3L, agg.minInt64(data, validity, Segments.of(1, 2), 2));
    }

    @Test
    void ungroupedMatchNaiveLoops() {
        int n = 1003;
        int[] ints = random.ints(n).toArray();
        long[] longs = random.longs(n, -1L << 40, 1L << 40).toArray();
        boolean[] valid = new boolean[n];
        for (int i = 0; i < n; i++) {
            valid[i] = random.nextInt(3) != 0;
        }
        int[] sel = IntStream.range(0, n).filter(i -> random.nextBoolean()).toArray();
        MemorySegment v = Segments.validity(valid);
        long sum32 = 0;
        long sum64 = 0;
        long count = 0;
        int min32 = Integer.MAX_VALUE;
        long max64 = Long.MIN_VALUE;
        for (int r : sel) {
            if (valid[r]) {
                sum32 += ints[r];
                sum64 += longs[r];
                count++;
                min32 = Math.min(min32, ints[r]);
                max64 = Math.max(max64, longs[r]);
            }
        }
        MemorySegment s = Segments.of(sel);
        assertEquals(sum32, agg.sumInt32(Segments.of(ints), v, s, sel.length));
        assertEquals(sum64, agg.sumInt64(Segments.of(longs), v, s, sel.length));
        assertEquals(count, agg.countValid(v, s, sel.length));
        assertEquals(min32, agg.minInt32(Segments.of(ints), v, s, sel.length));
        assertEquals(max64, agg.maxInt64(Segments.of(longs), v, s, sel.length));
        assertEquals(Integer.MIN_VALUE, agg.maxInt32(Segments.of(ints), v, s, 0), "identity for no rows");
        assertEquals(n, agg.countValid(null, null, n));
    }

    @Test
    void float64MinMaxOrderNaNAboveNumbers() {
        MemorySegment data = Segments.of(3.0, Double.NaN, -0.0, 0.0);
        assertEquals(-0.0, agg.minFloat64(data, null, null, 4));
        assertEquals(Double.NaN, agg.maxFloat64(data, null, null, 4));
        assertEquals(Double.NaN, agg.minFloat64(data, null, Segments.of(1), 1));
        assertEquals(3.0, agg.maxFloat64(data, Segments.validity(new boolean[]{true, false, true, true}), null, 4));
        assertEquals(Double.POSITIVE_INFINITY, agg.minFloat64(data, null, null, 0));
        assertEquals(Double.NEGATIVE_INFINITY, agg.maxFloat64(data, null, null, 0));
        assertEquals(3.0, agg.sumFloat64(data, Segments.validity(new boolean[]{true, false, true, true}), null, 4));
    }

    @Test
    void groupedUpdateAccumulatorsPerCandidate() {
        MemorySegment data = Segments.of(5L, 7L, 11L, Long.MAX_VALUE);
        MemorySegment validity = Segments.validity(new boolean[]{true, true, true, false});
        int[] groups = {1, 0, 1, 0};
        long[] acc = new long[2];
        agg.sumInt64Grouped(data, validity, null, 4, groups, acc);
        assertArrayEquals(new long[]{7, 16}, acc);
        agg.countGrouped(validity, null, 4, groups, acc);
        assertArrayEquals(new long[]{8, 18}, acc);
        long[] counts = new long[2];
        agg.countGrouped(null, new int[]{0, 1, 3}, 3, new int[]{1, 1, 0}, counts);
        assertArrayEquals(new long[]{1, 2}, counts);
        long[] max = {Long.MIN_VALUE, Long.MIN_VALUE};
        agg.maxInt64Grouped(data, validity, null, 4, groups, max);
        assertArrayEquals(new long[]{7, 11}, max);
        long[] min = {Long.MAX_VALUE, Long.MAX_VALUE};
        agg.minInt64Grouped(data, validity, new int[]{1, 2}, 2, new int[]{0, 0}, min);
        assertArrayEquals(new long[]{7, Long.MAX_VALUE}, min);
        long[] sums = {Long.MAX_VALUE, 0L};
        assertThrows(ArithmeticException.class, () -> agg.sumInt64Grouped(data, null, null, 1, new int[]{0}, sums));
        double[] dsum = new double[2];
        agg.sumFloat64Grouped(Segments.of(0.5, 1.5, 2.0), null, null, 3, new int[]{1, 1, 0}, dsum);
        assertArrayEquals(new double[]{2.0, 2.0}, dsum);
    }
}
