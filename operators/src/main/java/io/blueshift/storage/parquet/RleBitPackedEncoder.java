package io.blueshift.storage.parquet;

/**
 * Encodes non-negative ints of at most {@code bitWidth} bits in Parquet's RLE / bit-packed
 * hybrid: a run of 8 or more equal values becomes an RLE run, everything else bit-packed
 * groups of 8 (the last group of the data padded with zeros, which readers ignore since they
 * take only as many values as the page holds).
 */
final class RleBitPackedEncoder {
    private static final int MAX_GROUPS_PER_RUN = 1 << 16;

    private RleBitPackedEncoder() {}

    static void encode(int[] values, int from, int to, int bitWidth, ByteSink out) {
        int i = from;
        while (i < to) {
            int run = runLength(values, i, to);
            if (run >= 8) {
                out.writeUnsignedVarint((long) run << 1);
                int v = values[i];
                for (int b = 0; b < (bitWidth + 7) >>> 3; b++) {
                    out.writeByte(v >>> (8 * b));
                }
                i += run;
                continue;
            }
            // bit-packed groups of 8 until a long run starts at a group boundary
            int groups = 1;
            while (groups < MAX_GROUPS_PER_RUN && i + 8 * groups < to && runLength(values, i + 8 * groups, to) < 8) {
                groups++;
            }
            out.writeUnsignedVarint(((long) groups << 1) | 1);
            pack(values, i, Math.min(to, i + 8 * groups), groups * 8, bitWidth, out);
            i = Math.min(to, i + 8 * groups);
        }
    }

    private static int runLength(int[] values, int at, int to) {
        int v = values[at];
        int j = at + 1;
        while (j < to && values[j] == v) {
            j++;
        }
        return j - at;
    }

    /** Packs {@code values[from, to)} LSB first, padding with zeros up to {@code count} values. */
    private static void pack(int[] values, int from, int to, int count, int bitWidth, ByteSink out) {
        long acc = 0;
        int bits = 0;
        for (int k = 0; k < count; k++) {
            long v = from + k < to ? values[from + k] & 0xFFFFFFFFL : 0;
            acc |= v << bits;
            bits += bitWidth;
            while (bits >= 8) {
                out.writeByte((int) acc);
                acc >>>= 8;
                bits -= 8;
            }
        }
        if (bits > 0) {
            out.writeByte((int) acc);
        }
    }

    static int bitWidth(int maxValue) {
        return 32 - Integer.numberOfLeadingZeros(maxValue);
    }
}
