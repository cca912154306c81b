package io.blueshift.storage.csv;

import io.blueshift.memory.DataType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a CSV file is read or written. Defaults follow RFC 4180 and DuckDB: a header line,
 * {@code ,} between fields, {@code "} around fields that need it, a quote inside a quoted field
 * doubled ({@code ""}), and an empty unquoted field read as NULL (a quoted empty field
 * {@code ""} is the empty string).
 *
 * @param header      the first line (after {@code skipRows}) names the columns
 * @param delimiter   the byte between fields (ASCII)
 * @param quote       the byte around quoted fields (ASCII), or {@code '\0'} for none
 * @param escape      inside quotes, the byte that makes the next one literal; equal to
 *                    {@code quote} means doubling ({@code ""})
 * @param nullString  an unquoted field equal to this is NULL; written for NULL
 * @param sampleRows  rows read to infer column types (a later value that does not fit widens
 *                    the inferred type and the file is parsed again)
 * @param columnTypes types by column name (case-insensitive) that win over inference
 * @param columnNames names to use instead of the header's (required count: every column); with
 *                    {@code header = false} they replace {@code column0, column1, ...}
 * @param skipRows    lines skipped before the header (or the first row)
 */
public record CsvOptions(boolean header, char delimiter, char quote, char escape, String nullString,
                         int sampleRows, Map<String, DataType> columnTypes, List<String> columnNames,
                         int skipRows) {
    public static final int DEFAULT_SAMPLE_ROWS = 20_480;

    public CsvOptions {
        Objects.requireNonNull(nullString, "nullString is null");
        columnTypes = Map.copyOf(Objects.requireNonNull(columnTypes, "columnTypes is null"));
        columnNames = columnNames == null ? null : List.copyOf(columnNames);
        requireAscii(delimiter, "delimiter");
        if (quote != 0) {
            requireAscii(quote, "quote");
        }
        if (escape != 0) {
            requireAscii(escape, "escape");
        }
        if (delimiter == '\n' || delimiter == '\r' || (quote != 0 && delimiter == quote)) {
            throw new IllegalArgumentException("CSV delimiter " + show(delimiter) + " cannot be a line break or the quote");
        }
        if (quote == '\n' || quote == '\r') {
            throw new IllegalArgumentException("CSV quote cannot be a line break");
        }
        if (nullString.indexOf('\n') >= 0 || nullString.indexOf('\r') >= 0 || nullString.indexOf(delimiter) >= 0) {
            throw new IllegalArgumentException("CSV null string '" + nullString + "' cannot hold the delimiter or a line break");
        }
        if (sampleRows < 1) {
            throw new IllegalArgumentException("CSV sample rows must be at least 1, got " + sampleRows);
        }
        if (skipRows < 0) {
            throw new IllegalArgumentException("CSV skip rows must be >= 0, got " + skipRows);
        }
    }

    private static void requireAscii(char c, String what) {
        if (c == 0 || c > 127) {
            throw new IllegalArgumentException("CSV " + what + " must be one ASCII character, got " + show(c));
        }
    }

    private static String show(char c) {
        return c < ' ' ? String.format("\\x%02x", (int) c) : "'" + c + "'";
    }

    /** Header, {@code ,}, {@code "} doubled, empty unquoted field = NULL, 20,480 sample rows. */
    public static CsvOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder().header(header).delimiter(delimiter).quote(quote).escape(escape)
                .nullString(nullString).sampleRows(sampleRows).skipRows(skipRows).columnNames(columnNames);
        b.columnTypes.putAll(columnTypes);
        b.escapeSet = true;
        return b;
    }

    public CsvOptions withHeader(boolean h) { return toBuilder().header(h).build(); }

    public CsvOptions withDelimiter(char d) { return toBuilder().delimiter(d).build(); }

    public CsvOptions withNullString(String n) { return toBuilder().nullString(n).build(); }

    /** The type override for a column, or {@code null}. */
    public DataType typeOverride(String column) {
        for (Map.Entry<String, DataType> e : columnTypes.entrySet()) {
            if (e.getKey().equalsIgnoreCase(column)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** Mutable builder; {@code escape} follows {@code quote} unless set. */
    public static final class Builder {
        private boolean header = true;
        private char delimiter = ',';
        private char quote = '"';
        private char escape = '"';
        private boolean escapeSet;
        private String nullString = "";
        private int sampleRows = DEFAULT_SAMPLE_ROWS;
        private final Map<String, DataType> columnTypes = new LinkedHashMap<>();
        private List<String> columnNames;
        private int skipRows;

        private Builder() {}

        public Builder header(boolean v) { header = v; return this; }
        public Builder delimiter(char v) { delimiter = v; return this; }
        public Builder quote(char v) { quote = v; return this; }
        public Builder escape(char v) { escape = v; escapeSet = true; return this; }
        public Builder nullString(String v) { nullString = v; return this; }
        public Builder sampleRows(int v) { sampleRows = v; return this; }
        public Builder columnType(String column, DataType type) {
            columnTypes.put(Objects.requireNonNull(column, "column is null"), Objects.requireNonNull(type, "type is null"));
            return this;
        }
        public Builder columnTypes(Map<String, DataType> types) { columnTypes.putAll(types); return this; }
        public Builder columnNames(List<String> v) { columnNames = v; return this; }
        public Builder skipRows(int v) { skipRows = v; return this; }

        public CsvOptions build() {
            char esc = escapeSet ? escape : quote;
            return new CsvOptions(header, delimiter, quote, esc, nullString, sampleRows, columnTypes, columnNames, skipRows);
        }
    }
}
