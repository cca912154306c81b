package io.blueshift.storage;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.Schema;

import java.util.List;
import java.util.Objects;

/** A table held in off-heap blocks; closing it frees them. */
public final class InMemoryTable implements Table, AutoCloseable {
    private final String name;
    private final Schema schema;
    private final List<TableBlock> blocks;

    public InMemoryTable(String name, Schema schema, List<TableBlock> blocks) {
        this.name = Objects.requireNonNull(name, "name is null");
        this.schema = Objects.requireNonNull(schema, "schema is null");
        this.blocks = List.copyOf(blocks);
        long rows = 0;
        for (TableBlock b : this.blocks) {
            rows += b.rowCount();
        }
        this.rowCount = rows;
    }

    /*
     * Counted once: the planner asks for it many times a query, and Table.rowCount's loop over
     * blocks, shared by every kind of table, was recompiled after profile_predicate traps (session 8).
     */
    private final long rowCount;

    @Override
    public long rowCount() {
        return rowCount;
    }

    @Override
    public boolean inMemory() {
        return true;
    }

    private final java.util.Map<Integer, Long> distinct = new java.util.concurrent.ConcurrentHashMap<>();

    /** Estimated distinct values of a column, computed once on first request (like ANALYZE). */
    @Override
    public long distinctValues(int column) {
        return distinct.computeIfAbsent(column, c -> DistinctCount.estimate(this, c));
    }

    /** The table object itself: its blocks never change (INSERT, UPDATE, DELETE and CREATE OR REPLACE make a new table). */
    @Override
    public ColumnIdentity columnIdentity(int column) {
        return new ColumnIdentity(this, column);
    }

    @Override public String name() { return name; }
    @Override public Schema schema() { return schema; }
    @Override public List<TableBlock> blocks() { return blocks; }

    /** Bytes of off-heap memory the table's blocks hold. */
    public long memoryBytes() {
        long total = 0;
        for (TableBlock b : blocks) {
            for (ColumnVector c : b.columns()) {
                total += c.ownedBytes();
            }
        }
        return total;
    }

    @Override
    public void close() {
        for (TableBlock b : blocks) {
            for (ColumnVector c : b.columns()) {
                c.close();
            }
        }
    }
}
