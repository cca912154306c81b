package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Heap segments from arrays, and validity bitmaps from booleans, for the scalar tests. */
final class Segments {
    private Segments() {}

    static MemorySegment of(int... values) { return MemorySegment.ofArray(values.clone()); }
    static MemorySegment of(long... values) { return MemorySegment.ofArray(values.clone()); }
    static MemorySegment of(double... values) { return MemorySegment.ofArray(values.clone()); }

    /** A bitmap of exactly ceil(n / 8) bytes; {@code valid == null} gives a null bitmap. */
    static MemorySegment validity(boolean[] valid) {
        if (valid == null) {
            return null;
        }
        byte[] bytes = new byte[(valid.length + 7) / 8];
        for (int i = 0; i < valid.length; i++) {
            if (valid[i]) {
                bytes[i >>> 3] |= (byte) (1 << (i & 7));
            }
        }
        return MemorySegment.ofArray(bytes);
    }

    static int[] ints(MemorySegment s, int n) {
        int[] a = new int[n];
        MemorySegment.copy(s, ValueLayout.JAVA_INT_UNALIGNED, 0, a, 0, n);
        return a;
    }

    static long[] longs(MemorySegment s, int n) {
        long[] a = new long[n];
        MemorySegment.copy(s, ValueLayout.JAVA_LONG_UNALIGNED, 0, a, 0, n);
        return a;
    }

    static double[] doubles(MemorySegment s, int n) {
        double[] a = new double[n];
        MemorySegment.copy(s, ValueLayout.JAVA_DOUBLE_UNALIGNED, 0, a, 0, n);
        return a;
    }
}
