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
 * GROUP BY with thread-local pre-aggregation and a radix-partitioned merge. Each worker
 * aggregates into a table of its own. While a worker's table is small that is all: few groups
 * (Q1's four) cost nothing more. When it reaches {@link #partitionAfterGroups} groups, the rows
 * it took per group decide: at {@link #RUN_ROWS_PER_GROUP} or more (clustered keys) its groups
 * are copied out as a run ordered by hash partition and the table starts over at
 * {@link #RUN_GROUPS} groups; with several workers and keys all but distinct (see
 * {@link #ROUTE_ROWS_NUM}), its groups move into {@code 2^}{@link #partitionBits} partition
 * tables and from then on each batch's rows are routed there; otherwise (and always with one
 * worker) the one table takes every group.
 * <p>
 * Finish: with neither runs nor partitions, the tables fold into the largest on one thread,
 * unless many groups lie outside it (see {@link #foldIntoLargest}): then they are sealed as
 * runs and merged as below.
 * Otherwise every partition is a task on the query's workers: it folds the other workers'
 * tables of that partition and the partition's stretch of every run into the largest table of
 * the partition (or a new one sized for it), and the partitions' columns, concatenated, are
 * the result. So all workers merge, and no group of a base table is inserted again.
 */
public final class HashAggregate implements Sink, AutoCloseable {
    private final Schema input;
    private final int[] keyColumns;
    private final List<AggregateCall> calls;
    private final Schema schema;
    private final List<Local> locals = new ArrayList<>();
    /** Below this many groups outside the largest table, one thread folds the tables together. */
    private static final int PARALLEL_MERGE_GROUPS = 1 << 15;
    /** The fewest groups a worker's table holds before it is partitioned. */
    static final int MIN_PARTITION_AFTER_GROUPS = 256;
    private static final int MAX_PARTITION_BITS = GroupTable.RUN_BITS;
    /**
     * A full worker table that took at least this many rows per group is sealed as a run
     * rather than partitioned: its keys come clustered, so tables of its size cut the rows well
     * and need not be any larger (see {@link Local#sealRun}).
     */
    static final int RUN_ROWS_PER_GROUP = 2;
    /**
     * Groups of the tables a worker seals as runs after the first: a table of that many,
     * slots, hashes, keys and sums, stays in a core's L2 while rows go in and while it is
     * copied out.
     */
    static final int RUN_GROUPS = 1 << 14;
    /** Groups per partition of a merge into new tables (see {@link #mergeBits}). */
    static final int MERGE_PARTITION_GROUPS = 1 << 14;
    /**
     * With several workers, a full table whose keys repeat (at least {@code NUM / DEN} rows
     * per group) is not partitioned: it takes every group, and the finish merges the workers'
     * tables in parallel ({@link #mergePartitions}). Routing each row to partition tables costs
     * more than that merge unless nearly every row is a new group: the partition tables
     * together are as large as the one table, but each is under the size from which a table
     * {@link GroupTable touches slots ahead}, so their cache misses come one at a time (TPC-H
     * Q13 at two threads, 150K groups of about five rows a worker: 26% less CPU unrouted;
     * 1.5M distinct strings: 26% more).
     */
    static final int ROUTE_ROWS_NUM = 9, ROUTE_ROWS_DEN = 8;
    /**
     * Nearly distinct keys at {@link #partitionAfterGroups} may still repeat later (random keys
     * of a large domain): they are routed only when still nearly distinct at this many times
     * that size (at 256K groups, a domain of 800K random keys has had 1.2 rows a group).
     */
    static final int ROUTE_CHECK_FACTOR = 4;
    /** Under {@code NUM / DEN} rows a group at the first limit (all but distinct keys), the table is routed at once. */
    static final int ALL_DISTINCT_NUM = 65, ALL_DISTINCT_DEN = 64;
    /** When positive, replaces {@link #partitionAfterGroups} (tests and A/B measurements; 0 = the rule). */
    static volatile int partitionAfterOverride;

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

    /**
     * Groups a worker's table holds before it is partitioned: eight times the batch rows (64K
     * at 8K-row batches). Below that, folding the tables on one thread costs up to about 20
     * ms (TPC-H Q16's 118K groups over two workers), no more than routing the rows to
     * partitions adds (measured +12 ms CPU on Q16 at 32K).
     */
    static int partitionAfterGroups(ExecutionContext ctx) {
        int forced = partitionAfterOverride;
        if (forced > 0) {
            return forced;
        }
        return Math.max(MIN_PARTITION_AFTER_GROUPS, 8 * ctx.batchRows());
    }

    /**
     * Radix bits of the partitions: the hash join's bits for a million-row table (a partition
     * of that fits L2), and at least four partitions per worker so the merge tasks balance.
     */
    static int partitionBits(ExecutionContext ctx) {
        int forThreads = 34 - Integer.numberOfLeadingZeros(Math.max(1, ctx.threads()) - 1);
        if (ctx.threads() == 1) {
            forThreads = 2;
        }
        return Math.min(MAX_PARTITION_BITS, Math.max(ctx.hashPartitionBits(), forThreads));
    }

    private final class Local implements SinkState {
        GroupTable table;
        /** Rows added to {@link #table} since it was started. */
        long tableRows;
        /** Full tables this worker sealed, in the order it sealed them (see {@link #sealRun}). */
        final List<GroupTable> runs = new ArrayList<>();
        /** The partition tables, once the table was partitioned (null before). */
        GroupTable[] parts;
        final int partitionAfter;
        /** Groups at which the table is sealed as a run or partitioned: {@link #partitionAfter}, smaller once sealing. */
        int limit;
        /** The table passed {@link #partitionAfter} with nearly distinct keys: at {@link #limit} it is routed or kept whole. */
        boolean routeCheck;
        /** {@code -Dblueshift.agg.routeEarly=true}: route at the first limit unless clustered (A/B measurements). */
        final boolean routeEarly;
        final int bits;
        final ExecutionContext ctx;

        Local(ExecutionContext ctx) {
            this.ctx = ctx;
            this.partitionAfter = partitionAfterGroups(ctx);
            this.limit = partitionAfter;
            this.bits = partitionBits(ctx);
            this.routeEarly = Boolean.getBoolean("blueshift.agg.routeEarly");
            this.table = newTable(ctx);
        }

        /** Takes over {@code from}'s tables (the pipeline closes {@code from} after combining it). */
        Local(Local from) {
            this.ctx = from.ctx;
            this.partitionAfter = from.partitionAfter;
            this.limit = from.limit;
            this.routeCheck = from.routeCheck;
            this.routeEarly = from.routeEarly;
            this.bits = from.bits;
            this.table = from.table;
            this.parts = from.parts;
            this.runs.addAll(from.runs);
            from.table = null;
            from.parts = null;
            from.runs.clear();
        }

        /**
         * Copies the table's groups, ordered by partition, into a run for the merge, and
         * empties the table for the next rows (keeping its arrays). For input whose keys come
         * clustered (each key's rows near each other, as a table stored in key order): a table
         * of this size already cut the rows several times, and the copy, from a table still
         * in cache, costs less than routing every row to partition tables would.
         */
        void sealRun() {
            GroupTable run = newTable(ctx, table.groupCount());
            try {
                table.copySortedInto(run);
            } catch (RuntimeException | Error e) {
                run.close();
                throw e;
            }
            runs.add(run);
            table.reset();
            tableRows = 0;
            routeCheck = false;
            limit = Math.min(partitionAfter, RUN_GROUPS);
        }

        /** Seals the table as the last run and frees it (the finish). */
        void sealLast() {
            sealRun();
            table.close();
            table = null;
        }

        /** Moves the table's groups into new partition tables; the table stays, empty. */
        void partition() {
            if (parts == null) {
                GroupTable[] p = new GroupTable[1 << bits];
                try {
                    for (int i = 0; i < p.length; i++) {
                        p[i] = newTable(ctx);
                    }
                } catch (RuntimeException | Error e) {
                    for (GroupTable t : p) {
                        if (t != null) {
                            t.close();
                        }
                    }
                    throw e;
                }
                parts = p;
            }
            table.flushInto(parts, bits);
        }

        // routing scratch: each live row's hash and row id, then both ordered by partition
        private long[] rowHashes = new long[0];
        private int[] rowIds = new int[0];
        private long[] byPartHashes = new long[0];
        private int[] byPartRows = new int[0];
        private int[] starts;

        /** Sends each live row of the batch to its partition's table. */
        void route(Batch batch) {
            int n = batch.liveCount();
            if (n == 0) {
                return;
            }
            if (rowHashes.length < n) {
                int cap = Math.max(n, rowHashes.length * 2);
                rowHashes = new long[cap];
                rowIds = new int[cap];
                byPartHashes = new long[cap];
                byPartRows = new int[cap];
            }
            GroupTable[] p = parts;
            int partitions = p.length;
            if (starts == null) {
                starts = new int[partitions + 1];
            }
            p[0].hashLive(batch, rowHashes);
            if (batch.selection() == null) {
                for (int i = 0; i < n; i++) {
                    rowIds[i] = i;
                }
            } else {
                java.lang.foreign.MemorySegment.copy(batch.selection().segment(),
                        java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 0, rowIds, 0, n);
            }
            int shift = 64 - bits;
            int[] st = starts;
            java.util.Arrays.fill(st, 0);
            long[] h = rowHashes;
            for (int i = 0; i < n; i++) {
                st[(int) (h[i] >>> shift) + 1]++;
            }
            for (int q = 0; q < partitions; q++) {
                st[q + 1] += st[q];
            }
            long[] oh = byPartHashes;
            int[] orows = byPartRows;
            int[] ids = rowIds;
            for (int i = 0; i < n; i++) {
                int q = (int) (h[i] >>> shift);
                int at = st[q]++;
                oh[at] = h[i];
                orows[at] = ids[i];
            }
            // st[q] is now the end of partition q, the start of q + 1
            int from = 0;
            for (int q = 0; q < partitions; q++) {
                p[q].addRows(batch, orows, oh, from, st[q] - from);
                from = st[q];
            }
        }

        @Override
        public void close() {
            if (table != null) {
                table.close();
                table = null;
            }
            runs.forEach(GroupTable::close);
            runs.clear();
            if (parts != null) {
                for (GroupTable t : parts) {
                    t.close();
                }
                parts = null;
            }
        }
    }

    @Override
    public SinkState createLocalState(ExecutionContext ctx) {
        return new Local(ctx);
    }

    @Override
    public void sink(Batch batch, SinkState local) {
        Local l = (Local) local;
        if (l.parts != null) {
            l.route(batch);
            return;
        }
        l.table.add(batch);
        l.tableRows += batch.liveCount();
        if (l.table.groupCount() >= l.limit) {
            full(l);
        }
    }

    /**
     * A worker's table reached its limit: seal it as a run (clustered keys), route from now on
     * (keys all but distinct, or nearly distinct still at {@link #ROUTE_CHECK_FACTOR} times the
     * first limit), look again at that size (keys nearly distinct so far), or let the one table
     * take every group.
     */
    private static void full(Local l) {
        long groups = l.table.groupCount();
        if (!l.routeCheck && l.tableRows >= (long) RUN_ROWS_PER_GROUP * groups) {
            l.sealRun();
            return;
        }
        boolean distinct = l.tableRows * ROUTE_ROWS_DEN < groups * ROUTE_ROWS_NUM;
        if (l.routeEarly && l.ctx.threads() > 1 && !l.table.directKeys()) {
            l.partition(); // the rule before session 19 (A/B measurements)
            return;
        }
        if (l.ctx.threads() > 1 && !l.table.directKeys() && distinct) {
            if (l.routeCheck || l.tableRows * ALL_DISTINCT_DEN < groups * ALL_DISTINCT_NUM) {
                l.partition();
                return;
            }
            l.routeCheck = true;
            l.limit = (int) Math.min(Integer.MAX_VALUE, (long) l.partitionAfter * ROUTE_CHECK_FACTOR);
            return;
        }
        // one worker, keys an array indexes, or keys that repeat: the one table takes every group
        l.limit = Integer.MAX_VALUE;
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
            boolean partitioned = all.stream().anyMatch(l -> l.parts != null || !l.runs.isEmpty());
            if (partitioned) {
                return mergePartitions(all, ctx);
            }
            List<GroupTable> tables = new ArrayList<>();
            for (Local l : all) {
                tables.add(l.table);
            }
            long groups = 0;
            GroupTable largest = tables.getFirst();
            for (GroupTable t : tables) {
                groups += t.groupCount();
                if (t.groupCount() > largest.groupCount()) {
                    largest = t;
                }
            }
            if (!foldIntoLargest(groups, largest.groupCount(), tables.size())) {
                return mergePartitions(all, ctx);
            }
            for (GroupTable t : tables) {
                if (t != largest) {
                    ctx.checkCancelled();
                    largest.mergeFrom(t);
                }
            }
            int count = largest.groupCount();
            List<ColumnVector> columns = largest.finish();
            return MaterializedResults.chunked(schema, columns, count, ctx.batchRows());
        } finally {
            all.forEach(Local::close);
        }
    }

    /**
     * The partitioned finish, one task per partition p on all workers. The base of partition
     * p is the largest partition-p table of the workers that partitioned (or, when none did,
     * a new table sized for the partition's groups); the task folds into it the other
     * workers' partition-p tables, then partition p's stretch of every run (the workers'
     * unpartitioned tables are made runs first, in parallel). Tasks write disjoint tables and
     * only read the runs, and the groups of each base are never inserted again.
     */
    private MaterializedResult mergePartitions(List<Local> all, ExecutionContext ctx) {
        List<Local> unsealed = new ArrayList<>();
        for (Local l : all) {
            if (l.table.groupCount() > 0) {
                unsealed.add(l);
            }
        }
        if (!unsealed.isEmpty()) {
            // a sealed table is freed at once: its groups are in the run
            io.blueshift.operators.exec.ParallelTasks.run(ctx, unsealed.size(), i -> unsealed.get(i).sealLast());
        }
        int bits = -1;
        long groups = 0;
        List<GroupTable> runs = new ArrayList<>();
        for (Local l : all) {
            if (l.parts != null) {
                bits = l.bits;
                for (GroupTable t : l.parts) {
                    groups += t.groupCount();
                }
            }
            for (GroupTable t : l.runs) {
                runs.add(t);
                groups += t.groupCount();
            }
        }
        final int partBits = bits >= 0 ? bits : mergeBits(groups, ctx.threads());
        int partitions = 1 << partBits;
        MaterializedResult[] parts = new MaterializedResult[partitions];
        try {
            io.blueshift.operators.exec.ParallelTasks.run(ctx, partitions,
                    p -> parts[p] = mergePartition(p, partBits, all, runs, ctx));
            return io.blueshift.operators.set.UnionAllResult.concatNonEmpty(schema, parts);
        } catch (RuntimeException | Error e) {
            for (MaterializedResult r : parts) {
                if (r != null) {
                    r.close();
                }
            }
            throw e;
        }
    }

    /**
     * Partition {@code p} of {@link #mergePartitions}: the workers' partition-p tables and
     * every run's stretch of it folded into the largest of those tables (or a new one), by one
     * {@link GroupTable#mergeRanges} call (no loop here calls into the table: see there).
     */
    private MaterializedResult mergePartition(int p, int partBits, List<Local> all, List<GroupTable> runs,
                                              ExecutionContext ctx) {
        GroupTable into = largestPart(all, p);
        GroupTable[] tables = new GroupTable[all.size() + runs.size()];
        int[] from = new int[tables.length];
        int[] to = new int[tables.length];
        int count = sources(p, partBits, all, runs, into, tables, from, to);
        GroupTable fresh = null;
        try {
            if (into == null) {
                fresh = newTable(ctx, (int) Math.min(rangeGroups(from, to, count), 1 << 29));
                into = fresh;
            }
            ctx.checkCancelled();
            into.mergeRanges(tables, from, to, count);
            int groupCount = into.groupCount();
            List<ColumnVector> columns = into.finish();
            return MaterializedResults.chunked(schema, columns, groupCount, ctx.batchRows());
        } finally {
            if (fresh != null) {
                fresh.close();
            }
        }
    }

    // the loops of mergePartition over workers and runs are methods of their own: a task runs
    // once per partition, so a loop in it would be compiled on stack with the merge inlined

    /** The largest partition-p table of the workers that partitioned (null when none did). */
    private static GroupTable largestPart(List<Local> all, int p) {
        GroupTable into = null;
        for (Local l : all) {
            if (l.parts != null && (into == null || l.parts[p].groupCount() > into.groupCount())) {
                into = l.parts[p];
            }
        }
        return into;
    }

    /**
     * The groups partition p folds into {@code into}: the other workers' partition-p tables
     * whole, then each run's stretch of the partition, as {@code tables[t]}'s groups {@code
     * [from[t], to[t])}; returns how many.
     */
    private static int sources(int p, int partBits, List<Local> all, List<GroupTable> runs, GroupTable into,
                               GroupTable[] tables, int[] from, int[] to) {
        int count = 0;
        for (Local l : all) {
            if (l.parts != null && l.parts[p] != into) {
                tables[count] = l.parts[p];
                to[count] = l.parts[p].groupCount();
                count++;
            }
        }
        for (GroupTable r : runs) {
            tables[count] = r;
            from[count] = r.runStart(p, partBits);
            to[count] = r.runStart(p + 1, partBits);
            count++;
        }
        return count;
    }

    /** The groups in ranges {@code [from[t], to[t])}, {@code t < count}. */
    private static long rangeGroups(int[] from, int[] to, int count) {
        long groups = 0;
        for (int t = 0; t < count; t++) {
            groups += to[t] - from[t];
        }
        return groups;
    }

    /**
     * Radix bits of a merge into new tables: partitions of about {@link #MERGE_PARTITION_GROUPS}
     * groups (a table of that many, slots, hashes, keys and sums, fits a core's L2), and at
     * least four per worker so the tasks balance.
     */
    static int mergeBits(long groups, int threads) {
        int forGroups = 64 - Long.numberOfLeadingZeros(Math.max(1, (groups - 1) / MERGE_PARTITION_GROUPS));
        int forThreads = 34 - Integer.numberOfLeadingZeros(Math.max(1, threads) - 1);
        return Math.min(MAX_PARTITION_BITS, Math.max(forGroups, forThreads));
    }

    /**
     * Whether folding the other tables into the largest (on one thread) beats the partitioned
     * merge ({@link #mergePartitions}): when the groups outside the largest are few. Past
     * that the fold is the slower one even in CPU, not only in wall time: the largest table
     * has outgrown L2, so each group folded in costs cache misses (TPC-H Q13's 150K groups:
     * about 25 ms on one thread, where sealing the tables as runs and merging them into
     * L2-sized partition tables costs about 7 ms of CPU over all workers).
     */
    static boolean foldIntoLargest(long groups, long largest, int tables) {
        return tables == 1 || groups - largest < PARALLEL_MERGE_GROUPS;
    }

    private GroupTable newTable(ExecutionContext ctx) {
        return newTable(ctx, 0);
    }

    /** A table with room for {@code groups} groups before it grows. */
    private GroupTable newTable(ExecutionContext ctx, int groups) {
        List<DataType> keyTypes = new ArrayList<>();
        for (int k : keyColumns) {
            keyTypes.add(input.type(k));
        }
        return new GroupTable(ctx.kernels(), ctx.pool(), keyColumns, keyTypes, calls, groups);
    }

    /** Frees the combined tables when the pipeline failed before {@link #finish}. */
    @Override
    public synchronized void close() {
        locals.forEach(Local::close);
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
