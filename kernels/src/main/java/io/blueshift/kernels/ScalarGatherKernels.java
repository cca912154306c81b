package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The reference {@link GatherKernels}. */
public final class ScalarGatherKernels implements GatherKernels {
    public static final ScalarGatherKernels INSTANCE = new ScalarGatherKernels();

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private ScalarGatherKernels() {}

    @Override
    public void gatherInt32(MemorySegment src, MemorySegment rows, int count, MemorySegment dst) {
        for (int i = 0; i < count; i++) {
            dst.setAtIndex(INT, i, src.getAtIndex(INT, rows.getAtIndex(INT, i)));
        }
    }

    @Override
    public void gatherInt64(MemorySegment src, MemorySegment rows, int count, MemorySegment dst) {
        for (int i = 0; i < count; i++) {
            dst.setAtIndex(LONG, i, src.getAtIndex(LONG, rows.getAtIndex(INT, i)));
        }
    }

    @Override
    public void gatherInt128(MemorySegment src, MemorySegment rows, int count, MemorySegment dst) {
        for (int i = 0; i < count; i++) {
            long from = (long) rows.getAtIndex(INT, i) << 4;
            long to = (long) i << 4;
            dst.set(LONG, to, src.get(LONG, from));
            dst.set(LONG, to + 8, src.get(LONG, from + 8));
        }
    }

    @Override
    public void gatherBits(MemorySegment src, MemorySegment rows, int count, MemorySegment dst) {
        for (int start = 0; start < count; start += 8) {
            int n = Math.min(8, count - start);
            int bits = 0;
            for (int j = 0; j < n; j++) {
                bits |= BitmapWords.bit(src, rows.getAtIndex(INT, start + j)) << j;
            }
            long at = start >>> 3;
            int keep = n == 8 ? 0 : 0xFF & ~((1 << n) - 1); // bits past count are left as they were
            int old = keep == 0 ? 0 : dst.get(ValueLayout.JAVA_BYTE, at) & keep;
            dst.set(ValueLayout.JAVA_BYTE, at, (byte) (old | bits));
        }
    }
}
