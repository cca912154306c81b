package io.blueshift.cli;

import io.blueshift.bench.duckdb.DuckDbReference;
import io.blueshift.bench.kernels.KernelReport;
import io.blueshift.bench.tpch.TpchBenchHarness;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code blueshift bench}: benchmarks, always beside DuckDB or the hardware's limit. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: TPC-H against DuckDB in the same run, kernels against memory bandwidth.",
        subcommands = {BenchCommand.Tpch.class, BenchCommand.KernelsBench.class})
final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new IllegalArgumentException("say which benchmark: bench tpch or bench kernels");
    }

    @Command(name = "tpch", mixinStandardHelpOptions = true,
            description = "Time TPC-H queries on Blueshift and on DuckDB (same data, same thread count): median ms and ratio.")
    static final class Tpch implements Callable<Integer> {
        @Option(names = "--sf", description = "Scale factor (default: ${DEFAULT-VALUE}).")
        double scaleFactor = 1;

        @Option(names = "--data", paramLabel = "DIR", description = "Time the queries on the tables as files in DIR"
                + " (lineitem.parquet or lineitem/*.parquet, ...), both engines reading the same files.")
        Path data;

        @Option(names = "--queries", split = ",", description = "Query numbers (default: all with plans).")
        List<Integer> queries;

        @Option(names = "--runs", description = "Timed runs per query and engine; the median is reported (default: ${DEFAULT-VALUE}).")
        int runs = 5;

        @Option(names = "--warmups", description = "Untimed runs first (default: ${DEFAULT-VALUE}).")
        int warmups = 5;

        @Option(names = "--csv", paramLabel = "FILE", description = "Also write the table as CSV: query,blueshift_ms,duckdb_ms,ratio.")
        Path csv;

        @Mixin
        EngineOptions engine = new EngineOptions();

        @Override
        public Integer call() {
            List<Integer> qs = TpchCli.checkQueries(queries, false);
            TpchCli.checkScaleFactor(scaleFactor);
            if (runs < 1 || warmups < 0) {
                throw new IllegalArgumentException("--runs must be >= 1 and --warmups >= 0");
            }
            PrintStream err = System.err;
            try (TpchEngine bs = data != null ? new TpchEngine(data, engine, err) : new TpchEngine(scaleFactor, engine, err);
                 DuckDbReference duck = new DuckDbReference()) {
                duck.setThreads(engine.threads());
                bs.loadInto(duck, err);
                err.println("kernels: " + bs.kernels().name() + ", threads: " + engine.threads() + " (DuckDB too)");
                TpchBenchHarness harness = new TpchBenchHarness(bs::rows, duck, err);
                List<TpchBenchHarness.Timing> timings = harness.run(qs, warmups, runs);
                System.out.printf("TPC-H %s, %d thread(s), median of %d runs%n",
                        data != null ? "on files in " + data : "sf " + TpchCli.sf(scaleFactor), engine.threads(), runs);
                System.out.print(TpchBenchHarness.format(timings));
                if (csv != null) {
                    TpchBenchHarness.writeCsv(csv, timings);
                    err.println("wrote " + csv);
                }
                return timings.stream().allMatch(TpchBenchHarness.Timing::ok) ? 0 : 1;
            }
        }
    }

    @Command(name = "kernels", mixinStandardHelpOptions = true,
            description = "Filter and sum kernels (SIMD and scalar) in GB/s beside a read-bandwidth probe.")
    static final class KernelsBench implements Callable<Integer> {
        @Override
        public Integer call() {
            List<KernelReport.Row> rows = KernelReport.run(System.err);
            KernelReport.print(rows, System.out);
            return 0;
        }
    }
}
