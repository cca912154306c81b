package io.blueshift.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import io.blueshift.kernels.BitUnpackKernels;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * SIMD bit-unpacking and dictionary gathers equal the scalar twin, and both equal a bit-by-bit
 * reference: every width 0..32, lengths with tails, packed data that ends exactly at the end
 * of its array (a read past it would throw), values at the width's extremes.
 */
@AddLifecycleHook(RequiresVectorized.class)
class BitUnpackPropertyTest {
    private final BitUnpackKernels scalar = RandomColumns.scalar().bitUnpack();
    // the vector kernels themselves, not the warm-up gate in front of them (which would give
    // the scalar twin most values until the JIT compiles the vector code)
    private final BitUnpackKernels simd = SimdBitUnpackKernels.INSTANCE;
    // and the gate: shared by all tries, so its probe, trial and (once the JIT is done) open paths all run
    private static final BitUnpackKernels GATED = new WarmingBitUnpackKernels(SimdBitUnpackKernels.INSTANCE,
            io.blueshift.kernels.ScalarBitUnpackKernels.INSTANCE);

    @Provide
    Arbitrary<Integer> sizes() {
        return RandomColumns.sizes();
    }

    /** Values of {@code w} bits: random, all ones, zeros, or a mix of the extremes. */
    private static int[] values(Random r, int n, int w, int kind) {
        long max = (1L << w) - 1;
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            long x = switch (kind) {
                case 0 -> r.nextLong() & max;
                case 1 -> max;
                case 2 -> 0;
                default -> r.nextBoolean() ? max : r.nextInt(2);
            };
            v[i] = (int) (x & max);
        }
        return v;
    }

    /** Packs LSB first at byte {@code offset} of an array that ends right after the last value's byte ({@code slack} more). */
    private static byte[] pack(Random r, int[] v, int w, int offset, int slack) {
        int bytes = (int) (((long) v.length * w + 7) >>> 3);
        byte[] b = new byte[offset + bytes + slack];
        r.nextBytes(b); // garbage around and between runs must not leak in
        long bit = (long) offset * 8;
        for (int value : v) {
            for (int k = 0; k < w; k++, bit++) {
                int at = (int) (bit >>> 3);
                int mask = 1 << (bit & 7);
                b[at] = (byte) (((value >>> k) & 1) != 0 ? b[at] | mask : b[at] & ~mask);
            }
        }
        // bits after the last value in its last byte stay random
        return b;
    }

    @Property(tries = 300)
    void unpackMatchesReference(@ForAll("sizes") int n, @ForAll @IntRange(min = 0, max = 32) int w,
                                @ForAll @IntRange(min = 0, max = 3) int kind, @ForAll @IntRange(min = 0, max = 70) int offset,
                                @ForAll boolean slack, @ForAll long seed) {
        Random r = new Random(seed);
        int[] expected = values(r, n, w, kind);
        byte[] packed = pack(r, expected, w, offset, slack ? 64 : 0);
        int outPos = r.nextInt(5);
        int[] a = new int[outPos + n + 3];
        int[] b = new int[outPos + n + 3];
        int[] want = new int[outPos + n + 3];
        System.arraycopy(expected, 0, want, outPos, n);
        scalar.unpack(packed, offset, w, a, outPos, n);
        simd.unpack(packed, offset, w, b, outPos, n);
        assertArrayEquals(want, a, "scalar, width " + w);
        assertArrayEquals(want, b, "simd, width " + w);
        int[] g = new int[outPos + n + 3];
        GATED.unpack(packed, offset, w, g, outPos, n);
        assertArrayEquals(want, g, "gated, width " + w);
    }

    @Example
    void everyWidthOnLongRuns() {
        Random r = new Random(42);
        for (int w = 0; w <= 32; w++) {
            for (int n : new int[] {8, 16, 24, 4096, 4096 + 7, 20_000}) {
                int[] expected = values(r, n, w, w % 4);
                byte[] packed = pack(r, expected, w, 1, 0);
                int[] got = new int[n];
                simd.unpack(packed, 1, w, got, 0, n);
                assertArrayEquals(expected, got, "simd, width " + w + ", " + n + " values");
                int[] ref = new int[n];
                scalar.unpack(packed, 1, w, ref, 0, n);
                assertArrayEquals(expected, ref, "scalar, width " + w + ", " + n + " values");
                for (int call = 0; call < 2 * WarmingBitUnpackKernels.TRIAL_PERIOD; call++) {
                    int[] g = new int[n];
                    GATED.unpack(packed, 1, w, g, 0, n);
                    assertArrayEquals(expected, g, "gated, width " + w + ", " + n + " values, call " + call);
                }
            }
        }
    }

    @Example
    void smallDictionariesEveryIndex() {
        for (int dictSize = 1; dictSize <= 70; dictSize++) {
            gatherMatchesScalar(4098, dictSize, dictSize * 31L);
            gatherMatchesScalar(13, dictSize, dictSize);
        }
    }

    @Property(tries = 150)
    void gatherMatchesScalar(@ForAll("sizes") int n, @ForAll @IntRange(min = 1, max = 3000) int dictSize, @ForAll long seed) {
        Random r = new Random(seed);
        long[] longs = new long[dictSize];
        int[] ints = new int[dictSize];
        for (int i = 0; i < dictSize; i++) {
            longs[i] = i % 3 == 0 ? (i % 2 == 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r.nextLong();
            ints[i] = (int) longs[i];
        }
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i % 5 == 0 ? dictSize - 1 : r.nextInt(dictSize);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(8L * n + 8);
            MemorySegment b = arena.allocate(8L * n + 8);
            scalar.gatherInt64(longs, idx, n, a, 8);
            simd.gatherInt64(longs, idx, n, b, 8);
            assertArrayEquals(a.toArray(ValueLayout.JAVA_LONG), b.toArray(ValueLayout.JAVA_LONG));
            MemorySegment g = arena.allocate(8L * n + 8);
            GATED.gatherInt64(longs, idx, n, g, 8);
            assertArrayEquals(a.toArray(ValueLayout.JAVA_LONG), g.toArray(ValueLayout.JAVA_LONG));
            for (int i = 0; i < n; i++) {
                if (a.get(ValueLayout.JAVA_LONG_UNALIGNED, 8 + 8L * i) != longs[idx[i]]) throw new AssertionError("row " + i);
            }
            MemorySegment c = arena.allocate(4L * n + 4);
            MemorySegment d = arena.allocate(4L * n + 4);
            scalar.gatherInt32(ints, idx, n, c, 4);
            simd.gatherInt32(ints, idx, n, d, 4);
            assertArrayEquals(c.toArray(ValueLayout.JAVA_INT), d.toArray(ValueLayout.JAVA_INT));
            MemorySegment h = arena.allocate(4L * n + 4);
            GATED.gatherInt32(ints, idx, n, h, 4);
            assertArrayEquals(c.toArray(ValueLayout.JAVA_INT), h.toArray(ValueLayout.JAVA_INT));
            if (n > 0) {
                idx[r.nextInt(n)] = r.nextBoolean() ? dictSize : -1;
                assertThrows(IndexOutOfBoundsException.class, () -> scalar.gatherInt64(longs, idx, n, a, 8));
                assertThrows(IndexOutOfBoundsException.class, () -> simd.gatherInt64(longs, idx, n, b, 8));
                assertThrows(IndexOutOfBoundsException.class, () -> simd.gatherInt32(ints, idx, n, d, 4));
                assertThrows(IndexOutOfBoundsException.class, () -> GATED.gatherInt64(longs, idx, n, b, 8));
                assertThrows(IndexOutOfBoundsException.class, () -> GATED.gatherInt32(ints, idx, n, d, 4));
            }
        }
    }
}
