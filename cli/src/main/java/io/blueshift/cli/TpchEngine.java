package io.blueshift.cli;

import io.blueshift.api.Blueshift;
import io.blueshift.api.QueryResult;
import io.blueshift.api.Session;
import io.blueshift.bench.plans.TpchPlans;
import io.blueshift.bench.tpch.TpchQueries;
import io.blueshift.kernels.KernelProvider;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.storage.Catalog;

import java.io.PrintStream;
import java.util.List;

/**
 * Built-in TPC-H data in a session, and the 22 queries run through SQL (or, with
 * {@code handBuilt}, Q1 and Q6 from the plans built with the plan builder).
 */
final class TpchEngine implements AutoCloseable {
    private final Session session;
    private final boolean handBuilt;
    private final java.util.Map<String, io.blueshift.bench.tpch.TpchFiles.Source> files;

    TpchEngine(double scaleFactor, EngineOptions options, PrintStream progress) {
        this(scaleFactor, options, progress, false);
    }

    TpchEngine(double scaleFactor, EngineOptions options, PrintStream progress, boolean handBuilt) {
        this.handBuilt = handBuilt;
        this.files = null;
        this.session = Blueshift.open(options.sessionOptions());
        try {
            session.loadTpch(scaleFactor, progress);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** The eight tables as views over the files in {@code dataDir} (read by every query, as DuckDB does). */
    TpchEngine(java.nio.file.Path dataDir, EngineOptions options, PrintStream progress) {
        this.handBuilt = false;
        this.files = io.blueshift.bench.tpch.TpchFiles.locate(dataDir);
        this.session = Blueshift.open(options.sessionOptions());
        try {
            for (io.blueshift.bench.tpch.TpchFiles.Source s : files.values()) {
                session.run(s.createView()).close();
                if (progress != null) {
                    progress.println("view " + s.table() + " over " + s.call());
                }
            }
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** Gives DuckDB the same data: views over the same files, or our generated tables loaded. */
    void loadInto(io.blueshift.bench.duckdb.DuckDbReference duck, PrintStream progress) {
        if (files != null) {
            io.blueshift.bench.tpch.TpchFiles.createViews(duck, files);
        } else {
            duck.load(session.catalog(), progress);
        }
    }

    Session session() { return session; }

    Catalog catalog() { return session.catalog(); }

    KernelProvider kernels() { return session.kernels(); }

    PlanNode plan(int query) {
        return handBuilt ? TpchPlans.plan(query, session.catalog()) : session.plan(TpchQueries.sql(query));
    }

    /** Plans and runs one query; returns its rows (the engine's memory is freed before returning). */
    List<List<Object>> rows(int query) {
        return rows(plan(query));
    }

    List<List<Object>> rows(PlanNode plan) {
        try (QueryResult r = session.execute(plan)) {
            return r.rows();
        }
    }

    @Override
    public void close() {
        session.close();
    }
}
