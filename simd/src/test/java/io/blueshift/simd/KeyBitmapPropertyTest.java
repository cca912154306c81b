package io.blueshift.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import io.blueshift.kernels.KeyBitmapKernels;
import io.blueshift.kernels.Kernels;
import io.blueshift.simd.RandomColumns.Nulls;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * The key bitmap tests (a join's filter pushed to its probe side) agree between the providers,
 * and the scalar twin agrees with a plain per-row reference: exact and hashed bitmaps, 32- and
 * 64-bit keys, with and without a selection (also in place), NULL keys, keys around and far
 * outside the range, ranges at the ends of the long domain, every tail length.
 */
@AddLifecycleHook(RequiresVectorized.class)
class KeyBitmapPropertyTest {
    private static final long KEY_HASH = 0x9E37_79B9_7F4A_7C15L;

    private final KeyBitmapKernels scalar = Kernels.scalar().keyBitmap();
    private final KeyBitmapKernels simd = Kernels.vectorized().orElseThrow().keyBitmap();

    @Provide
    Arbitrary<Integer> sizes() {
        return RandomColumns.sizes();
    }

    @Property(tries = 300)
    void keptRowsAgree(@ForAll("sizes") int n, @ForAll long seed, @ForAll Nulls nulls) {
        try (Arena arena = Arena.ofConfined()) {
            RandomColumns r = new RandomColumns(seed, arena);
            boolean hashed = r.random.nextInt(3) == 0;
            boolean four = r.random.nextBoolean();
            long range = 1 + r.random.nextInt(r.random.nextBoolean() ? 70 : 5000);
            long min = switch (r.random.nextInt(5)) {
                case 0 -> four ? Integer.MIN_VALUE : Long.MIN_VALUE;
                case 1 -> (four ? Integer.MAX_VALUE : Long.MAX_VALUE) - range + 1;
                case 2 -> -range / 2;
                default -> r.random.nextInt(1000) - 500;
            };
            int log = 6 + r.random.nextInt(9);
            int shift = 64 - log;
            long multiplier = r.random.nextBoolean() ? KEY_HASH : r.random.nextLong() | 1;
            long[] bits = new long[(int) (((hashed ? 1L << log : range) + 63) >>> 6)];
            int density = r.random.nextInt(4);
            for (int w = 0; w < bits.length; w++) {
                bits[w] = switch (density) {
                    case 0 -> 0;
                    case 1 -> -1L;
                    case 2 -> r.random.nextLong() & r.random.nextLong() & r.random.nextLong();
                    default -> r.random.nextLong();
                };
            }
            if (!hashed && (range & 63) != 0) {
                // bits past the range are never read as keys; set them so a missed range check shows
                bits[bits.length - 1] |= -1L << (range & 63);
            }
            MemorySegment data = r.segment((four ? 4L : 8L) * n);
            long[] keys = new long[n];
            for (int i = 0; i < n; i++) {
                long v = switch (r.random.nextInt(6)) {
                    case 0 -> four ? r.nextInt(1 << 20) : r.nextLong(1L << 40);
                    case 1 -> min - 1 - r.random.nextInt(3);
                    case 2 -> min + range + r.random.nextInt(3);
                    default -> min + (long) (r.random.nextDouble() * range);
                };
                if (four) {
                    data.setAtIndex(ValueLayout.JAVA_INT, i, (int) v);
                    keys[i] = (int) v;
                } else {
                    data.setAtIndex(ValueLayout.JAVA_LONG, i, v);
                    keys[i] = v;
                }
            }
            MemorySegment validity = r.validity(n, nulls);
            int[] sel = null;
            int m = n;
            if (r.random.nextBoolean()) {
                MemorySegment s = r.selection(n);
                m = RandomColumns.count(s);
                sel = RandomColumns.ints(s, m);
            }
            assertAgree(hashed, four, bits, min, range, multiplier, shift, data, keys, validity, sel, m);
        }
    }

    /**
     * Keys in key order, several rows per key, with a sparse bitmap (a probe side stored by its
     * join key): the SIMD kernels drop whole runs of rows there, which this exercises, including
     * runs out of order, runs past either end of the range and runs at the ends of the domain.
     */
    @Property(tries = 200)
    void clusteredKeysAgree(@ForAll("sizes") int n, @ForAll long seed, @ForAll Nulls nulls) {
        try (Arena arena = Arena.ofConfined()) {
            RandomColumns r = new RandomColumns(seed, arena);
            boolean four = r.random.nextBoolean();
            long range = 64 + r.random.nextInt(r.random.nextBoolean() ? 200 : 20_000);
            long min = switch (r.random.nextInt(4)) {
                case 0 -> four ? Integer.MIN_VALUE : Long.MIN_VALUE;
                case 1 -> (four ? Integer.MAX_VALUE : Long.MAX_VALUE) - range + 1;
                default -> r.random.nextInt(1000) - 500;
            };
            long[] bits = new long[(int) ((range + 63) >>> 6)];
            int set = r.random.nextInt(1 + (int) range / (r.random.nextBoolean() ? 200 : 20));
            for (int b = 0; b < set; b++) {
                long off = (long) (r.random.nextDouble() * range);
                bits[(int) (off >>> 6)] |= 1L << off;
            }
            if ((range & 63) != 0) {
                bits[bits.length - 1] |= -1L << (range & 63);
            }
            MemorySegment data = r.segment((four ? 4L : 8L) * n);
            long[] keys = new long[n];
            long lowest = four ? Integer.MIN_VALUE : Long.MIN_VALUE;
            long highest = four ? Integer.MAX_VALUE : Long.MAX_VALUE;
            // start a little below the range, step by 0 or 1 mostly, now and then jump anywhere
            long v = Math.max(lowest, min - r.random.nextInt(50));
            int perKey = 1 + r.random.nextInt(6);
            for (int i = 0; i < n; i++) {
                if (r.random.nextInt(perKey) == 0) {
                    v = v == highest ? v : v + 1;
                }
                if (r.random.nextInt(500) == 0) {
                    v = min + (long) (r.random.nextDouble() * range) - r.random.nextInt(3);
                    v = Math.max(lowest, v);
                }
                long key = r.random.nextInt(1000) == 0 ? (r.random.nextBoolean() ? lowest : highest) : v;
                if (four) {
                    data.setAtIndex(ValueLayout.JAVA_INT, i, (int) key);
                    keys[i] = (int) key;
                } else {
                    data.setAtIndex(ValueLayout.JAVA_LONG, i, key);
                    keys[i] = key;
                }
            }
            MemorySegment validity = r.validity(n, nulls);
            int[] sel = null;
            int m = n;
            if (r.random.nextInt(4) == 0) {
                MemorySegment s = r.selection(n);
                m = RandomColumns.count(s);
                sel = RandomColumns.ints(s, m);
            }
            assertAgree(false, four, bits, min, range, 0, 0, data, keys, validity, sel, m);
        }
    }

    private void assertAgree(boolean hashed, boolean four, long[] bits, long min, long range, long multiplier, int shift,
                             MemorySegment data, long[] keys, MemorySegment validity, int[] sel, int m) {
        // the reference: one row at a time, straight from the definition
        int[] want = new int[m];
        int w = 0;
        for (int i = 0; i < m; i++) {
            int row = sel == null ? i : sel[i];
            long v = keys[row];
            boolean valid = validity == null
                    || ((validity.get(ValueLayout.JAVA_BYTE, row >>> 3) >>> (row & 7)) & 1) != 0;
            long off = hashed ? (v * multiplier) >>> shift : v - min;
            boolean in = hashed || (off >= 0 && off < range);
            if (valid && in && ((bits[(int) (off >>> 6)] >>> (off & 63)) & 1) != 0) {
                want[w++] = row;
            }
        }
        int[] expected = Arrays.copyOf(want, w);
        for (KeyBitmapKernels kernels : new KeyBitmapKernels[] {scalar, simd}) {
            int[] out = new int[m];
            int k = keep(kernels, hashed, four, bits, min, range, multiplier, shift, data, validity, sel, m, out);
            assertEquals(w, k, kernels.getClass().getSimpleName());
            assertArrayEquals(expected, Arrays.copyOf(out, k), kernels.getClass().getSimpleName());
            if (sel != null) {
                int[] inPlace = sel.clone();
                k = keep(kernels, hashed, four, bits, min, range, multiplier, shift, data, validity, inPlace, m, inPlace);
                assertArrayEquals(expected, Arrays.copyOf(inPlace, k), kernels.getClass().getSimpleName() + " in place");
            }
        }
    }

    private static int keep(KeyBitmapKernels k, boolean hashed, boolean four, long[] bits, long min, long range,
                            long multiplier, int shift, MemorySegment data, MemorySegment validity, int[] sel, int n, int[] out) {
        if (hashed) {
            return four ? k.keepHashed32(bits, multiplier, shift, data, validity, sel, n, out)
                    : k.keepHashed64(bits, multiplier, shift, data, validity, sel, n, out);
        }
        return four ? k.keepExact32(bits, min, range, data, validity, sel, n, out)
                : k.keepExact64(bits, min, range, data, validity, sel, n, out);
    }
}
