package io.blueshift.storage.parquet;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * SNAPPY decompression in Java, written for the pages of a Parquet scan. On SF 10 lineitem's
 * PLAIN INT64 pages (a 1-3 byte literal and a 4-11 byte copy per value) it needs about 30% less
 * CPU than snappy-java's native decoder, and slightly less on text; a one-thread scan of five
 * lineitem columns took 24% less CPU (bench/RESULTS.md, session 7).
 * <p>
 * The format: a varint of the uncompressed length, then elements, each a tag byte whose low two
 * bits say literal (length in the tag's high six bits, or in 1-4 following bytes) or copy of
 * {@code length} bytes from {@code offset} bytes back in the output (offset in the next 1, 2 or 4
 * bytes; a 1-byte copy keeps the offset's top three bits in the tag).
 * <p>
 * Speed: decoding is one dependent chain through the input position, so the next tag's position
 * is computed from the tag with arithmetic alone (no table load and no branch on the copy kind on
 * that chain), and short literals and copies are moved 16 bytes at a time with 8-byte loads and
 * stores while both arrays have room for the over-long moves; the bytes a move writes past its
 * element are rewritten by the next ones. Near either end a careful loop moves exact lengths.
 * <p>
 * Safety: every element is checked (offsets inside the output written so far, lengths inside the
 * declared size and the input), so corrupt data is an {@link IOException}; Java's bounds checks
 * back every access in any case. The output is exactly the declared size or an error.
 */
final class SnappyDecoder {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Bytes the fast loop may read past an element's input, and write past its output. */
    private static final int IN_SLACK = 20;
    private static final int OUT_SLACK = 80;
    /** Spare bytes at the end of an output buffer that let the fast loop run to the page's end. */
    static final int OUTPUT_PADDING = OUT_SLACK;

    /** Per copy tag: length in bits 0-7, the offset's high bits (1-byte copies) from bit 11. */
    private static final int[] COPY = new int[256];
    /** Mask of the offset's bytes, by their count (1, 2 or 4). */
    private static final long[] OFFSET_MASK = {0, 0xFFL, 0xFFFFL, 0, 0xFFFFFFFFL};

    static {
        for (int tag = 0; tag < 256; tag++) {
            switch (tag & 3) {
                case 1 -> COPY[tag] = (4 + ((tag >>> 2) & 7)) | ((tag >>> 5) << 8) << 11;
                case 2, 3 -> COPY[tag] = (tag >>> 2) + 1;
                default -> { }
            }
        }
    }

    private SnappyDecoder() {}

    /**
     * Decompresses {@code in[off, off+len)} into {@code out[0, uncompressedSize)}; {@code out}
     * may be longer (its spare bytes may be overwritten; {@link #OUTPUT_PADDING} of them make
     * the whole page take the fast loop).
     */
    static void decompress(byte[] in, int off, int len, byte[] out, int uncompressedSize) throws IOException {
        checkCall(in, off, len, out, uncompressedSize);
        int end = off + len;
        int ip = header(in, off, end, uncompressedSize);
        long state = fast(in, off, end, ip, out, 0, uncompressedSize);
        careful(in, off, end, (int) (state >>> 32), out, (int) state, uncompressedSize);
    }

    /**
     * The fast loop from {@code ip} and {@code op} while both arrays have room for over-long
     * moves; returns where it stopped, {@code ip << 32 | op} (a method of its own, so that its
     * compiled form, with every 8-byte access inlined, does not depend on its callers).
     */
    private static long fast(byte[] in, int off, int end, int ip, byte[] out, int op, int ulen) throws IOException {
        // the fast loop reads up to IN_SLACK bytes from ip and writes up to OUT_SLACK from op
        int fastIp = Math.min(end, in.length - IN_SLACK);
        int fastOp = Math.min(ulen, out.length - OUT_SLACK);
        while (ip < fastIp && op < fastOp) {
            int tag = in[ip] & 0xFF;
            int kind = tag & 3;
            if (kind == 0) {
                int n = (tag >>> 2) + 1;
                if (n <= 16) {
                    // checked after the loop: elements that run past the page's end leave ip past end
                    LONG.set(out, op, (long) LONG.get(in, ip + 1));
                    LONG.set(out, op + 8, (long) LONG.get(in, ip + 9));
                    ip += 1 + n;
                    op += n;
                    continue;
                }
                // longer literals (the first of a page, text): one bulk copy, checked here
                int at = ip - off;
                ip++;
                if (n > 60) {
                    int bytes = n - 60;
                    n = (int) ((long) LONG.get(in, ip) & (0xFFFFFFFFL >>> (32 - 8 * bytes))) + 1;
                    ip += bytes;
                }
                if (n <= 0 || n > end - ip || n > ulen - op) {
                    throw literalTooLong(n, end - ip, ulen, at);
                }
                System.arraycopy(in, ip, out, op, n);
                ip += n;
                op += n;
                continue;
            }
            // 1, 2 or 4 offset bytes, from the tag alone: the input position's chain has no load
            int offsetBytes = kind + ((kind >>> 1) & kind);
            long raw = (long) LONG.get(in, ip + 1);
            int at = ip - off;
            ip += 1 + offsetBytes;
            int e = COPY[tag];
            int n = e & 0xFF;
            int distance = (int) (raw & OFFSET_MASK[offsetBytes]) + (e >>> 11);
            if (Integer.compareUnsigned(distance - 1, op) >= 0) {
                throw badCopy(distance, op, at);
            }
            int from = op - distance;
            // 8-byte moves in order: a source that overlaps the target reads what was just written
            if (distance >= 8 && n <= 16) {
                LONG.set(out, op, (long) LONG.get(out, from));
                LONG.set(out, op + 8, (long) LONG.get(out, from + 8));
                op += n;
                continue;
            }
            if (distance >= 8) {
                for (int k = 0; k < n; k += 8) {
                    LONG.set(out, op + k, (long) LONG.get(out, from + k));
                }
                op += n;
                continue;
            }
            for (int k = 0; k < n; k++) {
                out[op + k] = out[from + k];
            }
            op += n;
        }
        return (long) ip << 32 | op;
    }

    private static void checkCall(byte[] in, int off, int len, byte[] out, int uncompressedSize) throws IOException {
        if (off < 0 || len < 0 || off > in.length - len || uncompressedSize < 0 || uncompressedSize > out.length) {
            throw new IOException("invalid SNAPPY call: input [" + off + ", +" + len + ") of " + in.length
                    + " bytes, output " + uncompressedSize + " of " + out.length);
        }
    }

    /** Checks the length header against the page's; returns the first element's position. */
    private static int header(byte[] in, int off, int end, int uncompressedSize) throws IOException {
        int ip = off;
        long declared = 0;
        for (int shift = 0; ; shift += 7) {
            if (ip >= end || shift > 28) {
                throw corrupt("bad length header", ip - off);
            }
            int b = in[ip++] & 0xFF;
            declared |= (long) (b & 0x7F) << shift;
            if (b < 0x80) {
                break;
            }
        }
        if (declared != uncompressedSize) {
            throw new IOException("SNAPPY data holds " + declared + " bytes, page header says " + uncompressedSize);
        }
        return ip;
    }

    /** From {@code ip} and {@code op} to the end: exact moves, every length checked. */
    private static void careful(byte[] in, int off, int end, int ip, byte[] out, int op, int ulen) throws IOException {
        if (ip > end || op > ulen) {
            throw corrupt("an element runs past the end of the " + (ip > end ? "data" : "declared " + ulen + " bytes"), Math.min(ip, end) - off);
        }
        // the careful loop: exact moves, every length checked
        while (ip < end) {
            int at = ip - off;
            int tag = in[ip++] & 0xFF;
            int kind = tag & 3;
            if (kind == 0) {
                int n = (tag >>> 2) + 1;
                if (n > 60) {
                    int bytes = n - 60;
                    if (bytes > end - ip) {
                        throw corrupt("literal length past the end of the data", at);
                    }
                    long v = 0;
                    for (int k = 0; k < bytes; k++) {
                        v |= (long) (in[ip + k] & 0xFF) << (8 * k);
                    }
                    ip += bytes;
                    if (v + 1 > ulen - op) {
                        throw corrupt("literal of " + (v + 1) + " bytes past the declared " + ulen + " bytes", at);
                    }
                    n = (int) v + 1;
                }
                if (n > end - ip || n > ulen - op) {
                    throw corrupt("literal of " + n + " bytes past the end of the " + (n > end - ip ? "data" : "declared " + ulen + " bytes"), at);
                }
                System.arraycopy(in, ip, out, op, n);
                ip += n;
                op += n;
                continue;
            }
            int offsetBytes = kind + ((kind >>> 1) & kind);
            if (offsetBytes > end - ip) {
                throw corrupt("copy offset past the end of the data", at);
            }
            long distance = 0;
            for (int k = 0; k < offsetBytes; k++) {
                distance |= (long) (in[ip + k] & 0xFF) << (8 * k);
            }
            ip += offsetBytes;
            int e = COPY[tag];
            int n = e & 0xFF;
            distance += e >>> 11;
            if (distance == 0 || distance > op || n > ulen - op) {
                throw corrupt(distance == 0 || distance > op ? "copy from " + distance + " bytes back at output byte " + op
                        : "copy of " + n + " bytes past the declared " + ulen + " bytes", at);
            }
            int from = op - (int) distance;
            for (int k = 0; k < n; k++) {
                out[op + k] = out[from + k];
            }
            op += n;
        }
        if (op != ulen) {
            throw new IOException("SNAPPY data decompressed to " + op + " bytes, page header says " + ulen);
        }
    }

    // errors built outside the loops (their string concatenations kept out of the hot code)
    private static IOException literalTooLong(int n, int inputLeft, int ulen, int at) {
        return corrupt("literal of " + Integer.toUnsignedString(n) + " bytes past the end of the "
                + (n > 0 && n <= inputLeft ? "declared " + ulen + " bytes" : "data"), at);
    }

    private static IOException badCopy(int distance, int op, int at) {
        return corrupt("copy from " + Integer.toUnsignedString(distance) + " bytes back at output byte " + op, at);
    }

    private static IOException corrupt(String what, int at) {
        return new IOException("invalid SNAPPY data (" + what + ", at byte " + at + " of the compressed page)");
    }
}
