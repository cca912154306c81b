package io.blueshift.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Layout of a 16-byte string view (Arrow Utf8View, the Umbra layout):
 * <pre>
 *   bytes 0-3   int32 length
 *   length <= 12: bytes 4-15 hold the string, zero padded
 *   length  > 12: bytes 4-7 the first four bytes (prefix), 8-11 buffer index, 12-15 offset
 * </pre>
 * Equality and prefix tests read the first 8 bytes of a view before touching any buffer.
 */
public final class StringViews {
    public static final int VIEW_BYTES = 16;
    public static final int INLINE_MAX = 12;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private StringViews() {}

    public static int length(MemorySegment views, int index) {
        return views.get(INT, (long) index * VIEW_BYTES);
    }

    public static int bufferIndex(MemorySegment views, int index) {
        return views.get(INT, (long) index * VIEW_BYTES + 8);
    }

    public static int bufferOffset(MemorySegment views, int index) {
        return views.get(INT, (long) index * VIEW_BYTES + 12);
    }

    /*
     * Writers come in twins with the same body, one for off-heap views (column data) and one
     * for heap views (a constant laid out as a view, a Parquet dictionary's views in a long[]):
     * each twin's segment accesses then see one segment class. Through one method the JIT
     * compiled the accesses for the class seen first, trapped on the other and recompiled
     * its callers (class_check / speculate_class_check traps, session 7).
     */

    /** Writes an inline view (length ≤ 12). */
    public static void writeInline(MemorySegment views, int index, byte[] bytes, int from, int length) {
        if (views.isNative()) {
            writeInlineOffHeap(views, index, bytes, from, length);
        } else {
            writeInlineHeap(views, index, bytes, from, length);
        }
    }

    private static void writeInlineOffHeap(MemorySegment views, int index, byte[] bytes, int from, int length) {
        long base = (long) index * VIEW_BYTES;
        views.set(LONG, base, 0L);
        views.set(LONG, base + 8, 0L);
        views.set(INT, base, length);
        MemorySegment.copy(bytes, from, views, ValueLayout.JAVA_BYTE, base + 4, length);
    }

    private static void writeInlineHeap(MemorySegment views, int index, byte[] bytes, int from, int length) {
        long base = (long) index * VIEW_BYTES;
        views.set(LONG, base, 0L);
        views.set(LONG, base + 8, 0L);
        views.set(INT, base, length);
        MemorySegment.copy(bytes, from, views, ValueLayout.JAVA_BYTE, base + 4, length);
    }

    /** Writes an out-of-line view pointing at {@code buffer[offset..offset+length)}. */
    public static void writeReference(MemorySegment views, int index, byte[] bytes, int from, int length,
                                      int bufferIndex, int offset) {
        if (views.isNative()) {
            writeReferenceOffHeap(views, index, bytes, from, length, bufferIndex, offset);
        } else {
            writeReferenceHeap(views, index, bytes, from, length, bufferIndex, offset);
        }
    }

    private static void writeReferenceOffHeap(MemorySegment views, int index, byte[] bytes, int from, int length,
                                              int bufferIndex, int offset) {
        long base = (long) index * VIEW_BYTES;
        views.set(INT, base, length);
        views.set(INT, base + 4, 0);
        MemorySegment.copy(bytes, from, views, ValueLayout.JAVA_BYTE, base + 4, Math.min(4, length));
        views.set(INT, base + 8, bufferIndex);
        views.set(INT, base + 12, offset);
    }

    private static void writeReferenceHeap(MemorySegment views, int index, byte[] bytes, int from, int length,
                                           int bufferIndex, int offset) {
        long base = (long) index * VIEW_BYTES;
        views.set(INT, base, length);
        views.set(INT, base + 4, 0);
        MemorySegment.copy(bytes, from, views, ValueLayout.JAVA_BYTE, base + 4, Math.min(4, length));
        views.set(INT, base + 8, bufferIndex);
        views.set(INT, base + 12, offset);
    }

    /** Copies a view's bytes out. */
    public static byte[] bytes(MemorySegment views, List<MemorySegment> buffers, int index) {
        long base = (long) index * VIEW_BYTES;
        int len = views.get(INT, base);
        byte[] out = new byte[len];
        if (len <= INLINE_MAX) {
            MemorySegment.copy(views, ValueLayout.JAVA_BYTE, base + 4, out, 0, len);
        } else {
            MemorySegment buf = buffers.get(views.get(INT, base + 8));
            MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, views.get(INT, base + 12), out, 0, len);
        }
        return out;
    }

    public static String string(MemorySegment views, List<MemorySegment> buffers, int index) {
        return new String(bytes(views, buffers, index), StandardCharsets.UTF_8);
    }

    /** Byte-wise equality of two views, which may live in different vectors. */
    public static boolean equals(MemorySegment aViews, List<MemorySegment> aBuffers, int a,
                                 MemorySegment bViews, List<MemorySegment> bBuffers, int b) {
        long aBase = (long) a * VIEW_BYTES;
        long bBase = (long) b * VIEW_BYTES;
        // length + prefix in one compare
        if (aViews.get(LONG, aBase) != bViews.get(LONG, bBase)) {
            return false;
        }
        int len = aViews.get(INT, aBase);
        if (len <= INLINE_MAX) {
            return aViews.get(LONG, aBase + 8) == bViews.get(LONG, bBase + 8);
        }
        MemorySegment aBuf = aBuffers.get(aViews.get(INT, aBase + 8));
        MemorySegment bBuf = bBuffers.get(bViews.get(INT, bBase + 8));
        long aOff = aViews.get(INT, aBase + 12);
        long bOff = bViews.get(INT, bBase + 12);
        return MemorySegment.mismatch(aBuf, aOff, aOff + len, bBuf, bOff, bOff + len) == -1;
    }

    /**
     * Unsigned byte-wise comparison (UTF-8 order equals code point order), without copying:
     * the four prefix bytes first, then the bytes where they live (in the view or a buffer).
     */
    public static int compare(MemorySegment aViews, List<MemorySegment> aBuffers, int a,
                              MemorySegment bViews, List<MemorySegment> bBuffers, int b) {
        long aBase = (long) a * VIEW_BYTES;
        long bBase = (long) b * VIEW_BYTES;
        // bytes 4..7 hold the first four bytes, zero padded, in both layouts: big-endian order
        // makes an unsigned int compare a byte-wise one
        int aPrefix = Integer.reverseBytes(aViews.get(INT, aBase + 4));
        int bPrefix = Integer.reverseBytes(bViews.get(INT, bBase + 4));
        if (aPrefix != bPrefix) {
            return Integer.compareUnsigned(aPrefix, bPrefix);
        }
        int aLen = aViews.get(INT, aBase);
        int bLen = bViews.get(INT, bBase);
        MemorySegment aSeg = aViews;
        long aOff = aBase + 4;
        if (aLen > INLINE_MAX) {
            aSeg = aBuffers.get(aViews.get(INT, aBase + 8));
            aOff = Integer.toUnsignedLong(aViews.get(INT, aBase + 12));
        }
        MemorySegment bSeg = bViews;
        long bOff = bBase + 4;
        if (bLen > INLINE_MAX) {
            bSeg = bBuffers.get(bViews.get(INT, bBase + 8));
            bOff = Integer.toUnsignedLong(bViews.get(INT, bBase + 12));
        }
        long at = MemorySegment.mismatch(aSeg, aOff, aOff + aLen, bSeg, bOff, bOff + bLen);
        if (at < 0) {
            return 0;
        }
        if (at == aLen || at == bLen) {
            return Integer.compare(aLen, bLen); // one is a prefix of the other
        }
        return Integer.compare(aSeg.get(ValueLayout.JAVA_BYTE, aOff + at) & 0xFF, bSeg.get(ValueLayout.JAVA_BYTE, bOff + at) & 0xFF);
    }
}
