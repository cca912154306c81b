package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The scalar twin of {@link StringKernels}. */
public final class ScalarStringKernels implements StringKernels {
    public static final ScalarStringKernels INSTANCE = new ScalarStringKernels();

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LITTLE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;

    private ScalarStringKernels() {}

    @Override
    public int packHeaders(MemorySegment views, int count, long[] packed, int shift, int lengthBits, long byteMask) {
        long lengthMask = (1L << lengthBits) - 1;
        int longest = 0;
        for (int i = 0; i < count; i++) {
            long w = views.get(LITTLE_LONG, (long) i << 4);
            longest = Math.max(longest, (int) w);
            packed[i] |= ((((w >>> 32) & byteMask) << lengthBits) | (w & lengthMask)) << shift;
        }
        return longest;
    }

    @Override
    public int selectByHeader(MemorySegment views, MemorySegment validity, MemorySegment sel, int count,
                              int minLength, int maxLength, int prefix, int prefixMask, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int row = sel == null ? i : sel.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
            k = test(views, validity, row, minLength, maxLength, prefix, prefixMask, out, k);
        }
        return k;
    }

    /** Tests one row and appends it at {@code out[k]} when it passes; returns the new count. */
    public static int test(MemorySegment views, MemorySegment validity, int row,
                           int minLength, int maxLength, int prefix, int prefixMask, MemorySegment out, int k) {
        long base = (long) row << 4;
        int len = views.get(INT, base);
        boolean pass = len >= minLength & len <= maxLength & (views.get(INT, base + 4) & prefixMask) == prefix
                & BitmapWords.bit(validity, row) == 1;
        out.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, k, row);
        return pass ? k + 1 : k;
    }

    @Override
    public long indexOf(MemorySegment s, long offset, int length, byte[] literal) {
        if (literal.length == 0) {
            return 0;
        }
        byte first = literal[0];
        int tail = literal.length - 1;
        long last = (long) length - literal.length;   // the last start that fits
        long i = 0;
        // eight candidate starts at a time: those whose first byte equals the literal's first
        // and whose byte at the literal's end equals its last (SWAR; two bytes rule out far
        // more starts than one, and a candidate is the only time the rest is compared)
        long firsts = (first & 0xFFL) * ONES;
        long lasts = (literal[tail] & 0xFFL) * ONES;
        for (; i + 8 <= last + 1; i += 8) {
            long x = (s.get(LITTLE_LONG, offset + i) ^ firsts) | (s.get(LITTLE_LONG, offset + i + tail) ^ lasts);
            long hits = (x - ONES) & ~x & 0x8080808080808080L;
            while (hits != 0) {
                // little-endian: the lowest set bit is the earliest byte; borrows only cause
                // false hits above a true one, which the byte checks below reject
                long j = i + (Long.numberOfTrailingZeros(hits) >>> 3);
                if (s.get(ValueLayout.JAVA_BYTE, offset + j) == first && equalsAt(s, offset + j, literal, 1)) {
                    return j;
                }
                hits &= hits - 1;
            }
        }
        for (; i <= last; i++) {
            if (s.get(ValueLayout.JAVA_BYTE, offset + i) == first && equalsAt(s, offset + i, literal, 1)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@code s[at + from ..]} holds {@code literal[from..]}. */
    public static boolean equalsAt(MemorySegment s, long at, byte[] literal, int from) {
        for (int i = from; i < literal.length; i++) {
            if (s.get(ValueLayout.JAVA_BYTE, at + i) != literal[i]) {
                return false;
            }
        }
        return true;
    }

    /** The first start of {@code literal} byte by byte: the reference for both {@link #indexOf}s. */
    public static long indexOfPlain(MemorySegment s, long offset, int length, byte[] literal) {
        for (long i = 0; i + literal.length <= length; i++) {
            if (equalsAt(s, offset + i, literal, 0)) {
                return i;
            }
        }
        return -1;
    }
}
