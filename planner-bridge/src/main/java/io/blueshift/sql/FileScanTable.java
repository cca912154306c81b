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
 * Some columns of a {@link FileTable}: the files are opened with only these columns when a
 * query acquires the table and freed when the last query holding it releases it, so a plan can
 * run many times and each run reads the files afresh.
 */
public final class FileScanTable implements Table {
    private final FileTable source;
    private final Schema schema;
    private int holders;
    private List<AutoCloseable> open = List.of();
    private List<TableBlock> blocks;

    FileScanTable(FileTable source, Schema schema) {
        this.source = source;
        this.schema = schema;
    }

    @Override public String name() { return source.name(); }
    @Override public Schema schema() { return schema; }
    @Override public long rowCount() { return source.rowCount(); }
    @Override public List<Integer> uniqueColumns() { return List.of(); }

    @Override
    public synchronized List<TableBlock> blocks() {
        if (blocks == null) {
            throw new IllegalStateException("file table " + name() + " is read only while a query holds it (Session.execute)");
        }
        return blocks;
    }

    /** Opens the files (first holder) and counts the holder. */
    public synchronized void acquire() {
        if (holders == 0) {
            List<String> names = schema.fields().stream().map(Field::name).toList();
            List<AutoCloseable> tables = new ArrayList<>();
            List<TableBlock> all = new ArrayList<>();
            try {
                for (Path f : source.files()) {
                    Table t = FileFormats.open(source.format(), source.name(), f, source.pool(), names, source.options());
                    tables.add((AutoCloseable) t);
                    FileFormats.checkSameSchema(schema, t.schema(), f);
                    all.addAll(t.blocks());
                }
            } catch (RuntimeException e) {
                closeAll(tables, e);
                throw e;
            }
            open = tables;
            blocks = all;
        }
        holders++;
    }

    /** Frees the files' data when the last holder lets go. */
    public synchronized void release() {
        if (holders == 0) {
            return;
        }
        if (--holders == 0) {
            List<AutoCloseable> tables = open;
            open = List.of();
            blocks = null;
            closeAll(tables, null);
        }
    }

    private static void closeAll(List<AutoCloseable> tables, RuntimeException failure) {
        RuntimeException first = failure;
        for (AutoCloseable t : tables) {
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
