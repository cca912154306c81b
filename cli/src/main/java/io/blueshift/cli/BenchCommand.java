package io.blueshift.cli;

import io.blueshift.bench.duckdb.DuckDbReference;
import io.blueshift.bench.kernels.KernelReport;
import io.blueshift.bench.tpch.TpchThreadSweep;
import io.blueshift.memory.MemoryPool;
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
        subcommands = {BenchCommand.Tpch.class, BenchCommand.KernelsBench.class, BenchCommand.Scan.class, BenchGpuCommand.class,
                BenchSweepCommand.class, BenchPlanCommand.class})
final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new IllegalArgumentException("say which benchmark: bench tpch or bench kernels");
    }

    @Command(name = "tpch", mixinStandardHelpOptions = true,
            description = "Time TPC-H queries on Blueshift and on DuckDB (same data, same thread count) at each of --threads "
                    + "(e.g. 1,2): median ms, ratio, geometric mean, speedup from the first count.")
    static final class Tpch implements Callable<Integer> {
        @Option(names = "--sf", description = "Scale factor (default: ${DEFAULT-VALUE}).")
        double scaleFactor = 1;

        @Option(names = "--data", paramLabel = "DIR", description = "Time the queries on the tables as files in DIR"
                + " (lineitem.parquet or lineitem/*.parquet, ...), both engines reading the same files.")
        Path data;

        @Option(names = "--queries", split = ",", description = "Query numbers (default: all with plans).")
        List<Integer> queries;

        @Option(names = "--runs", description = "Timed runs per query, engine and thread count; the median is reported (default: ${DEFAULT-VALUE}).")
        int runs = 3;

        @Option(names = "--warmups", description = "Untimed runs first (default: ${DEFAULT-VALUE}).")
        int warmups = 1;

        @Option(names = "--csv", paramLabel = "FILE",
                description = "Also write the results as CSV, one line per query and thread count: " + TpchThreadSweep.CSV_HEADER + ".")
        Path csv;

        @Option(names = "--chart", paramLabel = "FILE",
                description = "Also draw the per-query ratio at each thread count as an SVG line chart (DuckDB's level at 1.0).")
        Path chart;

        @Option(names = "--duckdb-file", paramLabel = "FILE",
                description = "Keep DuckDB's tables in this database file (deleted at the end) instead of in memory: "
                        + "for scale factors where both engines' in-memory copies do not fit (SF 10 on 24 GiB).")
        Path duckdbFile;

        @Option(names = "--duckdb-memory-limit", paramLabel = "SIZE", description = "DuckDB's memory_limit, e.g. 2g (default: DuckDB's own).")
        String duckdbMemoryLimit;

        @Mixin
        EngineOptions engine = new EngineOptions();

        /** Bytes per unit of scale factor, measured at SF 1 (2026-11-25): our tables, DuckDB's in-memory copy. */
        static final long BLUESHIFT_BYTES_PER_SF = 1815L << 20;
        static final long DUCKDB_BYTES_PER_SF = 870L << 20;

        /**
         * Fails before generating anything when the tables cannot fit: ours under the memory
         * limit, and ours plus DuckDB's copy in the machine's memory.
         */
        void checkMemory() {
            if (data != null) {
                return; // files: both engines read them as they go
            }
            long ram = io.blueshift.hwprofiles.HardwareProfile.detect().memoryBytes();
            long ours = (long) (scaleFactor * BLUESHIFT_BYTES_PER_SF);
            long theirs = duckdbFile != null
                    ? (duckdbMemoryLimit != null ? MemoryPool.parseSize(duckdbMemoryLimit) : Math.max(1L << 30, ram / 8))
                    : (long) (scaleFactor * DUCKDB_BYTES_PER_SF);
            long limit = engine.sessionOptions().memoryLimit();
            System.err.printf("memory: sf %s needs about %s for Blueshift's tables (limit %s) and %s for DuckDB (%s); RAM %s%n",
                    TpchCli.sf(scaleFactor), MemoryPool.mib(ours), MemoryPool.mib(limit), MemoryPool.mib(theirs),
                    duckdbFile != null ? "on disk, buffer pool" : "in memory", MemoryPool.mib(ram));
            String fix = " Options: keep DuckDB on disk (--duckdb-file /tmp/tpch.duckdb --duckdb-memory-limit 2g), raise"
                    + " --memory-limit and keep the Java heap small (BLUESHIFT_JAVA_OPTS=-Xmx3g), or bench files:"
                    + " ./blueshift tpch gen --sf N --format parquet --out DIR, then bench tpch --data DIR.";
            if (ours > limit * 9 / 10) {
                throw new IllegalArgumentException("sf " + TpchCli.sf(scaleFactor) + ": Blueshift's tables need about " + MemoryPool.mib(ours)
                        + ", over 90% of the memory limit " + MemoryPool.mib(limit) + " (queries need room too)." + fix);
            }
            if (ram > 0 && ours + theirs > ram * 9 / 10) {
                throw new IllegalArgumentException("sf " + TpchCli.sf(scaleFactor) + ": Blueshift's tables (about " + MemoryPool.mib(ours)
                        + ") and DuckDB's copy (about " + MemoryPool.mib(theirs) + ") do not fit in " + MemoryPool.mib(ram) + " of RAM." + fix);
            }
        }

        @Override
        public Integer call() {
            List<Integer> qs = TpchCli.checkQueries(queries, false);
            TpchCli.checkScaleFactor(scaleFactor);
            if (runs < 1 || warmups < 0) {
                throw new IllegalArgumentException("--runs must be >= 1 and --warmups >= 0");
            }
            engine.threadListAllowed = true;
            List<Integer> threads = engine.threadCounts();
            if (duckdbFile != null && java.nio.file.Files.exists(duckdbFile)) {
                throw new IllegalArgumentException("--duckdb-file " + duckdbFile + " exists; give a new path (the benchmark creates and deletes it)");
            }
            checkMemory();
            PrintStream err = System.err;
            try (TpchEngine bs = data != null ? new TpchEngine(data, engine, err) : new TpchEngine(scaleFactor, engine, err);
                 DuckDbReference duck = duckdbFile != null ? new DuckDbReference(duckdbFile) : new DuckDbReference()) {
                if (duckdbMemoryLimit != null) {
                    duck.execute("SET memory_limit = '" + (MemoryPool.parseSize(duckdbMemoryLimit) >> 20) + "MB'");
                }
                duck.setThreads(threads.getFirst());
                bs.loadInto(duck, err);
                err.printf("memory: Blueshift tables %s off-heap, DuckDB %s, Java heap %s max%n",
                        MemoryPool.mib(bs.session().dataPool().reserved()), duckMemory(duck), MemoryPool.mib(Runtime.getRuntime().maxMemory()));
                err.println("kernels: " + bs.kernels().name() + ", threads: " + threads + " (DuckDB the same)");
                TpchThreadSweep sweep = new TpchThreadSweep(bs::rows, bs.session()::setThreads, duck, err);
                List<TpchThreadSweep.Row> rows = sweep.run(qs, threads, warmups, runs);
                System.out.printf("TPC-H %s, threads %s, median of %d runs after %d warm-up(s); ratio = Blueshift / DuckDB%n",
                        data != null ? "on files in " + data : "sf " + TpchCli.sf(scaleFactor), threads, runs, warmups);
                System.out.print(TpchThreadSweep.format(rows));
                if (csv != null) {
                    TpchThreadSweep.writeCsv(csv, rows);
                    err.println("wrote " + csv);
                }
                if (chart != null) {
                    String title = "TPC-H " + (data != null ? "on " + data.getFileName() : "SF " + TpchCli.sf(scaleFactor))
                            + ": Blueshift / DuckDB per query";
                    TpchThreadSweep.writeChart(chart, rows, title);
                    err.println("wrote " + chart);
                }
                return rows.stream().allMatch(r -> r.error() == null) ? 0 : 1;
            } finally {
                if (duckdbFile != null) {
                    try {
                        java.nio.file.Files.deleteIfExists(duckdbFile);
                        java.nio.file.Files.deleteIfExists(java.nio.file.Path.of(duckdbFile + ".wal"));
                    } catch (java.io.IOException e) {
                        err.println("could not delete " + duckdbFile + ": " + e.getMessage());
                    }
                }
            }
        }

        private static String duckMemory(DuckDbReference duck) {
            try {
                List<List<Object>> r = duck.query("SELECT memory_usage FROM pragma_database_size()");
                return r.isEmpty() ? "?" : String.valueOf(r.getFirst().getFirst());
            } catch (RuntimeException e) {
                return "?";
            }
        }
    }

    @Command(name = "scan", mixinStandardHelpOptions = true,
            description = "Scan throughput on a Parquet file (GB/s of decoded values): one SUM or MAX per column over "
                    + "DIR/lineitem.parquet, Blueshift and DuckDB reading the same file in the same run.")
    static final class Scan implements Callable<Integer> {
        @Option(names = "--data", required = true, paramLabel = "DIR", description = "Directory with lineitem.parquet (from `tpch gen`).")
        Path data;

        @Option(names = "--table", description = "File name without .parquet (default: ${DEFAULT-VALUE}).")
        String table = "lineitem";

        @Option(names = "--columns", split = ",", description = "Columns to aggregate (default: l_quantity,l_extendedprice,l_discount,l_tax,l_shipdate).")
        List<String> columns = List.of("l_quantity", "l_extendedprice", "l_discount", "l_tax", "l_shipdate");

        @Option(names = "--runs", description = "Timed runs per engine; the median is reported (default: ${DEFAULT-VALUE}).")
        int runs = 5;

        @Option(names = "--warmups", description = "Untimed runs first (default: ${DEFAULT-VALUE}).")
        int warmups = 3;

        @Mixin
        EngineOptions engine = new EngineOptions();

        @Override
        public Integer call() throws Exception {
            if (runs < 1 || warmups < 0) {
                throw new IllegalArgumentException("--runs must be >= 1 and --warmups >= 0");
            }
            var kernels = engine.kernels();
            try (var pool = engine.rootPool()) {
                var bench = new io.blueshift.bench.scan.ParquetScanBench(data.resolve(table + ".parquet"), columns,
                        engine.threads(), engine.batchRows(), kernels, pool, System.err);
                var results = bench.run(warmups, runs);
                System.out.printf("scan of %s, %d thread(s), kernels %s, median of %d runs%n", data.resolve(table + ".parquet"),
                        engine.threads(), kernels.name(), runs);
                System.out.printf("%-22s %10s %10s %8s %12s%n", "engine", "median ms", "best ms", "GB/s", "CPU ms/run");
                for (var r : results) {
                    System.out.printf(java.util.Locale.ROOT, "%-22s %10.1f %10.1f %8.2f %12.1f%n", r.engine(), r.medianMs(), r.bestMs(),
                            r.gbPerSecond(), r.cpuMs());
                }
                var duck = results.getLast();
                System.out.printf(java.util.Locale.ROOT, "ratio blueshift/duckdb throughput: %.2f (CPU time per run: %.2f)%n",
                        results.getFirst().gbPerSecond() / duck.gbPerSecond(), duck.cpuMs() / results.getFirst().cpuMs());
                boolean same = io.blueshift.bench.scan.ParquetScanBench.sameAnswers(results.getFirst().answer(), duck.answer());
                System.out.println(same ? "answers agree" : "ANSWERS DIFFER: blueshift " + results.getFirst().answer()
                        + ", duckdb " + duck.answer());
                return same ? 0 : 1;
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
