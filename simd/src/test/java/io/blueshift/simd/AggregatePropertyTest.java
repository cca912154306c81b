package io.blueshift.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.blueshift.kernels.AggregateKernels;
import io.blueshift.simd.RandomColumns.Nulls;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/** SIMD aggregates equal the scalar twins: exactly for integers, within a tolerance for sums of doubles. */
@AddLifecycleHook(RequiresVectorized.class)
class AggregatePropertyTest {
    private final AggregateKernels scalar = RandomColumns.scalarAggregate();
    private final AggregateKernels simd = RandomColumns.simdAggregate();

    @Provide
    Arbitrary<Integer> sizes() {
        return RandomColumns.sizes();
    }

    private record Rows(MemorySegment sel, int count) {}

    private static Rows rows(RandomColumns r, int n, boolean selected) {
        if (!selected) {
            return new Rows(null, n);
        }
        MemorySegment sel = r.selection(n);
        return new Rows(sel, RandomColumns.count(sel));
    }

    @Property(tries = 150)
    void integers(@ForAll("sizes") int n, @ForAll long seed, @ForAll Nulls nulls, @ForAll boolean selected) {
        try (Arena arena = Arena.ofConfined()) {
            RandomColumns r = new RandomColumns(seed, arena);
            MemorySegment ints = r.ints(n, 1000);
            MemorySegment longs = r.longs(n, 1000);
            MemorySegment validity = r.validity(n, nulls);
            Rows s = rows(r, n, selected);
            assertEquals(scalar.countValid(validity, s.sel, s.count), simd.countValid(validity, s.sel, s.count));
            assertEquals(scalar.sumInt32(ints, validity, s.sel, s.count), simd.sumInt32(ints, validity, s.sel, s.count));
            assertEquals(scalar.minInt32(ints, validity, s.sel, s.count), simd.minInt32(ints, validity, s.sel, s.count));
            assertEquals(scalar.maxInt32(ints, validity, s.sel, s.count), simd.maxInt32(ints, validity, s.sel, s.count));
            assertEquals(scalar.minInt64(longs, validity, s.sel, s.count), simd.minInt64(longs, validity, s.sel, s.count));
            assertEquals(scalar.maxInt64(longs, validity, s.sel, s.count), simd.maxInt64(longs, validity, s.sel, s.count));
            assertSameSum(longs, validity, s);
            assertSameSum(r.boundedLongs(n), validity, s);
        }
    }

    /** Either both return the same exact sum or both throw: extremes make many sums overflow. */
    private void assertSameSum(MemorySegment longs, MemorySegment validity, Rows s) {
        Long expected;
        try {
            expected = scalar.sumInt64(longs, validity, s.sel, s.count);
        } catch (ArithmeticException e) {
            expected = null;
        }
        if (expected == null) {
            assertThrows(ArithmeticException.class, () -> simd.sumInt64(longs, validity, s.sel, s.count));
        } else {
            assertEquals(expected, simd.sumInt64(longs, validity, s.sel, s.count));
        }
    }

    @Property(tries = 150)
    void doubles(@ForAll("sizes") int n, @ForAll long seed, @ForAll Nulls nulls, @ForAll boolean selected) {
        try (Arena arena = Arena.ofConfined()) {
            RandomColumns r = new RandomColumns(seed, arena);
            MemorySegment all = r.doubles(n, true);
            MemorySegment finite = r.doubles(n, false);
            MemorySegment validity = r.validity(n, nulls);
            Rows s = rows(r, n, selected);
            assertEquals(scalar.minFloat64(all, validity, s.sel, s.count), simd.minFloat64(all, validity, s.sel, s.count));
            assertEquals(scalar.maxFloat64(all, validity, s.sel, s.count), simd.maxFloat64(all, validity, s.sel, s.count));
            assertEquals(scalar.minFloat64(finite, validity, s.sel, s.count), simd.minFloat64(finite, validity, s.sel, s.count));
            assertClose(scalar.sumFloat64(finite, validity, s.sel, s.count), simd.sumFloat64(finite, validity, s.sel, s.count), n);
            double expected = scalar.sumFloat64(all, validity, s.sel, s.count);
            double actual = simd.sumFloat64(all, validity, s.sel, s.count);
            // with +-MAX_VALUE among the values, whether a partial sum overflows depends on the order
            boolean mayOverflow = false;
            for (int i = 0; i < n; i++) {
                mayOverflow |= Math.abs(all.getAtIndex(ValueLayout.JAVA_DOUBLE, i)) == Double.MAX_VALUE;
            }
            if ((Double.isNaN(expected) || Double.isInfinite(expected)) && !mayOverflow) {
                // a NaN, or infinities of one sign, decide the sum in any order
                assertTrue(Double.isNaN(actual) || Double.isInfinite(actual), "expected " + expected + ", got " + actual);
            }
        }
    }

    /** Relative tolerance scaled by the number of terms, as in Lucene's tests. */
    private static void assertClose(double expected, double actual, int terms) {
        double scale = Math.max(1.0, Math.abs(expected));
        assertEquals(expected, actual, scale * 1e-12 * Math.max(1, terms), "sum of doubles");
    }

    @Property(tries = 100)
    void grouped(@ForAll("sizes") int n, @ForAll long seed, @ForAll Nulls nulls, @ForAll boolean selected) {
        try (Arena arena = Arena.ofConfined()) {
            RandomColumns r = new RandomColumns(seed, arena);
            MemorySegment longs = r.boundedLongs(n);
            MemorySegment doubles = r.doubles(n, false);
            MemorySegment validity = r.validity(n, nulls);
            Rows s = rows(r, n, selected);
            int groups = 1 + r.random.nextInt(17);
            int[] rows = s.sel == null ? null : java.util.Arrays.copyOf(s.sel.toArray(ValueLayout.JAVA_INT), s.count);
            int[] groupIds = new int[s.count];
            for (int i = 0; i < s.count; i++) {
                groupIds[i] = r.random.nextInt(groups);
            }
            long[] a = new long[groups];
            long[] b = new long[groups];
            scalar.sumInt64Grouped(longs, validity, rows, s.count, groupIds, a);
            simd.sumInt64Grouped(longs, validity, rows, s.count, groupIds, b);
            assertArrayEquals(a, b);
            scalar.countGrouped(validity, rows, s.count, groupIds, a);
            simd.countGrouped(validity, rows, s.count, groupIds, b);
            assertArrayEquals(a, b);
            double[] da = new double[groups];
            double[] db = new double[groups];
            scalar.sumFloat64Grouped(doubles, validity, rows, s.count, groupIds, da);
            simd.sumFloat64Grouped(doubles, validity, rows, s.count, groupIds, db);
            assertArrayEquals(da, db);
            java.util.Arrays.fill(a, 0);
            java.util.Arrays.fill(b, 0);
            scalar.minInt64Grouped(longs, validity, rows, s.count, groupIds, a);
            simd.minInt64Grouped(longs, validity, rows, s.count, groupIds, b);
            scalar.maxInt64Grouped(longs, validity, rows, s.count, groupIds, a);
            simd.maxInt64Grouped(longs, validity, rows, s.count, groupIds, b);
            assertArrayEquals(a, b);
        }
    }

    /**
     * Few-group sums and counts: both twins equal a BigInteger reference (or both throw when a
     * group's total leaves 64 bits), over extremes (Long.MIN_VALUE, MAX_VALUE, so the exact
     * fallback runs), bounded values, nulls, rows of no group (-1) and every tail.
     */
    @Property(tries = 200)
    void fewGroups(@ForAll("sizes") int n, @ForAll long seed, @ForAll Nulls nulls, @ForAll boolean extremes) {
        try (Arena arena = Arena.ofConfined()) {
            RandomColumns r = new RandomColumns(seed, arena);
            MemorySegment longs = extremes ? r.longs(n, 1000) : r.boundedLongs(n);
            MemorySegment validity = r.validity(n, nulls);
            int groups = 1 + r.random.nextInt(9);
            int[] rowGroups = new int[n];
            for (int i = 0; i < n; i++) {
                rowGroups[i] = r.random.nextInt(5) == 0 ? -1 : r.random.nextInt(groups);
            }
            long[] start = new long[groups];
            for (int g = 0; g < groups; g++) {
                start[g] = r.random.nextInt(4) == 0 ? r.random.nextLong() : r.random.nextInt(1000);
            }
            java.math.BigInteger[] expected = new java.math.BigInteger[groups];
            long[] counts = new long[groups];
            for (int g = 0; g < groups; g++) {
                expected[g] = java.math.BigInteger.valueOf(start[g]);
            }
            for (int i = 0; i < n; i++) {
                boolean valid = validity == null || (validity.get(ValueLayout.JAVA_BYTE, i >>> 3) >>> (i & 7) & 1) != 0;
                if (rowGroups[i] >= 0 && valid) {
                    expected[rowGroups[i]] = expected[rowGroups[i]].add(java.math.BigInteger.valueOf(longs.getAtIndex(ValueLayout.JAVA_LONG, i)));
                    counts[rowGroups[i]]++;
                }
            }
            boolean fits = true;
            for (java.math.BigInteger e : expected) {
                fits &= e.bitLength() <= 63;
            }
            for (AggregateKernels k : new AggregateKernels[] {scalar, simd}) {
                long[] acc = start.clone();
                if (fits) {
                    k.sumInt64FewGroups(longs, validity, rowGroups, n, groups, acc);
                    for (int g = 0; g < groups; g++) {
                        assertEquals(expected[g].longValueExact(), acc[g], "group " + g);
                    }
                } else {
                    assertThrows(ArithmeticException.class, () -> k.sumInt64FewGroups(longs, validity, rowGroups, n, groups, acc));
                }
                long[] c = new long[groups];
                k.countFewGroups(validity, rowGroups, n, groups, c);
                assertArrayEquals(counts, c);
            }
        }
    }

    @Example
    void int64SumIsExactWhenPartialSumsOverflow() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(8L * 100);
            for (int i = 0; i < 100; i++) {
                data.setAtIndex(ValueLayout.JAVA_LONG, i, i % 2 == 0 ? Long.MAX_VALUE : -Long.MAX_VALUE);
            }
            data.setAtIndex(ValueLayout.JAVA_LONG, 99, 7);
            // 50 * MAX - 49 * MAX + 7 overflows; partial sums wrap many times on the way
            assertThrows(ArithmeticException.class, () -> simd.sumInt64(data, null, null, 100));
            data.setAtIndex(ValueLayout.JAVA_LONG, 98, 0);
            assertEquals(7, simd.sumInt64(data, null, null, 100));
            assertEquals(7, scalar.sumInt64(data, null, null, 100));
        }
    }
}
