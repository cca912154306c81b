package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;

import io.blueshift.memory.StringViews;

/**
 * The hash functions every {@link HashKernels} implementation must reproduce bit for bit.
 * Integers: the murmur3 64-bit finalizer over the value sign-extended to 64 bits, so an INT32
 * key hashes like the same INT64 key. Strings: an xxhash64-style loop over the UTF-8 bytes in
 * little-endian 8-byte words (the last one zero padded), seeded with the length, so a string
 * hashes the same inline in a view or in any buffer.
 */
public final class KeyHash {
    public static final long SEED = 0x9E3779B97F4A7C15L;
    public static final long M1 = 0xFF51AFD7ED558CCDL;
    public static final long M2 = 0xC4CEB9FE1A85EC53L;
    public static final long P1 = 0x9E3779B185EBCA87L;
    public static final long P2 = 0xC2B2AE3D27D4EB4FL;
    public static final long P4 = 0x85EBCA77C2B2AE63L;

    private static final ValueLayout.OfLong LE_LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE_INT =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private KeyHash() {}

    /** Murmur3 fmix64 of {@code value ^ SEED}: a bijection, so distinct keys never collide here. */
    public static long hashLong(long value) {
        long k = value ^ SEED;
        k ^= k >>> 33;
        k *= M1;
        k ^= k >>> 33;
        k *= M2;
        k ^= k >>> 33;
        return k;
    }

    /** Adds the hash {@code keyHash} of a further key column to {@code hash}; order matters. */
    public static long combine(long hash, long keyHash) {
        return hash * P1 + keyHash;
    }

    /** Hash of {@code length} bytes at {@code offset} in {@code segment}. */
    public static long hashBytes(MemorySegment segment, long offset, int length) {
        long h = SEED ^ (length * P1);
        long end = offset + length;
        long at = offset;
        for (; at + 8 <= end; at += 8) {
            h = round(h, segment.get(LE_LONG, at));
        }
        if (at < end) {
            long last = 0;
            for (int s = 0; at < end; at++, s += 8) {
                last |= (segment.get(ValueLayout.JAVA_BYTE, at) & 0xFFL) << s;
            }
            h = round(h, last);
        }
        return hashLong(h);
    }

    /** Hash of the string that view {@code index} holds (inline or in one of {@code buffers}). */
    public static long hashStringView(MemorySegment views, List<MemorySegment> buffers, int index) {
        long base = (long) index * StringViews.VIEW_BYTES;
        int length = views.get(ValueLayout.JAVA_INT_UNALIGNED, base);
        if (length > StringViews.INLINE_MAX) {
            MemorySegment buffer = buffers.get(views.get(ValueLayout.JAVA_INT_UNALIGNED, base + 8));
            return hashBytes(buffer, Integer.toUnsignedLong(views.get(ValueLayout.JAVA_INT_UNALIGNED, base + 12)), length);
        }
        // inline bytes 4..15: same words hashBytes would read, with padding masked off
        long h = SEED ^ (length * P1);
        if (length > 0) {
            long first = views.get(LE_LONG, base + 4);
            h = round(h, length >= 8 ? first : first & ((1L << (length << 3)) - 1));
        }
        if (length > 8) {
            long second = Integer.toUnsignedLong(views.get(LE_INT, base + 12));
            h = round(h, length == 12 ? second : second & ((1L << ((length - 8) << 3)) - 1));
        }
        return hashLong(h);
    }

    private static long round(long h, long word) {
        h ^= Long.rotateLeft(word * P2, 31) * P1;
        return Long.rotateLeft(h, 27) * P1 + P4;
    }
}
