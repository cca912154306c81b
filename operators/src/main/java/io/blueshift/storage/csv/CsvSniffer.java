package io.blueshift.storage.csv;

import io.blueshift.memory.DataType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads what comes before the data (byte order mark, skipped lines, header) and infers each
 * column's type from a sample of rows, like DuckDB's sniffer: the first of BOOLEAN, BIGINT,
 * DOUBLE, DATE, TIMESTAMP that every non-NULL sample value parses as, else VARCHAR (and VARCHAR
 * for a column with no value in the sample). Integers become BIGINT and decimals DOUBLE, as in
 * DuckDB; a type override gives INTEGER or DECIMAL.
 */
final class CsvSniffer {
    /** Bytes of the file's head read for the header and the sample. */
    private static final int HEAD_BYTES = 8 << 20;

    static final int BOOLEAN = 1;
    static final int BIGINT = 2;
    static final int DOUBLE = 4;
    static final int DATE = 8;
    static final int TIMESTAMP = 16;
    static final int ALL = BOOLEAN | BIGINT | DOUBLE | DATE | TIMESTAMP;

    /** What the head of the file says: where data starts, on which line, the names and the types. */
    record Layout(long dataStart, long firstLine, List<String> names, List<DataType> types, List<Boolean> inferred,
                  double bytesPerRow) {}

    private CsvSniffer() {}

    static Layout sniff(Path file, MemorySegment data, CsvOptions options) {
        long size = data.byteSize();
        int headLength = (int) Math.min(size, HEAD_BYTES);
        byte[] head = new byte[headLength];
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 0, head, 0, headLength);
        boolean wholeFile = headLength == size;
        int pos = 0;
        if (headLength >= 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF) {
            pos = 3; // UTF-8 byte order mark
        }
        long line = 1;
        for (int s = 0; s < options.skipRows() && pos < headLength; s++) {
            while (pos < headLength && head[pos] != '\n') {
                pos++;
            }
            if (pos < headLength) {
                pos++;
            }
            line++;
        }
        RecordReader reader = new RecordReader(file, head, headLength, wholeFile, options);
        reader.pos = pos;
        reader.line = line;
        List<String> names = null;
        if (options.header()) {
            List<byte[]> fields = reader.next();
            if (fields != null) {
                names = new ArrayList<>(fields.size());
                for (byte[] f : fields) {
                    if (CsvValues.validUtf8(f, 0, f.length) != f.length) {
                        throw new CsvException(file, line, null, "invalid UTF-8 in the header");
                    }
                    names.add(new String(f, StandardCharsets.UTF_8).strip());
                }
            }
        }
        long dataStart = reader.pos;
        long firstLine = reader.line;
        List<List<byte[]>> sample = new ArrayList<>();
        List<Long> sampleLines = new ArrayList<>();
        int columns = names != null ? names.size() : -1;
        while (sample.size() < options.sampleRows()) {
            long rowLine = reader.line;
            List<byte[]> row = reader.next();
            if (row == null) {
                break;
            }
            if (row.size() == 1 && row.get(0).length == 0 && columns != 1 && !reader.lastQuoted.get(0)) {
                continue; // blank line
            }
            if (columns < 0) {
                columns = row.size();
            }
            if (row.size() != columns) {
                throw new CsvException(file, rowLine, null, "expected " + columns + " fields but found " + row.size()
                        + (names != null ? " (columns are " + names + ")" : ""));
            }
            List<byte[]> copy = new ArrayList<>(row.size());
            for (int i = 0; i < row.size(); i++) {
                // null values carry no bytes; the quoted flag only matters for nulls
                copy.add(isNull(row.get(i), reader.lastQuoted.get(i), options) ? null : row.get(i));
            }
            sample.add(copy);
            sampleLines.add(rowLine);
        }
        if (options.columnNames() != null) {
            if (columns >= 0 && options.columnNames().size() != columns) {
                throw new CsvException(file, 0, null, options.columnNames().size() + " column names given for "
                        + columns + " columns");
            }
            names = new ArrayList<>(options.columnNames());
            columns = names.size();
        }
        if (columns < 0) {
            throw new CsvException(file, 0, null, "the file is empty: no header and no rows (give column names to read it as an empty table)");
        }
        if (names == null) {
            names = new ArrayList<>(columns);
            int width = Integer.toString(Math.max(0, columns - 1)).length();
            for (int c = 0; c < columns; c++) {
                names.add("column" + String.format("%0" + width + "d", c));
            }
        }
        names = uniqueNames(names);
        Set<String> unknown = new HashSet<>();
        for (String k : options.columnTypes().keySet()) {
            unknown.add(k.toLowerCase(Locale.ROOT));
        }
        List<DataType> types = new ArrayList<>(columns);
        List<Boolean> inferred = new ArrayList<>(columns);
        CsvValues values = new CsvValues();
        for (int c = 0; c < columns; c++) {
            DataType override = options.typeOverride(names.get(c));
            unknown.remove(names.get(c).toLowerCase(Locale.ROOT));
            if (override != null) {
                types.add(override);
                inferred.add(false);
                continue;
            }
            int mask = ALL;
            boolean any = false;
            for (List<byte[]> row : sample) {
                byte[] f = row.get(c);
                if (f == null) {
                    continue;
                }
                int s = 0;
                int e = f.length;
                while (s < e && (f[s] == ' ' || f[s] == '\t')) {
                    s++;
                }
                while (e > s && (f[e - 1] == ' ' || f[e - 1] == '\t')) {
                    e--;
                }
                if (s == e) {
                    continue;
                }
                any = true;
                mask &= candidates(values, f, s, e);
                if (mask == 0) {
                    break;
                }
            }
            types.add(any ? typeOf(mask) : DataType.VARCHAR);
            inferred.add(true);
        }
        if (!unknown.isEmpty()) {
            throw new CsvException(file, 0, null, "type given for unknown column(s) " + unknown + "; columns are " + names);
        }
        double bytesPerRow = sample.isEmpty() ? 100 : (double) (reader.pos - dataStart) / sample.size();
        return new Layout(dataStart, firstLine, List.copyOf(names), List.copyOf(types), List.copyOf(inferred), bytesPerRow);
    }

    private static boolean isNull(byte[] f, boolean quoted, CsvOptions options) {
        return !quoted && new String(f, StandardCharsets.UTF_8).equals(options.nullString());
    }

    /** The types {@code f[s, e)} parses as, as a mask. */
    static int candidates(CsvValues values, byte[] f, int s, int e) {
        int mask = 0;
        // as DuckDB: "+7" and "00012" (codes, not quantities) stay text
        int digitsFrom = f[s] == '-' ? s + 1 : s;
        if (f[s] == '+' || (e - digitsFrom > 1 && f[digitsFrom] == '0' && f[digitsFrom + 1] >= '0' && f[digitsFrom + 1] <= '9')) {
            return values.parseDate(f, s, e) ? DATE | TIMESTAMP : 0;
        }
        if (CsvValues.isBooleanWord(f, s, e)) {
            mask |= BOOLEAN;
        }
        if (values.parseLong(f, s, e)) {
            mask |= BIGINT;
        }
        if (values.parseDouble(f, s, e)) {
            mask |= DOUBLE;
        }
        if (values.parseDate(f, s, e)) {
            mask |= DATE;
        }
        if (values.parseTimestamp(f, s, e)) {
            mask |= TIMESTAMP;
        }
        return mask;
    }

    static DataType typeOf(int mask) {
        if ((mask & BOOLEAN) != 0) {
            return DataType.BOOLEAN;
        }
        if ((mask & BIGINT) != 0) {
            return DataType.INT64;
        }
        if ((mask & DOUBLE) != 0) {
            return DataType.FLOAT64;
        }
        if ((mask & DATE) != 0) {
            return DataType.DATE;
        }
        if ((mask & TIMESTAMP) != 0) {
            return DataType.TIMESTAMP;
        }
        return DataType.VARCHAR;
    }

    /** The narrowest type holding both every value of {@code current} and {@code text}. */
    static DataType widen(DataType current, String text) {
        byte[] f = text.getBytes(StandardCharsets.UTF_8);
        int mask = candidates(new CsvValues(), f, 0, f.length);
        return switch (current) {
            case DataType.Int64Type t -> (mask & DOUBLE) != 0 ? DataType.FLOAT64 : DataType.VARCHAR;
            case DataType.DateType t -> (mask & TIMESTAMP) != 0 ? DataType.TIMESTAMP : DataType.VARCHAR;
            default -> DataType.VARCHAR;
        };
    }

    /** Empty names become {@code columnN}; repeated ones get {@code _1}, {@code _2}, ... */
    private static List<String> uniqueNames(List<String> names) {
        List<String> out = new ArrayList<>(names.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i).isEmpty() ? "column" + i : names.get(i);
            String candidate = n;
            for (int k = 1; !seen.add(candidate.toLowerCase(Locale.ROOT)); k++) {
                candidate = n + "_" + k;
            }
            out.add(candidate);
        }
        return out;
    }

    /** Reads whole records from the head of the file, following quotes; for the header and the sample only. */
    static final class RecordReader {
        private final Path file;
        private final byte[] buf;
        private final int n;
        private final boolean wholeFile;
        private final byte delim;
        private final byte quote;
        private final byte escape;
        int pos;
        long line;
        final List<Boolean> lastQuoted = new ArrayList<>();

        RecordReader(Path file, byte[] buf, int n, boolean wholeFile, CsvOptions options) {
            this.file = file;
            this.buf = buf;
            this.n = n;
            this.wholeFile = wholeFile;
            this.delim = (byte) options.delimiter();
            this.quote = (byte) options.quote();
            this.escape = (byte) options.escape();
        }

        /** The next record's fields, or {@code null} at the end of the head (or a record cut by it). */
        List<byte[]> next() {
            if (pos >= n) {
                return null;
            }
            int p = pos;
            long l = line;
            List<byte[]> fields = new ArrayList<>();
            lastQuoted.clear();
            java.io.ByteArrayOutputStream field = new java.io.ByteArrayOutputStream();
            while (true) {
                field.reset();
                boolean quoted = false;
                if (quote != 0 && p < n && buf[p] == quote) {
                    quoted = true;
                    p++;
                    boolean closed = false;
                    while (p < n) {
                        byte x = buf[p];
                        if (x == quote) {
                            if (escape == quote && p + 1 < n && buf[p + 1] == quote) {
                                field.write(quote);
                                p += 2;
                                continue;
                            }
                            p++;
                            closed = true;
                            break;
                        }
                        if (escape != quote && escape != 0 && x == escape && p + 1 < n) {
                            field.write(buf[p + 1]);
                            l += buf[p + 1] == '\n' ? 1 : 0;
                            p += 2;
                            continue;
                        }
                        if (x == '\n') {
                            l++;
                        }
                        field.write(x);
                        p++;
                    }
                    if (!closed) {
                        if (!wholeFile) {
                            return null; // the record goes on past the head
                        }
                        throw new CsvException(file, line, null, "unterminated quoted field: the quote opened on line "
                                + line + " is not closed before the end of the file");
                    }
                    while (p < n && (buf[p] == ' ' || buf[p] == '\t') && buf[p] != delim) {
                        p++;
                    }
                    if (p < n && buf[p] == '\r') {
                        p++;
                    }
                    if (p < n && buf[p] != delim && buf[p] != '\n') {
                        throw new CsvException(file, l, null, "unexpected " + CsvBlockParser.show(buf[p])
                                + " after the closing quote of a field (a quote inside a quoted field must be doubled)");
                    }
                } else {
                    int s = p;
                    while (p < n && buf[p] != delim && buf[p] != '\n') {
                        p++;
                    }
                    int e = p;
                    if (e > s && buf[e - 1] == '\r' && (p == n || buf[p] == '\n')) {
                        e--;
                    }
                    field.write(buf, s, e - s);
                }
                fields.add(field.toByteArray());
                lastQuoted.add(quoted);
                if (p < n && buf[p] == delim) {
                    p++;
                    continue;
                }
                if (p >= n && !wholeFile) {
                    return null; // cut by the end of the head
                }
                if (p < n) {
                    p++; // '\n'
                }
                l++;
                break;
            }
            pos = p;
            line = l;
            return fields;
        }
    }
}
