package io.blueshift.operators.join;

import io.blueshift.memory.Batch;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Schema;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.exec.Sink;
import io.blueshift.operators.exec.SinkState;

import java.util.List;
import java.util.Objects;

/**
 * Ends the build pipeline of a join: each worker copies its rows into its own
 * {@link BuildRows}, combine collects them, and finish concatenates them on the query's
 * workers (one part each, so no worker copies another's rows while the others wait) and
 * builds one {@link JoinHashTable} over all rows. The table is then {@link #table()}; the
 * result finish returns has no rows and owns the table, so closing it frees the build side.
 * Call {@link #close} if the pipeline fails before finish.
 */
public final class HashJoinBuild implements Sink, AutoCloseable {
    private final Schema schema;
    private final int[] keys;
    private final List<BuildRows> parts = new java.util.ArrayList<>();
    private JoinHashTable table;

    /** {@code keys}: the build columns to hash; none for a nested-loop join. */
    public HashJoinBuild(Schema schema, int[] keys) {
        this.schema = Objects.requireNonNull(schema, "schema is null");
        this.keys = keys.clone();
        for (int k : keys) {
            JoinKeys.checkType(schema.type(k));
        }
    }

    @Override
    public Schema outputSchema() { return schema; }

    private static final class Local implements SinkState {
        final ExecutionContext ctx;
        BuildRows rows;

        Local(ExecutionContext ctx, BuildRows rows) {
            this.ctx = ctx;
            this.rows = rows;
        }

        @Override
        public void close() {
            if (rows != null) {
                rows.close();
            }
        }
    }

    @Override
    public SinkState createLocalState(ExecutionContext ctx) {
        return new Local(ctx, new BuildRows(ctx.pool(), schema));
    }

    @Override
    public void sink(Batch batch, SinkState local) {
        Local l = (Local) local;
        l.rows.append(batch, l.ctx.kernels().gather());
    }

    @Override
    public void combine(SinkState local) {
        Local l = (Local) local;
        if (l.rows.size() > 0) {
            parts.add(l.rows);
        } else {
            l.rows.close();
        }
        l.rows = null;
    }

    @Override
    public MaterializedResult finish(ExecutionContext ctx) {
        BuildRows all = parts.isEmpty() ? new BuildRows(ctx.pool(), schema)
                : parts.size() == 1 ? parts.getFirst() : BuildRows.concat(List.copyOf(parts), ctx);
        parts.clear();
        table = new JoinHashTable(all, keys, ctx);
        return new MaterializedResult(schema, List.of(), List.of(table));
    }

    /** For RIGHT_SEMI, RIGHT_ANTI and RIGHT joins: a matched flag per build row (after finish). */
    public void trackMatches(io.blueshift.memory.MemoryPool pool) {
        table().trackMatches(pool);
    }

    int keyCount() { return keys.length; }

    DataType keyType(int i) { return schema.type(keys[i]); }

    /** The table finish built. */
    JoinHashTable table() {
        if (table == null) {
            throw new IllegalStateException("the build side has not finished");
        }
        return table;
    }

    @Override
    public void close() {
        for (BuildRows p : parts) {
            p.close();
        }
        parts.clear();
    }

    @Override
    public String describe() {
        return "HashJoinBuild keys=" + java.util.Arrays.toString(keys);
    }
}
