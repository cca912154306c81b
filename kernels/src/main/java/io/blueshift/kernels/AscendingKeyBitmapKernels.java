package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@link KeyBitmapKernels#keepExact64} for keys stored in ascending order (never decreasing
 * from row to row, ties allowed, no NULLs; a table's zone map says so): instead of reading every
 * key, it jumps from one set bit of the exact bitmap to the next and finds the first row with
 * that key or above by galloping then binary search. The rows with the current key are kept
 * one by one. Its cost is about the number of bitmap keys within the rows' key span, times the
 * logarithm of the rows between them, plus the rows kept: a sparse build side (few keys, many
 * probe rows per gap) is filtered without touching most probe rows. The result is the same as
 * the per-row kernels' for ascending keys; for keys that are not ascending it is undefined.
 * Scalar code on purpose: its few reads per kept key run fast before the JIT's last tier too.
 */
public final class AscendingKeyBitmapKernels {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private AscendingKeyBitmapKernels() {}

    /**
     * Writes to {@code out} the rows of {@code [0, n)} whose key (32-bit sign-extended when
     * {@code four}, else 64-bit) has its bit set in the exact bitmap of {@code [min, min + range)},
     * in order; returns how many. {@code min + range - 1} must not overflow; the keys must be
     * ascending.
     */
    public static int keepExact(long[] bits, long min, long range, MemorySegment data, boolean four, int n, int[] out) {
        if (n <= 0 || range <= 0) {
            return 0;
        }
        long max = min + range - 1;
        long first = key(data, four, 0);
        long last = key(data, four, n - 1);
        if (first > max || last < min) {
            return 0;
        }
        // no bit past the last row's key is looked for: each search stops at the rows' key span
        long limit = last >= max ? range : last - min + 1;
        int k = 0;
        int i = 0;
        while (i < n) {
            long v = key(data, four, i);
            long next;
            if (v < min) {
                next = nextSetBit(bits, 0, limit);
            } else {
                if (v > max) {
                    break;
                }
                long off = v - min;
                if (((bits[(int) (off >>> 6)] >>> off) & 1) != 0) {
                    do {
                        out[k++] = i++;
                    } while (i < n && key(data, four, i) == v);
                    continue;
                }
                next = nextSetBit(bits, off + 1, limit);
            }
            if (next < 0) {
                break;
            }
            i = lowerBound(data, four, i + 1, n, min + next);
        }
        return k;
    }

    /** The first offset in {@code [from, limit)} whose bit is set, or -1. */
    static long nextSetBit(long[] bits, long from, long limit) {
        if (from >= limit) {
            return -1;
        }
        int w = (int) (from >>> 6);
        int lastWord = (int) ((limit - 1) >>> 6);
        long word = bits[w] & (-1L << from);
        while (word == 0) {
            if (++w > lastWord) {
                return -1;
            }
            word = bits[w];
        }
        long off = ((long) w << 6) + Long.numberOfTrailingZeros(word);
        return off < limit ? off : -1;
    }

    /**
     * The first row in {@code [from, n)} whose key is at least {@code target} ({@code n} when
     * none), the keys being ascending: steps of doubling length, then binary search in the last.
     */
    static int lowerBound(MemorySegment data, boolean four, int from, int n, long target) {
        int lo = from;
        int hi = from;
        long step = 1;
        while (hi < n && key(data, four, hi) < target) {
            lo = hi + 1;
            hi = (int) Math.min(n, hi + step);
            step <<= 1;
        }
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (key(data, four, mid) < target) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static long key(MemorySegment data, boolean four, int row) {
        return four ? data.get(INT, (long) row << 2) : data.get(LONG, (long) row << 3);
    }
}
