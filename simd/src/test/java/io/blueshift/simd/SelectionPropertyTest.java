package io.blueshift.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.blueshift.kernels.GatherKernels;
import io.blueshift.kernels.SelectionKernels;
import io.blueshift.simd.RandomColumns.Nulls;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/** Selection set operations and gathers agree between the providers. */
@AddLifecycleHook(RequiresVectorized.class)
class SelectionPropertyTest {
    private final SelectionKernels scalar = RandomColumns.scalarSelection();
    private final SelectionKernels simd = RandomColumns.simdSelection();

    @Provide
    Arbitrary<Integer> sizes() {
        return RandomColumns.sizes();
    }

    @Property(tries = 150)
    void selections(@ForAll("sizes") int n, @ForAll long seed, @ForAll Nulls nulls) {
        try (Arena arena = Arena.ofConfined()) {
            RandomColumns r = new RandomColumns(seed, arena);
            MemorySegment a = r.selection(n);
            MemorySegment b = r.selection(n);
            int aCount = RandomColumns.count(a);
            int bCount = RandomColumns.count(b);
            MemorySegment expected = arena.allocate(4L * n);
            MemorySegment actual = arena.allocate(4L * n);

            int k = scalar.and(a, aCount, b, bCount, expected);
            assertEquals(k, simd.and(a, aCount, b, bCount, actual));
            assertArrayEquals(RandomColumns.ints(expected, k), RandomColumns.ints(actual, k));
            k = scalar.or(a, aCount, b, bCount, expected);
            assertEquals(k, simd.or(a, aCount, b, bCount, actual));
            assertArrayEquals(RandomColumns.ints(expected, k), RandomColumns.ints(actual, k));
            k = scalar.complement(a, aCount, n, expected);
            assertEquals(k, simd.complement(a, aCount, n, actual));
            assertArrayEquals(RandomColumns.ints(expected, k), RandomColumns.ints(actual, k));

            MemorySegment bitmap = r.validity(n, nulls == Nulls.NO_BITMAP ? Nulls.HALF : nulls);
            k = scalar.fromBitmap(bitmap, n, expected);
            assertEquals(k, simd.fromBitmap(bitmap, n, actual));
            assertArrayEquals(RandomColumns.ints(expected, k), RandomColumns.ints(actual, k));
        }
    }

    @Property(tries = 100)
    void gathers(@ForAll("sizes") int n, @ForAll long seed, @ForAll Nulls nulls) {
        GatherKernels scalarGather = RandomColumns.scalarGather();
        GatherKernels simdGather = RandomColumns.simdGather();
        try (Arena arena = Arena.ofConfined()) {
            RandomColumns r = new RandomColumns(seed, arena);
            int m = n == 0 ? 0 : r.random.nextInt(2 * n);
            MemorySegment rows = r.segment(4L * m);
            for (int i = 0; i < m; i++) {
                rows.setAtIndex(RandomColumns.INT, i, r.random.nextInt(n));
            }
            MemorySegment ints = r.ints(n, 100);
            MemorySegment wide = r.longs(2 * n, 100);
            MemorySegment bits = r.validity(n, nulls == Nulls.NO_BITMAP ? Nulls.HALF : nulls);
            MemorySegment expected = arena.allocate(16L * m);
            MemorySegment actual = arena.allocate(16L * m);
            scalarGather.gatherInt32(ints, rows, m, expected);
            simdGather.gatherInt32(ints, rows, m, actual);
            assertEquals(-1, expected.mismatch(actual));
            scalarGather.gatherInt64(wide, rows, m, expected);
            simdGather.gatherInt64(wide, rows, m, actual);
            assertEquals(-1, expected.mismatch(actual));
            scalarGather.gatherInt128(wide, rows, m, expected);
            simdGather.gatherInt128(wide, rows, m, actual);
            assertEquals(-1, expected.mismatch(actual));
            scalarGather.gatherBits(bits, rows, m, expected);
            simdGather.gatherBits(bits, rows, m, actual);
            assertEquals(-1, expected.mismatch(actual));
        }
    }
}
