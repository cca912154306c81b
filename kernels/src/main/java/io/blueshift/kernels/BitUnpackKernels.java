package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;

/**
 * File decoding: bit-unpacking as Parquet packs values (dictionary indices, definition levels:
 * LSB first, value {@code i} in bits {@code [i*w, (i+1)*w)} of a little-endian byte stream) and
 * the dictionary lookup that follows. Pages are decoded from heap scratch, so the packed input
 * and the indices are Java arrays; dictionary values go straight into the output vector.
 */
public interface BitUnpackKernels {
    /**
     * Writes {@code count} values of {@code bitWidth} bits (0 to 32) packed from byte
     * {@code srcByte} of {@code src} to {@code out[outPos, outPos + count)}. Reads no byte at or
     * past {@code srcByte + ceil(count * bitWidth / 8)} that the values do not need, and never
     * past {@code src.length}; the caller checks the packed bits lie inside {@code src}.
     */
    void unpack(byte[] src, int srcByte, int bitWidth, int[] out, int outPos, int count);

    /**
     * {@code out[outByte + 8*i] = dict[idx[i]]} for {@code i < count} (little-endian 8-byte
     * values). Throws {@link IndexOutOfBoundsException} when an index is outside {@code dict};
     * values written before that are unspecified.
     */
    void gatherInt64(long[] dict, int[] idx, int count, MemorySegment out, long outByte);

    /** As {@link #gatherInt64} for 4-byte values. */
    void gatherInt32(int[] dict, int[] idx, int count, MemorySegment out, long outByte);
}
