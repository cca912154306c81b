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

    /** Exact count of bytes equal to the pattern's byte in a word. */
    private static int countEqual(long w, long pattern) {
        long x = w ^ pattern;
        return Long.bitCount(~(((x & 0x7F7F_7F7F_7F7F_7F7FL) + 0x7F7F_7F7F_7F7F_7F7FL) | x | 0x7F7F_7F7F_7F7F_7F7FL));
    }

    /** Quote bytes in {@code data[from, to)}: their parity says whether a piece ends inside quotes. */
    static long quotes(MemorySegment data, long from, long to, byte quote) {
        long qp = ONES * (quote & 0xFF);
        long n = 0;
        long pos = from;
        for (; pos + 8 <= to; pos += 8) {
            n += countEqual(data.get(WORD, pos), qp);
        }
        for (; pos < to; pos++) {
            if (data.get(ValueLayout.JAVA_BYTE, pos) == quote) {
                n++;
            }
        }
        return n;
    }

    /**
     * One piece of a parallel split, scanned from a known quote state with every quote byte
     * toggling it (exact for well-formed RFC 4180, where quotes open only at a field's start and
     * doubled quotes toggle twice; the parser checks that while it parses): {@code cut} is just
     * after the first line break that ends a row (-1 if none), with the rows and lines up to it
     * and in the whole piece.
     */
    record Piece(long cut, long rowsBefore, long linesBefore, long rows, long lines, boolean endsInQuote) {}

    static Piece scanPiece(MemorySegment data, long from, long to, byte quote, boolean inQuote) {
        long nl = ONES * '\n';
        long qp = ONES * (quote & 0xFF);
        boolean quotes = quote != 0;
        long cut = -1;
        long rowsBefore = 0;
        long linesBefore = 0;
        long rows = 0;
        long lines = 0;
        long pos = from;
        while (pos < to) {
            if (pos + 8 <= to) {
                long w = data.get(WORD, pos);
                if (!quotes || matches(w, qp) == 0) {
                    // no quote in the word: every line break in it is (or is not) a row end alike
                    int breaks = countEqual(w, nl);
                    if (breaks == 0) {
                        pos += 8;
                        continue;
                    }
                    if (inQuote || cut >= 0) {
                        lines += breaks;
                        if (!inQuote) {
                            rows += breaks;
                        }
                        pos += 8;
                        continue;
                    }
                }
            }
            byte b = data.get(ValueLayout.JAVA_BYTE, pos);
            if (quotes && b == quote) {
                inQuote = !inQuote;
            } else if (b == '\n') {
                lines++;
                if (!inQuote) {
                    rows++;
                    if (cut < 0) {
                        cut = pos + 1;
                        rowsBefore = rows;
                        linesBefore = lines;
                    }
                }
            }
            pos++;
        }
        return new Piece(cut, rowsBefore, linesBefore, rows, lines, inQuote);
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
