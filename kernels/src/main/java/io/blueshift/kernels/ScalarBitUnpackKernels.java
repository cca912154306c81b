package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** The reference {@link BitUnpackKernels}: whole groups of 8 values from 8-byte loads, bytewise near the end. */
public final class ScalarBitUnpackKernels implements BitUnpackKernels {
    public static final ScalarBitUnpackKernels INSTANCE = new ScalarBitUnpackKernels();

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong OUT_LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt OUT_INT = ValueLayout.JAVA_INT_UNALIGNED;

    private ScalarBitUnpackKernels() {}

    @Override
    public void unpack(byte[] src, int srcByte, int bitWidth, int[] out, int outPos, int count) {
        checkWidth(bitWidth);
        if (bitWidth == 0) {
            java.util.Arrays.fill(out, outPos, outPos + count, 0);
            return;
        }
        int done = unpackGroups(src, srcByte, bitWidth, out, outPos, count);
        unpackTail(src, (long) srcByte * 8 + (long) done * bitWidth, bitWidth, out, outPos + done, count - done);
    }

    static void checkWidth(int bitWidth) {
        if (bitWidth < 0 || bitWidth > 32) {
            throw new IllegalArgumentException("bit width " + bitWidth + " out of range 0..32");
        }
    }

    /**
     * Whole groups of 8 values while an 8-byte load at each value's first byte stays inside
     * {@code src}: a group is {@code w} bytes and value j of it starts at bit {@code j*w}, so the
     * byte offsets and shifts are the same for every group. Returns how many values it wrote.
     */
    static int unpackGroups(byte[] src, int srcByte, int w, int[] out, int outPos, int count) {
        final long mask = (1L << w) - 1;
        final int o1 = w >>> 3, o2 = (2 * w) >>> 3, o3 = (3 * w) >>> 3, o4 = (4 * w) >>> 3;
        final int o5 = (5 * w) >>> 3, o6 = (6 * w) >>> 3, o7 = (7 * w) >>> 3;
        final int s1 = w & 7, s2 = (2 * w) & 7, s3 = (3 * w) & 7, s4 = (4 * w) & 7;
        final int s5 = (5 * w) & 7, s6 = (6 * w) & 7, s7 = (7 * w) & 7;
        int p = srcByte;
        // the last load of a group reads 8 bytes from p + o7 <= p + w - 1
        int groups = Math.min(count >>> 3, Math.max(0, Math.floorDiv(src.length - 8 - o7 - p, w) + 1));
        for (int g = 0; g < groups; g++) {
            int o = outPos + 8 * g;
            out[o] = (int) ((long) LONG.get(src, p) & mask);
            out[o + 1] = (int) (((long) LONG.get(src, p + o1) >>> s1) & mask);
            out[o + 2] = (int) (((long) LONG.get(src, p + o2) >>> s2) & mask);
            out[o + 3] = (int) (((long) LONG.get(src, p + o3) >>> s3) & mask);
            out[o + 4] = (int) (((long) LONG.get(src, p + o4) >>> s4) & mask);
            out[o + 5] = (int) (((long) LONG.get(src, p + o5) >>> s5) & mask);
            out[o + 6] = (int) (((long) LONG.get(src, p + o6) >>> s6) & mask);
            out[o + 7] = (int) (((long) LONG.get(src, p + o7) >>> s7) & mask);
            p += w;
        }
        return groups * 8;
    }

    /** One value at a time from bit {@code bit}, reading only the bytes each value covers. */
    static void unpackTail(byte[] src, long bit, int w, int[] out, int outPos, int count) {
        long mask = (1L << w) - 1;
        for (int i = 0; i < count; i++) {
            int byteIndex = (int) (bit >>> 3);
            int shift = (int) (bit & 7);
            int need = (shift + w + 7) >>> 3; // up to 5 bytes
            long word = 0;
            for (int b = 0; b < need; b++) {
                word |= (long) (src[byteIndex + b] & 0xFF) << (8 * b);
            }
            out[outPos + i] = (int) ((word >>> shift) & mask);
            bit += w;
        }
    }

    @Override
    public void gatherInt64(long[] dict, int[] idx, int count, MemorySegment out, long outByte) {
        for (int i = 0; i < count; i++) {
            out.set(OUT_LONG, outByte + 8L * i, dict[idx[i]]);
        }
    }

    @Override
    public void gatherInt32(int[] dict, int[] idx, int count, MemorySegment out, long outByte) {
        for (int i = 0; i < count; i++) {
            out.set(OUT_INT, outByte + 4L * i, dict[idx[i]]);
        }
    }
}
