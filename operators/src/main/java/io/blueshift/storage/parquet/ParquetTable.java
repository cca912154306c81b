package io.blueshift.storage.parquet;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.storage.Table;
import io.blueshift.storage.TableBlock;
import io.blueshift.storage.LoadedBlock;
import io.blueshift.storage.DistinctCount;
import io.blueshift.storage.ZoneMap;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A Parquet file as a table: one block per (non-empty) row group. Two ways to open one:
 * <ul>
 * <li>{@link #open}: eager. Every row group is read when the table is opened, in parallel on
 *     all cores, so page errors surface at open and zone maps are exact.</li>
 * <li>{@link #openLazy}: only the footer is read (and checked) at open; zone maps come from the
 *     footer statistics, and a scan reads each row group's needed columns when it takes that
 *     row group as a morsel, with the query's memory, freeing them when the morsel is done.
 *     Row groups the scan's predicates rule out are never read. Page errors surface at scan
 *     time, naming file, column and offset. Register it like any table:
 *     {@code session.register(ParquetTable.openLazy(path, session.dataPool()))}; the pool is
 *     used only if someone asks for {@link #blocks()} (which then reads everything) or for
 *     distinct-value estimates.</li>
 * </ul>
 * Closing frees whatever the table holds.
 */
public final class ParquetTable implements Table, AutoCloseable {
    private final String name;
    private final Schema schema;
    private volatile List<TableBlock> blocks;
    // lazy tables: the file, its columns, the non-empty row groups and their footer zone maps
    private final ParquetFile file;
    private final List<ParquetColumn> columns;
    private final int[] groups;
    private final ZoneMap[][] zones;
    private final MemoryPool pool;
    private final java.util.Map<Integer, Long> distinct = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong pagesSkipped = new java.util.concurrent.atomic.AtomicLong();

    private ParquetTable(String name, Schema schema, List<TableBlock> blocks) {
        this.name = name;
        this.schema = schema;
        this.blocks = List.copyOf(blocks);
        this.file = null;
        this.columns = null;
        this.groups = null;
        this.zones = null;
        this.pool = null;
    }

    private ParquetTable(String name, ParquetFile file, List<ParquetColumn> columns, MemoryPool pool) {
        this.name = name;
        this.schema = new Schema(columns.stream().map(ParquetColumn::field).toList());
        this.file = file;
        this.columns = List.copyOf(columns);
        this.pool = Objects.requireNonNull(pool, "pool is null");
        int[] nonEmpty = new int[file.rowGroupCount()];
        int n = 0;
        for (int g = 0; g < file.rowGroupCount(); g++) {
            if (file.rowGroupRows(g) > 0) {
                nonEmpty[n++] = g;
            }
        }
        this.groups = java.util.Arrays.copyOf(nonEmpty, n);
        this.zones = new ZoneMap[n][];
        for (int b = 0; b < n; b++) {
            zones[b] = new ZoneMap[columns.size()];
            for (int c = 0; c < columns.size(); c++) {
                zones[b][c] = file.footerZoneMap(groups[b], columns.get(c));
            }
        }
    }

    /**
     * Opens every column of {@code path} lazily: the footer now, row groups when scanned.
     * The table is named after the file, without ".parquet".
     */
    public static ParquetTable openLazy(Path path, MemoryPool pool) {
        ParquetFile file = ParquetFile.open(path);
        return new ParquetTable(tableName(path), file, file.columns(), pool);
    }

    /** Opens only {@code columns} (in that order) lazily. */
    public static ParquetTable openLazy(String name, Path path, MemoryPool pool, List<String> columns) {
        Objects.requireNonNull(columns, "columns is null");
        ParquetFile file = ParquetFile.open(path);
        return new ParquetTable(name, file, file.columns(columns), pool);
    }

    /** True when row groups are read as scans need them. */
    public boolean lazy() {
        return file != null;
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

    /** Every block in memory; a lazy table reads all its row groups the first time. */
    @Override
    public List<TableBlock> blocks() {
        List<TableBlock> b = blocks;
        if (b == null) {
            synchronized (this) {
                b = blocks;
                if (b == null) {
                    b = read(name, file, columns, pool).blocks;
                    blocks = b;
                }
            }
        }
        return b;
    }

    @Override
    public int blockCount() {
        return file == null ? blocks.size() : groups.length;
    }

    @Override
    public int blockRowCount(int block) {
        return file == null ? blocks.get(block).rowCount() : (int) file.rowGroupRows(groups[block]);
    }

    @Override
    public ZoneMap zoneMap(int block, int column) {
        return file == null ? blocks.get(block).zoneMap(column) : zones[block][column];
    }

    @Override
    public LoadedBlock load(int block, int[] columnIndexes, MemoryPool memory) {
        if (file == null || blocks != null) {
            return Table.super.load(block, columnIndexes, memory);
        }
        List<ParquetColumn> wanted = new ArrayList<>(columnIndexes.length);
        for (int c : columnIndexes) {
            wanted.add(columns.get(c));
        }
        int group = groups[block];
        return new LoadedBlock(file.readColumns(group, wanted, memory, true), (int) file.rowGroupRows(group), true);
    }

    /**
     * Reads the block's columns leaving out the pages (and rows) the page index of the filter
     * columns rules out; the block as a whole when there is no page index or it rules out nothing.
     */
    @Override
    public LoadedBlock load(int block, int[] columnIndexes, MemoryPool memory, int[] filterColumns, RowFilter filter) {
        if (file == null || blocks != null || filterColumns.length == 0) {
            return load(block, columnIndexes, memory);
        }
        int group = groups[block];
        List<ParquetColumn> filtered = new ArrayList<>(filterColumns.length);
        for (int c : filterColumns) {
            filtered.add(columns.get(c));
        }
        int[] kept = file.keptRows(group, filtered, filterColumns, filter);
        if (kept == null) {
            return load(block, columnIndexes, memory);
        }
        List<ParquetColumn> wanted = new ArrayList<>(columnIndexes.length);
        for (int c : columnIndexes) {
            wanted.add(columns.get(c));
        }
        long[] skipped = {0};
        List<ColumnVector> vectors = file.readColumns(group, wanted, memory, kept, skipped);
        pagesSkipped.addAndGet(skipped[0]);
        return new LoadedBlock(vectors, PageIndexPruning.count(kept), true);
    }

    /**
     * A lazy table reads a row range's pages only, found by each chunk's offset index or, for a
     * file written without one, by reading the chunk's page headers once (kept while the file is
     * open): the grain is the largest page of the columns, in rows (0 when a chunk's pages cannot be found).
     */
    @Override
    public int rowRangeGrain(int block, int[] columnIndexes) {
        if (file == null || blocks != null) {
            return 0;
        }
        long most = 1;
        for (int c : columnIndexes) {
            long[] pages = file.pageFirstRows(groups[block], columns.get(c));
            if (pages == null) {
                return 0;
            }
            for (int p = 0; p + 1 < pages.length; p++) {
                most = Math.max(most, pages[p + 1] - pages[p]);
            }
        }
        return (int) Math.min(most, Integer.MAX_VALUE);
    }

    /**
     * Rows {@code [from, to)} of a row group: each column decodes only the pages holding them
     * (found by its offset index), then, with a filter, only the pages of those the page index
     * cannot rule out. Pages a range leaves out for being outside it do not count as skipped.
     */
    @Override
    public LoadedBlock load(int block, int from, int to, int[] columnIndexes, MemoryPool memory, int[] filterColumns, RowFilter filter) {
        int rows = blockRowCount(block);
        if (from < 0 || from > to || to > rows) {
            throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of block " + block + " of " + rows + " rows");
        }
        if (file == null || blocks != null) {
            TableBlock b = blocks().get(block);
            List<ColumnVector> cols = new ArrayList<>(columnIndexes.length);
            for (int c : columnIndexes) {
                cols.add(b.column(c).slice(from, to - from));
            }
            return new LoadedBlock(cols, to - from, false);
        }
        int group = groups[block];
        int[] kept = {from, to};
        boolean pruned = false;
        if (filterColumns.length > 0) {
            List<ParquetColumn> filtered = new ArrayList<>(filterColumns.length);
            for (int c : filterColumns) {
                filtered.add(columns.get(c));
            }
            int[] k = file.keptRows(group, filtered, filterColumns, filter);
            if (k != null) {
                kept = PageIndexPruning.intersect(k, from, to);
                pruned = true;
            }
        }
        List<ParquetColumn> wanted = new ArrayList<>(columnIndexes.length);
        for (int c : columnIndexes) {
            wanted.add(columns.get(c));
        }
        long[] skipped = {0};
        List<ColumnVector> vectors = file.readColumns(group, wanted, memory, kept, skipped);
        if (pruned) {
            long outside = 0;
            for (ParquetColumn c : wanted) {
                outside += PageIndexPruning.pagesOutside(file.pageFirstRows(group, c), from, to);
            }
            pagesSkipped.addAndGet(Math.max(0, skipped[0] - outside));
        }
        return new LoadedBlock(vectors, PageIndexPruning.count(kept), true);
    }

    /** Data pages that scans of this (lazy) table left undecoded thanks to the page index, since it was opened. */
    public long pagesSkipped() {
        return pagesSkipped.get();
    }

    @Override
    public long distinctValues(int column) {
        return distinct.computeIfAbsent(column, c -> DistinctCount.estimate(this, c, pool));
    }

    @Override
    public synchronized void close() {
        if (blocks != null) {
            blocks.forEach(ParquetTable::free);
            blocks = file == null ? List.of() : null;
        }
    }

    private static void free(TableBlock b) {
        for (ColumnVector c : b.columns()) {
            c.close();
        }
    }
}
