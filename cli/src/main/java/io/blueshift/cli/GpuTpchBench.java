package io.blueshift.cli;

import io.blueshift.api.QueryResult;
import io.blueshift.api.Session;
import io.blueshift.bench.duckdb.ResultComparator;
import io.blueshift.bench.tpch.TpchBenchHarness;
import io.blueshift.bench.tpch.TpchQueries;
import io.blueshift.gpu.Discovery;
import io.blueshift.gpu.offload.GpuMode;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * TPC-H queries with gpu=off and gpu=auto on one set of generated tables in one process: per
 * query a warm-up in each mode, then {@code runs} timed runs of each, the order of the two
 * modes alternating from run to run; the median of each mode is reported. Every auto result is
 * checked against the off result (same rows; doubles to 1e-9 relative). Nothing here knows a
 * query: it runs whatever SQL {@link TpchQueries} holds.
 */
final class GpuTpchBench {
    private GpuTpchBench() {}

    /** One query's outcome; {@code error} is non-null when it failed in either mode. */
    record Outcome(int query, double offMs, double autoMs, long gpuOperators, String mismatch, String error) {
        double speedup() { return offMs / autoMs; }
    }

    /** Generates TPC-H at {@code sf}, runs the queries, prints the table; returns the exit status (1 on a mismatch or failure). */
    static int run(double sf, List<Integer> queries, int runs, int threads, PrintStream out, PrintStream err) {
        if (runs < 1) throw new IllegalArgumentException("--tpch-runs must be >= 1");
        TpchCli.checkScaleFactor(sf);
        List<Integer> qs = TpchCli.checkQueries(queries, false);
        EngineOptions options = new EngineOptions();
        options.threads = List.of(threads);
        options.gpu = "auto";
        Discovery device = io.blueshift.gpu.Accelerators.get();
        String deviceNote = device.accelerator()
                .map(a -> "device: " + a.device().name())
                .orElse("device: none (" + device.reason() + "): gpu=auto runs everything on the CPU, as gpu=off does");
        err.println("bench gpu: generating TPC-H SF " + TpchCli.sf(sf) + " in memory...");
        long g0 = System.nanoTime();
        List<Outcome> outcomes = new ArrayList<>();
        try (TpchEngine engine = new TpchEngine(sf, options, err)) {
            err.printf(Locale.ROOT, "bench gpu: data ready in %.1f s%n", (System.nanoTime() - g0) / 1e9);
            Session session = engine.session();
            for (int q : qs) {
                Outcome o = runQuery(session, q, runs, err);
                outcomes.add(o);
                if (o.error() != null) {
                    err.println("bench gpu: Q" + q + " FAILED: " + o.error());
                } else {
                    err.printf(Locale.ROOT, "bench gpu: Q%d off %.1f ms, auto %.1f ms, %d on gpu%s%n", q, o.offMs(), o.autoMs(),
                            o.gpuOperators(), o.mismatch() == null ? "" : ", MISMATCH");
                }
            }
        }
        return print(outcomes, sf, runs, threads, deviceNote, out);
    }

    static Outcome runQuery(Session session, int q, int runs, PrintStream err) {
        String sql = TpchQueries.sql(q);
        boolean ordered = TpchQueries.ordered(q);
        long gpuOps;
        String mismatch = null;
        double[] off = new double[runs];
        double[] auto = new double[runs];
        try {
            session.setGpu(GpuMode.AUTO);
            gpuOps = session.offloadedOperators(session.plan(sql));
            session.setGpu(GpuMode.OFF);
            List<List<Object>> reference = timed(session, sql).rows();
            session.setGpu(GpuMode.AUTO);
            mismatch = check(reference, timed(session, sql).rows(), ordered, mismatch);
            for (int i = 0; i < runs; i++) {
                for (int k = 0; k < 2; k++) {
                    boolean autoTurn = (k == 1) == (i % 2 == 0);   // off first in even runs, auto first in odd ones
                    session.setGpu(autoTurn ? GpuMode.AUTO : GpuMode.OFF);
                    Timed t = timed(session, sql);
                    if (autoTurn) {
                        auto[i] = t.ms();
                        mismatch = check(reference, t.rows(), ordered, mismatch);
                    } else {
                        off[i] = t.ms();
                    }
                }
            }
        } catch (io.blueshift.memory.MemoryLimitExceededException e) {
            throw e;
        } catch (RuntimeException e) {
            return new Outcome(q, Double.NaN, Double.NaN, 0, null, BlueshiftCli.message(e));
        } finally {
            session.setGpu(GpuMode.AUTO);
        }
        if (mismatch != null) {
            err.println("bench gpu: Q" + q + " MISMATCH between gpu=auto and gpu=off: " + mismatch);
        }
        return new Outcome(q, TpchBenchHarness.median(off), TpchBenchHarness.median(auto), gpuOps, mismatch, null);
    }

    private record Timed(double ms, List<List<Object>> rows) {}

    private static Timed timed(Session session, String sql) {
        long t0 = System.nanoTime();
        try (QueryResult r = session.sql(sql)) {
            List<List<Object>> rows = r.rows();
            return new Timed((System.nanoTime() - t0) / 1e6, rows);
        }
    }

    private static String check(List<List<Object>> reference, List<List<Object>> actual, boolean ordered, String earlier) {
        if (earlier != null) return earlier;
        ResultComparator.Result r = ResultComparator.compare(reference, actual, ordered);
        return r.matched() ? null : r.message();
    }

    static int print(List<Outcome> outcomes, double sf, int runs, int threads, String deviceNote, PrintStream out) {
        out.printf(Locale.ROOT, "TPC-H SF %s in memory, %d threads: gpu=off vs gpu=auto (median of %d runs after 1 warm-up each, "
                + "modes alternating)%n", TpchCli.sf(sf), threads, runs);
        out.println(deviceNote);
        out.printf(Locale.ROOT, "%-6s %11s %11s %9s %8s  %s%n", "query", "off ms", "auto ms", "off/auto", "gpu ops", "result");
        double logSum = 0;
        int counted = 0;
        int mismatches = 0;
        int failures = 0;
        for (Outcome o : outcomes) {
            if (o.error() != null) {
                failures++;
                out.printf(Locale.ROOT, "Q%-5d %11s %11s %9s %8s  FAILED: %s%n", o.query(), "-", "-", "-", "-", o.error());
                continue;
            }
            String result = o.mismatch() == null ? "same rows" : "MISMATCH: " + o.mismatch();
            if (o.mismatch() != null) mismatches++;
            out.printf(Locale.ROOT, "Q%-5d %11.1f %11.1f %9.3f %8d  %s%n", o.query(), o.offMs(), o.autoMs(), o.speedup(),
                    o.gpuOperators(), result);
            logSum += Math.log(o.speedup());
            counted++;
        }
        if (counted > 0) {
            out.printf(Locale.ROOT, "geometric mean off/auto: %.3f over %d queries (above 1: gpu=auto faster)%n",
                    Math.exp(logSum / counted), counted);
        }
        if (mismatches > 0) {
            out.println("MISMATCH: " + mismatches + " of " + outcomes.size() + " queries gave other rows with gpu=auto than with gpu=off");
        }
        if (failures > 0) {
            out.println(failures + " of " + outcomes.size() + " queries FAILED");
        }
        return mismatches == 0 && failures == 0 ? 0 : 1;
    }
}
