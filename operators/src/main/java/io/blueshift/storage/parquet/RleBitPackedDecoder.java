package io.blueshift.storage.parquet;

/**
 * Decodes Parquet's RLE / bit-packed hybrid encoding (definition levels, dictionary indices)
 * from {@code buf[pos, end)}. Every read is checked against {@code end}; a run that claims
 * more bytes than remain is an {@link IllegalStateException} the caller turns into a
 * {@link ParquetException} with file, column and offset.
 */
final class RleBitPackedDecoder {
    private static final java.lang.invoke.VarHandle LONG =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private final byte[] buf;
    private int pos;
    private final int end;
    private final int bitWidth;
    private final int valueBytes;

    // the current run: repeated value or bit-packed values starting at packedStart (in bits)
    private int runLeft;
    private boolean packed;
    private int repeated;
    private long packedBit;

    RleBitPackedDecoder(byte[] buf, int pos, int end, int bitWidth) {
        if (bitWidth < 0 || bitWidth > 32) {
            throw new IllegalStateException("bit width " + bitWidth + " out of range 0..32");
        }
        this.buf = buf;
        this.pos = pos;
        this.end = end;
        this.bitWidth = bitWidth;
        this.valueBytes = (bitWidth + 7) >>> 3;
    }

    /** Byte position after the runs consumed so far (whole bit-packed runs count). */
    int position() { return pos; }

    /** Fills {@code out[0, count)}. */
    void decode(int[] out, int count) {
        int i = 0;
        while (i < count) {
            if (runLeft == 0) {
                nextRun();
                continue;
            }
            int n = Math.min(runLeft, count - i);
            if (packed) {
                unpack(out, i, n);
            } else {
                java.util.Arrays.fill(out, i, i + n, repeated);
            }
            i += n;
            runLeft -= n;
        }
    }

    private void nextRun() {
        long header = readVarint();
        if ((header & 1) == 0) {
            long count = header >>> 1;
            if (count > Integer.MAX_VALUE) {
                throw new IllegalStateException("RLE run of " + count + " values");
            }
            if (pos + valueBytes > end) {
                throw new IllegalStateException("RLE run value past the end of its data at " + pos);
            }
            int v = 0;
            for (int b = 0; b < valueBytes; b++) {
                v |= (buf[pos + b] & 0xFF) << (8 * b);
            }
            pos += valueBytes;
            packed = false;
            repeated = v;
            runLeft = (int) count;
        } else {
            long groups = header >>> 1;
            long bytes = groups * bitWidth;
            if (groups > Integer.MAX_VALUE / 8) {
                throw new IllegalStateException("bit-packed run of " + groups + " groups past the end of its data");
            }
            packed = true;
            packedBit = (long) pos * 8;
            runLeft = (int) (groups * 8);
            // writers may end the last run early; values actually used are checked in unpack
            pos = (int) Math.min(end, pos + bytes);
        }
    }

    private void unpack(int[] out, int offset, int n) {
        if (bitWidth == 0) {
            java.util.Arrays.fill(out, offset, offset + n, 0);
            return;
        }
        long lastBit = packedBit + (long) n * bitWidth;
        if ((lastBit + 7) >>> 3 > end) {
            throw new IllegalStateException("bit-packed values past the end of their data at " + (packedBit >>> 3));
        }
        long mask = (1L << bitWidth) - 1;
        long bit = packedBit;
        int i = 0;
        if ((bit & 7) == 0 && n >= 8) {
            i = unpackGroups(out, offset, n);
            bit = packedBit;
        }
        // one 8-byte little-endian load per value while 8 bytes remain in the array (width <= 32,
        // shift <= 7: the value lies in those bytes); bits past the run are masked off
        int fast = (int) Math.max(0, Math.min(n, i + ((long) (buf.length - 8) * 8 - bit) / bitWidth));
        for (; i < fast; i++) {
            long word = (long) LONG.get(buf, (int) (bit >>> 3));
            out[offset + i] = (int) ((word >>> (bit & 7)) & mask);
            bit += bitWidth;
        }
        for (; i < n; i++) {
            int byteIndex = (int) (bit >>> 3);
            int shift = (int) (bit & 7);
            // up to 32 + 7 bits: gather five bytes at most, never past end
            long word = 0;
            int need = (shift + bitWidth + 7) >>> 3;
            for (int b = 0; b < need; b++) {
                word |= (long) (buf[byteIndex + b] & 0xFF) << (8 * b);
            }
            out[offset + i] = (int) ((word >>> shift) & mask);
            bit += bitWidth;
        }
        packedBit = bit;
    }

    /**
     * Whole groups of 8 values from a byte-aligned position: a group is {@code bitWidth} bytes
     * and value j sits at bit {@code j * bitWidth}, so the eight byte offsets and shifts are
     * the same for every group and computed once. Returns how many values it wrote
     * (advancing {@link #packedBit}); the caller finishes the rest.
     */
    private int unpackGroups(int[] out, int offset, int n) {
        final int w = bitWidth;
        final long mask = (1L << w) - 1;
        final int o1 = w >>> 3, o2 = (2 * w) >>> 3, o3 = (3 * w) >>> 3, o4 = (4 * w) >>> 3;
        final int o5 = (5 * w) >>> 3, o6 = (6 * w) >>> 3, o7 = (7 * w) >>> 3;
        final int s1 = w & 7, s2 = (2 * w) & 7, s3 = (3 * w) & 7, s4 = (4 * w) & 7;
        final int s5 = (5 * w) & 7, s6 = (6 * w) & 7, s7 = (7 * w) & 7;
        int p = (int) (packedBit >>> 3);
        // every load reads 8 bytes at p + o_j <= p + w - 1: keep p + w + 7 inside the array
        int groups = Math.min(n >>> 3, Math.max(0, Math.floorDiv(buf.length - 7 - w - p, w) + 1));
        final byte[] b = buf;
        for (int g = 0; g < groups; g++) {
            int o = offset + 8 * g;
            out[o] = (int) ((long) LONG.get(b, p) & mask);
            out[o + 1] = (int) (((long) LONG.get(b, p + o1) >>> s1) & mask);
            out[o + 2] = (int) (((long) LONG.get(b, p + o2) >>> s2) & mask);
            out[o + 3] = (int) (((long) LONG.get(b, p + o3) >>> s3) & mask);
            out[o + 4] = (int) (((long) LONG.get(b, p + o4) >>> s4) & mask);
            out[o + 5] = (int) (((long) LONG.get(b, p + o5) >>> s5) & mask);
            out[o + 6] = (int) (((long) LONG.get(b, p + o6) >>> s6) & mask);
            out[o + 7] = (int) (((long) LONG.get(b, p + o7) >>> s7) & mask);
            p += w;
        }
        packedBit = (long) p * 8;
        return groups * 8;
    }

    private long readVarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw new IllegalStateException("run header past the end of its data at " + pos);
            }
            int b = buf[pos++] & 0xFF;
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalStateException("run header varint too long at " + pos);
    }
}
