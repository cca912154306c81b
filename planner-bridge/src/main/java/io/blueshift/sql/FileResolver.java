package io.blueshift.sql;

import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns the file references of queries into {@link FileTable}s: globs expanded, formats told
 * from the function or the extension, schemas read and checked to match across files. Tables
 * are kept while their files are unchanged (same size and modification time), so distinct
 * counts measured for one query serve the next.
 */
public final class FileResolver {
    private final MemoryPool pool;
    private final Map<String, FileTable> cache = new ConcurrentHashMap<>();

    /** File data is read into {@code pool} while a query runs, and freed after. */
    public FileResolver(MemoryPool pool) {
        this.pool = pool;
    }

    FileTable resolve(FileReferences.FileRef ref) {
        String where = ref.where();
        String at = where.isEmpty() ? "" : "error at " + where + ": ";
        List<Path> files = new ArrayList<>();
        for (String p : ref.paths()) {
            files.addAll(FileFormats.expand(p, where));
        }
        FileFormats.Format format;
        if (ref.format() != null) {
            format = FileFormats.named(ref.format());
        } else {
            format = FileFormats.ofExtension(ref.paths().getFirst());
            if (format == null) {
                format = FileFormats.ofExtension(files.getFirst().toString());
            }
            if (format == null) {
                throw new SqlException(at + "cannot tell the format of " + ref.paths().getFirst()
                        + " from its extension; use read_parquet(...), read_csv(...) or read_arrow(...)", ref.line(), ref.column(), null);
            }
        }
        String name = ref.paths().size() == 1 ? ref.paths().getFirst() : ref.paths().toString();
        return resolve(name, format, files, ref.options(), at);
    }

    /** A table over {@code files} (already expanded) of one format. */
    public FileTable resolve(String name, FileFormats.Format format, List<Path> files, Map<String, String> options, String errorPrefix) {
        StringBuilder key = new StringBuilder(format.name()).append(options);
        for (Path f : files) {
            try {
                key.append('|').append(f.toAbsolutePath()).append(':').append(Files.size(f)).append(':').append(Files.getLastModifiedTime(f).toMillis());
            } catch (IOException e) {
                throw new SqlException(errorPrefix + "cannot read file " + f + ": " + e.getMessage());
            }
        }
        FileTable cached = cache.get(key.toString());
        if (cached != null && cached.name().equals(name)) {
            return cached;
        }
        Schema schema = null;
        Path first = null;
        long rows = 0;
        for (Path f : files) {
            FileFormats.Described d;
            try {
                d = FileFormats.describe(format, f, options, pool);
            } catch (SqlException | UnsupportedOperationException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new SqlException(errorPrefix + BlueshiftMessages.of(e), 0, 0, e);
            }
            if (schema == null) {
                schema = d.schema();
                first = f;
            } else {
                schema = merged(schema, d.schema(), first, f);
            }
            rows += d.rows();
        }
        FileTable t = new FileTable(name, format, files, options, schema, rows, pool);
        cache.put(key.toString(), t);
        return t;
    }

    /** Same names and types in the same order; a column nullable in any file is nullable. */
    private static Schema merged(Schema a, Schema b, Path first, Path file) {
        if (a.size() != b.size()) {
            throw new SqlException("file " + file + " has " + b.size() + " columns " + b.names() + " but " + first + " has "
                    + a.size() + " " + a.names() + "; files read as one table must have the same columns");
        }
        List<Field> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            Field x = a.field(i);
            Field y = b.field(i);
            if (!x.name().equalsIgnoreCase(y.name()) || !x.type().equals(y.type())) {
                throw new SqlException("file " + file + " does not match " + first + ": column " + (i + 1) + " is "
                        + y.name() + " " + y.type() + " there, " + x.name() + " " + x.type() + " in " + first);
            }
            out.add(new Field(x.name(), x.type(), x.nullable() || y.nullable()));
        }
        return new Schema(out);
    }

    /** Forgets cached tables (their files are read afresh by every query anyway). */
    public void clear() {
        cache.clear();
    }
}
