package io.blueshift.operators.set;

import io.blueshift.memory.Batch;
import io.blueshift.memory.Schema;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.storage.Table;
import io.blueshift.storage.TableBlock;
import io.blueshift.storage.ZoneMap;

import java.util.ArrayList;
import java.util.List;

/**
 * The rows a recursive query's step reads: those the previous iteration added (the seed's at
 * first), held here by {@link RecursiveUnion} while the step runs. The step's plan scans it as
 * a table of one block per batch.
 */
public final class WorkingTable implements Table {
    private final String name;
    private final Schema schema;
    private volatile List<TableBlock> blocks;

    public WorkingTable(String name, Schema schema) {
        this.name = name;
        this.schema = schema;
    }

    @Override public String name() { return name; }
    @Override public Schema schema() { return schema; }

    /** The rows to read until the next call ({@code null}: none; the result stays the caller's). */
    void hold(MaterializedResult rows) {
        if (rows == null) {
            blocks = null;
            return;
        }
        List<TableBlock> out = new ArrayList<>();
        for (Batch b : rows.batches()) {
            List<ZoneMap> zones = new ArrayList<>();
            for (int c = 0; c < schema.size(); c++) {
                zones.add(ZoneMap.compute(b.column(c), b.rowCount()));
            }
            out.add(new TableBlock(b.columns(), zones, b.rowCount()));
        }
        blocks = out;
    }

    @Override
    public List<TableBlock> blocks() {
        List<TableBlock> b = blocks;
        if (b == null) {
            throw new IllegalStateException("the working table of recursive query " + name + " is read only by its step");
        }
        return b;
    }

    /** Nothing is known about rows yet to come. */
    @Override
    public List<Integer> uniqueColumns() {
        return List.of();
    }

    @Override
    public long rowCount() {
        List<TableBlock> b = blocks;
        return b == null ? 100 : b.stream().mapToLong(TableBlock::rowCount).sum();
    }

    @Override
    public long distinctValues(int column) {
        return Math.max(1, rowCount());
    }
}
