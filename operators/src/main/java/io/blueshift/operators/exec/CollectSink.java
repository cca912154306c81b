package io.blueshift.operators.exec;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.Schema;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects a pipeline's output as dense owned batches (live rows copied out, strings deep
 * copied), for the final result or for a breaker that needs all rows (ORDER BY).
 */
public final class CollectSink implements Sink, AutoCloseable {
    private final Schema schema;
    private final List<Batch> batches = new ArrayList<>();
    private final List<ColumnVector> owned = new ArrayList<>();

    public CollectSink(Schema schema) {
        this.schema = schema;
    }

    @Override
    public Schema outputSchema() { return schema; }

    private static final class Local implements SinkState {
        final ExecutionContext ctx;
        final List<Batch> batches = new ArrayList<>();
        final List<ColumnVector> owned = new ArrayList<>();

        Local(ExecutionContext ctx) { this.ctx = ctx; }

        @Override
        public void close() {
            owned.forEach(ColumnVector::close);
            owned.clear();
        }
    }

    @Override
    public SinkState createLocalState(ExecutionContext ctx) {
        return new Local(ctx);
    }

    @Override
    public void sink(Batch batch, SinkState state) {
        Local l = (Local) state;
        int n = batch.liveCount();
        if (n == 0) {
            return;
        }
        List<ColumnVector> cols = new ArrayList<>(batch.columnCount());
        for (ColumnVector c : batch.columns()) {
            ColumnVector copy = BatchCopier.copyLive(l.ctx, c, batch);
            l.owned.add(copy);
            cols.add(copy);
        }
        l.batches.add(new Batch(cols, n));
    }

    @Override
    public void combine(SinkState state) {
        Local l = (Local) state;
        batches.addAll(l.batches);
        owned.addAll(l.owned);
        l.owned.clear();
    }

    @Override
    public MaterializedResult finish(ExecutionContext ctx) {
        MaterializedResult r = new MaterializedResult(schema, batches, owned);
        batches.clear();
        owned.clear();
        return r;
    }

    @Override
    public String describe() {
        return "Collect";
    }

    @Override
    public String name() {
        return "Result";
    }

    /** Frees what workers combined when the pipeline failed before {@link #finish}. */
    @Override
    public void close() {
        owned.forEach(ColumnVector::close);
        owned.clear();
        batches.clear();
    }
}
