package io.blueshift.cli;

import io.blueshift.bench.plans.TpchPlans;
import io.blueshift.kernels.KernelProvider;
import io.blueshift.memory.MemoryPool;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.operators.plan.QueryExecutor;
import io.blueshift.storage.Catalog;
import io.blueshift.tpch.TpchGenerator;

import java.io.PrintStream;
import java.util.List;

/** Built-in TPC-H data plus a way to run the hand-built query plans on it. */
final class TpchEngine implements AutoCloseable {
    private final MemoryPool root;
    private final MemoryPool data;
    private final Catalog catalog;
    private final KernelProvider kernels;
    private final EngineOptions options;
    private final int batchRows;

    TpchEngine(double scaleFactor, EngineOptions options, PrintStream progress) {
        this.options = options;
        this.kernels = options.kernels();
        this.batchRows = options.batchRows();
        options.threads();
        this.root = options.rootPool();
        this.data = root.child("tpch data");
        Catalog c;
        try {
            c = TpchGenerator.generate(scaleFactor, data, progress);
        } catch (RuntimeException e) {
            data.close();
            throw e;
        }
        this.catalog = c;
    }

    Catalog catalog() { return catalog; }

    KernelProvider kernels() { return kernels; }

    PlanNode plan(int query) {
        return TpchPlans.plan(query, catalog);
    }

    /** Runs one query; returns its rows (the engine's memory is freed before returning). */
    List<List<Object>> rows(int query) {
        PlanNode plan = plan(query);
        try (MemoryPool pool = root.child("query " + query, options.queryLimit(root))) {
            ExecutionContext ctx = new ExecutionContext(pool, kernels, batchRows, options.threads());
            try (MaterializedResult r = new QueryExecutor(ctx).execute(plan)) {
                return r.rows();
            }
        }
    }

    @Override
    public void close() {
        catalog.close();
        data.close();
    }
}
