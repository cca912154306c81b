package io.blueshift.storage;

import io.blueshift.memory.ColumnVector;

import java.util.List;

/**
 * Some columns of one block, as a scan gets them from {@link Table#load}: views of memory
 * the table keeps (in-memory tables), or vectors read for this morsel (file tables) that
 * {@link #close()} frees. Operators copy what they keep past a batch (sinks own their
 * state), so a scan closes the block as soon as its batches have been pushed.
 */
public record LoadedBlock(List<ColumnVector> columns, int rowCount, boolean owned) implements AutoCloseable {
    public LoadedBlock {
        columns = List.copyOf(columns);
    }

    public ColumnVector column(int i) { return columns.get(i); }

    @Override
    public void close() {
        if (owned) {
            columns.forEach(ColumnVector::close);
        }
    }
}
