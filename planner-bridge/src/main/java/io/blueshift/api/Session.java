package io.blueshift.api;

import io.blueshift.kernels.KernelProvider;
import io.blueshift.kernels.Kernels;
import io.blueshift.memory.MemoryPool;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.operators.plan.QueryExecutor;
import io.blueshift.sql.SqlPlanner;
import io.blueshift.storage.Catalog;
import io.blueshift.storage.Table;
import io.blueshift.tpch.TpchGenerator;

import java.io.PrintStream;

/** Tables plus the means to query them with SQL; one memory pool bounds all of it. */
public final class Session implements AutoCloseable {
    private final Options options;
    private final MemoryPool root;
    private final MemoryPool data;
    private final Catalog catalog = new Catalog();
    private final KernelProvider kernels;
    private int queryCounter;

    Session(Options options) {
        this.options = options;
        this.kernels = Kernels.provider();
        this.root = MemoryPool.root("blueshift", options.memoryLimit());
        this.data = root.child("data");
    }

    public Options options() { return options; }
    public Catalog catalog() { return catalog; }
    public KernelProvider kernels() { return kernels; }

    /** Pool for tables the caller builds (e.g. with {@code TableBuilder}) before registering them. */
    public MemoryPool dataPool() { return data; }

    public void register(Table table) {
        catalog.register(table);
    }

    /** Generates the eight TPC-H tables at {@code scaleFactor} and registers them. */
    public void loadTpch(double scaleFactor, PrintStream progress) {
        Catalog generated = TpchGenerator.generate(scaleFactor, data, progress);
        for (Table t : generated.tables()) {
            catalog.register(t);
        }
    }

    public PlanNode plan(String sql) {
        return new SqlPlanner(catalog).plan(sql);
    }

    /** Our physical plan as a tree. */
    public String explain(String sql) {
        return QueryExecutor.explain(plan(sql));
    }

    /** Runs the query and returns the plan with each node's rows and own time. */
    public String explainAnalyze(String sql) {
        long t0 = System.nanoTime();
        PlanNode plan = plan(sql);
        io.blueshift.operators.exec.QueryProfile profile = new io.blueshift.operators.exec.QueryProfile();
        try (MemoryPool pool = root.child("query " + (++queryCounter), options.queryMemoryLimit())) {
            ExecutionContext ctx = new ExecutionContext(pool, kernels, options.batchRows(), options.threads());
            long rows;
            try (MaterializedResult r = new QueryExecutor(ctx, profile).execute(plan)) {
                rows = r.rowCount();
            }
            return QueryExecutor.explain(plan, profile)
                    + String.format("%,d rows in %.1f ms (times are each operator's own, summed over threads)%n",
                            rows, (System.nanoTime() - t0) / 1e6);
        }
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
        MemoryPool pool = root.child("query " + (++queryCounter), options.queryMemoryLimit());
        try {
            ExecutionContext ctx = new ExecutionContext(pool, kernels, options.batchRows(), options.threads());
            MaterializedResult r = new QueryExecutor(ctx).execute(plan);
            return new QueryResult(r, pool, (System.nanoTime() - t0) / 1e6);
        } catch (RuntimeException | Error e) {
            try {
                pool.close();
            } catch (RuntimeException leak) {
                e.addSuppressed(leak); // the query's own error is what the user needs to see
            }
            throw e;
        }
    }

    @Override
    public void close() {
        catalog.close();
        data.close();
        root.close();
    }
}
