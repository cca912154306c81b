package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The reference {@link SelectionKernels}: merges of sorted row id lists, one id at a time. */
public final class ScalarSelectionKernels implements SelectionKernels {
    public static final ScalarSelectionKernels INSTANCE = new ScalarSelectionKernels();

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    private ScalarSelectionKernels() {}

    @Override
    public int and(MemorySegment a, int aCount, MemorySegment b, int bCount, MemorySegment out) {
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < aCount && j < bCount) {
            int x = a.getAtIndex(INT, i);
            int y = b.getAtIndex(INT, j);
            out.setAtIndex(INT, k, x);
            k += x == y ? 1 : 0;
            i += x <= y ? 1 : 0;
            j += y <= x ? 1 : 0;
        }
        return k;
    }

    @Override
    public int or(MemorySegment a, int aCount, MemorySegment b, int bCount, MemorySegment out) {
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < aCount && j < bCount) {
            int x = a.getAtIndex(INT, i);
            int y = b.getAtIndex(INT, j);
            out.setAtIndex(INT, k++, Math.min(x, y));
            i += x <= y ? 1 : 0;
            j += y <= x ? 1 : 0;
        }
        for (; i < aCount; i++) {
            out.setAtIndex(INT, k++, a.getAtIndex(INT, i));
        }
        for (; j < bCount; j++) {
            out.setAtIndex(INT, k++, b.getAtIndex(INT, j));
        }
        return k;
    }

    @Override
    public int complement(MemorySegment a, int aCount, int count, MemorySegment out) {
        int k = 0;
        int next = 0;
        for (int i = 0; i < aCount; i++) {
            int skip = a.getAtIndex(INT, i);
            for (; next < skip; next++) {
                out.setAtIndex(INT, k++, next);
            }
            next = skip + 1;
        }
        for (; next < count; next++) {
            out.setAtIndex(INT, k++, next);
        }
        return k;
    }

    @Override
    public int fromBitmap(MemorySegment bitmap, int count, MemorySegment out) {
        int k = 0;
        int words = (count + 63) >>> 6;
        for (int w = 0; w < words; w++) {
            long word = BitmapWords.word(bitmap, w);
            int rowsInWord = Math.min(64, count - (w << 6));
            if (rowsInWord < 64) {
                word &= (1L << rowsInWord) - 1;
            }
            while (word != 0) {
                out.setAtIndex(INT, k++, (w << 6) + Long.numberOfTrailingZeros(word));
                word &= word - 1;
            }
        }
        return k;
    }
}
