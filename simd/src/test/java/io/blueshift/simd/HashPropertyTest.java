package io.blueshift.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import io.blueshift.kernels.HashKernels;
import io.blueshift.memory.StringViews;
import io.blueshift.simd.RandomColumns.Nulls;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/** Both providers produce the same hash bits, so a table built by one can be probed by the other. */
@AddLifecycleHook(RequiresVectorized.class)
class HashPropertyTest {
    private final HashKernels scalar = RandomColumns.scalarHash();
    private final HashKernels simd = RandomColumns.simdHash();

    @Provide
    Arbitrary<Integer> sizes() {
        return RandomColumns.sizes();
    }

    @Property(tries = 150)
    void integers(@ForAll("sizes") int n, @ForAll long seed, @ForAll Nulls nulls, @ForAll boolean selected) {
        try (Arena arena = Arena.ofConfined()) {
            RandomColumns r = new RandomColumns(seed, arena);
            MemorySegment ints = r.ints(n, 1000);
            MemorySegment longs = r.longs(n, 1000);
            MemorySegment validity = r.validity(n, nulls);
            MemorySegment sel = selected ? r.selection(n) : null;
            int count = selected ? RandomColumns.count(sel) : n;
            MemorySegment expected = arena.allocate(8L * count);
            MemorySegment actual = arena.allocate(8L * count);
            scalar.hashInt64(longs, validity, sel, count, expected);
            simd.hashInt64(longs, validity, sel, count, actual);
            assertArrayEquals(RandomColumns.longs(expected, count), RandomColumns.longs(actual, count));
            scalar.combineInt32(ints, validity, sel, count, expected);
            simd.combineInt32(ints, validity, sel, count, actual);
            assertArrayEquals(RandomColumns.longs(expected, count), RandomColumns.longs(actual, count));
            scalar.hashInt32(ints, validity, sel, count, expected);
            simd.hashInt32(ints, validity, sel, count, actual);
            assertArrayEquals(RandomColumns.longs(expected, count), RandomColumns.longs(actual, count));
            scalar.combineInt64(longs, validity, sel, count, expected);
            simd.combineInt64(longs, validity, sel, count, actual);
            assertArrayEquals(RandomColumns.longs(expected, count), RandomColumns.longs(actual, count));
        }
    }

    /**
     * Few-key matching: both providers equal a per-row reference, for 0..9 known keys (extremes
     * such as Long.MIN_VALUE and 0 among them), keys mostly known and some not, every tail.
     */
    @Property(tries = 200)
    void matchKeys(@ForAll("sizes") int n, @ForAll long seed) {
        java.util.Random r = new java.util.Random(seed);
        int k = r.nextInt(10);
        long[] pool = {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 1, 0x4100_0000_0001L, 0x4200_0000_0001L};
        java.util.LinkedHashSet<Long> distinct = new java.util.LinkedHashSet<>();
        while (distinct.size() < k) {
            distinct.add(r.nextBoolean() ? pool[r.nextInt(pool.length)] : r.nextLong());
        }
        long[] known = distinct.stream().mapToLong(Long::longValue).toArray();
        int[] ids = new int[k];
        for (int j = 0; j < k; j++) {
            ids[j] = r.nextInt(1 << 20);
        }
        long[] keys = new long[n];
        int[] expected = new int[n];
        int missing = 0;
        for (int i = 0; i < n; i++) {
            if (k > 0 && r.nextInt(8) != 0) {
                int j = r.nextInt(k);
                keys[i] = known[j];
                expected[i] = ids[j];
            } else {
                keys[i] = r.nextBoolean() ? pool[r.nextInt(pool.length)] : r.nextLong();
                expected[i] = -1;
                for (int j = 0; j < k; j++) {
                    expected[i] = keys[i] == known[j] ? ids[j] : expected[i];
                }
            }
            missing += expected[i] < 0 ? 1 : 0;
        }
        for (HashKernels h : new HashKernels[] {scalar, simd}) {
            int[] out = new int[n + 3];
            out[n] = 7;
            org.junit.jupiter.api.Assertions.assertEquals(missing, h.matchKeys(keys, n, known, ids, k, out), "missing");
            assertArrayEquals(expected, java.util.Arrays.copyOf(out, n));
            org.junit.jupiter.api.Assertions.assertEquals(7, out[n], "wrote past n");
        }
    }

    @Property(tries = 100)
    void strings(@ForAll("sizes") int n, @ForAll long seed, @ForAll Nulls nulls, @ForAll boolean selected) {
        try (Arena arena = Arena.ofConfined()) {
            RandomColumns r = new RandomColumns(seed, arena);
            MemorySegment views = r.segment((long) StringViews.VIEW_BYTES * n);
            MemorySegment buffer = r.segment(40L * n);
            List<MemorySegment> buffers = new ArrayList<>(List.of(buffer));
            int fill = 0;
            for (int i = 0; i < n; i++) {
                byte[] s = new byte[r.random.nextInt(30)];
                r.random.nextBytes(s);
                if (s.length <= StringViews.INLINE_MAX) {
                    StringViews.writeInline(views, i, s, 0, s.length);
                } else {
                    MemorySegment.copy(s, 0, buffer, ValueLayout.JAVA_BYTE, fill, s.length);
                    StringViews.writeReference(views, i, s, 0, s.length, 0, fill);
                    fill += s.length;
                }
            }
            MemorySegment validity = r.validity(n, nulls);
            MemorySegment sel = selected ? r.selection(n) : null;
            int count = selected ? RandomColumns.count(sel) : n;
            MemorySegment expected = arena.allocate(8L * count);
            MemorySegment actual = arena.allocate(8L * count);
            scalar.hashStringViews(views, buffers, validity, sel, count, expected);
            simd.hashStringViews(views, buffers, validity, sel, count, actual);
            assertArrayEquals(RandomColumns.longs(expected, count), RandomColumns.longs(actual, count));
            scalar.combineStringViews(views, buffers, validity, sel, count, expected);
            simd.combineStringViews(views, buffers, validity, sel, count, actual);
            assertArrayEquals(RandomColumns.longs(expected, count), RandomColumns.longs(actual, count));
        }
    }
}
