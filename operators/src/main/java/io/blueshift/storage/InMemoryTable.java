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
