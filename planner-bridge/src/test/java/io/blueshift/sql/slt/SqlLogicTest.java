package io.blueshift.sql.slt;

import io.blueshift.api.QueryResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Runs the {@code .slt} files under {@code src/test/resources/sql/} (format in the README
 * there): one dynamic test per record, named {@code file.slt:line}. Each record runs on our
 * engine and, unless {@code skipif duckdb}, on DuckDB over the same tables, and the expected
 * rows must match both (DuckDB's within its own types: decimals at the coarser scale).
 * <p>
 * {@code -Dblueshift.slt.complete=true} rewrites each query's types and rows from our engine
 * after a deliberate change; where our engine fails it writes DuckDB's answer and adds
 * {@code skipif blueshift # <our error>} for review. {@code -Dblueshift.slt.duckdb=false}
 * skips the DuckDB check; {@code -Dblueshift.slt.file=NAME} runs the files whose name contains NAME.
 */
class SqlLogicTest {
    static final Path DIR = Path.of("src/test/resources/sql");
    private static final boolean COMPLETE = Boolean.getBoolean("blueshift.slt.complete");
    private static final boolean DUCKDB = !"false".equals(System.getProperty("blueshift.slt.duckdb"));
    private static final String ONLY = System.getProperty("blueshift.slt.file", "");

    private static final SltEngines ENGINES = new SltEngines(DUCKDB);
    private static final AtomicInteger PASSED = new AtomicInteger();
    private static final AtomicInteger FAILED = new AtomicInteger();
    private static final AtomicInteger SKIPPED = new AtomicInteger();
    private static final List<String> NOW_PASSING = new ArrayList<>();
    private static final Map<String, Integer> SKIP_REASONS = new TreeMap<>();

    @AfterAll
    static void closeEngines() {
        try {
            ENGINES.close();
        } catch (IllegalStateException e) {
            // a skipped case that fails may leave its query pool open; each passing case closes its own
            System.out.println("sql logic tests: closing the engines: " + e.getMessage());
        }
    }

    @TestFactory
    Stream<DynamicNode> sqlFiles() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".slt") && p.getFileName().toString().contains(ONLY))
                    .sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no .slt files in " + DIR.toAbsolutePath());
        }
        List<DynamicNode> nodes = new ArrayList<>();
        for (Path p : files) {
            SltFile file = SltFile.read(p);
            Map<SltRecord.Query, List<String>> completed = new java.util.LinkedHashMap<>();
            List<DynamicNode> tests = new ArrayList<>();
            for (SltRecord r : file.records()) {
                tests.add(DynamicTest.dynamicTest(r.where() + " " + title(r), () -> counted(() -> run(file, r, completed))));
            }
            if (COMPLETE) {
                tests.add(DynamicTest.dynamicTest(file.name() + " (rewrite)", () -> rewrite(file, completed)));
            }
            nodes.add(DynamicContainer.dynamicContainer(file.name(), tests));
        }
        nodes.add(DynamicTest.dynamicTest("summary", SqlLogicTest::summary));
        return nodes.stream();
    }

    private static String title(SltRecord r) {
        String first = r.sql().lines().findFirst().orElse("").strip();
        String kind = r instanceof SltRecord.Query q ? "query " + q.types() : "statement";
        return kind + ": " + (first.length() > 60 ? first.substring(0, 57) + "..." : first);
    }

    private interface Body {
        void run() throws Exception;
    }

    private static void counted(Body body) throws Exception {
        try {
            body.run();
            PASSED.incrementAndGet();
        } catch (TestAbortedException e) {
            SKIPPED.incrementAndGet();
            throw e;
        } catch (Exception | AssertionError e) {
            FAILED.incrementAndGet();
            throw e;
        }
    }

    private static void run(SltFile file, SltRecord r, Map<SltRecord.Query, List<String>> completed) {
        SltEngines.Pair engines = ENGINES.get(file.tpchScale());
        // a statement runs as the shell runs it (CREATE, INSERT, UPDATE, DELETE, SET or a query), once
        boolean statement = r instanceof SltRecord.Statement;
        Outcome ours = Outcome.of(() -> statement ? statement(engines, r) : ours(engines, r));
        Outcome duck = DUCKDB && !r.skipped("duckdb") ? Outcome.of(() -> {
            if (statement) {
                engines.duckdb().execute(r.sql());
                return List.of();
            }
            return engines.duckdb().query(r.sql());
        }) : null;
        if (COMPLETE && r instanceof SltRecord.Query q) {
            complete(q, ours, duck, completed);
            return;
        }
        if (duck != null) {
            String problem = check(r, duck, false);
            if (problem != null) {
                throw new AssertionFailedError(r.where() + ": DuckDB disagrees with the expected result: " + problem
                        + "\n  (fix the expected rows, or add 'skipif duckdb # why' where the engines legitimately differ)");
            }
        }
        String problem = check(r, ours, true);
        if (problem == null && r instanceof SltRecord.Query && !r.skipped("blueshift")) {
            // the thread-count dimension: one worker must give what several gave
            String single = check(r, Outcome.of(() -> ours(engines, r, 1)), true);
            if (single != null) {
                problem = "on 1 thread (passes on " + engines.blueshift().options().threads() + "): " + single;
            }
        }
        if (r.skipped("blueshift")) {
            String reason = r.skipReason("blueshift");
            synchronized (SKIP_REASONS) {
                SKIP_REASONS.merge(reason.isEmpty() ? "(no reason given)" : reason, 1, Integer::sum);
                if (problem == null) {
                    NOW_PASSING.add(r.where());
                }
            }
            Assumptions.abort("skipif blueshift: " + reason + (problem == null ? " (passes now: remove the skipif)" : ""));
        }
        if (problem != null) {
            throw new AssertionFailedError(r.where() + ": " + problem + "\n  SQL: " + r.sql().replace("\n", "\n       "));
        }
    }

    private static List<List<Object>> statement(SltEngines.Pair engines, SltRecord r) {
        try (QueryResult result = engines.blueshift().run(r.sql())) {
            result.rows(); // runs it to the end: an error while it runs is the statement's
            return List.of();
        }
    }

    /** Our engine's rows, with the schema's type letters prepended as a first pseudo row. */
    private static List<List<Object>> ours(SltEngines.Pair engines, SltRecord r) {
        return ours(engines, r, 0);
    }

    /** {@code threads} 0: the session's own count. */
    private static List<List<Object>> ours(SltEngines.Pair engines, SltRecord r, int threads) {
        try (QueryResult result = threads == 0 ? engines.blueshift().sql(r.sql()) : engines.blueshift().sql(r.sql(), threads)) {
            List<List<Object>> rows = new ArrayList<>(result.rows());
            // TIMESTAMPs come as microseconds since the epoch; DuckDB's JDBC gives LocalDateTime
            for (int c = 0; c < result.schema().size(); c++) {
                if (result.schema().type(c) instanceof io.blueshift.memory.DataType.TimestampType) {
                    for (int i = 0; i < rows.size(); i++) {
                        if (rows.get(i).get(c) instanceof Long micros) {
                            List<Object> row = new ArrayList<>(rows.get(i));
                            row.set(c, java.time.LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                                    (int) Math.floorMod(micros, 1_000_000L) * 1000, java.time.ZoneOffset.UTC));
                            rows.set(i, row);
                        }
                    }
                }
            }
            rows.addFirst(List.of(SltValues.letters(result.schema())));
            return rows;
        }
    }

    /** A result or the error message of one engine. */
    private record Outcome(List<List<Object>> rows, String error) {
        static Outcome of(java.util.function.Supplier<List<List<Object>>> run) {
            try {
                return new Outcome(run.get(), null);
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                return new Outcome(null, message(e));
            }
        }

        /** Rows without our type pseudo row. */
        List<List<Object>> data(boolean ours) {
            return ours ? rows.subList(1, rows.size()) : rows;
        }
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getName() : m;
    }

    /** Null when the outcome is what the record expects, else what went wrong. */
    private static String check(SltRecord r, Outcome o, boolean ours) {
        return switch (r) {
            case SltRecord.Statement s when s.error() == null ->
                    o.error() == null ? null : "statement failed: " + o.error();
            case SltRecord.Statement s -> {
                if (o.error() == null) {
                    yield "statement succeeded; expected an error containing '" + s.error() + "'";
                }
                if (!ours) {
                    yield null; // DuckDB words its errors its own way; that it fails is enough
                }
                if (o.error().contains("\n")) {
                    yield "the error is more than one line: " + o.error();
                }
                yield o.error().contains(s.error()) ? null
                        : "expected an error containing '" + s.error() + "', got: " + o.error();
            }
            case SltRecord.Query q -> {
                if (o.error() != null) {
                    yield "query failed: " + o.error();
                }
                if (ours) {
                    String letters = (String) o.rows().getFirst().getFirst();
                    if (!letters.equals(q.types())) {
                        yield "result types are " + letters + ", the record says " + q.types();
                    }
                }
                List<List<Object>> data = o.data(ours);
                if (!data.isEmpty() && data.getFirst().size() != q.types().length()) {
                    yield "the result has " + data.getFirst().size() + " columns, the record's types name " + q.types().length();
                }
                yield SltValues.compare(q.expected(), SltValues.lines(data, q.rowsort()), q.types(), q.rowsort(), ours);
            }
        };
    }

    // ---- complete mode ----

    private static void complete(SltRecord.Query q, Outcome ours, Outcome duck, Map<SltRecord.Query, List<String>> completed) {
        List<String> out = new ArrayList<>();
        if (ours.error() == null && !q.skipped("blueshift")) {
            String letters = (String) ours.rows().getFirst().getFirst();
            out.add("query " + letters + (q.rowsort() ? " rowsort" : ""));
            out.addAll(SltValues.lines(ours.data(true), q.rowsort()));
            if (duck != null && duck.error() == null) {
                String problem = SltValues.compare(SltValues.lines(ours.data(true), q.rowsort()),
                        SltValues.lines(duck.rows(), q.rowsort()), letters, q.rowsort(), false);
                if (problem != null) {
                    System.out.println("slt complete: " + q.where() + ": ours and DuckDB differ: " + problem);
                }
            }
        } else if (duck != null && duck.error() == null) {
            List<List<Object>> rows = duck.rows();
            String letters = rows.isEmpty() ? q.types() : SltValues.letters(rows, rows.getFirst().size());
            if (!q.skipped("blueshift")) {
                out.add("skipif blueshift # " + ours.error().lines().findFirst().orElse(""));
            }
            out.add("query " + letters + (q.rowsort() ? " rowsort" : ""));
            out.addAll(SltValues.lines(rows, q.rowsort()));
        } else {
            System.out.println("slt complete: " + q.where() + ": no engine answered; left as it was: "
                    + (ours.error() != null ? ours.error() : "") + (duck != null ? " / DuckDB: " + duck.error() : ""));
            return;
        }
        synchronized (completed) {
            completed.put(q, out);
        }
    }

    /** Writes the completed records back into the file (header, rows, and a new skipif where needed). */
    private static void rewrite(SltFile file, Map<SltRecord.Query, List<String>> completed) {
        List<String> lines = new ArrayList<>(file.lines());
        List<SltRecord.Query> queries = new ArrayList<>(completed.keySet());
        queries.sort((a, b) -> Integer.compare(b.header(), a.header()));
        for (SltRecord.Query q : queries) {
            List<String> out = completed.get(q);
            boolean addSkip = out.getFirst().startsWith("skipif");
            String header = out.get(addSkip ? 1 : 0);
            List<String> rows = out.subList(addSkip ? 2 : 1, out.size());
            lines.subList(q.rowsFrom(), q.rowsTo()).clear();
            lines.addAll(q.rowsFrom(), rows);
            if (!q.separator()) {
                lines.add(q.rowsFrom(), "----");
            }
            lines.set(q.header(), header);
            if (addSkip) {
                lines.add(q.header(), out.getFirst());
            }
        }
        try {
            Files.write(file.path(), lines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + file.path(), e);
        }
        System.out.println("slt complete: rewrote " + completed.size() + " queries in " + file.path());
    }

    private static void summary() {
        StringBuilder s = new StringBuilder(String.format("sql logic tests: %d passed, %d failed, %d skipped on blueshift",
                PASSED.get(), FAILED.get(), SKIPPED.get()));
        synchronized (SKIP_REASONS) {
            SKIP_REASONS.forEach((reason, n) -> s.append("\n  skipped ").append(n).append(": ").append(reason));
            if (!NOW_PASSING.isEmpty()) {
                s.append("\n  skipped but passing now (remove their skipif): ").append(NOW_PASSING);
            }
        }
        System.out.println(s);
    }
}
