package io.blueshift.storage.parquet;

import io.blueshift.kernels.BitUnpackKernels;
import io.blueshift.kernels.Kernels;

/**
 * Decodes Parquet's RLE / bit-packed hybrid encoding (definition levels, dictionary indices)
 * from {@code buf[pos, end)}. Every read is checked against {@code end}; a run that claims
 * more bytes than remain is an {@link IllegalStateException} the caller turns into a
 * {@link ParquetException} with file, column and offset.
 */
final class RleBitPackedDecoder {
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
        if ((packedBit & 7) == 0) {
            // the usual case: runs start on a byte and mini-batches are multiples of 8 values
            UnpackHolder.KERNELS.unpack(buf, (int) (packedBit >>> 3), bitWidth, out, offset, n);
            packedBit = lastBit;
            return;
        }
        long mask = (1L << bitWidth) - 1;
        long bit = packedBit;
        for (int i = 0; i < n; i++) {
            int byteIndex = (int) (bit >>> 3);
            int shift = (int) (bit & 7);
            // up to 32 + 7 bits: five bytes at most, never past end
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

    /** The engine's bit-unpacking kernels (SIMD or scalar, as chosen once for the JVM), looked up on first use. */
    static final class UnpackHolder {
        static final BitUnpackKernels KERNELS = Kernels.provider().bitUnpack();
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
