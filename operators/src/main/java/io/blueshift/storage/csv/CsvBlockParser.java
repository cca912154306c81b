package io.blueshift.storage.csv;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.StringViews;
import io.blueshift.storage.TableBlock;
import io.blueshift.storage.ZoneMap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses one span of rows (a future table block) in two passes over a heap copy of its bytes:
 * the tokenizer finds every field (column-major offsets and lengths, quotes removed in place),
 * then each column is converted in one loop of one type straight into a {@link ColumnVector}.
 * Reused by one thread for many spans.
 */
final class CsvBlockParser {
    private static final int QUOTED = 1 << 30;
    private static final int LENGTH = QUOTED - 1;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** A value that is not of its column's type; the reader widens an inferred type or reports it. */
    static final class Mismatch extends RuntimeException {
        final int column;
        final long line;
        final String text;

        Mismatch(int column, long line, String text) {
            super(null, null, false, false);
            this.column = column;
            this.line = line;
            this.text = text;
        }
    }

    /**
     * A quote where a well-formed file has none (inside an unquoted field, text after a closing
     * quote, a quote left open): spans from the parallel split may then be wrong, so the reader
     * splits again exactly and parses without this check (reporting real errors with their line).
     */
    static final class QuoteLayout extends RuntimeException {
        QuoteLayout() {
            super(null, null, false, false);
        }
    }

    private final boolean strict;
    private final Path file;
    private final byte delimiter;
    private final byte quote;
    private final byte escape;
    private final byte[] nullBytes;
    private final CsvValues values = new CsvValues();
    private byte[] buf = new byte[0];
    private int[] starts = new int[0];
    private int[] lengths = new int[0];
    private int[] rowLines = new int[0];
    private int capacity;

    CsvBlockParser(Path file, CsvOptions options, boolean strict) {
        this.strict = strict;
        this.file = file;
        this.delimiter = (byte) options.delimiter();
        this.quote = (byte) options.quote();
        this.escape = (byte) options.escape();
        this.nullBytes = options.nullString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses {@code source[start, end)}, at most {@code maxRows} rows starting on line
     * {@code firstLine}, into a block of {@code types}; {@code null} when the span holds only
     * blank lines.
     */
    TableBlock parse(MemorySegment source, long start, long end, long firstLine, int maxRows,
                     List<String> names, List<DataType> types, MemoryPool pool, String owner) {
        int n = Math.toIntExact(end - start);
        if (buf.length < n) {
            buf = new byte[Math.max(n, buf.length + (buf.length >> 1))];
        }
        MemorySegment.copy(source, ValueLayout.JAVA_BYTE, start, buf, 0, n);
        int columns = types.size();
        ensureFields(maxRows, columns);
        int rows = tokenize(n, columns, maxRows, firstLine, names);
        if (rows == 0) {
            return null;
        }
        boolean ascii = isAscii(buf, n);
        List<ColumnVector> vectors = new ArrayList<>(columns);
        try {
            List<ZoneMap> maps = new ArrayList<>(columns);
            for (int c = 0; c < columns; c++) {
                ColumnVector v = ColumnVector.allocate(pool, types.get(c), rows, false, owner + "." + names.get(c));
                vectors.add(v);
                convert(c, types.get(c), v, rows, firstLine, ascii, names.get(c));
                maps.add(ZoneMap.compute(v, rows));
            }
            return new TableBlock(vectors, maps, rows);
        } catch (RuntimeException | Error e) {
            vectors.forEach(ColumnVector::close);
            throw e;
        }
    }

    private void ensureFields(int rows, int columns) {
        long need = (long) rows * columns;
        if (need > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("block of " + rows + " rows x " + columns + " columns is too large");
        }
        if (starts.length < need) {
            starts = new int[(int) need];
            lengths = new int[(int) need];
        }
        if (rowLines.length < rows) {
            rowLines = new int[rows];
        }
        capacity = rows;
    }

    // ---- pass 1: fields ----

    private int tokenize(int n, int columns, int maxRows, long firstLine, List<String> names) {
        final byte[] b = buf;
        final byte delim = delimiter;
        final byte q = quote;
        int p = 0;
        int row = 0;
        int line = 0; // lines passed since firstLine
        while (p < n) {
            // a blank line is no row (except in a one-column file, where it is an empty value)
            if (columns > 1 && (b[p] == '\n' || (b[p] == '\r' && (p + 1 == n || b[p + 1] == '\n')))) {
                p += b[p] == '\r' && p + 1 < n ? 2 : 1;
                line++;
                continue;
            }
            if (row == maxRows) {
                throw new CsvException(file, firstLine + line, null, "internal error: more rows than the row scan counted");
            }
            rowLines[row] = line;
            for (int c = 0; c < columns; c++) {
                int k = c * capacity + row;
                int term;
                if (q != 0 && p < n && b[p] == q) {
                    int fieldStart = p + 1;
                    int w = fieldStart;
                    int r = fieldStart;
                    boolean closed = false;
                    while (r < n) {
                        byte x = b[r];
                        if (x == q) {
                            if (escape == q && r + 1 < n && b[r + 1] == q) {
                                b[w++] = q;
                                r += 2;
                                continue;
                            }
                            r++;
                            closed = true;
                            break;
                        }
                        if (x == escape && escape != q && escape != 0 && r + 1 < n) {
                            if (b[r + 1] == '\n') {
                                line++;
                            }
                            b[w++] = b[r + 1];
                            r += 2;
                            continue;
                        }
                        if (x == '\n') {
                            line++;
                        }
                        b[w++] = x;
                        r++;
                    }
                    if (!closed) {
                        if (strict) {
                            throw new QuoteLayout();
                        }
                        throw new CsvException(file, firstLine + rowLines[row], names.get(c),
                                "unterminated quoted field (no closing " + show(q) + " before the end of the file)");
                    }
                    while (r < n && (b[r] == ' ' || b[r] == '\t') && b[r] != delim) {
                        r++;
                    }
                    if (r < n && b[r] == '\r' && (r + 1 == n || b[r + 1] == '\n')) {
                        r++;
                    }
                    if (r < n && b[r] != delim && b[r] != '\n') {
                        if (strict) {
                            throw new QuoteLayout();
                        }
                        throw new CsvException(file, firstLine + line, names.get(c), "unexpected "
                                + show(b[r]) + " after the closing quote of a field (a quote inside a quoted field must be doubled)");
                    }
                    starts[k] = fieldStart;
                    lengths[k] = (w - fieldStart) | QUOTED;
                    p = r;
                } else {
                    int r = p;
                    while (r < n) {
                        byte x = b[r];
                        if (x == delim || x == '\n') {
                            break;
                        }
                        if (x == q && q != 0 && strict) {
                            throw new QuoteLayout(); // a literal quote inside an unquoted field
                        }
                        r++;
                    }
                    int len = r - p;
                    if ((r == n || b[r] == '\n') && len > 0 && b[r - 1] == '\r') {
                        len--;
                    }
                    starts[k] = p;
                    lengths[k] = len;
                    p = r;
                }
                term = p < n ? b[p] : '\n';
                if (term == delim) {
                    if (c == columns - 1) {
                        throw ragged(firstLine + line, columns, columns + 1 + countFields(p + 1, n), names);
                    }
                    p++;
                } else {
                    if (c < columns - 1) {
                        throw ragged(firstLine + line, columns, c + 1, names);
                    }
                    p++; // past '\n' (or the end)
                    line++;
                }
            }
            row++;
        }
        return row;
    }

    /** Rough count of the remaining delimiters on a line, for the ragged-row message. */
    private int countFields(int p, int n) {
        int count = 0;
        boolean inQuote = false;
        for (int i = p; i < n && (inQuote || buf[i] != '\n'); i++) {
            if (quote != 0 && buf[i] == quote) {
                inQuote = !inQuote;
            } else if (!inQuote && buf[i] == delimiter) {
                count++;
            }
        }
        return count;
    }

    private CsvException ragged(long line, int expected, int found, List<String> names) {
        return new CsvException(file, line, null, "expected " + expected + " fields but found " + found
                + " (columns are " + names + ")");
    }

    static String show(byte b) {
        return b >= ' ' && b < 127 ? "'" + (char) b + "'" : String.format("byte 0x%02x", b & 0xFF);
    }

    // ---- pass 2: values ----

    private boolean isNull(int start, int len, boolean quoted) {
        if (quoted || len != nullBytes.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (buf[start + i] != nullBytes[i]) {
                return false;
            }
        }
        return true;
    }

    private void convert(int c, DataType type, ColumnVector v, int rows, long firstLine, boolean ascii, String name) {
        int base = c * capacity;
        if (type instanceof DataType.VarcharType) {
            convertStrings(c, v, rows, firstLine, ascii, name);
            return;
        }
        final byte[] b = buf;
        final CsvValues cv = values;
        for (int r = 0; r < rows; r++) {
            int s = starts[base + r];
            int raw = lengths[base + r];
            int len = raw & LENGTH;
            if (isNull(s, len, (raw & QUOTED) != 0)) {
                v.setNull(r);
                continue;
            }
            int e = s + len;
            while (s < e && (b[s] == ' ' || b[s] == '\t')) {
                s++;
            }
            while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
                e--;
            }
            if (s == e) {
                v.setNull(r);
                continue;
            }
            boolean ok;
            switch (type) {
                case DataType.Int64Type t -> {
                    ok = cv.parseLong(b, s, e);
                    if (ok) {
                        v.setLong(r, cv.longValue);
                    }
                }
                case DataType.Int32Type t -> {
                    ok = cv.parseInt(b, s, e);
                    if (ok) {
                        v.setInt(r, (int) cv.longValue);
                    }
                }
                case DataType.Float64Type t -> {
                    ok = cv.parseDouble(b, s, e);
                    if (ok) {
                        v.setDouble(r, cv.doubleValue);
                    }
                }
                case DataType.DecimalType t -> {
                    ok = cv.parseDecimal(b, s, e, t.precision(), t.scale());
                    if (ok) {
                        v.setLong(r, cv.longValue);
                    }
                }
                case DataType.DateType t -> {
                    ok = cv.parseDate(b, s, e) && cv.longValue == (int) cv.longValue;
                    if (ok) {
                        v.setInt(r, (int) cv.longValue);
                    }
                }
                case DataType.TimestampType t -> {
                    ok = cv.parseTimestamp(b, s, e);
                    if (ok) {
                        v.setLong(r, cv.longValue);
                    }
                }
                case DataType.BooleanType t -> {
                    ok = cv.parseBoolean(b, s, e);
                    if (ok) {
                        v.setBoolean(r, cv.longValue != 0);
                    }
                }
                case DataType.VarcharType t -> throw new AssertionError();
            }
            if (!ok) {
                throw new Mismatch(c, firstLine + rowLines[r], new String(b, s, e - s, StandardCharsets.UTF_8));
            }
        }
    }

    private void convertStrings(int c, ColumnVector v, int rows, long firstLine, boolean ascii, String name) {
        int base = c * capacity;
        final byte[] b = buf;
        long outOfLine = 0;
        for (int r = 0; r < rows; r++) {
            int raw = lengths[base + r];
            int len = raw & LENGTH;
            if (len > StringViews.INLINE_MAX && !isNull(starts[base + r], len, (raw & QUOTED) != 0)) {
                outOfLine += len;
            }
        }
        MemorySegment data = null;
        if (outOfLine > 0) {
            // one buffer of exactly the block's long strings: the vector's first (index 0)
            v.reserveStringBytes(outOfLine);
            data = v.varBuffers().get(v.varBuffers().size() - 1);
        }
        int bufferIndex = v.varBuffers().size() - 1;
        MemorySegment views = v.data();
        int fill = 0;
        for (int r = 0; r < rows; r++) {
            int s = starts[base + r];
            int raw = lengths[base + r];
            int len = raw & LENGTH;
            if (isNull(s, len, (raw & QUOTED) != 0)) {
                v.setNull(r);
                continue;
            }
            if (!ascii && CsvValues.validUtf8(b, s, s + len) != s + len) {
                int bad = CsvValues.validUtf8(b, s, s + len);
                throw new CsvException(file, firstLine + rowLines[r], name, "invalid UTF-8 (byte 0x"
                        + String.format("%02x", b[bad] & 0xFF) + " at position " + (bad - s) + " of the value)");
            }
            if (len <= StringViews.INLINE_MAX) {
                StringViews.writeInline(views, r, b, s, len);
            } else {
                MemorySegment.copy(b, s, data, ValueLayout.JAVA_BYTE, fill, len);
                StringViews.writeReference(views, r, b, s, len, bufferIndex, fill);
                fill += len;
            }
        }
    }

    private static boolean isAscii(byte[] b, int n) {
        long acc = 0;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            acc |= (long) LONGS.get(b, i);
        }
        for (; i < n; i++) {
            acc |= b[i];
        }
        return (acc & 0x8080_8080_8080_8080L) == 0;
    }
}
