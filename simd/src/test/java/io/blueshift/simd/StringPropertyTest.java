package io.blueshift.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.blueshift.kernels.ScalarStringKernels;
import io.blueshift.kernels.StringKernels;
import io.blueshift.simd.RandomColumns.Nulls;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/** SIMD view-header selection and substring search agree with the scalar twin and the byte-by-byte reference. */
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

    /**
     * Header packing: the same packed words and longest length as the scalar twin and a
     * per-row reference, over lengths 0..20 (beyond the field's bits), random words (negative
     * and huge lengths, as a NULL row's slot may hold), every tail, shifts up to the top bits,
     * and words already holding other columns' fields.
     */
    @Property(tries = 300)
    void packHeaders(@ForAll("sizes") int n, @ForAll long seed, @ForAll boolean junk) {
        try (Arena arena = Arena.ofConfined()) {
            RandomColumns r = new RandomColumns(seed, arena);
            MemorySegment views = views(r, n);
            if (junk) {
                for (int i = 0; i < n; i += 1 + r.random.nextInt(4)) {
                    views.set(ValueLayout.JAVA_LONG_UNALIGNED, 16L * i, r.random.nextLong());
                }
            }
            int max = 1 + r.random.nextInt(4);
            int lengthBits = 32 - Integer.numberOfLeadingZeros(max);
            long byteMask = max == 4 ? 0xFFFF_FFFFL : (1L << (8 * max)) - 1;
            int shift = r.random.nextInt(64 - 8 * max - lengthBits + 1);
            long[] start = new long[n];
            for (int i = 0; i < n; i++) {
                start[i] = r.random.nextBoolean() ? 0 : r.random.nextLong() & ((1L << shift) - 1);
            }
            long[] expected = start.clone();
            int longest = 0;
            for (int i = 0; i < n; i++) {
                long w = views.get(ValueLayout.JAVA_LONG_UNALIGNED, 16L * i);
                longest = Math.max(longest, (int) w);
                expected[i] |= ((((w >>> 32) & byteMask) << lengthBits) | (w & ((1L << lengthBits) - 1))) << shift;
            }
            for (StringKernels k : new StringKernels[] {RandomColumns.scalar().strings(), RandomColumns.simd().strings()}) {
                long[] actual = start.clone();
                assertEquals(longest, k.packHeaders(views, n, actual, shift, lengthBits, byteMask), "longest");
                assertArrayEquals(expected, actual);
            }
        }
    }

    /**
     * Texts of every length up to past two vectors over a tiny alphabet (literals occur, nearly
     * occur and overlap), extreme bytes, the text at the end of its segment (the vector loads
     * must stop short of it) or followed by bytes that would complete a match, heap and native.
     */
    @Property(tries = 3000)
    void indexOf(@ForAll long seed, @ForAll boolean atSegmentEnd, @ForAll boolean nativeMemory) {
        java.util.Random random = new java.util.Random(seed);
        byte[] alphabet = random.nextInt(4) == 0 ? new byte[] {0, 1, 0x7f, (byte) 0x80, (byte) 0xff} : new byte[] {'a', 'b', 'c'};
        int length = random.nextInt(4) == 0 ? random.nextInt(200) : random.nextInt(20);
        byte[] literal = new byte[1 + random.nextInt(random.nextInt(4) == 0 ? 20 : 5)];
        for (int i = 0; i < literal.length; i++) {
            literal[i] = alphabet[random.nextInt(alphabet.length)];
        }
        int pad = random.nextInt(70);
        int after = atSegmentEnd ? 0 : random.nextInt(80);
        byte[] bytes = new byte[pad + length + after];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = alphabet[random.nextInt(alphabet.length)];
        }
        if (length >= literal.length && random.nextBoolean()) {
            // plant the literal, sometimes right at the end of the text
            int at = random.nextBoolean() ? length - literal.length : random.nextInt(length - literal.length + 1);
            System.arraycopy(literal, 0, bytes, pad + at, literal.length);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = nativeMemory ? arena.allocate(bytes.length).copyFrom(MemorySegment.ofArray(bytes)) : MemorySegment.ofArray(bytes);
            long expected = ScalarStringKernels.indexOfPlain(s, pad, length, literal);
            assertEquals(expected, RandomColumns.scalar().strings().indexOf(s, pad, length, literal), "scalar");
            assertEquals(expected, RandomColumns.simd().strings().indexOf(s, pad, length, literal), "simd");
            assertEquals(0L, RandomColumns.simd().strings().indexOf(s, pad, length, new byte[0]), "empty literal");
        }
    }
}
