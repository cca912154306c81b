package io.blueshift.operators.aggregate;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.Schema;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.exec.MaterializedResults;
import io.blueshift.operators.exec.Sink;
import io.blueshift.operators.exec.SinkState;

import java.util.ArrayList;
import java.util.List;

/**
 * GROUP BY: each worker aggregates into its own {@link GroupTable}; combine folds the worker
 * tables into the first; finish hands out key and aggregate columns as the result.
 */
public final class HashAggregate implements Sink, AutoCloseable {
    private final Schema input;
    private final int[] keyColumns;
    private final List<AggregateCall> calls;
    private final Schema schema;
    private GroupTable global;

    public HashAggregate(Schema input, int[] keyColumns, List<AggregateCall> calls) {
        this.input = input;
        this.keyColumns = keyColumns.clone();
        this.calls = List.copyOf(calls);
        List<Field> fields = new ArrayList<>();
        for (int k : keyColumns) {
            fields.add(input.field(k));
        }
        for (AggregateCall c : calls) {
            fields.add(new Field(c.name(), c.resultType(), true));
        }
        this.schema = new Schema(fields);
    }

    @Override
    public Schema outputSchema() { return schema; }

    private static final class Local implements SinkState {
        GroupTable table;

        Local(GroupTable table) { this.table = table; }

        @Override
        public void close() {
            if (table != null) {
                table.close();
                table = null;
            }
        }
    }

    @Override
    public SinkState createLocalState(ExecutionContext ctx) {
        List<DataType> keyTypes = new ArrayList<>();
        for (int k : keyColumns) {
            keyTypes.add(input.type(k));
        }
        return new Local(new GroupTable(ctx.kernels(), ctx.pool(), keyColumns, keyTypes, calls));
    }

    @Override
    public void sink(Batch batch, SinkState local) {
        ((Local) local).table.add(batch);
    }

    @Override
    public void combine(SinkState local) {
        Local l = (Local) local;
        if (global == null) {
            global = l.table;   // the first worker's table becomes the global one
            l.table = null;
            return;
        }
        global.mergeFrom(l.table);
    }

    @Override
    public MaterializedResult finish(ExecutionContext ctx) {
        GroupTable table = global;
        global = null;
        if (table == null) {
            throw new IllegalStateException("aggregate finished before any worker combined");
        }
        try {
            int groups = table.groupCount();
            List<ColumnVector> columns = table.finish();
            return MaterializedResults.chunked(schema, columns, groups, ctx.batchRows());
        } finally {
            table.close();
        }
    }

    /** Frees the combined table when the pipeline failed before {@link #finish}. */
    @Override
    public synchronized void close() {
        if (global != null) {
            global.close();
            global = null;
        }
    }

    @Override
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (int k : keyColumns) {
            parts.add(input.field(k).name());
        }
        List<String> aggs = new ArrayList<>();
        for (AggregateCall c : calls) {
            aggs.add(c.describe(c.input() < 0 ? "*" : input.field(c.input()).name()) + " AS " + c.name());
        }
        return "HashAggregate keys=" + parts + " aggregates=" + aggs;
    }
}
