package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/** The reference {@link HashKernels}: {@link KeyHash} applied row by row. */
public final class ScalarHashKernels implements HashKernels {
    public static final ScalarHashKernels INSTANCE = new ScalarHashKernels();

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private ScalarHashKernels() {}

    private static int row(MemorySegment sel, int i) {
        return sel == null ? i : sel.getAtIndex(INT, i);
    }

    private static long orNull(MemorySegment validity, int r, long hash) {
        return BitmapWords.bit(validity, r) != 0 ? hash : NULL_HASH;
    }

    @Override
    public void hashInt64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count, MemorySegment out) {
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            out.setAtIndex(LONG, i, orNull(validity, r, KeyHash.hashLong(data.getAtIndex(LONG, r))));
        }
    }

    @Override
    public void hashInt32(MemorySegment data, MemorySegment validity, MemorySegment sel, int count, MemorySegment out) {
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            out.setAtIndex(LONG, i, orNull(validity, r, KeyHash.hashLong(data.getAtIndex(INT, r))));
        }
    }

    @Override
    public void hashStringViews(MemorySegment views, List<MemorySegment> buffers, MemorySegment validity,
                                MemorySegment sel, int count, MemorySegment out) {
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            long h = BitmapWords.bit(validity, r) != 0 ? KeyHash.hashStringView(views, buffers, r) : NULL_HASH;
            out.setAtIndex(LONG, i, h);
        }
    }

    @Override
    public void combineInt64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count, MemorySegment out) {
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            long h = orNull(validity, r, KeyHash.hashLong(data.getAtIndex(LONG, r)));
            out.setAtIndex(LONG, i, KeyHash.combine(out.getAtIndex(LONG, i), h));
        }
    }

    @Override
    public void combineInt32(MemorySegment data, MemorySegment validity, MemorySegment sel, int count, MemorySegment out) {
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            long h = orNull(validity, r, KeyHash.hashLong(data.getAtIndex(INT, r)));
            out.setAtIndex(LONG, i, KeyHash.combine(out.getAtIndex(LONG, i), h));
        }
    }

    @Override
    public void combineStringViews(MemorySegment views, List<MemorySegment> buffers, MemorySegment validity,
                                   MemorySegment sel, int count, MemorySegment out) {
        for (int i = 0; i < count; i++) {
            int r = row(sel, i);
            long h = BitmapWords.bit(validity, r) != 0 ? KeyHash.hashStringView(views, buffers, r) : NULL_HASH;
            out.setAtIndex(LONG, i, KeyHash.combine(out.getAtIndex(LONG, i), h));
        }
    }

    @Override
    public int matchKeys(long[] keys, int n, long[] known, int[] ids, int k, int[] out) {
        return matchKeys(keys, 0, n, known, ids, k, out);
    }

    /**
     * {@link #matchKeys(long[], int, long[], int[], int, int[])} over rows {@code [from, n)} only,
     * returning how many of them matched no known key (the SIMD kernel's tail).
     */
    public static int matchKeys(long[] keys, int from, int n, long[] known, int[] ids, int k, int[] out) {
        int missing = 0;
        for (int i = from; i < n; i++) {
            long key = keys[i];
            int id = -1;
            for (int j = 0; j < k; j++) {
                id = key == known[j] ? ids[j] : id;
            }
            out[i] = id;
            missing += id >>> 31;
        }
        return missing;
    }
}
