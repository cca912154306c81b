package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Reads an Arrow bitmap 64 bits at a time: bit {@code j} of word {@code w} is row
 * {@code 64 * w + j}. Bitmaps from outside (Arrow imports, slices) need not be padded to a
 * whole word, so the last word is assembled from the bytes that exist, never read past them.
 */
public final class BitmapWords {
    private static final ValueLayout.OfLong LE_LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private BitmapWords() {}

    /** Word {@code w} of {@code bitmap}; bytes beyond the segment read as zero. */
    public static long word(MemorySegment bitmap, int w) {
        long at = (long) w << 3;
        long size = bitmap.byteSize();
        if (at + 8 <= size) {
            return bitmap.get(LE_LONG, at);
        }
        long word = 0;
        for (long b = at; b < size && b < at + 8; b++) {
            word |= (bitmap.get(ValueLayout.JAVA_BYTE, b) & 0xFFL) << ((b - at) << 3);
        }
        return word;
    }

    /** 1 if row {@code i} is valid (or {@code bitmap} is null), else 0. */
    public static int bit(MemorySegment bitmap, int i) {
        if (bitmap == null) {
            return 1;
        }
        return (bitmap.get(ValueLayout.JAVA_BYTE, i >>> 3) >>> (i & 7)) & 1;
    }

    /**
     * The {@code lanes} validity bits of rows {@code [i, i + lanes)} as the low bits of a long,
     * for {@code lanes} a power of two ≤ 64 and {@code i} a multiple of it (so the bits sit in
     * one word); all ones when {@code bitmap} is null.
     */
    public static long lanes(MemorySegment bitmap, int i, int lanes) {
        long all = lanes == 64 ? -1L : (1L << lanes) - 1;
        if (bitmap == null) {
            return all;
        }
        return (word(bitmap, i >>> 6) >>> (i & 63)) & all;
    }
}
