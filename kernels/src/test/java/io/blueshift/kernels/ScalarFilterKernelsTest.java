package io.blueshift.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class ScalarFilterKernelsTest {
    private final FilterKernels filter = ScalarFilterKernels.INSTANCE;
    private final Random random = new Random(42);

    private static int[] naive(int n, int[] candidates, IntPredicate pass) {
        IntStream rows = candidates == null ? IntStream.range(0, n) : Arrays.stream(candidates);
        return rows.filter(pass).toArray();
    }

    private static int[] run(int candidates, java.util.function.ToIntFunction<MemorySegment> call) {
        MemorySegment out = MemorySegment.ofArray(new int[candidates]);
        int k = call.applyAsInt(out);
        return Segments.ints(out, k);
    }

    private boolean[] randomValidity(int n) {
        boolean[] v = new boolean[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextInt(4) != 0;
        }
        return v;
    }

    @Test
    void int32ComparesMatchTheOperatorsAndDropNulls() {
        int n = 1000;
        int[] data = random.ints(n, -5, 5).toArray();
        data[3] = Integer.MIN_VALUE;
        data[4] = Integer.MAX_VALUE;
        boolean[] valid = randomValidity(n);
        MemorySegment d = Segments.of(data);
        MemorySegment v = Segments.validity(valid);
        for (CompareOp op : CompareOp.values()) {
            for (int c : new int[]{0, 3, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
                int[] expected = naive(n, null, i -> valid[i] && op.test(Integer.compare(data[i], c)));
                assertArrayEquals(expected, run(n, out -> filter.compareInt32(op, d, v, n, c, out)), op + " " + c);
                int[] all = naive(n, null, i -> op.test(Integer.compare(data[i], c)));
                assertArrayEquals(all, run(n, out -> filter.compareInt32(op, d, null, n, c, out)));
            }
        }
        int[] between = naive(n, null, i -> valid[i] && data[i] >= -2 && data[i] <= 2);
        assertArrayEquals(between, run(n, out -> filter.betweenInt32(d, v, n, -2, 2, out)));
    }

    @Test
    void int64SelectedKeepsOrderAndMayWriteOverTheSelection() {
        int n = 777;
        long[] data = random.longs(n, -10, 10).toArray();
        boolean[] valid = randomValidity(n);
        int[] sel = IntStream.range(0, n).filter(i -> random.nextBoolean()).toArray();
        MemorySegment d = Segments.of(data);
        MemorySegment v = Segments.validity(valid);
        for (CompareOp op : CompareOp.values()) {
            int[] expected = naive(n, sel, i -> valid[i] && op.test(Long.compare(data[i], 4)));
            MemorySegment s = Segments.of(sel);
            int k = filter.compareInt64Selected(op, d, v, s, sel.length, 4L, s);
            assertArrayEquals(expected, Segments.ints(s, k), op.name());
        }
        int[] between = naive(n, sel, i -> valid[i] && data[i] >= -3 && data[i] <= 7);
        assertArrayEquals(between, run(sel.length, out -> filter.betweenInt64Selected(d, v, Segments.of(sel), sel.length, -3, 7, out)));
    }

    @Test
    void float64FollowsIeee() {
        double[] data = {Double.NaN, -0.0, 0.0, 1.5, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, -1};
        int n = data.length;
        MemorySegment d = Segments.of(data);
        assertArrayEquals(new int[]{1, 2}, run(n, out -> filter.compareFloat64(CompareOp.EQ, d, null, n, 0.0, out)));
        assertArrayEquals(new int[]{0, 3, 4, 5, 6}, run(n, out -> filter.compareFloat64(CompareOp.NE, d, null, n, -0.0, out)));
        assertArrayEquals(new int[]{4, 6}, run(n, out -> filter.compareFloat64(CompareOp.LT, d, null, n, 0.0, out)));
        assertArrayEquals(new int[]{1, 2, 3, 5}, run(n, out -> filter.compareFloat64(CompareOp.GE, d, null, n, 0.0, out)));
        // NaN passes only NE, even against NaN
        assertArrayEquals(new int[0], run(n, out -> filter.compareFloat64(CompareOp.EQ, d, null, n, Double.NaN, out)));
        assertArrayEquals(new int[]{1, 2, 3, 6}, run(n, out -> filter.betweenFloat64(d, null, n, -1, 1.5, out)));
        boolean[] valid = {true, true, false, true, true, true, true};
        assertArrayEquals(new int[]{1, 3}, run(n, out -> filter.betweenFloat64Selected(d, Segments.validity(valid),
                Segments.of(0, 1, 2, 3), 4, -0.0, 2, out)));
    }
    @Test
    void rangeBitsOfSeveralColumnsAreTheirConjunction() {
        int n = 1000;
        int[] dates = random.ints(n, -5, 5).toArray();
        long[] amounts = random.longs(n, -10, 10).toArray();
        dates[7] = Integer.MIN_VALUE;
        amounts[8] = Long.MAX_VALUE;
        boolean[] valid = randomValidity(n);
        MemorySegment bits = MemorySegment.ofArray(new long[(n + 63) / 64]);
        filter.rangeBitsInt32(Segments.of(dates), null, n, -2, 3, bits, false);
        filter.rangeBitsInt64(Segments.of(amounts), Segments.validity(valid), n, 0, Long.MAX_VALUE, bits, true);
        int[] expected = naive(n, null, i -> dates[i] >= -2 && dates[i] <= 3 && valid[i] && amounts[i] >= 0);
        assertArrayEquals(expected, run(n, out -> ScalarSelectionKernels.INSTANCE.fromBitmap(bits, n, out)));
        // the first column overwrites whatever the words held; bits past the count are cleared
        MemorySegment words = MemorySegment.ofArray(new long[] {-1L, -1L});
        filter.rangeBitsInt32(Segments.of(new int[] {1, 5, 2}), null, 3, 1, 2, words, false);
        assertArrayEquals(new long[] {0b101L, -1L}, words.toArray(java.lang.foreign.ValueLayout.JAVA_LONG));
    }
}
