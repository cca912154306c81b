package io.blueshift.operators.aggregate;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.Schema;
import io.blueshift.memory.SelectionVector;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.exec.MaterializedResults;
import io.blueshift.operators.exec.ParallelTasks;
import io.blueshift.operators.exec.Sink;
import io.blueshift.operators.exec.SinkState;
import io.blueshift.operators.set.UnionAllResult;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A GROUP BY over the distinct rows of a GROUP BY with more keys, as one sink:
 * {@code Aggregate(K; calls over D)} of {@code Aggregate(K + D; no calls)}, the shape
 * {@code COUNT(DISTINCT d)}, {@code SUM(DISTINCT d)} and the like expand to. Two levels would
 * hash and copy K's keys (often strings) for every distinct (K, D) row twice and materialize
 * those rows between them; here each input row hashes K once, into a table of the K groups
 * (the outer level), and the distinct level is a second table keyed by that group's id and D:
 * a fixed-width id in place of K's keys. A row that makes a new (group id, D) pair is the
 * distinct row's first: only such rows update the outer aggregates.
 * <p>
 * One worker updates the aggregates as it goes. With several, a worker's group ids are its
 * own, so workers only deduplicate locally; the finish is one task per hash partition of K
 * on all workers: the workers' K groups of that partition go into a new table (their keys
 * copied, never hashed again), each worker's pairs of those groups are re-keyed by the new
 * ids and deduplicated across workers in a pair table of the partition, and the pairs new
 * there update the aggregates.
 */
public final class DistinctAggregate implements Sink, AutoCloseable {
    private final Schema input;
    private final int[] groupColumns;
    private final int[] distinctColumns;
    /** The outer aggregates, their inputs as positions in a pair batch ({@code 1 + } index in D). */
    private final List<AggregateCall> calls;
    private final List<DataType> groupTypes = new ArrayList<>();
    private final List<DataType> pairTypes = new ArrayList<>();
    private final int[] pairColumns;
    private final Schema schema;
    /** One distinct column of a fixed-width integer kind: the pairs go to a {@link DistinctPairs} set. */
    private final boolean packedPairs;
    private final List<Local> locals = new ArrayList<>();

    private DistinctAggregate(Schema input, int[] groupColumns, int[] distinctColumns, List<AggregateCall> calls,
                              Schema schema) {
        this.input = input;
        this.groupColumns = groupColumns;
        this.distinctColumns = distinctColumns;
        this.calls = List.copyOf(calls);
        this.schema = schema;
        for (int k : groupColumns) {
            groupTypes.add(input.type(k));
        }
        pairTypes.add(DataType.INT32);
        for (int d : distinctColumns) {
            pairTypes.add(input.type(d));
        }
        pairColumns = new int[distinctColumns.length + 1];
        for (int i = 0; i < pairColumns.length; i++) {
            pairColumns[i] = i;
        }
        packedPairs = distinctColumns.length == 1 && DistinctPairs.supports(input.type(distinctColumns[0]));
    }

    /**
     * The sink for {@code Aggregate(outerKeys; outerCalls)} over {@code Aggregate(innerKeys; no
     * calls)} of rows of schema {@code input}, or null when the outer level is not of that
     * shape: its keys a proper, non-empty subset of the inner's output, and every aggregate
     * COUNT(*) or of an inner key outside its own keys. {@code outerKeys} and the calls'
     * inputs are positions in the inner aggregate's output (= its keys).
     */
    public static DistinctAggregate create(Schema input, int[] innerKeys, int[] outerKeys, List<AggregateCall> outerCalls) {
        int inner = innerKeys.length;
        if (outerKeys.length == 0 || outerKeys.length >= inner) {
            return null;
        }
        boolean[] isGroup = new boolean[inner];
        for (int k : outerKeys) {
            if (k < 0 || k >= inner || isGroup[k]) {
                return null;
            }
            isGroup[k] = true;
        }
        int[] groupColumns = new int[outerKeys.length];
        for (int i = 0; i < outerKeys.length; i++) {
            groupColumns[i] = innerKeys[outerKeys[i]];
        }
        int[] distinct = new int[inner - outerKeys.length];
        int[] pairPosition = new int[inner];
        int d = 0;
        for (int k = 0; k < inner; k++) {
            if (!isGroup[k]) {
                pairPosition[k] = 1 + d;
                distinct[d++] = innerKeys[k];
            }
        }
        List<AggregateCall> calls = new ArrayList<>();
        for (AggregateCall c : outerCalls) {
            if (c.function() == AggregateFunction.COUNT_STAR) {
                calls.add(c);
                continue;
            }
            if (c.input() < 0 || c.input() >= inner || isGroup[c.input()]) {
                return null;
            }
            calls.add(new AggregateCall(c.function(), pairPosition[c.input()], c.inputType(), c.name()));
        }
        List<Field> fields = new ArrayList<>();
        for (int k : groupColumns) {
            fields.add(input.field(k));
        }
        for (AggregateCall c : calls) {
            fields.add(new Field(c.name(), c.resultType(), true));
        }
        return new DistinctAggregate(input, groupColumns, distinct, calls, new Schema(fields));
    }

    @Override
    public Schema outputSchema() { return schema; }

    private GroupTable groupTable(ExecutionContext ctx, int groups) {
        return new GroupTable(ctx.kernels(), ctx.pool(), groupColumns, groupTypes, calls, groups);
    }

    private GroupTable pairTable(ExecutionContext ctx, int pairs) {
        return new GroupTable(ctx.kernels(), ctx.pool(), pairColumns, pairTypes, List.of(), pairs);
    }

    private final class Local implements SinkState {
        final ExecutionContext ctx;
        GroupTable groups;
        /** The pairs: one of these two (see {@link #packedPairs}). */
        GroupTable pairs;
        DistinctPairs packed;
        /** One worker: the aggregates are updated as rows come (else only at the finish). */
        final boolean aggregate;
        /** Each row's group id (by row id) for the pair batch. */
        ColumnVector groupIds;
        int[] newRows = new int[0];
        int[] newIds = new int[0];
        boolean[] seen = new boolean[0];
        int[] liveRows = new int[0];

        Local(ExecutionContext ctx) {
            this.ctx = ctx;
            this.aggregate = ctx.threads() <= 1;
            try {
                groups = groupTable(ctx, 0);
                if (packedPairs) {
                    packed = new DistinctPairs(pairTypes.get(1), ctx.pool(), !aggregate, 0);
                } else {
                    pairs = pairTable(ctx, 0);
                }
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }

        /** Takes over {@code from}'s tables (the pipeline closes {@code from} after combining it). */
        Local(Local from) {
            this.ctx = from.ctx;
            this.aggregate = from.aggregate;
            this.groups = from.groups;
            this.pairs = from.pairs;
            this.packed = from.packed;
            from.groups = null;
            from.pairs = null;
            from.packed = null;
        }

        void add(Batch batch) {
            int n = batch.liveCount();
            if (n == 0) {
                return;
            }
            if (newRows.length < n) {
                newRows = new int[n];
                newIds = new int[n];
                seen = new boolean[n];
            }
            if (packed != null) {
                addPacked(batch, n);
                return;
            }
            int rowCount = batch.rowCount();
            if (groupIds == null || groupIds.capacity() < rowCount) {
                if (groupIds != null) {
                    groupIds.close();
                    groupIds = null;
                }
                groupIds = ColumnVector.allocate(ctx.pool(), DataType.INT32, Math.max(rowCount, 1024), false, "distinct aggregate group ids");
            }
            int[] ids = groups.assign(batch);
            ColumnVector gv = groupIds;
            for (int i = 0; i < n; i++) {
                gv.setInt(batch.liveRow(i), ids[i]);
            }
            List<ColumnVector> cols = new ArrayList<>(distinctColumns.length + 1);
            cols.add(gv);
            for (int d : distinctColumns) {
                cols.add(batch.column(d));
            }
            Batch pairBatch = new Batch(cols, rowCount, batch.selection());
            int before = pairs.groupCount();
            int[] pids = pairs.assign(pairBatch);
            int m = firstRows(pairBatch, pids, n, before, ids);
            Arrays.fill(seen, 0, pairs.groupCount() - before, false);
            if (aggregate) {
                groups.updateGroups(pairBatch, newRows, m, newIds);
            }
        }

        /** {@link #add} with the pairs in {@link #packed}: the batch's rows that make a new pair update the aggregates. */
        private void addPacked(Batch batch, int n) {
            int[] ids = groups.assign(batch);
            SelectionVector sel = batch.selection();
            int[] rows = null;
            if (sel != null) {
                if (liveRows.length < n) {
                    liveRows = new int[n];
                }
                MemorySegment.copy(sel.segment(), ValueLayout.JAVA_INT_UNALIGNED, 0, liveRows, 0, n);
                rows = liveRows;
            }
            ColumnVector d = batch.column(distinctColumns[0]);
            int m = packed.add(ids, d, rows, n, newRows);
            if (aggregate && m > 0) {
                int[] nr = newRows;
                int[] ni = newIds;
                for (int j = 0; j < m; j++) {
                    int i = nr[j];
                    ni[j] = ids[i];
                    nr[j] = rows == null ? i : rows[i];
                }
                // the calls read pair batch positions: the distinct column is at 1 (0 is unused)
                groups.updateGroups(new Batch(List.of(d, d), batch.rowCount()), nr, m, ni);
            }
        }

        /**
         * Of the {@code n} live rows whose pairs are {@code pids}, the first row of each pair
         * made by this batch (ids {@code before} and up) into {@link #newRows} with its group
         * ({@code groupOf[i]}) in {@link #newIds}; returns how many.
         */
        int firstRows(Batch batch, int[] pids, int n, int before, int[] groupOf) {
            int m = 0;
            for (int i = 0; i < n; i++) {
                int p = pids[i] - before;
                if (p >= 0 && !seen[p]) {
                    seen[p] = true;
                    newRows[m] = batch.liveRow(i);
                    newIds[m] = groupOf[i];
                    m++;
                }
            }
            return m;
        }

        @Override
        public void close() {
            if (groups != null) {
                groups.close();
                groups = null;
            }
            if (pairs != null) {
                pairs.close();
                pairs = null;
            }
            if (packed != null) {
                packed.close();
                packed = null;
            }
            if (groupIds != null) {
                groupIds.close();
                groupIds = null;
            }
        }
    }

    @Override
    public SinkState createLocalState(ExecutionContext ctx) {
        return new Local(ctx);
    }

    @Override
    public void sink(Batch batch, SinkState local) {
        ((Local) local).add(batch);
    }

    @Override
    public void combine(SinkState local) {
        synchronized (this) {
            locals.add(new Local((Local) local));
        }
    }

    @Override
    public MaterializedResult finish(ExecutionContext ctx) {
        List<Local> all;
        synchronized (this) {
            all = new ArrayList<>(locals);
            locals.clear();
        }
        if (all.isEmpty()) {
            throw new IllegalStateException("aggregate finished before any worker combined");
        }
        try {
            if (all.size() == 1 && all.getFirst().aggregate) {
                GroupTable t = all.getFirst().groups;
                int count = t.groupCount();
                return MaterializedResults.chunked(schema, t.finish(), count, ctx.batchRows());
            }
            return packedPairs ? mergePacked(all, ctx) : merge(all, ctx);
        } finally {
            all.forEach(Local::close);
        }
    }

    /** One worker's tables read by the merge: its pairs as columns and both ordered by partition. */
    private static final class Worker implements AutoCloseable {
        GroupTable groups;
        GroupTable.PartitionIndex groupOrder;
        List<ColumnVector> pairColumns = List.of();
        int pairCount;
        /** Pair rows ordered by their group's partition: {@code pairOrder[pairStart[p] .. pairStart[p + 1])}. */
        int[] pairStart;
        int[] pairOrder;
        /** A group's id in its partition's merged table. */
        int[] mapped;
        /** The pairs' merged group ids (by pair row), written by the partitions' tasks. */
        ColumnVector mergedIds;

        @Override
        public void close() {
            pairColumns.forEach(ColumnVector::close);
            pairColumns = List.of();
            if (mergedIds != null) {
                mergedIds.close();
                mergedIds = null;
            }
        }
    }

    private MaterializedResult merge(List<Local> all, ExecutionContext ctx) {
        long groups = 0;
        for (Local l : all) {
            groups += l.groups.groupCount();
        }
        int bits = HashAggregate.mergeBits(groups, ctx.threads());
        int partitions = 1 << bits;
        int shift = 64 - bits;
        List<Worker> workers = new ArrayList<>();
        MaterializedResult[] parts = new MaterializedResult[partitions];
        try {
            for (Local l : all) {
                Worker w = new Worker();
                workers.add(w);
                w.groups = l.groups;
                w.groupOrder = l.groups.partitionIndex(bits);
                w.mapped = new int[l.groups.groupCount()];
                w.pairCount = l.pairs.groupCount();
                w.pairColumns = l.pairs.finish();
                w.mergedIds = ColumnVector.allocate(ctx.pool(), DataType.INT32, Math.max(w.pairCount, 1), false,
                        "distinct aggregate merged group ids");
                // pair rows ordered by their group's partition (a counting sort)
                ColumnVector local = w.pairColumns.getFirst();
                long[] hashes = l.groups.groupHashes();
                int[] start = new int[partitions + 1];
                int[] part = new int[w.pairCount];
                for (int r = 0; r < w.pairCount; r++) {
                    int p = (int) (hashes[local.getInt(r)] >>> shift);
                    part[r] = p;
                    start[p + 1]++;
                }
                for (int p = 0; p < partitions; p++) {
                    start[p + 1] += start[p];
                }
                int[] next = Arrays.copyOf(start, partitions);
                int[] order = new int[w.pairCount];
                for (int r = 0; r < w.pairCount; r++) {
                    order[next[part[r]]++] = r;
                }
                w.pairStart = start;
                w.pairOrder = order;
            }
            ParallelTasks.run(ctx, partitions, p -> parts[p] = mergePartition(p, workers, ctx));
            return io.blueshift.operators.set.UnionAllResult.concatNonEmpty(schema, parts);
        } catch (RuntimeException | Error e) {
            for (MaterializedResult r : parts) {
                if (r != null) {
                    r.close();
                }
            }
            throw e;
        } finally {
            workers.forEach(Worker::close);
        }
    }

    /**
     * Partition {@code p}: the workers' groups of it into a new table, then each worker's pairs
     * of those groups, re-keyed by the new ids, a batch at a time into the partition's pair
     * table; the pairs new there update the aggregates.
     */
    private MaterializedResult mergePartition(int p, List<Worker> workers, ExecutionContext ctx) {
        // sized for the sum of the workers' groups and pairs of the partition (the most there can
        // be): a key is often in one worker's pairs only, and growing the tables on the way
        // rehashes every pair once more
        long groupHint = 0;
        long pairHint = 0;
        for (Worker w : workers) {
            int[] gs = w.groupOrder.start();
            groupHint += gs[p + 1] - gs[p];
            pairHint += w.pairStart[p + 1] - w.pairStart[p];
        }
        try (GroupTable into = groupTable(ctx, (int) Math.min(groupHint, 1 << 29));
             GroupTable pairs = pairTable(ctx, (int) Math.min(pairHint, 1 << 29))) {
            for (Worker w : workers) {
                int[] gs = w.groupOrder.start();
                int[] order = w.groupOrder.order();
                for (int i = gs[p]; i < gs[p + 1]; i++) {
                    w.mapped[order[i]] = into.insertGroupFrom(w.groups, order[i]);
                }
            }
            int chunk = Math.max(1, ctx.batchRows());
            int[] rows = new int[0];
            int[] ids = new int[0];
            boolean[] seen = new boolean[0];
            for (Worker w : workers) {
                ctx.checkCancelled();
                ColumnVector local = w.pairColumns.getFirst();
                ColumnVector merged = w.mergedIds;
                List<ColumnVector> cols = new ArrayList<>(w.pairColumns);
                cols.set(0, merged);
                for (int from = w.pairStart[p]; from < w.pairStart[p + 1]; from += chunk) {
                    int n = Math.min(chunk, w.pairStart[p + 1] - from);
                    if (rows.length < n) {
                        rows = new int[n];
                        ids = new int[n];
                        seen = new boolean[n];
                    }
                    try (SelectionVector sel = new SelectionVector(ctx.pool(), n)) {
                        for (int i = 0; i < n; i++) {
                            int r = w.pairOrder[from + i];
                            merged.setInt(r, w.mapped[local.getInt(r)]);
                            sel.set(i, r);
                        }
                        sel.setCount(n);
                        Batch batch = new Batch(cols, w.pairCount, sel);
                        int before = pairs.groupCount();
                        int[] pids = pairs.assign(batch);
                        int m = 0;
                        for (int i = 0; i < n; i++) {
                            int q = pids[i] - before;
                            if (q >= 0 && !seen[q]) {
                                seen[q] = true;
                                int r = sel.get(i);
                                rows[m] = r;
                                ids[m] = merged.getInt(r);
                                m++;
                            }
                        }
                        Arrays.fill(seen, 0, pairs.groupCount() - before, false);
                        into.updateGroups(batch, rows, m, ids);
                    }
                }
            }
            int count = into.groupCount();
            return MaterializedResults.chunked(schema, into.finish(), count, ctx.batchRows());
        }
    }

    /** One worker's tables read by {@link #mergePacked}: its pairs ordered by their group's partition. */
    private static final class PackedWorker implements AutoCloseable {
        GroupTable groups;
        GroupTable.PartitionIndex groupOrder;
        DistinctPairs pairs;
        /** The pairs' values as a column (row = pair), the input of the merge's aggregates. */
        ColumnVector values;
        int[] pairStart;
        int[] pairOrder;
        /** A group's id in its partition's merged table. */
        int[] mapped;

        @Override
        public void close() {
            if (values != null) {
                values.close();
                values = null;
            }
        }
    }

    /**
     * {@link #merge} for pairs in {@link DistinctPairs} sets: one task per hash partition of K;
     * the workers' groups of the partition go into a new table, then each worker's pairs of
     * those groups, under the new ids, into a set of the partition: the pairs new there update
     * the aggregates (read from the worker's pair values).
     */
    private MaterializedResult mergePacked(List<Local> all, ExecutionContext ctx) {
        long groups = 0;
        for (Local l : all) {
            groups += l.groups.groupCount();
        }
        int bits = HashAggregate.mergeBits(groups, ctx.threads());
        int partitions = 1 << bits;
        int shift = 64 - bits;
        List<PackedWorker> workers = new ArrayList<>();
        MaterializedResult[] parts = new MaterializedResult[partitions];
        try {
            for (Local l : all) {
                PackedWorker w = new PackedWorker();
                workers.add(w);
                w.groups = l.groups;
                w.pairs = l.packed;
                w.groupOrder = l.groups.partitionIndex(bits);
                w.mapped = new int[l.groups.groupCount()];
                w.values = l.packed.values(ctx.pool(), pairTypes.get(1));
                int n = l.packed.pairCount();
                long[] hashes = l.groups.groupHashes();
                int[] start = new int[partitions + 1];
                int[] part = new int[n];
                for (int r = 0; r < n; r++) {
                    int p = (int) (hashes[l.packed.groupOf(r)] >>> shift);
                    part[r] = p;
                    start[p + 1]++;
                }
                for (int p = 0; p < partitions; p++) {
                    start[p + 1] += start[p];
                }
                int[] next = Arrays.copyOf(start, partitions);
                int[] order = new int[n];
                for (int r = 0; r < n; r++) {
                    order[next[part[r]]++] = r;
                }
                w.pairStart = start;
                w.pairOrder = order;
            }
            ParallelTasks.run(ctx, partitions, p -> parts[p] = mergePackedPartition(p, workers, ctx));
            return io.blueshift.operators.set.UnionAllResult.concatNonEmpty(schema, parts);
        } catch (RuntimeException | Error e) {
            for (MaterializedResult r : parts) {
                if (r != null) {
                    r.close();
                }
            }
            throw e;
        } finally {
            workers.forEach(PackedWorker::close);
        }
    }

    private MaterializedResult mergePackedPartition(int p, List<PackedWorker> workers, ExecutionContext ctx) {
        long groupHint = 0;
        long pairHint = 0;
        for (PackedWorker w : workers) {
            int[] gs = w.groupOrder.start();
            groupHint += gs[p + 1] - gs[p];
            pairHint += w.pairStart[p + 1] - w.pairStart[p];
        }
        try (GroupTable into = groupTable(ctx, (int) Math.min(groupHint, 1 << 29));
             DistinctPairs pairs = new DistinctPairs(pairTypes.get(1), ctx.pool(), false, pairHint)) {
            for (PackedWorker w : workers) {
                int[] gs = w.groupOrder.start();
                int[] order = w.groupOrder.order();
                for (int i = gs[p]; i < gs[p + 1]; i++) {
                    w.mapped[order[i]] = into.insertGroupFrom(w.groups, order[i]);
                }
            }
            int chunk = Math.max(1, ctx.batchRows());
            int[] rows = new int[chunk];
            int[] ids = new int[chunk];
            for (PackedWorker w : workers) {
                ctx.checkCancelled();
                Batch batch = new Batch(List.of(w.values, w.values), w.pairs.pairCount());
                int end = w.pairStart[p + 1];
                for (int from = w.pairStart[p]; from < end; from += chunk) {
                    int n = Math.min(chunk, end - from);
                    int m = 0;
                    for (int i = 0; i < n; i++) {
                        int r = w.pairOrder[from + i];
                        int g = w.mapped[w.pairs.groupOf(r)];
                        if (pairs.addFrom(w.pairs, r, g)) {
                            rows[m] = r;
                            ids[m] = g;
                            m++;
                        }
                    }
                    into.updateGroups(batch, rows, m, ids);
                }
            }
            int count = into.groupCount();
            return MaterializedResults.chunked(schema, into.finish(), count, ctx.batchRows());
        }
    }

    /** Frees the combined tables when the pipeline failed before {@link #finish}. */
    @Override
    public synchronized void close() {
        locals.forEach(Local::close);
        locals.clear();
    }

    @Override
    public String describe() {
        List<String> keys = new ArrayList<>();
        for (int k : groupColumns) {
            keys.add(input.field(k).name());
        }
        List<String> distinct = new ArrayList<>();
        for (int d : distinctColumns) {
            distinct.add(input.field(d).name());
        }
        List<String> aggs = new ArrayList<>();
        for (AggregateCall c : calls) {
            aggs.add(c.describe(c.input() < 0 ? "*" : input.field(distinctColumns[c.input() - 1]).name()) + " AS " + c.name());
        }
        return "DistinctAggregate keys=" + keys + " distinct=" + distinct + " aggregates=" + aggs;
    }
}
