package io.blueshift.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Validity bitmaps in Arrow bit order: bit (i % 8) of byte (i / 8); 1 means not null. */
public final class Validity {
    private Validity() {}

    public static long bytesFor(int values) {
        // rounded up to whole 8-byte words so word-wise kernels never read past the end
        return ((values + 63L) >>> 6) << 3;
    }

    public static boolean isValid(MemorySegment bitmap, int index) {
        return bitmap == null
                || (bitmap.get(ValueLayout.JAVA_BYTE, index >>> 3) & (1 << (index & 7))) != 0;
    }

    public static void set(MemorySegment bitmap, int index, boolean valid) {
        long at = index >>> 3;
        byte b = bitmap.get(ValueLayout.JAVA_BYTE, at);
        int bit = 1 << (index & 7);
        bitmap.set(ValueLayout.JAVA_BYTE, at, (byte) (valid ? (b | bit) : (b & ~bit)));
    }

    public static void setAll(MemorySegment bitmap, boolean valid) {
        bitmap.fill(valid ? (byte) 0xFF : 0);
    }

    public static int countNulls(MemorySegment bitmap, int count) {
        if (bitmap == null) {
            return 0;
        }
        int valid = 0;
        int words = count >>> 6;
        for (int w = 0; w < words; w++) {
            valid += Long.bitCount(bitmap.get(ValueLayout.JAVA_LONG_UNALIGNED, (long) w << 3));
        }
        for (int i = words << 6; i < count; i++) {
            if (isValid(bitmap, i)) {
                valid++;
            }
        }
        return count - valid;
    }
}
