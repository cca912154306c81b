package io.blueshift.storage.parquet;

/**
 * Decodes DELTA_BINARY_PACKED values (INT32/INT64, and the lengths inside the DELTA byte-array
 * encodings) one at a time from {@code buf[pos, end)}: a header (block size, miniblocks per
 * block, value count, first value), then blocks of a min delta, one bit width per miniblock
 * and the bit-packed deltas. Arithmetic wraps, as the format specifies.
 */
final class DeltaBinaryPackedDecoder {
    private final byte[] buf;
    private final int end;
    private int pos;
    private final int miniblocks;
    private final int valuesPerMiniblock;
    private long remaining;
    private boolean firstDone;
    private long previous;

    private long minDelta;
    private final int[] widths;
    private int miniblock;
    private int inMiniblock;
    private int miniblockStart; // byte position of the current miniblock
    private boolean inBlock;

    DeltaBinaryPackedDecoder(byte[] buf, int pos, int end) {
        this.buf = buf;
        this.pos = pos;
        this.end = end;
        long blockSize = readVarint();
        long minis = readVarint();
        long total = readVarint();
        long first = zigzag(readVarint());
        if (blockSize <= 0 || blockSize > (1 << 20) || blockSize % 128 != 0 || minis <= 0 || minis > blockSize
                || blockSize % minis != 0 || (blockSize / minis) % 32 != 0) {
            throw new IllegalStateException("DELTA_BINARY_PACKED header has block size " + blockSize
                    + " and " + minis + " miniblocks");
        }
        this.miniblocks = (int) minis;
        this.valuesPerMiniblock = (int) (blockSize / minis);
        this.widths = new int[miniblocks];
        this.remaining = total;
        this.previous = first;
    }

    long remaining() { return remaining; }

    long next() {
        if (remaining <= 0) {
            throw new IllegalStateException("DELTA_BINARY_PACKED data holds fewer values than the page needs");
        }
        remaining--;
        if (!firstDone) {
            firstDone = true;
            return previous;
        }
        if (!inBlock || inMiniblock == valuesPerMiniblock) {
            if (inBlock) {
                miniblockStart += valuesPerMiniblock / 8 * widths[miniblock];
                miniblock++;
                inMiniblock = 0;
            }
            if (!inBlock || miniblock == miniblocks) {
                readBlockHeader();
            }
        }
        int width = widths[miniblock];
        long delta = minDelta + unpack(miniblockStart, (long) inMiniblock * width, width);
        inMiniblock++;
        previous += delta;
        return previous;
    }

    /** Byte position just after the values consumed so far (whole miniblocks). */
    int endPosition() {
        if (!inBlock) {
            return pos;
        }
        return miniblockStart + valuesPerMiniblock / 8 * widths[miniblock];
    }

    private void readBlockHeader() {
        if (inBlock) {
            pos = miniblockStart;
        }
        minDelta = zigzag(readVarint());
        if (pos + miniblocks > end) {
            throw new IllegalStateException("DELTA_BINARY_PACKED bit widths past the end of the data at " + pos);
        }
        for (int i = 0; i < miniblocks; i++) {
            int w = buf[pos++] & 0xFF;
            if (w > 64) {
                throw new IllegalStateException("DELTA_BINARY_PACKED bit width " + w + " above 64");
            }
            widths[i] = w;
        }
        miniblockStart = pos;
        miniblock = 0;
        inMiniblock = 0;
        inBlock = true;
    }

    private long unpack(int start, long bitOffset, int width) {
        if (width == 0) {
            return 0;
        }
        long bit = (long) start * 8 + bitOffset;
        if ((bit + width + 7) >>> 3 > end) {
            throw new IllegalStateException("DELTA_BINARY_PACKED miniblock past the end of the data at " + start);
        }
        long v = 0;
        int got = 0;
        while (got < width) {
            int b = (buf[(int) (bit >>> 3)] & 0xFF) >>> (int) (bit & 7);
            int take = Math.min(8 - (int) (bit & 7), width - got);
            v |= (long) (b & ((1 << take) - 1)) << got;
            got += take;
            bit += take;
        }
        return v;
    }

    private long readVarint() {
        long result = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= end) {
                throw new IllegalStateException("DELTA_BINARY_PACKED varint past the end of the data at " + pos);
            }
            int b = buf[pos++] & 0xFF;
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalStateException("DELTA_BINARY_PACKED varint too long at " + pos);
    }

    private static long zigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }
}
