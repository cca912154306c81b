package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The scalar twin of {@link StringKernels}. */
public final class ScalarStringKernels implements StringKernels {
    public static final ScalarStringKernels INSTANCE = new ScalarStringKernels();

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    private ScalarStringKernels() {}

    @Override
    public int selectByHeader(MemorySegment views, MemorySegment validity, MemorySegment sel, int count,
                              int minLength, int maxLength, int prefix, int prefixMask, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            int row = sel == null ? i : sel.getAtIndex(ValueLayout.JAVA_INT, i);
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
        out.setAtIndex(ValueLayout.JAVA_INT, k, row);
        return pass ? k + 1 : k;
    }
}
