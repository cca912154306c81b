package io.blueshift.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The search of ascending keys keeps exactly the rows the per-row scalar kernel keeps: 32- and
 * 64-bit keys, runs of equal keys, keys below, inside and above the bitmap's range, ranges at the
 * ends of the long domain, empty, sparse, dense and full bitmaps, every length from 0.
 */
class AscendingKeyBitmapPropertyTest {
    @Property(tries = 500)
    void keepsWhatThePerRowKernelKeeps(@ForAll @IntRange(min = 0, max = 3000) int n, @ForAll long seed) {
        Random r = new Random(seed);
        boolean four = r.nextBoolean();
        long range = 1 + r.nextInt(r.nextBoolean() ? 70 : 20_000);
        long min = switch (r.nextInt(4)) {
            case 0 -> four ? Integer.MIN_VALUE : Long.MIN_VALUE;
            case 1 -> (four ? Integer.MAX_VALUE : Long.MAX_VALUE) - range + 1;
            case 2 -> -range / 2;
            default -> r.nextInt(1000) - 500;
        };
        long[] bits = new long[(int) ((range + 63) >>> 6)];
        int density = r.nextInt(5);
        for (long off = 0; off < range; off++) {
            boolean set = switch (density) {
                case 0 -> false;
                case 1 -> true;
                case 2 -> r.nextInt(300) == 0;
                case 3 -> r.nextInt(20) == 0;
                default -> r.nextBoolean();
            };
            if (set) {
                bits[(int) (off >>> 6)] |= 1L << off;
            }
        }
        // ascending keys: a start somewhat below the range, then steps of 0 (ties) or more
        long lo = four ? Integer.MIN_VALUE : Long.MIN_VALUE;
        long hi = four ? Integer.MAX_VALUE : Long.MAX_VALUE;
        long[] keys = new long[n];
        long k = clamp(min - r.nextInt(200), lo, hi);
        int maxStep = r.nextInt(4) == 0 ? 200 : 3;
        for (int i = 0; i < n; i++) {
            keys[i] = k;
            int step = r.nextInt(3) == 0 ? 0 : r.nextInt(maxStep + 1);
            k = clamp(k + step, lo, hi);
            if (k < keys[i]) {
                k = keys[i];
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(Math.max(1, (long) n * (four ? 4 : 8)), 8);
            for (int i = 0; i < n; i++) {
                if (four) {
                    data.setAtIndex(ValueLayout.JAVA_INT, i, (int) keys[i]);
                } else {
                    data.setAtIndex(ValueLayout.JAVA_LONG, i, keys[i]);
                }
            }
            int[] expected = new int[n];
            int e = four ? ScalarKeyBitmapKernels.INSTANCE.keepExact32(bits, min, range, data, null, null, n, expected)
                    : ScalarKeyBitmapKernels.INSTANCE.keepExact64(bits, min, range, data, null, null, n, expected);
            int[] actual = new int[n];
            int a = AscendingKeyBitmapKernels.keepExact(bits, min, range, data, four, n, actual);
            assertArrayEquals(Arrays.copyOf(expected, e), Arrays.copyOf(actual, a));
        }
    }

    /** {@code v} within {@code [lo, hi]}; a step past the long domain's end (which wraps) stays at its end. */
    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
