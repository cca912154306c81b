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
 * GROUP BY: each worker aggregates into its own {@link GroupTable}. With one worker table,
 * few groups, or two workers, finish folds the tables into the largest (see
 * {@link #mergeInParallel}); with many groups spread over more workers it merges by
 * partition: the groups' hashes split them into twice as many partitions as workers, each
 * partition merged into a table of its own on the query's workers at once (every group lands
 * in exactly one), and the partitions' columns are the result.
 */
public final class HashAggregate implements Sink, AutoCloseable {
    private final Schema input;
    private final int[] keyColumns;
    private final List<AggregateCall> calls;
    private final Schema schema;
    private final List<GroupTable> locals = new ArrayList<>();
    /** Below this many groups in all, one thread folds the tables together. */
    private static final int PARALLEL_MERGE_GROUPS = 1 << 15;

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
        return new Local(newTable(ctx));
    }

    @Override
    public void sink(Batch batch, SinkState local) {
        ((Local) local).table.add(batch);
    }

    @Override
    public void combine(SinkState local) {
        Local l = (Local) local;
        synchronized (this) {
            locals.add(l.table);
        }
        l.table = null;
    }

    @Override
    public MaterializedResult finish(ExecutionContext ctx) {
        List<GroupTable> tables;
        synchronized (this) {
            tables = new ArrayList<>(locals);
            locals.clear();
        }
        if (tables.isEmpty()) {
            throw new IllegalStateException("aggregate finished before any worker combined");
        }
        long groups = 0;
        GroupTable largest = tables.getFirst();
        for (GroupTable t : tables) {
            groups += t.groupCount();
            if (t.groupCount() > largest.groupCount()) {
                largest = t;
            }
        }
        try {
            if (!mergeInParallel(groups, largest.groupCount(), tables.size(), ctx.threads())) {
                for (GroupTable t : tables) {
                    if (t != largest) {
                        ctx.checkCancelled();
                        largest.mergeFrom(t);
                    }
                }
                int count = largest.groupCount();
                List<ColumnVector> columns = largest.finish();
                return MaterializedResults.chunked(schema, columns, count, ctx.batchRows());
            }
            return mergeByPartition(tables, ctx);
        } finally {
            tables.forEach(GroupTable::close);
        }
    }

    /**
     * Whether merging by partition on all workers beats folding the other tables into the
     * largest on one thread. The fold inserts only the groups outside the largest table; the
     * partition merge inserts every group again, {@code threads} at a time, into fresh tables
     * (about 1.5 times the cost per group). So with two workers the fold is never slower
     * (the largest table holds at least half the groups), and with more it wins unless one
     * table holds most groups.
     */
    static boolean mergeInParallel(long groups, long largest, int tables, int threads) {
        if (tables == 1 || threads == 1 || groups < PARALLEL_MERGE_GROUPS) {
            return false;
        }
        return (groups - largest) * threads > groups * 3 / 2;
    }

    private MaterializedResult mergeByPartition(List<GroupTable> tables, ExecutionContext ctx) {
        int bits = 32 - Integer.numberOfLeadingZeros(ctx.threads() * 2 - 1);
        int partitions = 1 << bits;
        GroupTable[] merged = new GroupTable[partitions];
        List<MaterializedResult> parts = new ArrayList<>();
        try {
            io.blueshift.operators.exec.ParallelTasks.run(ctx, partitions, p -> {
                GroupTable into = newTable(ctx);
                merged[p] = into;
                for (GroupTable t : tables) {
                    ctx.checkCancelled();
                    into.mergePartition(t, p, bits);
                }
            });
            for (int p = 0; p < partitions; p++) {
                int count = merged[p].groupCount();
                List<ColumnVector> columns = merged[p].finish();
                parts.add(MaterializedResults.chunked(schema, columns, count, ctx.batchRows()));
            }
            return io.blueshift.operators.set.UnionAllResult.concat(schema, parts);
        } catch (RuntimeException | Error e) {
            parts.forEach(MaterializedResult::close);
            throw e;
        } finally {
            for (GroupTable t : merged) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }

    private GroupTable newTable(ExecutionContext ctx) {
        List<DataType> keyTypes = new ArrayList<>();
        for (int k : keyColumns) {
            keyTypes.add(input.type(k));
        }
        return new GroupTable(ctx.kernels(), ctx.pool(), keyColumns, keyTypes, calls);
    }

    /** Frees the combined table when the pipeline failed before {@link #finish}. */
    @Override
    public synchronized void close() {
        locals.forEach(GroupTable::close);
        locals.clear();
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
