package io.blueshift.operators.exec;

import io.blueshift.memory.Schema;

import java.util.concurrent.atomic.AtomicInteger;

/** Feeds a materialized result into the next pipeline; one batch per morsel. */
public final class ResultSource implements Source {
    private final MaterializedResult result;
    private final AtomicInteger cursor = new AtomicInteger();

    public ResultSource(MaterializedResult result) {
        this.result = result;
    }

    @Override
    public Schema outputSchema() { return result.schema(); }

    @Override
    public void open(ExecutionContext ctx) {
        cursor.set(0);
    }

    @Override
    public int morselCount() {
        return result.batches().size();
    }

    @Override
    public int nextMorsel() {
        int i = cursor.getAndIncrement();
        return i < result.batches().size() ? i : -1;
    }

    @Override
    public void scan(int morsel, ExecutionContext ctx, BatchConsumer downstream) {
        downstream.accept(result.batches().get(morsel));
    }

    @Override
    public String describe() {
        return "Materialized " + result.rowCount() + " rows";
    }
}
