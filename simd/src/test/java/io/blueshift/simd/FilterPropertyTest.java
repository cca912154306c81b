package io.blueshift.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.blueshift.kernels.CompareOp;
import io.blueshift.kernels.FilterKernels;
import io.blueshift.simd.RandomColumns.Nulls;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/** SIMD filters select exactly the rows the scalar twins select. */
@AddLifecycleHook(RequiresVectorized.class)
class FilterPropertyTest {

    @Provide
    Arbitrary<Integer> sizes() {
        return RandomColumns.sizes();
    }

    /** Candidate count and the call itself, given an output segment. */
    private interface Filter {
        int run(FilterKernels kernels, MemorySegment out);
    }

    private static void assertSame(int candidates, Filter filter, Arena arena) {
        MemorySegment expected = arena.allocate(4L * candidates, 4);
        MemorySegment actual = arena.allocate(4L * candidates, 4);
        int n = filter.run(RandomColumns.scalarFilter(), expected);
        int k = filter.run(RandomColumns.simdFilter(), actual);
        assertEquals(n, k, "selected count");
        assertArrayEquals(RandomColumns.ints(expected, n), RandomColumns.ints(actual, k));
    }

    @Property(tries = 150)
    void int32(@ForAll("sizes") int n, @ForAll long seed, @ForAll Nulls nulls, @ForAll CompareOp op, @ForAll boolean selected) {
        try (Arena arena = Arena.ofConfined()) {
            RandomColumns r = new RandomColumns(seed, arena);
            MemorySegment data = r.ints(n, 20);
            MemorySegment validity = r.validity(n, nulls);
            int c = n > 0 && r.random.nextBoolean() ? data.getAtIndex(ValueLayout.JAVA_INT, r.random.nextInt(n)) : r.nextInt(20);
            int lo = r.nextInt(20);
            int hi = r.random.nextInt(4) == 0 ? lo - 1 : Math.max(lo, r.nextInt(20));
            if (selected) {
                MemorySegment sel = r.selection(n);
                int m = RandomColumns.count(sel);
                assertSame(m, (f, out) -> f.compareInt32Selected(op, data, validity, sel, m, c, out), arena);
                assertSame(m, (f, out) -> f.betweenInt32Selected(data, validity, sel, m, lo, hi, out), arena);
            } else {
                assertSame(n, (f, out) -> f.compareInt32(op, data, validity, n, c, out), arena);
                assertSame(n, (f, out) -> f.betweenInt32(data, validity, n, lo, hi, out), arena);
            }
        }
    }

    /** Column against column, as {@code l_commitdate < l_receiptdate}: equal values are common, nulls on either side. */
    @Property(tries = 150)
    void columnsInt32AndInt64(@ForAll("sizes") int n, @ForAll long seed, @ForAll Nulls leftNulls, @ForAll Nulls rightNulls,
                              @ForAll CompareOp op, @ForAll boolean selected) {
        try (Arena arena = Arena.ofConfined()) {
            RandomColumns r = new RandomColumns(seed, arena);
            MemorySegment li = r.ints(n, 5);
            MemorySegment ri = r.ints(n, 5);
            MemorySegment ll = r.longs(n, 5);
            MemorySegment rl = r.longs(n, 5);
            MemorySegment lv = r.validity(n, leftNulls);
            MemorySegment rv = r.validity(n, rightNulls);
            MemorySegment sel = selected ? r.selection(n) : null;
            int m = selected ? RandomColumns.count(sel) : n;
            assertSame(m, (f, out) -> f.compareColumnsInt32(op, li, lv, ri, rv, sel, m, out), arena);
            assertSame(m, (f, out) -> f.compareColumnsInt64(op, ll, lv, rl, rv, sel, m, out), arena);
        }
    }

    @Property(tries = 150)
    void int64(@ForAll("sizes") int n, @ForAll long seed, @ForAll Nulls nulls, @ForAll CompareOp op, @ForAll boolean selected) {
        try (Arena arena = Arena.ofConfined()) {
            RandomColumns r = new RandomColumns(seed, arena);
            MemorySegment data = r.longs(n, 20);
            MemorySegment validity = r.validity(n, nulls);
            long c = n > 0 && r.random.nextBoolean() ? data.getAtIndex(ValueLayout.JAVA_LONG, r.random.nextInt(n)) : r.nextLong(20);
            long lo = r.nextLong(20);
            long hi = r.random.nextInt(4) == 0 ? lo - 1 : Math.max(lo, r.nextLong(20));
            if (selected) {
                MemorySegment sel = r.selection(n);
                int m = RandomColumns.count(sel);
                assertSame(m, (f, out) -> f.compareInt64Selected(op, data, validity, sel, m, c, out), arena);
                assertSame(m, (f, out) -> f.betweenInt64Selected(data, validity, sel, m, lo, hi, out), arena);
            } else {
                assertSame(n, (f, out) -> f.compareInt64(op, data, validity, n, c, out), arena);
                assertSame(n, (f, out) -> f.betweenInt64(data, validity, n, lo, hi, out), arena);
            }
        }
    }

    @Property(tries = 150)
    void float64(@ForAll("sizes") int n, @ForAll long seed, @ForAll Nulls nulls, @ForAll CompareOp op, @ForAll boolean selected) {
        try (Arena arena = Arena.ofConfined()) {
            RandomColumns r = new RandomColumns(seed, arena);
            MemorySegment data = r.doubles(n, true);
            MemorySegment validity = r.validity(n, nulls);
            double c = n > 0 && r.random.nextBoolean() ? data.getAtIndex(ValueLayout.JAVA_DOUBLE, r.random.nextInt(n)) : r.nextDouble();
            double lo = r.nextDouble();
            double hi = r.random.nextInt(4) == 0 ? r.nextDouble() : Math.max(lo, r.nextDouble());
            if (selected) {
                MemorySegment sel = r.selection(n);
                int m = RandomColumns.count(sel);
                assertSame(m, (f, out) -> f.compareFloat64Selected(op, data, validity, sel, m, c, out), arena);
                assertSame(m, (f, out) -> f.betweenFloat64Selected(data, validity, sel, m, lo, hi, out), arena);
            } else {
                assertSame(n, (f, out) -> f.compareFloat64(op, data, validity, n, c, out), arena);
                assertSame(n, (f, out) -> f.betweenFloat64(data, validity, n, lo, hi, out), arena);
            }
        }
    }

    @Property(tries = 50)
    void selectedOutputMayBeTheSelection(@ForAll("sizes") int n, @ForAll long seed, @ForAll Nulls nulls, @ForAll CompareOp op) {
        try (Arena arena = Arena.ofConfined()) {
            RandomColumns r = new RandomColumns(seed, arena);
            MemorySegment data = r.ints(n, 20);
            MemorySegment validity = r.validity(n, nulls);
            MemorySegment sel = r.selection(n);
            int m = RandomColumns.count(sel);
            MemorySegment expected = arena.allocate(4L * m, 4);
            int k = RandomColumns.scalarFilter().compareInt32Selected(op, data, validity, sel, m, 3, expected);
            int j = RandomColumns.simdFilter().compareInt32Selected(op, data, validity, sel, m, 3, sel);
            assertEquals(k, j);
            assertArrayEquals(RandomColumns.ints(expected, k), RandomColumns.ints(sel, j));
        }
    }
    /** Bitmap words a range-bits call leaves, starting from {@code start} (for the AND form). */
    private interface RangeBits {
        void run(FilterKernels kernels, MemorySegment bits);
    }

    private static void assertSameBits(int n, long[] start, RangeBits call, Arena arena) {
        int words = (n + 63) / 64;
        MemorySegment expected = arena.allocate(8L * words, 8);
        MemorySegment actual = arena.allocate(8L * words, 8);
        for (int w = 0; w < words; w++) {
            expected.setAtIndex(ValueLayout.JAVA_LONG, w, start[w]);
            actual.setAtIndex(ValueLayout.JAVA_LONG, w, start[w]);
        }
        call.run(RandomColumns.scalarFilter(), expected);
        call.run(RandomColumns.simdFilter(), actual);
        assertArrayEquals(RandomColumns.longs(expected, words), RandomColumns.longs(actual, words));
    }

    /** A multi-column range conjunction as bitmap words: first column overwrites, later ones AND (zero words skipped). */
    @Property(tries = 150)
    void rangeBits(@ForAll("sizes") int n, @ForAll long seed, @ForAll Nulls nulls, @ForAll boolean and) {
        try (Arena arena = Arena.ofConfined()) {
            RandomColumns r = new RandomColumns(seed, arena);
            MemorySegment ints = r.ints(n, 20);
            MemorySegment longs = r.longs(n, 20);
            MemorySegment validity = r.validity(n, nulls);
            int words = (n + 63) / 64;
            long[] start = new long[words];
            for (int w = 0; w < words; w++) {
                start[w] = switch (r.random.nextInt(3)) {
                    case 0 -> 0L;
                    case 1 -> -1L;
                    default -> r.random.nextLong();
                };
            }
            int lo = r.nextInt(20);
            int hi = r.random.nextInt(4) == 0 ? lo - 1 : Math.max(lo, r.nextInt(20));
            long llo = r.nextLong(20);
            long lhi = r.random.nextInt(4) == 0 ? llo - 1 : Math.max(llo, r.nextLong(20));
            assertSameBits(n, start, (f, bits) -> f.rangeBitsInt32(ints, validity, n, lo, hi, bits, and), arena);
            assertSameBits(n, start, (f, bits) -> f.rangeBitsInt64(longs, validity, n, llo, lhi, bits, and), arena);
            assertSameBits(n, start, (f, bits) -> f.rangeBitsInt32(ints, validity, n, Integer.MIN_VALUE, Integer.MAX_VALUE, bits, and), arena);
            assertSameBits(n, start, (f, bits) -> f.rangeBitsInt64(longs, validity, n, Long.MIN_VALUE, Long.MAX_VALUE, bits, and), arena);
        }
    }
}
