package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Kernels over VARCHAR string views (16 bytes each: int32 length, then the first four bytes).
 * They look at the view header only, never at a data buffer: a cheap first pass for equality
 * and LIKE prefix patterns that rejects most rows before any byte comparison; and the substring
 * search that LIKE '%abc%' runs over one string's bytes.
 */
public interface StringKernels {
    /**
     * Writes the rows whose length is in {@code [minLength, maxLength]} and whose first four
     * bytes, read as a native-order int and ANDed with {@code prefixMask}, equal {@code prefix}.
     * Rows are {@code sel[0..count)}, or {@code [0, count)} when {@code sel} is null; null rows
     * (per {@code validity}, null = none) never pass. Returns how many were written.
     */
    int selectByHeader(MemorySegment views, MemorySegment validity, MemorySegment sel, int count,
                       int minLength, int maxLength, int prefix, int prefixMask, MemorySegment out);

    /**
     * The first start of {@code literal} in the {@code length} bytes at {@code s[offset..]}, or
     * -1 when there is none; 0 for an empty literal. Never reads outside {@code s}.
     */
    long indexOf(MemorySegment s, long offset, int length, byte[] literal);

    /**
     * Packs the header of each view {@code i < count} (dense rows) into {@code packed[i]}: with
     * {@code w} the view's first 8 bytes read as a little-endian long (length in the low half,
     * the first four bytes in the high half), ORs in
     * {@code ((((w >>> 32) & byteMask) << lengthBits) | (w & (2^lengthBits - 1))) << shift}.
     * Returns the largest length (the low half as a signed int) among the rows, or 0 for none.
     * For GROUP BY keys of short strings packed, several columns together, into one long.
     */
    int packHeaders(MemorySegment views, int count, long[] packed, int shift, int lengthBits, long byteMask);

    /** The first {@code min(4, bytes.length)} bytes as the view header stores them, for {@code prefix}. */
    static int prefixWord(byte[] bytes) {
        MemorySegment word = MemorySegment.ofArray(new byte[4]);
        MemorySegment.copy(bytes, 0, word, ValueLayout.JAVA_BYTE, 0, Math.min(4, bytes.length));
        return word.get(ValueLayout.JAVA_INT_UNALIGNED, 0);
    }

    /** The mask that keeps the first {@code min(4, n)} bytes of a {@link #prefixWord}. */
    static int prefixMask(int n) {
        byte[] ones = new byte[Math.min(4, n)];
        java.util.Arrays.fill(ones, (byte) 0xFF);
        return prefixWord(ones);
    }
}
