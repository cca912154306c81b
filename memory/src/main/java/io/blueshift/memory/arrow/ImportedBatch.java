package io.blueshift.memory.arrow;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch imported through the Arrow C Data Interface: views over the producer's buffers.
 * {@link #close()} invalidates the views, calls the producer's release callback (once), and
 * frees the few copies the import made.
 */
public final class ImportedBatch implements AutoCloseable {
    private final Arena structArena;
    private final Arena viewArena = Arena.ofShared();
    private final MemorySegment array;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private Batch batch;
    private List<String> names;
    private boolean closed;

    ImportedBatch(Arena structArena, MemorySegment array) {
        this.structArena = structArena;
        this.array = array;
    }

    void init(List<ColumnVector> columns, List<ArrowImport.Field> fields) {
        this.batch = new Batch(columns, (int) ArrowArray.length(array));
        this.names = fields.stream().map(ArrowImport.Field::name).toList();
    }

    Arena viewArena() { return viewArena; }

    <T extends AutoCloseable> T own(T resource) {
        owned.add(resource);
        return resource;
    }

    public Batch batch() {
        if (closed) {
            throw new IllegalStateException("imported batch is closed");
        }
        return batch;
    }

    /** Column names from the schema, in column order. */
    public List<String> names() { return names; }

    public synchronized boolean isClosed() { return closed; }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        viewArena.close();
        try {
            ArrowImport.releaseArray(array);
        } finally {
            structArena.close();
            RuntimeException failure = null;
            for (AutoCloseable c : owned) {
                try {
                    c.close();
                } catch (Exception e) {
                    if (failure == null) {
                        failure = new IllegalStateException("freeing an imported batch failed", e);
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }
}
