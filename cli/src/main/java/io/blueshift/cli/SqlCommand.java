package io.blueshift.cli;

import io.blueshift.api.Blueshift;
import io.blueshift.api.QueryResult;
import io.blueshift.api.Session;
import io.blueshift.bench.duckdb.DuckDbReference;
import io.blueshift.bench.duckdb.ResultComparator;
import io.blueshift.bench.tpch.ProcessCpuClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code blueshift sql}: runs SQL statements on built-in TPC-H tables. */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = "Run SQL (statements separated by ';') on built-in TPC-H tables and on files ('x.parquet',"
                + " read_csv(...)); CREATE VIEW, CREATE TABLE AS, DROP and COPY ... TO too.")
final class SqlCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "SQL", description = "The statement(s) to run.")
    String sqlText;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read the SQL from a file.")
    Path file;

    @Option(names = "--tpch", paramLabel = "SF", description = "Load TPC-H tables at this scale factor; 0 for none (default: ${DEFAULT-VALUE}).")
    double tpch = 0.01;

    @Option(names = "--format", paramLabel = "table|csv|json", description = "Output format (default: ${DEFAULT-VALUE}).")
    String format = "table";

    @Option(names = "--verify", description = "Also run each statement on DuckDB (same data) and compare the answers.")
    boolean verify;

    @Option(names = "--timer", description = "Print each statement's time on stderr.")
    boolean timer;

    @Mixin
    EngineOptions engine = new EngineOptions();

    @Override
    public Integer call() throws IOException {
        String text;
        if (file != null) {
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("cannot read SQL file " + file);
            }
            text = Files.readString(file);
        } else if (sqlText != null) {
            text = sqlText;
        } else {
            throw new IllegalArgumentException("give the SQL as an argument or with -f FILE");
        }
        if (!List.of("table", "csv", "json").contains(format)) {
            throw new IllegalArgumentException("--format must be table, csv or json, got '" + format + "'");
        }
        if (tpch != 0) {
            TpchCli.checkScaleFactor(tpch);
        }
        List<String> statements = SqlScripts.split(text);
        if (statements.isEmpty()) {
            throw new IllegalArgumentException("no SQL statement given");
        }
        PrintStream out = System.out;
        try (Session session = Blueshift.open(engine.sessionOptions())) {
            // Ctrl-C: the JVM exits (status 130) after this hook; stop the running query first
            Thread onInterrupt = Thread.ofPlatform().unstarted(() -> {
                session.cancelRunning();
                System.err.println("blueshift: interrupted (any running query cancelled)");
            });
            Runtime.getRuntime().addShutdownHook(onInterrupt);
            try {
                return runAll(session, statements, out);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(onInterrupt);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs now
                }
            }
        }
    }

    private int runAll(Session session, List<String> statements, PrintStream out) {
        if (tpch != 0) {
            session.attachTpch(tpch, System.err);
        }
        DuckDbReference duck = null;
        try {
            if (verify) {
                duck = new DuckDbReference();
                // our NULLs sort as the largest value (Calcite's default, as in PostgreSQL)
                duck.execute("SET default_null_order = 'nulls_last_on_asc_first_on_desc'");
                duck.load(session.catalog(), System.err);
            }
            int mismatches = 0;
            for (String sql : statements) {
                mismatches += run(session, duck, sql, out);
            }
            return mismatches == 0 ? 0 : 1;
        } finally {
            if (duck != null) {
                duck.close();
            }
        }
    }

    private int run(Session session, DuckDbReference duck, String sql, PrintStream out) {
        String trimmed = sql.strip();
        String upper = trimmed.toUpperCase();
        if (upper.startsWith("EXPLAIN ANALYZE")) {
            out.print(session.explainAnalyze(trimmed.substring("EXPLAIN ANALYZE".length())));
            return 0;
        }
        if (upper.startsWith("EXPLAIN")) {
            out.print(session.explain(trimmed.substring("EXPLAIN".length())));
            return 0;
        }
        long cpu0 = timer ? ProcessCpuClock.nanos() : -1;
        try (QueryResult r = session.run(trimmed)) {
            if (duck != null && StatementKinds.ddl(trimmed)) {
                duck.execute(trimmed);   // DuckDB gets the same views and tables to compare later queries
            }
            if (StatementKinds.silent(trimmed)) {
                return 0;   // CREATE VIEW, DROP: nothing to show
            }
            List<List<Object>> rows = r.rows();
            switch (format) {
                case "csv" -> ResultFormats.csv(r.schema(), rows, out);
                case "json" -> ResultFormats.json(r.schema(), rows, out);
                default -> {
                    ResultPrinter.print(r.schema(), rows, out);
                    out.println(rows.size() + (rows.size() == 1 ? " row" : " rows"));
                }
            }
            if (timer) {
                // process CPU (all threads) beside wall time: steadier on a busy machine
                long cpu1 = ProcessCpuClock.nanos();
                String cpu = cpu0 < 0 || cpu1 < 0 ? "" : String.format(java.util.Locale.ROOT, " (cpu %.1f ms)", (cpu1 - cpu0) / 1e6);
                System.err.printf("time: %.1f ms%s%n", r.millis(), cpu);
            }
            if (duck != null && StatementKinds.query(trimmed)) {
                boolean ordered = upper.contains("ORDER BY");
                ResultComparator.Result cmp = ResultComparator.compare(duck.query(trimmed), rows, ordered);
                System.err.println(cmp.matched() ? "verified against DuckDB" : "MISMATCH with DuckDB: " + cmp.message());
                return cmp.matched() ? 0 : 1;
            }
        }
        return 0;
    }
}
