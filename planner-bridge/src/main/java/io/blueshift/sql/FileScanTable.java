package io.blueshift.sql;

import io.blueshift.memory.Field;
import io.blueshift.memory.Schema;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.storage.Table;
import io.blueshift.storage.TableBlock;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Some columns of a {@link FileTable}, the files read as one table whose blocks are the files'
 * blocks in order. A query acquires it before running and releases it after: Parquet files are
 * opened lazily (footers only; each row group's needed columns are read by the scan's morsel and
 * freed after, row groups skipped by their statistics), other formats are read whole while held.
 * A plan can run many times; each run reads the files afresh.
 */
public final class FileScanTable implements Table {
    private final FileTable source;
    private final Schema schema;
    private int holders;
    private List<Table> parts;
    private int[] firstBlock;
    /** The files' signature taken as they were opened (see {@link #columnIdentity}). */
    private String heldSignature;

    FileScanTable(FileTable source, Schema schema) {
        this.source = source;
        this.schema = schema;
    }

    /**
     * Two projections of one file table with the same columns read the same rows: equal, so
     * the executor's shared results find a view or CTE referenced twice over files (each
     * reference projects its own instance). Every instance is still acquired on its own.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof FileScanTable other && other.source == source && other.schema.equals(schema);
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(source) * 31 + schema.hashCode();
    }

    @Override public String name() { return source.name(); }
    @Override public Schema schema() { return schema; }
    @Override public long rowCount() { return source.rowCount(); }
    @Override public List<Integer> uniqueColumns() { return List.of(); }

    /** The columns the files' metadata say strictly increase across all blocks (held tables only). */
    List<Integer> strictlyIncreasingColumns() {
        return Table.super.uniqueColumns();
    }

    private synchronized List<Table> parts() {
        if (parts == null) {
            throw new IllegalStateException("file table " + name() + " is read only while a query holds it (Session.execute)");
        }
        return parts;
    }

    /** The part holding global block {@code block}: the p with first[p] <= block < first[p + 1]. */
    private int part(int block) {
        int[] first = firstBlock;
        int lo = 0;
        int hi = first.length - 2;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (first[mid] <= block) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        // empty parts start where the next one does: the last part starting at or before the
        // block is the one holding it
        return lo;
    }

    @Override
    public List<TableBlock> blocks() {
        List<TableBlock> all = new ArrayList<>();
        for (Table t : parts()) {
            all.addAll(t.blocks());
        }
        return all;
    }

    @Override
    public int blockCount() {
        parts();
        return firstBlock[firstBlock.length - 1];
    }

    @Override
    public int blockRowCount(int block) {
        int p = part(block);
        return parts().get(p).blockRowCount(block - firstBlock[p]);
    }

    @Override
    public io.blueshift.storage.ZoneMap zoneMap(int block, int column) {
        int p = part(block);
        return parts().get(p).zoneMap(block - firstBlock[p], column);
    }

    @Override
    public io.blueshift.storage.LoadedBlock load(int block, int[] columns, io.blueshift.memory.MemoryPool pool) {
        int p = part(block);
        return parts().get(p).load(block - firstBlock[p], columns, pool);
    }

    @Override
    public io.blueshift.storage.LoadedBlock load(int block, int[] columns, io.blueshift.memory.MemoryPool pool,
                                                  int[] filterColumns, RowFilter filter) {
        int p = part(block);
        return parts().get(p).load(block - firstBlock[p], columns, pool, filterColumns, filter);
    }

    @Override
    public int rowRangeGrain(int block, int[] columns) {
        int p = part(block);
        return parts().get(p).rowRangeGrain(block - firstBlock[p], columns);
    }

    @Override
    public io.blueshift.storage.LoadedBlock load(int block, int from, int to, int[] columns, io.blueshift.memory.MemoryPool pool,
                                                  int[] filterColumns, RowFilter filter) {
        int p = part(block);
        return parts().get(p).load(block - firstBlock[p], from, to, columns, pool, filterColumns, filter);
    }

    /**
     * The files' format, options, paths, sizes and modification times (the same files as another
     * table's give the same values), the one taken when they were opened while a query holds
     * them, so a file changed after that is not mistaken for what was read; null when a file
     * cannot be stat'ed. Columns by name and type: projections number them differently.
     */
    @Override
    public io.blueshift.storage.ColumnIdentity columnIdentity(int column) {
        String signature;
        synchronized (this) {
            signature = holders > 0 ? heldSignature : signature();
        }
        if (signature == null) {
            return null;
        }
        Field f = schema.field(column);
        return new io.blueshift.storage.ColumnIdentity(signature, f.name() + " " + f.type().sqlName());
    }

    private String signature() {
        StringBuilder sb = new StringBuilder(source.format().name()).append(new java.util.TreeMap<>(source.options()));
        try {
            for (Path f : source.files()) {
                sb.append('|').append(f.toAbsolutePath()).append(':').append(java.nio.file.Files.size(f))
                        .append(':').append(java.nio.file.Files.getLastModifiedTime(f).toMillis());
            }
        } catch (java.io.IOException e) {
            return null;
        }
        return sb.toString();
    }

    /** Opens the files (first holder) and counts the holder. */
    public synchronized void acquire() {
        if (holders == 0) {
            heldSignature = signature(); // before opening: a file changed after this differs next time
            List<String> names = schema.fields().stream().map(Field::name).toList();
            List<Table> tables = new ArrayList<>();
            try {
                for (Path f : source.files()) {
                    Table t = FileFormats.open(source.format(), source.name(), f, source.pool(), names, source.options());
                    tables.add(t);
                    FileFormats.checkSameSchema(schema, t.schema(), f);
                }
            } catch (RuntimeException e) {
                closeAll(tables, e);
                throw e;
            }
            int[] first = new int[tables.size() + 1];
            for (int i = 0; i < tables.size(); i++) {
                first[i + 1] = first[i] + tables.get(i).blockCount();
            }
            firstBlock = first;
            parts = tables;
        }
        holders++;
    }

    /** Frees what the files' tables hold when the last holder lets go. */
    public synchronized void release() {
        if (holders == 0) {
            return;
        }
        if (--holders == 0) {
            List<Table> tables = parts;
            parts = null;
            heldSignature = null;
            closeAll(tables, null);
        }
    }

    private static void closeAll(List<Table> tables, RuntimeException failure) {
        RuntimeException first = failure;
        for (Table table : tables) {
            if (!(table instanceof AutoCloseable t)) {
                continue;
            }
            try {
                t.close();
            } catch (Exception e) {
                if (first == null) {
                    first = new IllegalStateException("closing " + e.getMessage(), e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (failure == null && first != null) {
            throw first;
        }
    }

    /**
     * Acquires every file table scanned in {@code plan}; the returned handle releases them.
     * A failure to open one releases those already opened.
     */
    public static AutoCloseable acquireAll(PlanNode plan) {
        Set<FileScanTable> found = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        collect(plan, found);
        List<FileScanTable> held = new ArrayList<>();
        try {
            for (FileScanTable t : found) {
                t.acquire();
                held.add(t);
            }
        } catch (RuntimeException e) {
            held.forEach(FileScanTable::release);
            throw e;
        }
        return () -> held.forEach(FileScanTable::release);
    }

    private static void collect(PlanNode node, Set<FileScanTable> out) {
        if (node instanceof PlanNode.Scan s && s.table() instanceof FileScanTable f) {
            out.add(f);
        }
        for (PlanNode in : node.inputs()) {
            collect(in, out);
        }
    }
}
