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
            setByRow(gv, batch, ids, n);
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
                toRowsAndGroups(nr, ni, m, ids, rows);
                // the calls read pair batch positions: the distinct column is at 1 (0 is unused)
                groups.updateGroups(new Batch(List.of(d, d), batch.rowCount()), nr, m, ni);
            }
        }

        // The loops of add and addPacked are methods of their own: a loop between calls into
        // the group tables would be compiled on stack with those calls inlined (bench/RESULTS.md,
        // session 11 agg).

        /** Writes {@code ids[i]} at live row {@code i}'s row id in {@code out}, {@code i < n}. */
        private static void setByRow(ColumnVector out, Batch batch, int[] ids, int n) {
            for (int i = 0; i < n; i++) {
                out.setInt(batch.liveRow(i), ids[i]);
            }
        }

        /** Live-row indexes {@code nr[0, m)} to their row ids ({@code rows}, null: the same) and their groups into {@code ni}. */
        private static void toRowsAndGroups(int[] nr, int[] ni, int m, int[] ids, int[] rows) {
            for (int j = 0; j < m; j++) {
                int i = nr[j];
                ni[j] = ids[i];
                nr[j] = rows == null ? i : rows[i];
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
            return merge(all, ctx);
        } finally {
            all.forEach(Local::close);
        }
    }

    /**
     * One worker's groups and pairs as the merge reads them, both ordered by their group's
     * partition (the top bits of its hash), and the group ids of its partition's merged table.
     * {@code S} is the set that deduplicates a partition's pairs across workers: a pair table
     * ({@link TableWorker}) or a {@link DistinctPairs} set ({@link PackedWorker}).
     */
    private abstract static class Worker<S> implements AutoCloseable {
        final GroupTable groups;
        final GroupTable.PartitionIndex groupOrder;
        /** A group's id in its partition's merged table (written by that partition's task). */
        final int[] mapped;
        /** Pair rows ordered by their group's partition: {@code pairOrder[pairStart[p] .. pairStart[p + 1])}. */
        int[] pairStart;
        int[] pairOrder;

        Worker(GroupTable groups, int bits) {
            this.groups = groups;
            this.groupOrder = groups.partitionIndex(bits);
            this.mapped = new int[groups.groupCount()];
        }

        @Override
        public abstract void close();

        abstract int pairCount();

        /** The group (in {@link #groups}) of each pair row into {@code out}. */
        abstract void pairGroups(int[] out);

        /** A set for the pairs of one partition of all workers, with room for {@code pairs} pairs. */
        abstract S newSet(long pairs);

        abstract void closeSet(S set);

        /** The pairs as a batch (row = pair row) from which the outer aggregates read their inputs. */
        abstract Batch pairBatch();

        /**
         * Adds the pairs {@code pairOrder[from, from + n)}, under their groups' merged ids, to
         * {@code set}; the pairs new there go to {@code rows} (pair row) and {@code ids}
         * (merged group id). Returns how many.
         */
        abstract int addPairs(S set, int from, int n, int[] rows, int[] ids);

        /** Orders the pair rows by their group's partition of {@code 2^bits} (a counting sort). */
        final void orderPairs(int bits) {
            int n = pairCount();
            int[] part = new int[n];
            pairGroups(part);
            pairStart = new int[(1 << bits) + 1];
            pairOrder = new int[n];
            partitionOrder(groups.groupHashes(), 64 - bits, part, n, pairStart, pairOrder);
        }
    }

    /**
     * The counting sort of {@link Worker#orderPairs}: {@code part} holds each row's group and
     * becomes its partition (the hash's bits from {@code shift} on).
     */
    private static void partitionOrder(long[] hashes, int shift, int[] part, int n, int[] start, int[] order) {
        int partitions = start.length - 1;
        for (int r = 0; r < n; r++) {
            int p = (int) (hashes[part[r]] >>> shift);
            part[r] = p;
            start[p + 1]++;
        }
        for (int p = 0; p < partitions; p++) {
            start[p + 1] += start[p];
        }
        int[] next = Arrays.copyOf(start, partitions);
        for (int r = 0; r < n; r++) {
            order[next[part[r]]++] = r;
        }
    }

    /** A partition's pair table and the scratch of its first-new test. */
    private static final class PairTable {
        final GroupTable table;
        boolean[] seen = new boolean[0];

        PairTable(GroupTable table) { this.table = table; }
    }

    /** A worker whose pairs are a {@link GroupTable} keyed by (group id, D), read as its columns. */
    private final class TableWorker extends Worker<PairTable> {
        final ExecutionContext ctx;
        final int pairCount;
        List<ColumnVector> pairColumns;
        /** The pairs' merged group ids (by pair row), written by the partitions' tasks. */
        ColumnVector mergedIds;
        /** The pair columns with the merged ids in place of the worker's. */
        final List<ColumnVector> columns;

        TableWorker(Local l, int bits, ExecutionContext ctx) {
            super(l.groups, bits);
            this.ctx = ctx;
            this.pairCount = l.pairs.groupCount();
            this.pairColumns = l.pairs.finish();
            try {
                this.mergedIds = ColumnVector.allocate(ctx.pool(), DataType.INT32, Math.max(pairCount, 1), false,
                        "distinct aggregate merged group ids");
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
            this.columns = new ArrayList<>(pairColumns);
            columns.set(0, mergedIds);
        }

        @Override int pairCount() { return pairCount; }

        @Override
        void pairGroups(int[] out) {
            ColumnVector local = pairColumns.getFirst();
            for (int r = 0; r < pairCount; r++) {
                out[r] = local.getInt(r);
            }
        }

        @Override PairTable newSet(long pairs) { return new PairTable(pairTable(ctx, (int) Math.min(pairs, 1 << 29))); }

        @Override void closeSet(PairTable set) { set.table.close(); }

        @Override Batch pairBatch() { return new Batch(columns, pairCount); }

        @Override
        int addPairs(PairTable set, int from, int n, int[] rows, int[] ids) {
            if (set.seen.length < n) {
                set.seen = new boolean[n];
            }
            try (SelectionVector sel = new SelectionVector(ctx.pool(), n)) {
                remap(from, n, sel);
                Batch batch = new Batch(columns, pairCount, sel);
                GroupTable pairs = set.table;
                int before = pairs.groupCount();
                int[] pids = pairs.assign(batch);
                int m = firstNew(pids, n, before, sel, set.seen, rows, ids);
                Arrays.fill(set.seen, 0, pairs.groupCount() - before, false);
                return m;
            }
        }

        /** Writes the merged group id of pairs {@code pairOrder[from, from + n)} and selects their rows. */
        private void remap(int from, int n, SelectionVector sel) {
            ColumnVector local = pairColumns.getFirst();
            ColumnVector merged = mergedIds;
            for (int i = 0; i < n; i++) {
                int r = pairOrder[from + i];
                merged.setInt(r, mapped[local.getInt(r)]);
                sel.set(i, r);
            }
            sel.setCount(n);
        }

        /** The first row of each pair id {@code before} and up (new in the set) into {@code rows}, its merged group into {@code ids}. */
        private int firstNew(int[] pids, int n, int before, SelectionVector sel, boolean[] seen, int[] rows, int[] ids) {
            ColumnVector merged = mergedIds;
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
            return m;
        }

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

    /** A worker whose pairs are a {@link DistinctPairs} set; their values as a column (row = pair). */
    private final class PackedWorker extends Worker<DistinctPairs> {
        final ExecutionContext ctx;
        final DistinctPairs pairs;
        ColumnVector values;

        PackedWorker(Local l, int bits, ExecutionContext ctx) {
            super(l.groups, bits);
            this.ctx = ctx;
            this.pairs = l.packed;
            this.values = l.packed.values(ctx.pool(), pairTypes.get(1));
        }

        @Override int pairCount() { return pairs.pairCount(); }

        @Override
        void pairGroups(int[] out) {
            DistinctPairs ps = pairs;
            for (int r = 0; r < out.length; r++) {
                out[r] = ps.groupOf(r);
            }
        }

        @Override DistinctPairs newSet(long n) { return new DistinctPairs(pairTypes.get(1), ctx.pool(), false, n); }

        @Override void closeSet(DistinctPairs set) { set.close(); }

        // the calls read pair batch positions: the distinct column is at 1 (0 is unused)
        @Override Batch pairBatch() { return new Batch(List.of(values, values), pairs.pairCount()); }

        @Override
        int addPairs(DistinctPairs set, int from, int n, int[] rows, int[] ids) {
            int[] order = pairOrder;
            int[] map = mapped;
            DistinctPairs ps = pairs;
            int m = 0;
            for (int i = 0; i < n; i++) {
                int r = order[from + i];
                int g = map[ps.groupOf(r)];
                if (set.addFrom(ps, r, g)) {
                    rows[m] = r;
                    ids[m] = g;
                    m++;
                }
            }
            return m;
        }

        @Override
        public void close() {
            if (values != null) {
                values.close();
                values = null;
            }
        }
    }

    /**
     * The merge of several workers: one task per hash partition of K (see {@link
     * #mergePartition}); the workers' pairs are {@link TableWorker}s or {@link PackedWorker}s.
     */
    private MaterializedResult merge(List<Local> all, ExecutionContext ctx) {
        return packedPairs
                ? merge(all, ctx, (l, bits) -> new PackedWorker(l, bits, ctx))
                : merge(all, ctx, (l, bits) -> new TableWorker(l, bits, ctx));
    }

    private <S> MaterializedResult merge(List<Local> all, ExecutionContext ctx,
                                         java.util.function.BiFunction<Local, Integer, Worker<S>> worker) {
        long groups = 0;
        for (Local l : all) {
            groups += l.groups.groupCount();
        }
        int bits = HashAggregate.mergeBits(groups, ctx.threads());
        int partitions = 1 << bits;
        List<Worker<S>> workers = new ArrayList<>();
        MaterializedResult[] parts = new MaterializedResult[partitions];
        try {
            for (Local l : all) {
                Worker<S> w = worker.apply(l, bits);
                workers.add(w);
                w.orderPairs(bits);
            }
            ParallelTasks.run(ctx, partitions, p -> parts[p] = mergePartition(p, workers, ctx));
            return UnionAllResult.concatNonEmpty(schema, parts);
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
     * Partition {@code p}: the workers' groups of it into a new table (their keys copied), then
     * each worker's pairs of those groups, under the new ids, a chunk at a time into a set of
     * the partition; the pairs new there update the aggregates. The loops over groups and
     * pairs are methods of their own ({@link GroupTable#insertGroupsFrom}, {@link
     * Worker#addPairs}): this task runs once per partition, so a loop here would be compiled on
     * stack with the tables it calls inlined (bench/RESULTS.md, session 11 agg).
     */
    private <S> MaterializedResult mergePartition(int p, List<Worker<S>> workers, ExecutionContext ctx) {
        // sized for the sum of the workers' groups and pairs of the partition (the most there can
        // be): a key is often in one worker's pairs only, and growing the tables on the way
        // rehashes every pair once more
        long groupHint = 0;
        long pairHint = 0;
        for (Worker<S> w : workers) {
            int[] gs = w.groupOrder.start();
            groupHint += gs[p + 1] - gs[p];
            pairHint += w.pairStart[p + 1] - w.pairStart[p];
        }
        Worker<S> first = workers.getFirst();
        try (GroupTable into = groupTable(ctx, (int) Math.min(groupHint, 1 << 29))) {
            S set = first.newSet(pairHint);
            try {
                for (Worker<S> w : workers) {
                    int[] gs = w.groupOrder.start();
                    into.insertGroupsFrom(w.groups, w.groupOrder.order(), gs[p], gs[p + 1], w.mapped);
                }
                int chunk = Math.max(1, ctx.batchRows());
                int[] rows = new int[chunk];
                int[] ids = new int[chunk];
                for (Worker<S> w : workers) {
                    ctx.checkCancelled();
                    Batch batch = w.pairBatch();
                    int end = w.pairStart[p + 1];
                    for (int from = w.pairStart[p]; from < end; from += chunk) {
                        int n = Math.min(chunk, end - from);
                        int m = w.addPairs(set, from, n, rows, ids);
                        into.updateGroups(batch, rows, m, ids);
                    }
                }
            } finally {
                first.closeSet(set);
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
