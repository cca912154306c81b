package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The reference {@link KeyBitmapKernels}: one row at a time, branch-free (every candidate is
 * written at the running count, only kept ones advance it). Keys at selected rows are read at
 * byte offsets: {@code getAtIndex} would also check the index's alignment on every row.
 */
public final class ScalarKeyBitmapKernels implements KeyBitmapKernels {
    public static final ScalarKeyBitmapKernels INSTANCE = new ScalarKeyBitmapKernels();

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private ScalarKeyBitmapKernels() {}

    /** 1 when {@code off} is in {@code [0, range)} and its bit is set, else 0; branch-free. */
    public static int exactBit(long[] bits, long off, long range) {
        long in = ((off - range) >> 63) & ~(off >> 63);   // all ones when 0 <= off < range
        return (int) ((bits[(int) ((off & in) >>> 6)] >>> off) & in & 1);
    }

    /**
     * True when no key value in {@code [lo, hi]} has its bit set in the exact bitmap of {@code
     * [min, min + range)} (values outside it have none), found from at most {@code maxWords}
     * words of it; false when the part inside spans more words than that (not looked at).
     */
    public static boolean noBitBetween(long[] bits, long min, long range, long lo, long hi, int maxWords) {
        long last = min + range - 1;
        if (hi < min || lo > last) {
            return true;
        }
        long from = Math.max(lo, min) - min;
        long to = Math.min(hi, last) - min;
        int first = (int) (from >>> 6);
        int end = (int) (to >>> 6);
        if (end - first >= maxWords) {
            return false;
        }
        long upTo = -1L >>> (63 - (to & 63));
        if (first == end) {
            return (bits[first] & (-1L << from) & upTo) == 0;
        }
        long any = bits[first] & (-1L << from);
        for (int w = first + 1; w < end; w++) {
            any |= bits[w];
        }
        return (any | (bits[end] & upTo)) == 0;
    }

    /** 1 when the hashed bitmap's bit for {@code key} is set, else 0. */
    public static int hashedBit(long[] bits, long key, long multiplier, int shift) {
        long off = (key * multiplier) >>> shift;
        return (int) ((bits[(int) (off >>> 6)] >>> off) & 1);
    }

    @Override
    public int keepExact64(long[] bits, long min, long range, MemorySegment data, MemorySegment validity, int[] sel, int n, int[] out) {
        if (validity != null) {
            return exactWithNulls(bits, min, range, data, false, validity, sel, n, out);
        }
        int k = 0;
        if (sel == null) {
            for (int i = 0; i < n; i++) {
                out[k] = i;
                k += exactBit(bits, data.getAtIndex(LONG, i) - min, range);
            }
            return k;
        }
        for (int i = 0; i < n; i++) {
            int row = sel[i];
            out[k] = row;
            k += exactBit(bits, data.get(LONG, (long) row << 3) - min, range);
        }
        return k;
    }

    @Override
    public int keepExact32(long[] bits, long min, long range, MemorySegment data, MemorySegment validity, int[] sel, int n, int[] out) {
        if (validity != null) {
            return exactWithNulls(bits, min, range, data, true, validity, sel, n, out);
        }
        int k = 0;
        if (sel == null) {
            for (int i = 0; i < n; i++) {
                out[k] = i;
                k += exactBit(bits, data.getAtIndex(INT, i) - min, range);
            }
            return k;
        }
        for (int i = 0; i < n; i++) {
            int row = sel[i];
            out[k] = row;
            k += exactBit(bits, data.get(INT, (long) row << 2) - min, range);
        }
        return k;
    }

    @Override
    public int keepHashed64(long[] bits, long multiplier, int shift, MemorySegment data, MemorySegment validity, int[] sel, int n, int[] out) {
        if (validity != null) {
            return hashedWithNulls(bits, multiplier, shift, data, false, validity, sel, n, out);
        }
        int k = 0;
        if (sel == null) {
            for (int i = 0; i < n; i++) {
                out[k] = i;
                k += hashedBit(bits, data.getAtIndex(LONG, i), multiplier, shift);
            }
            return k;
        }
        for (int i = 0; i < n; i++) {
            int row = sel[i];
            out[k] = row;
            k += hashedBit(bits, data.get(LONG, (long) row << 3), multiplier, shift);
        }
        return k;
    }

    @Override
    public int keepHashed32(long[] bits, long multiplier, int shift, MemorySegment data, MemorySegment validity, int[] sel, int n, int[] out) {
        if (validity != null) {
            return hashedWithNulls(bits, multiplier, shift, data, true, validity, sel, n, out);
        }
        int k = 0;
        if (sel == null) {
            for (int i = 0; i < n; i++) {
                out[k] = i;
                k += hashedBit(bits, data.getAtIndex(INT, i), multiplier, shift);
            }
            return k;
        }
        for (int i = 0; i < n; i++) {
            int row = sel[i];
            out[k] = row;
            k += hashedBit(bits, data.get(INT, (long) row << 2), multiplier, shift);
        }
        return k;
    }

    private static int exactWithNulls(long[] bits, long min, long range, MemorySegment data, boolean four,
                                      MemorySegment validity, int[] sel, int n, int[] out) {
        int k = 0;
        for (int i = 0; i < n; i++) {
            int row = sel == null ? i : sel[i];
            long v = four ? data.get(INT, (long) row << 2) : data.get(LONG, (long) row << 3);
            out[k] = row;
            k += exactBit(bits, v - min, range) & BitmapWords.bit(validity, row);
        }
        return k;
    }

    private static int hashedWithNulls(long[] bits, long multiplier, int shift, MemorySegment data, boolean four,
                                       MemorySegment validity, int[] sel, int n, int[] out) {
        int k = 0;
        for (int i = 0; i < n; i++) {
            int row = sel == null ? i : sel[i];
            long v = four ? data.get(INT, (long) row << 2) : data.get(LONG, (long) row << 3);
            out[k] = row;
            k += hashedBit(bits, v, multiplier, shift) & BitmapWords.bit(validity, row);
        }
        return k;
    }
}
