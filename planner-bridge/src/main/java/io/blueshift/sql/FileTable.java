package io.blueshift.sql;

import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.storage.DistinctCount;
import io.blueshift.storage.Table;
import io.blueshift.storage.TableBlock;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One or more files of one format and schema as a table the planner can validate and cost
 * against without reading data: the schema and row count come from the files' metadata.
 * Queries scan {@link #project projections} of it, which read only their columns, when the
 * query runs ({@link FileScanTable#acquire}). Distinct counts for join ordering are measured (on up to
 * {@link io.blueshift.storage.DistinctCount#SAMPLE_BLOCKS} row groups spread over the files, extrapolated)
 * on first request, one column at a time, and kept (like ANALYZE).
 */
public final class FileTable implements Table {
    private final String name;
    private final FileFormats.Format format;
    private final List<Path> files;
    private final Map<String, String> options;
    private final Schema schema;
    private final long rows;
    private final MemoryPool pool;
    private final Map<Integer, Long> distinct = new ConcurrentHashMap<>();

    FileTable(String name, FileFormats.Format format, List<Path> files, Map<String, String> options, Schema schema, long rows, MemoryPool pool) {
        this.name = name;
        this.format = format;
        this.files = List.copyOf(files);
        this.options = Map.copyOf(options);
        this.schema = schema;
        this.rows = rows;
        this.pool = pool;
    }

    @Override public String name() { return name; }
    @Override public Schema schema() { return schema; }
    @Override public long rowCount() { return rows; }

    public List<Path> files() { return files; }

    public FileFormats.Format format() { return format; }

    Map<String, String> options() { return options; }

    MemoryPool pool() { return pool; }

    /** A file table's blocks are read by the scans of its projections, never here. */
    @Override
    public List<TableBlock> blocks() {
        throw new IllegalStateException("file table " + name + " is scanned through a projection");
    }

    private volatile Unique unique;

    /** The unique columns found for the files as they were (each file's size and modification time). */
    private record Unique(List<String> signature, List<Integer> columns) {}

    /**
     * Columns known to be distinct from the files' metadata alone: Parquet column chunks we
     * wrote say whether their values strictly increase, and the footers' bounds whether each
     * row group starts above the last (files in order). Other formats: none without reading the
     * data. Kept while the files keep their size and modification time.
     */
    @Override
    public List<Integer> uniqueColumns() {
        if (format != FileFormats.Format.PARQUET) {
            return List.of();
        }
        List<String> signature = new ArrayList<>();
        try {
            for (Path f : files) {
                signature.add(f + ":" + java.nio.file.Files.size(f) + ":" + java.nio.file.Files.getLastModifiedTime(f).toMillis());
            }
        } catch (java.io.IOException e) {
            return List.of();
        }
        Unique u = unique;
        if (u != null && u.signature().equals(signature)) {
            return u.columns();
        }
        FileScanTable all = project(java.util.stream.IntStream.range(0, schema.size()).toArray());
        List<Integer> columns;
        try {
            all.acquire();
            try {
                columns = List.copyOf(all.strictlyIncreasingColumns());
            } finally {
                all.release();
            }
        } catch (RuntimeException e) {
            columns = List.of();   // an unreadable file fails the query's scan with its own error
        }
        unique = new Unique(signature, columns);
        return columns;
    }

    @Override
    public long distinctValues(int column) {
        return distinct.computeIfAbsent(column, c -> {
            FileScanTable one = project(new int[] {c});
            one.acquire();
            try {
                return DistinctCount.estimate(one, 0, pool);
            } finally {
                one.release();
            }
        });
    }

    /** The table of {@code columns} (indexes into this schema), read when a query acquires it. */
    public FileScanTable project(int[] columns) {
        List<Field> fields = new ArrayList<>(columns.length);
        for (int c : columns) {
            fields.add(schema.field(c));
        }
        return new FileScanTable(this, new Schema(fields));
    }
}
