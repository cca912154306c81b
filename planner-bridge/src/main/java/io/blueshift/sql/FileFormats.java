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
            case CSV -> throw notYet("reading CSV files", file);
            case ARROW -> throw notYet("reading Arrow IPC files", file);
        };
    }

    /** Opens {@code columns} of one file as a table whose blocks the caller frees by closing it. */
    static Table open(Format format, String name, Path file, MemoryPool pool, List<String> columns, Map<String, String> options) {
        return switch (format) {
            case PARQUET -> ParquetTable.open(name, file, pool, columns);
            case CSV -> throw notYet("reading CSV files", file);
            case ARROW -> throw notYet("reading Arrow IPC files", file);
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
            case CSV -> throw notYet("writing CSV files", file);
            case ARROW -> throw notYet("writing Arrow IPC files", file);
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
