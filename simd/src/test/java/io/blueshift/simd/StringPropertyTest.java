package io.blueshift.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.blueshift.kernels.StringKernels;
import io.blueshift.simd.RandomColumns.Nulls;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/** SIMD view-header selection picks exactly the rows the scalar twin picks. */
@AddLifecycleHook(RequiresVectorized.class)
class StringPropertyTest {

    @Provide
    Arbitrary<Integer> sizes() {
        return RandomColumns.sizes();
    }

    /** Views over a tiny alphabet so prefixes recur; lengths 0..20 (inline and out of line). */
    private static MemorySegment views(RandomColumns r, int n) {
        MemorySegment s = r.segment(16L * n);
        for (int i = 0; i < n; i++) {
            int len = r.random.nextInt(21);
            s.set(ValueLayout.JAVA_INT_UNALIGNED, 16L * i, len);
            for (int b = 0; b < Math.min(len, 12); b++) {
                s.set(ValueLayout.JAVA_BYTE, 16L * i + 4 + b, (byte) ("ab\u00e9".getBytes()[r.random.nextInt(3)]));
            }
            if (len > 12) {
                s.set(ValueLayout.JAVA_INT_UNALIGNED, 16L * i + 8, r.random.nextInt(3));
                s.set(ValueLayout.JAVA_INT_UNALIGNED, 16L * i + 12, r.random.nextInt(1000));
            }
        }
        return s;
    }

    @Property(tries = 200)
    void selectByHeader(@ForAll("sizes") int n, @ForAll long seed, @ForAll Nulls nulls, @ForAll boolean selected) {
        try (Arena arena = Arena.ofConfined()) {
            RandomColumns r = new RandomColumns(seed, arena);
            MemorySegment views = views(r, n);
            MemorySegment validity = r.validity(n, nulls);
            int prefixLength = r.random.nextInt(5);
            int prefix = n > 0 ? views.get(ValueLayout.JAVA_INT_UNALIGNED, 16L * r.random.nextInt(n) + 4) : 0;
            int mask = StringKernels.prefixMask(prefixLength);
            int min = r.random.nextInt(14);
            int max = r.random.nextBoolean() ? Integer.MAX_VALUE : min + r.random.nextInt(8);
            MemorySegment sel = selected ? r.selection(n) : null;
            int count = selected ? RandomColumns.count(sel) : n;
            MemorySegment expected = arena.allocate(4L * count + 4, 4);
            MemorySegment actual = arena.allocate(4L * count + 4, 4);
            int e = RandomColumns.scalar().strings().selectByHeader(views, validity, sel, count, min, max, prefix & mask, mask, expected);
            int a = RandomColumns.simd().strings().selectByHeader(views, validity, sel, count, min, max, prefix & mask, mask, actual);
            assertEquals(e, a, "selected count");
            assertArrayEquals(RandomColumns.ints(expected, e), RandomColumns.ints(actual, a));
        }
    }
}
