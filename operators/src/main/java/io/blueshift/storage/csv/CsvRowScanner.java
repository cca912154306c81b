package io.blueshift.storage.csv;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits the data part of a file into spans of whole rows, one per future table block, in one
 * sequential pass that follows quotes exactly (a line break inside a quoted field does not end
 * a row), so spans can then be parsed in parallel. Eight bytes are tested at a time for a line
 * break or a quote; only those bytes are looked at one by one.
 */
final class CsvRowScanner {
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGHS = 0x8080_8080_8080_8080L;

    /** Rows {@code [start, end)} of the file, starting on line {@code firstLine}, at most {@code rows} of them. */
    record Span(long start, long end, long firstLine, int rows) {}

    private CsvRowScanner() {}

    /** Lowest set high bit marks the first byte of {@code w} equal to {@code b}'s pattern (exact for the first match). */
    private static long matches(long w, long pattern) {
        long x = w ^ pattern;
        return (x - ONES) & ~x & HIGHS;
    }

    static List<Span> split(Path file, MemorySegment data, long from, long firstLine, CsvOptions options,
                            int blockRows, long maxBlockBytes) {
        long size = data.byteSize();
        byte q = (byte) options.quote();
        byte esc = (byte) options.escape();
        byte delim = (byte) options.delimiter();
        long nl = ONES * '\n';
        long qp = ONES * (q & 0xFF);
        long ep = ONES * (esc & 0xFF);
        boolean quotes = q != 0;
        boolean separateEscape = esc != 0 && esc != q;
        List<Span> spans = new ArrayList<>();
        long blockStart = from;
        long blockLine = firstLine;
        long line = firstLine;
        int rows = 0;
        long pos = from;
        while (pos < size) {
            if (pos + 8 <= size) {
                long w = data.get(WORD, pos);
                long m = matches(w, nl) | (quotes ? matches(w, qp) : 0);
                if (m == 0) {
                    pos += 8;
                    continue;
                }
                pos += Long.numberOfTrailingZeros(m) >>> 3;
            }
            byte b = data.get(ValueLayout.JAVA_BYTE, pos);
            if (b == '\n') {
                pos++;
                line++;
                rows++;
                if (rows == blockRows || pos - blockStart >= maxBlockBytes) {
                    spans.add(new Span(blockStart, pos, blockLine, rows));
                    blockStart = pos;
                    blockLine = line;
                    rows = 0;
                }
                continue;
            }
            if (quotes && b == q && startsField(data, pos, from, delim)) {
                long openedOn = line;
                pos++;
                boolean closed = false;
                while (pos < size) {
                    if (pos + 8 <= size) {
                        long w = data.get(WORD, pos);
                        long m = matches(w, nl) | matches(w, qp) | (separateEscape ? matches(w, ep) : 0);
                        if (m == 0) {
                            pos += 8;
                            continue;
                        }
                        pos += Long.numberOfTrailingZeros(m) >>> 3;
                    }
                    byte x = data.get(ValueLayout.JAVA_BYTE, pos);
                    if (x == '\n') {
                        line++;
                        pos++;
                    } else if (separateEscape && x == esc) {
                        if (pos + 1 < size && data.get(ValueLayout.JAVA_BYTE, pos + 1) == '\n') {
                            line++;
                        }
                        pos += 2;
                    } else if (x == q) {
                        if (esc == q && pos + 1 < size && data.get(ValueLayout.JAVA_BYTE, pos + 1) == q) {
                            pos += 2;
                        } else {
                            pos++;
                            closed = true;
                            break;
                        }
                    } else {
                        pos++;
                    }
                }
                if (!closed) {
                    throw new CsvException(file, openedOn, null, "unterminated quoted field: the quote opened on line "
                            + openedOn + " is not closed before the end of the file");
                }
                continue;
            }
            pos++;
        }
        if (pos > size) {
            pos = size;
        }
        if (blockStart < size) {
            spans.add(new Span(blockStart, size, blockLine, rows + (data.get(ValueLayout.JAVA_BYTE, size - 1) == '\n' ? 0 : 1)));
        }
        return spans;
    }

    /** A quote opens a quoted field only at the start of a field. */
    private static boolean startsField(MemorySegment data, long pos, long from, byte delim) {
        if (pos == from) {
            return true;
        }
        byte prev = data.get(ValueLayout.JAVA_BYTE, pos - 1);
        return prev == delim || prev == '\n';
    }
}
