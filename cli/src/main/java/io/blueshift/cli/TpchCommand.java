package io.blueshift.cli;

import io.blueshift.bench.duckdb.DuckDbReference;
import io.blueshift.bench.tpch.ProcessCpuClock;
import io.blueshift.bench.tpch.TpchBenchHarness;
import io.blueshift.bench.tpch.TpchQueries;
import io.blueshift.bench.plans.TpchPlans;
import io.blueshift.operators.plan.PlanNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code blueshift tpch}: runs TPC-H queries on generated data, optionally checked by DuckDB. */
@Command(name = "tpch", mixinStandardHelpOptions = true, subcommands = TpchGenCommand.class,
        description = "Run TPC-H queries on built-in generated data and print each result with its time; "
                + "`tpch gen` writes the tables to files.")
final class TpchCommand implements Callable<Integer> {
    @Option(names = "--sf", description = "Scale factor (default: ${DEFAULT-VALUE}).")
    double scaleFactor = 1;

    @Option(names = "--data", paramLabel = "DIR", description = "Run on the tables as files in DIR (lineitem.parquet or"
            + " lineitem/*.parquet, ...; .csv with a header too) instead of generated data; DuckDB reads the same files.")
    java.nio.file.Path data;

    @Option(names = "--queries", split = ",", description = "Query numbers, e.g. 1,6 (default: all with plans).")
    List<Integer> queries;

    @Option(names = "--verify", description = "Check every answer against DuckDB loaded with the same rows.")
    boolean verify;

    @Option(names = "--explain", description = "Print each query's physical plan.")
    boolean explain;

    @Option(names = "--hand-built", description = "Run Q1 and Q6 from plans built with the plan builder instead of SQL.")
    boolean handBuilt;

    @Mixin
    EngineOptions engine = new EngineOptions();

    @Override
    public Integer call() {
        List<Integer> qs = TpchCli.checkQueries(queries, handBuilt);
        TpchCli.checkScaleFactor(scaleFactor);
        if (data != null && handBuilt) {
            throw new IllegalArgumentException("--hand-built plans run on generated tables, not with --data");
        }
        PrintStream out = System.out;
        PrintStream err = System.err;
        String label = data != null ? "data " + data : "sf " + TpchCli.sf(scaleFactor);
        try (TpchEngine bs = data != null ? new TpchEngine(data, engine, err) : new TpchEngine(scaleFactor, engine, err, handBuilt)) {
            err.println("kernels: " + bs.kernels().name() + ", threads: " + engine.threads());
            int failed = 0;
            for (int q : qs) {
                try {
                    long t0 = System.nanoTime();
                    long cpu0 = ProcessCpuClock.nanos();
                    PlanNode plan = bs.plan(q);   // planned once: shown, run and labelled from the same plan
                    if (explain) {
                        out.print(bs.session().explain(plan));
                    }
                    List<List<Object>> rows = bs.rows(plan);
                    double ms = (System.nanoTime() - t0) / 1e6;
                    long cpu1 = ProcessCpuClock.nanos();
                    // process CPU (all threads: workers, JIT, GC) beside wall time: steadier on a busy machine
                    String cpu = cpu0 < 0 || cpu1 < 0 ? "" : String.format(java.util.Locale.ROOT, " (cpu %.1f ms)", (cpu1 - cpu0) / 1e6);
                    out.printf("TPC-H Q%d (%s): %d rows in %.1f ms%s%n", q, label, rows.size(), ms, cpu);
                    ResultPrinter.print(plan.schema(), rows, out);
                    out.println();
                } catch (io.blueshift.memory.MemoryLimitExceededException e) {
                    throw e;
                } catch (RuntimeException e) {
                    failed++;
                    err.println("TPC-H Q" + q + " failed: " + BlueshiftCli.message(e));
                }
            }
            if (failed > 0 && !verify) {
                err.println(failed + " of " + qs.size() + " queries failed");
                return 1;
            }
            if (verify) {
                int ok = 0;
                try (DuckDbReference duck = new DuckDbReference()) {
                    bs.loadInto(duck, err);
                    TpchBenchHarness harness = new TpchBenchHarness(bs::rows, duck, err);
                    for (TpchBenchHarness.Verification v : harness.verify(qs)) {
                        out.println("Q" + v.query() + ": " + (v.verified() ? "verified against DuckDB" : "MISMATCH: " + v.message()));
                        if (v.verified()) {
                            ok++;
                        }
                    }
                }
                out.println(ok + " of " + qs.size() + " verified against DuckDB");
                return ok == qs.size() ? 0 : 1;
            }
        }
        return 0;
    }
}
