package io.blueshift.cli;

import io.blueshift.bench.duckdb.DuckDbReference;
import io.blueshift.bench.tpch.TpchBenchHarness;
import io.blueshift.bench.tpch.TpchQueries;
import io.blueshift.bench.plans.TpchPlans;
import io.blueshift.operators.plan.QueryExecutor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code blueshift tpch}: runs TPC-H queries on generated data, optionally checked by DuckDB. */
@Command(name = "tpch", mixinStandardHelpOptions = true,
        description = "Run TPC-H queries on built-in generated data and print each result with its time.")
final class TpchCommand implements Callable<Integer> {
    @Option(names = "--sf", description = "Scale factor (default: ${DEFAULT-VALUE}).")
    double scaleFactor = 1;

    @Option(names = "--queries", split = ",", description = "Query numbers, e.g. 1,6 (default: all with plans).")
    List<Integer> queries;

    @Option(names = "--verify", description = "Check every answer against DuckDB loaded with the same rows.")
    boolean verify;

    @Option(names = "--explain", description = "Print each query's physical plan.")
    boolean explain;

    @Mixin
    EngineOptions engine = new EngineOptions();

    @Override
    public Integer call() {
        List<Integer> qs = TpchCli.checkQueries(queries);
        TpchCli.checkScaleFactor(scaleFactor);
        PrintStream out = System.out;
        PrintStream err = System.err;
        try (TpchEngine bs = new TpchEngine(scaleFactor, engine, err)) {
            err.println("kernels: " + bs.kernels().name() + ", threads: " + engine.threads());
            for (int q : qs) {
                if (explain) {
                    out.print(QueryExecutor.explain(bs.plan(q)));
                }
                long t0 = System.nanoTime();
                List<List<Object>> rows = bs.rows(q);
                double ms = (System.nanoTime() - t0) / 1e6;
                out.printf("TPC-H Q%d (sf %s): %d rows in %.1f ms%n", q, TpchCli.sf(scaleFactor), rows.size(), ms);
                ResultPrinter.print(bs.plan(q).schema(), rows, out);
                out.println();
            }
            if (verify) {
                int ok = 0;
                try (DuckDbReference duck = new DuckDbReference()) {
                    duck.load(bs.catalog(), err);
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
