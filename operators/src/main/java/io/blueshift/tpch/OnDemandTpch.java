package io.blueshift.tpch;

import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.storage.Catalog;
import io.blueshift.storage.LoadedBlock;
import io.blueshift.storage.Table;
import io.blueshift.storage.TableBlock;
import io.blueshift.storage.ZoneMap;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The eight TPC-H tables at one scale factor, generated the first time a query reads any of
 * them (all eight at once, as {@link TpchGenerator#generate} makes them). Until then each table
 * is only a name and a schema, so a shell or script that never touches them never waits for
 * them: {@code SELECT 1} answers at once. Planning a query over one of them (row counts, keys)
 * counts as reading it.
 */
public final class OnDemandTpch {
    private final double scaleFactor;
    private final MemoryPool pool;
    private final PrintStream progress;
    private Catalog generated;   // guarded by this; null until first use

    private OnDemandTpch(double scaleFactor, MemoryPool pool, PrintStream progress) {
        TpchGenerator.checkScaleFactor(scaleFactor);
        this.scaleFactor = scaleFactor;
        this.pool = Objects.requireNonNull(pool, "pool is null");
        this.progress = progress;
    }

    /** The eight tables, not generated yet; closing one frees what it holds once generated. */
    public static List<Table> tables(double scaleFactor, MemoryPool pool, PrintStream progress) {
        OnDemandTpch source = new OnDemandTpch(scaleFactor, pool, progress);
        List<Table> out = new ArrayList<>(TpchGenerator.TABLES.size());
        for (String name : TpchGenerator.TABLES) {
            out.add(source.new Deferred(name, TpchGenerator.schema(name)));
        }
        return out;
    }

    private synchronized Table generated(String name) {
        if (generated == null) {
            generated = TpchGenerator.generate(scaleFactor, pool, progress);
        }
        return generated.table(name);
    }

    private synchronized void close(String name) {
        if (generated == null) {
            return;
        }
        Table t = generated.remove(name);
        if (t instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing table " + name, e);
            }
        }
    }

    /** One table: its name and schema now, everything else from the generated table. */
    private final class Deferred implements Table, AutoCloseable {
        private final String name;
        private final Schema schema;
        private volatile Table table;

        Deferred(String name, Schema schema) {
            this.name = name;
            this.schema = schema;
        }

        private Table table() {
            Table t = table;
            if (t == null) {
                t = generated(name);
                table = t;
            }
            return t;
        }

        @Override public String name() { return name; }
        @Override public Schema schema() { return schema; }
        @Override public List<TableBlock> blocks() { return table().blocks(); }
        @Override public int blockCount() { return table().blockCount(); }
        @Override public int blockRowCount(int block) { return table().blockRowCount(block); }
        @Override public ZoneMap zoneMap(int block, int column) { return table().zoneMap(block, column); }

        @Override
        public LoadedBlock load(int block, int[] columns, MemoryPool pool) {
            return table().load(block, columns, pool);
        }

        @Override
        public LoadedBlock load(int block, int[] columns, MemoryPool pool, int[] filterColumns, RowFilter filter) {
            return table().load(block, columns, pool, filterColumns, filter);
        }

        @Override public List<Integer> uniqueColumns() { return table().uniqueColumns(); }
        @Override public long distinctValues(int column) { return table().distinctValues(column); }
        @Override public long rowCount() { return table().rowCount(); }
        @Override public boolean inMemory() { return table().inMemory(); }
        @Override public io.blueshift.storage.ColumnIdentity columnIdentity(int column) { return table().columnIdentity(column); }

        @Override
        public void close() {
            table = null;
            OnDemandTpch.this.close(name);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
