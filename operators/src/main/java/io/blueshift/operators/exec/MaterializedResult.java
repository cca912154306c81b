package io.blueshift.operators.exec;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.Schema;

import java.util.ArrayList;
import java.util.List;

/**
 * Dense batches a pipeline breaker produced (no selections), owning their vectors. Small
 * final results are sorted and printed from here; larger ones feed the next pipeline.
 */
public final class MaterializedResult implements AutoCloseable {
    private final Schema schema;
    private final List<Batch> batches;
    private final List<AutoCloseable> owned;

    public MaterializedResult(Schema schema, List<Batch> batches, List<? extends AutoCloseable> owned) {
        this.schema = schema;
        this.batches = List.copyOf(batches);
        this.owned = new ArrayList<>(owned);
    }

    public Schema schema() { return schema; }
    public List<Batch> batches() { return batches; }

    public long rowCount() {
        long n = 0;
        for (Batch b : batches) {
            n += b.liveCount();
        }
        return n;
    }

    /** Rows as Java values (see {@link ColumnVector#getObject}). */
    public List<List<Object>> rows() {
        List<List<Object>> rows = new ArrayList<>();
        for (Batch b : batches) {
            for (int i = 0; i < b.liveCount(); i++) {
                int r = b.liveRow(i);
                List<Object> row = new ArrayList<>(b.columnCount());
                for (ColumnVector c : b.columns()) {
                    row.add(c.getObject(r));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /**
     * Hands over what this result owns (the caller closes it from now on): for an operator whose
     * output keeps these batches' vectors. Closing this result afterwards closes nothing.
     */
    public List<AutoCloseable> release() {
        List<AutoCloseable> taken = new ArrayList<>(owned);
        owned.clear();
        return taken;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing result", e);
                }
            }
        }
        owned.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
