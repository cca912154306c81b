package io.blueshift.operators.limit;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.Schema;
import io.blueshift.memory.SelectionVector;
import io.blueshift.operators.exec.BatchConsumer;
import io.blueshift.operators.exec.Operator;
import io.blueshift.operators.exec.OperatorState;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * LIMIT without ORDER BY, streaming: passes rows on until {@code rows} have gone through (all
 * workers share the count), then drops the rest and reports itself finished so the pipeline
 * stops taking morsels. Which rows are kept is unspecified, as SQL allows.
 */
public final class LimitOperator implements Operator {
    private final Schema schema;
    private final long rows;
    private final AtomicLong remaining;

    public LimitOperator(Schema schema, long rows) {
        this.schema = schema;
        this.rows = rows;
        this.remaining = new AtomicLong(rows);
    }

    @Override
    public Schema outputSchema() { return schema; }

    @Override
    public void process(Batch input, OperatorState state, BatchConsumer downstream) {
        int live = input.liveCount();
        if (live == 0) {
            return;
        }
        long before = remaining.getAndAdd(-live);
        if (before <= 0) {
            return;
        }
        int take = (int) Math.min(live, before);
        if (take == live) {
            downstream.accept(input);
            return;
        }
        SelectionVector sel = input.selection();
        if (sel != null) {
            downstream.accept(input.withSelection(new SelectionVector(sel.segment(), take)));
            return;
        }
        List<ColumnVector> cut = new ArrayList<>(input.columnCount());
        for (ColumnVector c : input.columns()) {
            cut.add(c.slice(0, take));
        }
        downstream.accept(new Batch(cut, take));
    }

    @Override
    public boolean finished() {
        return remaining.get() <= 0;
    }

    @Override
    public String describe() {
        return "Limit " + rows;
    }
}
