package io.blueshift.api;

import io.blueshift.kernels.KernelProvider;
import io.blueshift.kernels.Kernels;
import io.blueshift.memory.MemoryPool;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.exec.QueryCancelledException;
import io.blueshift.operators.exec.WorkerPool;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.operators.plan.QueryExecutor;
import io.blueshift.sql.SqlPlanner;
import io.blueshift.storage.Catalog;
import io.blueshift.storage.Table;
import io.blueshift.tpch.TpchGenerator;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tables plus the means to query them with SQL; one memory pool bounds all of it. A session
 * owns a fixed pool of worker threads ({@link Options#threads}) that all its queries share.
 * Thread-safe: queries may run from many threads at once ({@link #sql} blocks the caller,
 * {@link #submit} runs in the background and can be cancelled).
 */
public final class Session implements AutoCloseable {
    /** How long {@link #close} waits for running queries to stop after cancelling them. */
    private static final long CLOSE_WAIT_MILLIS = 10_000;
    /**
     * At most this much freed scan memory (a morsel's decoded vectors) is kept between queries,
     * accounted against the session's limit and given up whenever a reservation needs it.
     */
    private static final long REUSE_MAX_BYTES = 64L << 20;
    /**
     * At most this much of the large Java-heap arrays queries drop (group tables, their keys and
     * sums) is kept for the next ones ({@link MemoryPool#keepHeapArrays}), and no more than an
     * eighth of the JVM's heap or a sixteenth of the session's limit. TPC-H Q18 at SF 1 made
     * about 240 MB of such arrays a run, of which at most about 100 MB live at once.
     */
    private static final long KEEP_ARRAYS_MAX_BYTES = 256L << 20;

    private volatile Options options;
    private final MemoryPool root;
    private final MemoryPool data;
    private final Catalog catalog = new Catalog();
    private final KernelProvider kernels;
    private final WorkerPool workers;
    private final AtomicInteger queryCounter = new AtomicInteger();
    private final Set<ExecutionContext> running = ConcurrentHashMap.newKeySet();
    private final Set<QueryHandle> submitted = ConcurrentHashMap.newKeySet();
    private final java.util.Map<String, String> views = new ConcurrentHashMap<>();
    private final io.blueshift.sql.FileResolver files;
    private volatile io.blueshift.gpu.offload.OffloadPlanner offloads;

    Session(Options options) {
        this(options, null);
    }

    /** On a given device ({@code gpu}; null: the process's), for tests and tools. */
    Session(Options options, io.blueshift.gpu.Discovery gpu) {
        this.options = options;
        this.offloads = gpu == null
                ? io.blueshift.gpu.offload.OffloadPlanner.forSession(options.gpu(), options.threads(), options.gpuCacheBytes())
                : io.blueshift.gpu.offload.OffloadPlanner.forSession(options.gpu(), gpu, options.threads(), options.gpuCacheBytes());
        this.kernels = Kernels.provider();
        // buffers a query's scans decode into outlive it for the next query (bounded, freed on close)
        this.root = MemoryPool.root("blueshift", options.memoryLimit())
                .keepReusableOfChildren(Math.min(REUSE_MAX_BYTES, options.memoryLimit() / 16))
                .keepHeapArrays(Math.min(KEEP_ARRAYS_MAX_BYTES,
                        Math.min(options.memoryLimit() / 16, Runtime.getRuntime().maxMemory() / 8)));
        this.data = root.child("data");
        this.workers = new WorkerPool(options.threads());
        this.files = new io.blueshift.sql.FileResolver(data);
        EngineWarmup.start();
    }

    public Options options() { return options; }

    /**
     * Sets the worker threads of the queries that start from now on (the pool grows or
     * shrinks; running queries keep their worker count).
     */
    public synchronized void setThreads(int threads) {
        Options next = options.withThreads(threads);
        workers.resize(threads);
        options = next;
    }

    /** Sets the batch rows of the queries that start from now on. */
    public synchronized void setBatchRows(int batchRows) {
        options = options.withBatchRows(batchRows);
    }

    /** Sets the hash partition bits of the queries that start from now on (0..12). */
    public synchronized void setHashPartitionBits(int bits) {
        options = options.withHashPartitionBits(bits);
    }

    /**
     * Sets the GPU offload mode of the queries planned from now on (gpu=on without a device is an
     * error and changes nothing); bench gpu compares off and auto on one set of tables this way.
     */
    public synchronized void setGpu(io.blueshift.gpu.offload.GpuMode mode) {
        var current = offloads;
        // the same device and column cache under the new mode; a new planner only when this one has no device
        var next = current.withMode(mode).orElseGet(() -> io.blueshift.gpu.offload.OffloadPlanner.forSession(mode,
                options.threads(), options.gpuCacheBytes()));
        options = options.withGpu(mode);
        offloads = next;
        if (current.cache().isPresent() && next.cache().orElse(null) != current.cache().get()) {
            current.close();
        }
    }

    /** How many of the plan's operators (filters, joins) the offload pass would run on the device now. */
    public long offloadedOperators(PlanNode plan) {
        return offloads.plan(plan).offloaded();
    }
    public Catalog catalog() { return catalog; }
    public KernelProvider kernels() { return kernels; }

    /** Pool for tables the caller builds (e.g. with {@code TableBuilder}) before registering them. */
    public MemoryPool dataPool() { return data; }

    /**
     * Bytes held by queries (running, or results not yet closed): the session's total less its
     * tables and the freed buffers and heap arrays kept for the next query.
     */
    public long queryMemoryInUse() {
        return root.reserved() - data.reserved() - root.reusableBytes() - root.keptArrayBytes();
    }

    /** Freed query buffers and heap arrays the session keeps for its next queries (counted against its memory limit). */
    public long memoryKeptForReuse() {
        return root.reusableBytes() + root.keptArrayBytes();
    }

    public void register(Table table) {
        catalog.register(table);
    }

    /** The GPU column cache (device copies of table columns kept across queries), when there is one. */
    public java.util.Optional<io.blueshift.gpu.DeviceColumnCache> gpuCache() {
        return offloads.cache();
    }

    /** A table taken out of the catalog (dropped or replaced): its device copies go now. */
    void dropped(Table table) {
        if (table != null) offloads.forget(table);
    }

    /**
     * Registers the eight TPC-H tables at {@code scaleFactor}, generated when a query first
     * reads one of them ({@code progress} shows it then; null for silence).
     */
    public void attachTpch(double scaleFactor, PrintStream progress) {
        for (Table t : io.blueshift.tpch.OnDemandTpch.tables(scaleFactor, data, progress)) {
            catalog.register(t);
        }
    }

    /** Generates the eight TPC-H tables at {@code scaleFactor} and registers them. */
    public void loadTpch(double scaleFactor, PrintStream progress) {
        Catalog generated = TpchGenerator.generate(scaleFactor, data, progress);
        for (Table t : generated.tables()) {
            catalog.register(t);
        }
    }

    public PlanNode plan(String sql) {
        return new SqlPlanner(catalog, views, files).plan(sql);
    }

    /** Plans {@code sql} and says where the planning time went (parse, validate, rewrites...). */
    public PlannedQuery planTimed(String sql) {
        SqlPlanner planner = new SqlPlanner(catalog, views, files);
        PlanNode plan = planner.plan(sql);
        return new PlannedQuery(plan, planner.times());
    }

    io.blueshift.sql.FileResolver fileResolver() { return files; }

    /** Views by (lower-case) name, with their SQL. */
    public java.util.Map<String, String> views() { return views; }

    /**
     * Runs any statement: a query, CREATE VIEW, CREATE TABLE ... AS, DROP VIEW|TABLE, COPY ... TO.
     * CREATE TABLE and COPY return one row with the row count; CREATE VIEW and DROP no rows.
     */
    public QueryResult run(String statement) {
        return new Statements(this, views, data).run(statement);
    }

    /** EXPLAIN text of a plan built elsewhere, with where each filter and join runs (GPU or CPU, and why). */
    public String explain(PlanNode plan) {
        return offloads.plan(plan).explain();
    }

    /** Our physical plan as a tree. */
    public String explain(String sql) {
        return offloads.plan(plan(sql)).explain();
    }

    /** Runs the query and returns the plan with each node's rows and own time. */
    public String explainAnalyze(String sql) {
        long t0 = System.nanoTime();
        PlannedQuery planned = planTimed(sql);
        PlanNode plan = planned.plan();
        io.blueshift.operators.exec.QueryProfile profile = new io.blueshift.operators.exec.QueryProfile();
        Options o = options;
        try (MemoryPool pool = queryPool(queryCounter.incrementAndGet(), o)) {
            ExecutionContext ctx = new ExecutionContext(pool, kernels, o.batchRows(), o.threads(), workers)
                    .hashPartitionBits(o.hashPartitionBits());
            long rows;
            running.add(ctx);
            io.blueshift.gpu.offload.OffloadPlan offloaded;
            try (AutoCloseable held = io.blueshift.sql.FileScanTable.acquireAll(plan)) {
                offloaded = offloads.plan(plan); // once the files are held, as execute does (their identity for the GPU cache)
                try (MaterializedResult r = new QueryExecutor(ctx, profile, offloaded.executorHook()).execute(plan)) {
                    rows = r.rowCount();
                }
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            } finally {
                running.remove(ctx);
            }
            return offloaded.annotate(QueryExecutor.explain(plan, profile))
                    + planned.times().describe() + "\n"
                    + String.format("%,d rows in %.1f ms (times are each operator's own, summed over threads)%n",
                            rows, (System.nanoTime() - t0) / 1e6);
        }
    }

    /** A query's pool: what it frees stays for its next allocations and, when it ends, for the next query. */
    private MemoryPool queryPool(int id, Options o) {
        return root.child("query " + id, o.queryMemoryLimit()).reuseEveryBuffer();
    }

    public QueryResult sql(String sql) {
        long t0 = System.nanoTime();
        PlanNode plan = plan(sql);
        return execute(plan, t0);
    }

    public QueryResult execute(PlanNode plan) {
        return execute(plan, System.nanoTime());
    }

    private QueryResult execute(PlanNode plan, long t0) {
        return execute(plan, t0, queryCounter.incrementAndGet(), null, options.threads());
    }

    /**
     * Runs a query with {@code threads} workers instead of the session's count (they share
     * the session's pool: more workers than pool threads take turns). For tests that compare
     * thread counts on one set of tables.
     */
    public QueryResult sql(String sql, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        long t0 = System.nanoTime();
        PlanNode plan = plan(sql);
        return execute(plan, t0, queryCounter.incrementAndGet(), null, threads);
    }

    /** The handle of the submitted statement the current thread runs (its queries attach to it). */
    private static final ThreadLocal<QueryHandle> SUBMITTED = new ThreadLocal<>();

    /**
     * Starts a statement ({@link #run}: a query, CREATE VIEW, COPY...) on a thread of its own
     * and returns at once; the handle cancels it and waits for its result. Errors (SQL,
     * planning, execution) come from {@link QueryHandle#result}.
     */
    public QueryHandle submit(String sql) {
        submitted.removeIf(QueryHandle::settled);
        QueryHandle handle = new QueryHandle(queryCounter.incrementAndGet(), sql);
        submitted.add(handle);
        Thread runner = Thread.ofPlatform().daemon().name("blueshift-query-" + handle.id()).unstarted(() -> {
            SUBMITTED.set(handle);
            try {
                handle.complete(run(sql));
            } catch (Throwable e) {
                handle.fail(handle.isCancelled() && e instanceof RuntimeException ? new QueryCancelledException() : e);
            } finally {
                SUBMITTED.remove();
            }
        });
        handle.runOn(runner);
        runner.start();
        return handle;
    }

    private QueryResult execute(PlanNode plan, long t0, int id, QueryHandle handle, int threads) {
        Options o = options;
        if (handle == null) {
            handle = SUBMITTED.get();
        }
        if (handle != null && handle.isCancelled()) {
            throw new QueryCancelledException();
        }
        MemoryPool pool = queryPool(id, o);
        ExecutionContext ctx = new ExecutionContext(pool, kernels, o.batchRows(), threads, workers)
                .hashPartitionBits(o.hashPartitionBits());
        running.add(ctx);
        AutoCloseable held = null;
        try {
            if (handle != null) {
                handle.attach(ctx);
            }
            held = io.blueshift.sql.FileScanTable.acquireAll(plan);
            MaterializedResult r = new QueryExecutor(ctx, null, offloads.plan(plan).executorHook()).execute(plan);
            return new QueryResult(r, pool, (System.nanoTime() - t0) / 1e6, held);
        } catch (RuntimeException | Error e) {
            try {
                if (held != null) {
                    held.close();
                }
                pool.close();
            } catch (Exception leak) {
                e.addSuppressed(leak); // the query's own error is what the user needs to see
            }
            throw e;
        } finally {
            running.remove(ctx);
        }
    }

    /** Cancels every query running now (Ctrl-C in a command-line tool); they end with {@link QueryCancelledException}. */
    public void cancelRunning() {
        for (ExecutionContext ctx : running) {
            ctx.cancel();
        }
        for (QueryHandle h : submitted) {
            h.cancel();
        }
    }

    /**
     * Cancels the queries still running, waits for them to stop, frees results of submitted
     * queries nobody took, then frees the tables and checks that no memory is left.
     */
    @Override
    public void close() {
        cancelRunning();
        for (QueryHandle h : submitted) {
            h.closeUnclaimed(CLOSE_WAIT_MILLIS);
        }
        workers.close();
        try {
            offloads.close();
        } finally {
            catalog.close();
            data.close();
            root.close();
        }
    }
}
