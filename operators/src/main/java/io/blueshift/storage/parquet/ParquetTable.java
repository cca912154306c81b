package io.blueshift.storage.parquet;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.storage.Table;
import io.blueshift.storage.TableBlock;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A Parquet file as a table: one block per row group, with zone maps. Row groups are read
 * eagerly when the table is opened, in parallel on all cores (so errors surface at open, and
 * scans see plain in-memory blocks); lazy, per-morsel reading with statistics pushdown comes
 * later. Closing frees the blocks.
 */
public final class ParquetTable implements Table, AutoCloseable {
    private final String name;
    private final Schema schema;
    private final List<TableBlock> blocks;

    private ParquetTable(String name, Schema schema, List<TableBlock> blocks) {
        this.name = name;
        this.schema = schema;
        this.blocks = List.copyOf(blocks);
    }

    /** Opens every column of {@code path}; the table is named after the file, without ".parquet". */
    public static ParquetTable open(Path path, MemoryPool pool) {
        ParquetFile file = ParquetFile.open(path);
        return read(tableName(path), file, file.columns(), pool);
    }

    /** Opens only {@code columns} (in that order), reading no other column's pages. */
    public static ParquetTable open(Path path, MemoryPool pool, List<String> columns) {
        return open(tableName(path), path, pool, columns);
    }

    public static ParquetTable open(String name, Path path, MemoryPool pool, List<String> columns) {
        Objects.requireNonNull(columns, "columns is null");
        ParquetFile file = ParquetFile.open(path);
        return read(name, file, file.columns(columns), pool);
    }

    private static ParquetTable read(String name, ParquetFile file, List<ParquetColumn> columns, MemoryPool pool) {
        Objects.requireNonNull(pool, "pool is null");
        List<Field> fields = columns.stream().map(ParquetColumn::field).toList();
        int groups = file.rowGroupCount();
        List<Future<TableBlock>> reads = new ArrayList<>(groups);
        int threads = Math.max(1, Math.min(groups, Runtime.getRuntime().availableProcessors()));
        ExecutorService workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "parquet-read " + file.path().getFileName());
            t.setDaemon(true);
            return t;
        });
        List<TableBlock> blocks = new ArrayList<>(groups);
        Throwable failure = null;
        boolean interrupted = false;
        try {
            // row groups are independent: decode them on all cores, keep them in file order
            for (int g = 0; g < groups; g++) {
                int group = g;
                reads.add(file.rowGroupRows(g) > 0 ? workers.submit(() -> file.readRowGroup(group, columns, pool)) : null);
            }
            for (Future<TableBlock> read : reads) {
                if (read == null) {
                    continue;
                }
                // wait for every read, even when interrupted, so no block is left unfreed
                while (true) {
                    try {
                        blocks.add(read.get());
                        break;
                    } catch (ExecutionException e) {
                        if (failure == null) {
                            failure = e.getCause();
                        }
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
        } finally {
            workers.shutdown();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            blocks.forEach(ParquetTable::free);
            switch (failure) {
                case RuntimeException e -> throw e;
                case Error e -> throw e;
                default -> throw new IllegalStateException("reading " + file.path() + " failed: " + failure, failure);
            }
        }
        return new ParquetTable(name, new Schema(fields), blocks);
    }

    private static String tableName(Path path) {
        String n = path.getFileName().toString();
        return n.endsWith(".parquet") ? n.substring(0, n.length() - ".parquet".length()) : n;
    }

    @Override public String name() { return name; }
    @Override public Schema schema() { return schema; }
    @Override public List<TableBlock> blocks() { return blocks; }

    @Override
    public void close() {
        blocks.forEach(ParquetTable::free);
    }

    private static void free(TableBlock b) {
        for (ColumnVector c : b.columns()) {
            c.close();
        }
    }
}
