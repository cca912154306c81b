package io.blueshift.sql;

import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.storage.Table;
import io.blueshift.storage.parquet.ParquetColumn;
import io.blueshift.storage.parquet.ParquetFile;
import io.blueshift.storage.parquet.ParquetTable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/** The file formats SQL can read and write: telling them apart, expanding globs, opening files. */
public final class FileFormats {
    public enum Format {
        PARQUET, CSV, ARROW;

        public String lower() { return name().toLowerCase(Locale.ROOT); }
    }

    private FileFormats() {}

    /** The format named in SQL ("parquet", "csv", "arrow"/"ipc"/"feather"), or null if unknown. */
    public static Format named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "parquet" -> Format.PARQUET;
            case "csv", "tsv" -> Format.CSV;
            case "arrow", "ipc", "feather", "arrows" -> Format.ARROW;
            default -> null;
        };
    }

    /** The format a file name's extension says, or null. */
    public static Format ofExtension(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        if (p.endsWith(".parquet") || p.endsWith(".parq")) return Format.PARQUET;
        if (p.endsWith(".csv") || p.endsWith(".tsv") || p.endsWith(".tbl")) return Format.CSV;
        if (p.endsWith(".arrow") || p.endsWith(".ipc") || p.endsWith(".feather") || p.endsWith(".arrows")) return Format.ARROW;
        return null;
    }

    static boolean isGlob(String path) {
        return path.indexOf('*') >= 0 || path.indexOf('?') >= 0 || path.indexOf('[') >= 0 || path.indexOf('{') >= 0;
    }

    /**
     * The files a path or glob names, sorted; {@code where} (e.g. "line 1, column 15") goes into
     * the error when none exists.
     */
    static List<Path> expand(String pattern, String where) {
        String at = where.isEmpty() ? "" : "error at " + where + ": ";
        if (pattern.isEmpty()) {
            throw new SqlException(at + "empty file path");
        }
        if (!isGlob(pattern)) {
            Path p = Path.of(pattern);
            if (!Files.exists(p)) {
                throw new SqlException(at + "file not found: " + pattern);
            }
            if (Files.isDirectory(p)) {
                throw new SqlException(at + pattern + " is a directory; name its files with a glob, e.g. '" + p.resolve("*.parquet") + "'");
            }
            if (!Files.isReadable(p)) {
                throw new SqlException(at + "cannot read file " + pattern + " (permission denied)");
            }
            return List.of(p);
        }
        // the directory part before the first glob character is walked; the rest is matched
        String normalized = pattern.replace('\\', '/');
        int firstGlob = firstGlobChar(normalized);
        int slash = normalized.lastIndexOf('/', firstGlob);
        Path base = slash < 0 ? Path.of("") : Path.of(slash == 0 ? "/" : normalized.substring(0, slash));
        Path walkFrom = slash < 0 ? Path.of(".") : base;
        boolean deep = normalized.contains("**");
        int depth = deep ? Integer.MAX_VALUE : (int) normalized.substring(slash + 1).chars().filter(ch -> ch == '/').count() + 1;
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + normalized);
        List<Path> out = new ArrayList<>();
        if (Files.isDirectory(walkFrom)) {
            try (Stream<Path> walk = Files.walk(walkFrom, depth)) {
                walk.filter(Files::isRegularFile).forEach(p -> {
                    Path candidate = slash < 0 ? walkFrom.relativize(p) : p;
                    if (matcher.matches(candidate)) {
                        out.add(candidate);
                    }
                });
            } catch (IOException | UncheckedIOException e) {
                throw new SqlException(at + "cannot list " + walkFrom + ": " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new SqlException(at + "no file matches " + pattern);
        }
        out.sort(null);
        return out;
    }

    private static int firstGlobChar(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{') {
                return i;
            }
        }
        return s.length();
    }

    /** Schema and row count of one file, from its metadata where the format has it. */
    record Described(Schema schema, long rows) {}

    static Described describe(Format format, Path file, Map<String, String> options, MemoryPool pool) {
        return switch (format) {
            case PARQUET -> {
                ParquetFile f = ParquetFile.open(file);
                List<Field> fields = new ArrayList<>();
                for (String name : f.fieldNames()) {
                    try {
                        ParquetColumn c = f.columns(List.of(name)).getFirst();
                        fields.add(c.field());
                    } catch (RuntimeException nestedOrUnsupported) {
                        // nested and unsupported columns are left out; naming one says why
                    }
                }
                if (fields.isEmpty()) {
                    f.columns(); // throws the first column's reason
                }
                yield new Described(new Schema(fields), f.rowCount());
            }
            case CSV -> {
                try (io.blueshift.storage.csv.CsvTable t = io.blueshift.storage.csv.CsvTable.open(file.toString(), file, pool, csvOptions(options))) {
                    yield new Described(t.schema(), t.rowCount());
                }
            }
            case ARROW -> {
                refuseOthers(new java.util.HashMap<>(options), "arrow", "none");
                try (io.blueshift.storage.arrow.ArrowIpcTable t = io.blueshift.storage.arrow.ArrowIpcTable.open(file.toString(), file, pool)) {
                    yield new Described(t.schema(), t.rowCount());
                }
            }
        };
    }

    /** Opens {@code columns} of one file as a table whose blocks the caller frees by closing it. */
    static Table open(Format format, String name, Path file, MemoryPool pool, List<String> columns, Map<String, String> options) {
        return switch (format) {
            case PARQUET -> ParquetTable.openLazy(name, file, pool, columns);
            case CSV -> new Projected(io.blueshift.storage.csv.CsvTable.open(name, file, pool, csvOptions(options)), columns);
            case ARROW -> new Projected(io.blueshift.storage.arrow.ArrowIpcTable.open(name, file, pool), columns);
        };
    }

    /**
     * A writer of {@code format} to {@code file}; {@code options} are COPY's (lower-case names:
     * compression, header, delimiter, ...). Unknown options are refused.
     */
    public static io.blueshift.storage.TableWriter writer(Format format, Path file, Schema schema, Map<String, String> options) {
        Map<String, String> left = new java.util.LinkedHashMap<>(options);
        io.blueshift.storage.TableWriter w = switch (format) {
            case PARQUET -> {
                var o = io.blueshift.storage.parquet.ParquetWriteOptions.defaults();
                String codec = first(left, "compression", "codec");
                if (codec != null) {
                    o = o.withCodec(io.blueshift.storage.parquet.ParquetWriteOptions.Codec.parse(codec));
                }
                String groups = first(left, "row_group_size", "row_group_rows");
                if (groups != null) {
                    o = o.withRowGroupRows(positive(groups, "ROW_GROUP_SIZE"));
                }
                String dictionary = first(left, "dictionary");
                if (dictionary != null) {
                    o = o.withDictionary(bool(dictionary, "DICTIONARY"));
                }
                refuseOthers(left, "parquet", "COMPRESSION, ROW_GROUP_SIZE, DICTIONARY");
                yield io.blueshift.storage.parquet.ParquetWriter.create(file, schema, o);
            }
            case CSV -> {
                var b = io.blueshift.storage.csv.CsvOptions.builder();
                String header = first(left, "header");
                b.header(header == null || bool(header, "HEADER"));
                String delim = first(left, "delimiter", "delim", "sep");
                if (delim != null) {
                    b.delimiter(oneChar(delim, "DELIMITER"));
                }
                String quote = first(left, "quote");
                if (quote != null) {
                    b.quote(oneChar(quote, "QUOTE"));
                }
                String nul = first(left, "null", "nullstr");
                if (nul != null) {
                    b.nullString(nul);
                }
                refuseOthers(left, "csv", "HEADER, DELIMITER, QUOTE, NULL");
                try {
                    yield io.blueshift.storage.csv.CsvWriter.create(file, schema, b.build());
                } catch (IllegalArgumentException e) {
                    throw new SqlException(e.getMessage());
                }
            }
            case ARROW -> {
                String stream = first(left, "stream");
                refuseOthers(left, "arrow", "STREAM");
                boolean streamFormat = stream != null ? bool(stream, "STREAM") : file.toString().toLowerCase(Locale.ROOT).endsWith(".arrows");
                yield io.blueshift.storage.arrow.ArrowIpcWriter.create(file, schema, streamFormat);
            }
        };
        return w;
    }

    private static String first(Map<String, String> options, String... names) {
        String v = null;
        for (String n : names) {
            String x = options.remove(n);
            if (x != null) {
                v = x;
            }
        }
        return v;
    }

    private static void refuseOthers(Map<String, String> left, String format, String known) {
        if (!left.isEmpty()) {
            throw new SqlException("unknown COPY option" + (left.size() > 1 ? "s " : " ") + String.join(", ", left.keySet()).toUpperCase(Locale.ROOT)
                    + " for FORMAT " + format + " (options are " + known + ")");
        }
    }

    private static int positive(String v, String name) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new SqlException(name + " must be a positive integer, got " + v);
    }

    static boolean bool(String v, String name) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "on", "yes" -> true;
            case "false", "0", "off", "no" -> false;
            default -> throw new SqlException(name + " must be true or false, got " + v);
        };
    }

    /** Some columns of a table read whole (CSV), by name; closing closes the table. */
    private static final class Projected implements Table, AutoCloseable {
        private final Table table;
        private final int[] map;
        private final Schema schema;

        Projected(Table table, List<String> columns) {
            this.table = table;
            this.map = new int[columns.size()];
            List<Field> fields = new ArrayList<>();
            for (int i = 0; i < map.length; i++) {
                int c = -1;
                for (int k = 0; k < table.schema().size() && c < 0; k++) {
                    if (table.schema().field(k).name().equalsIgnoreCase(columns.get(i))) {
                        c = k;
                    }
                }
                if (c < 0) {
                    close();
                    throw new SqlException("file " + table.name() + " has no column " + columns.get(i) + " (it has " + table.schema().names() + ")");
                }
                map[i] = c;
                fields.add(table.schema().field(c));
            }
            this.schema = new Schema(fields);
        }

        @Override public String name() { return table.name(); }
        @Override public Schema schema() { return schema; }
        @Override public int blockCount() { return table.blockCount(); }
        @Override public int blockRowCount(int block) { return table.blockRowCount(block); }
        @Override public io.blueshift.storage.ZoneMap zoneMap(int block, int column) { return table.zoneMap(block, map[column]); }

        @Override
        public List<io.blueshift.storage.TableBlock> blocks() {
            List<io.blueshift.storage.TableBlock> out = new ArrayList<>();
            for (io.blueshift.storage.TableBlock b : table.blocks()) {
                List<io.blueshift.memory.ColumnVector> cols = new ArrayList<>();
                List<io.blueshift.storage.ZoneMap> zones = new ArrayList<>();
                for (int c : map) {
                    cols.add(b.column(c));
                    zones.add(b.zoneMap(c));
                }
                out.add(new io.blueshift.storage.TableBlock(cols, zones, b.rowCount()));
            }
            return out;
        }

        @Override
        public io.blueshift.storage.LoadedBlock load(int block, int[] columns, MemoryPool pool) {
            int[] mapped = new int[columns.length];
            for (int i = 0; i < columns.length; i++) {
                mapped[i] = map[columns[i]];
            }
            return table.load(block, mapped, pool);
        }

        @Override
        public void close() {
            if (table instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing " + table.name() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * read_csv's named arguments as DuckDB spells them: header, delim (sep, delimiter), quote,
     * escape, nullstr (null), sample_size, skip, types ({'name': 'TYPE', ...}).
     */
    static io.blueshift.storage.csv.CsvOptions csvOptions(Map<String, String> options) {
        var b = io.blueshift.storage.csv.CsvOptions.builder();
        for (var e : options.entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case "header" -> b.header(bool(v, "header"));
                case "delim", "sep", "delimiter" -> b.delimiter(oneChar(v, e.getKey()));
                case "quote" -> b.quote(v.isEmpty() ? '\0' : oneChar(v, "quote"));
                case "escape" -> b.escape(oneChar(v, "escape"));
                case "nullstr", "null", "null_string" -> b.nullString(v);
                case "sample_size" -> b.sampleRows(positive(v, "sample_size"));
                case "skip" -> b.skipRows(positive(String.valueOf(Integer.parseInt(v.trim()) + 1), "skip") - 1);
                case "types", "columns", "column_types", "dtypes" -> {
                    for (var t : FileReferences.struct(v).entrySet()) {
                        b.columnType(t.getKey(), sqlType(t.getValue()));
                    }
                }
                case "auto_detect" -> {
                    // detection is always on; types => overrides it per column
                }
                default -> throw new SqlException("unknown read_csv argument " + e.getKey()
                        + " (arguments are header, delim, quote, escape, nullstr, sample_size, skip, types)");
            }
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new SqlException(e.getMessage());
        }
    }

    private static char oneChar(String v, String name) {
        String x = v.equals("\\t") ? "\t" : v;
        if (x.length() != 1) {
            throw new SqlException(name + " must be one character, got '" + v + "'");
        }
        return x.charAt(0);
    }

    /** A SQL type name as ours: INTEGER, BIGINT, DOUBLE, DECIMAL(p,s), DATE, TIMESTAMP, VARCHAR, BOOLEAN. */
    static io.blueshift.memory.DataType sqlType(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT).replace(" ", "");
        if (n.startsWith("DECIMAL") || n.startsWith("NUMERIC")) {
            int open = n.indexOf('(');
            if (open < 0) {
                return io.blueshift.memory.DataType.decimal(18, 3);
            }
            String[] ps = n.substring(open + 1, n.length() - 1).split(",");
            return io.blueshift.memory.DataType.decimal(Integer.parseInt(ps[0]), ps.length > 1 ? Integer.parseInt(ps[1]) : 0);
        }
        return switch (n) {
            case "INT", "INTEGER", "INT4", "SMALLINT", "TINYINT" -> io.blueshift.memory.DataType.INT32;
            case "BIGINT", "INT8", "LONG" -> io.blueshift.memory.DataType.INT64;
            case "DOUBLE", "FLOAT", "FLOAT8", "REAL", "FLOAT4" -> io.blueshift.memory.DataType.FLOAT64;
            case "DATE" -> io.blueshift.memory.DataType.DATE;
            case "TIMESTAMP" -> io.blueshift.memory.DataType.TIMESTAMP;
            case "VARCHAR", "TEXT", "STRING", "CHAR" -> io.blueshift.memory.DataType.VARCHAR;
            case "BOOLEAN", "BOOL" -> io.blueshift.memory.DataType.BOOLEAN;
            default -> throw new SqlException("unknown column type " + name + " in read_csv types");
        };
    }

    static UnsupportedOperationException notYet(String what, Path file) {
        return new UnsupportedOperationException("not supported yet: " + what + " (" + file + ")");
    }

    /** Column names and types must match (nullability may differ); the error names the file. */
    static void checkSameSchema(Schema expected, Schema actual, Path file) {
        if (expected.size() > actual.size()) {
            throw new SqlException("file " + file + " has " + actual.size() + " columns " + actual.names()
                    + " but the first file has " + expected.size() + " " + expected.names());
        }
        for (int i = 0; i < expected.size(); i++) {
            Field e = expected.field(i);
            Field a = actual.field(i);
            if (!e.name().equalsIgnoreCase(a.name()) || !e.type().equals(a.type())) {
                throw new SqlException("file " + file + " does not match the schema of the first file: column " + (i + 1)
                        + " is " + a.name() + " " + a.type() + " there, " + e.name() + " " + e.type() + " in the first");
            }
        }
    }
}
