package io.blueshift.cli;

import io.blueshift.api.QueryResult;
import io.blueshift.api.Session;
import io.blueshift.memory.Field;
import io.blueshift.memory.Schema;
import io.blueshift.storage.Table;

import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The shell's logic, apart from the terminal: takes input a line at a time, runs dot commands
 * at the start of a statement, collects SQL until a ';' ends it, prints results as aligned
 * tables and errors as one line. The shell goes on after any error.
 */
final class ShellInterpreter {
    static final String HELP = """
            Enter SQL ending in ';' (it may span lines). Commands:
              .tables          the tables and their row counts
              .schema [TABLE]  the columns and types of a table (all tables without TABLE)
              .timer on|off    print each statement's time
              .help            this text
              .quit            leave (also .exit or Ctrl-D)
            EXPLAIN <query> shows our physical plan; EXPLAIN ANALYZE also runs it.
            Files: SELECT ... FROM 'data/*.parquet' | read_parquet('f') | read_csv('f', header => true);
            CREATE [OR REPLACE] VIEW v AS ..., CREATE TABLE t AS ..., DROP VIEW|TABLE [IF EXISTS] x,
            COPY (query) TO 'out.parquet' (FORMAT parquet).""";

    private final Session session;
    private final PrintStream out;
    private final PrintStream err;
    private final StringBuilder pending = new StringBuilder();
    private boolean timer;
    private boolean quit;
    /** The statement running now (for Ctrl-C): its handle, or the thread running it. */
    private volatile io.blueshift.api.QueryHandle running;
    private volatile Thread runner;

    ShellInterpreter(Session session, PrintStream out, PrintStream err) {
        this.session = session;
        this.out = out;
        this.err = err;
    }

    /** True while a statement has begun but not ended (the prompt shows a continuation). */
    boolean continuing() {
        return !pending.isEmpty();
    }

    boolean quit() {
        return quit;
    }

    /** Feeds one line of input; returns false once the user asked to quit. */
    boolean accept(String line) {
        if (pending.isEmpty() && line.strip().startsWith(".")) {
            command(line.strip());
            return !quit;
        }
        if (pending.isEmpty() && line.isBlank()) {
            return true;
        }
        pending.append(line).append('\n');
        if (SqlScripts.complete(pending.toString())) {
            String text = pending.toString();
            pending.setLength(0);
            for (String sql : SqlScripts.split(text)) {
                execute(sql);
            }
        }
        return true;
    }

    /** Drops a half-typed statement (Ctrl-C). */
    void cancel() {
        pending.setLength(0);
    }

    /**
     * Ctrl-C while a statement runs: cancels the query (its workers stop, its memory is freed)
     * and the shell goes on with "error: query cancelled". Safe from any thread (a signal
     * handler); does nothing when no statement runs.
     */
    void interruptRunning() {
        io.blueshift.api.QueryHandle h = running;
        if (h != null) {
            h.cancel();
            return;
        }
        Thread t = runner;
        if (t != null) {
            t.interrupt(); // EXPLAIN ANALYZE: an interrupted query cancels itself
        }
    }

    /** At end of input: a statement without its ';' still runs. */
    void finish() {
        if (!pending.isEmpty() && !pending.toString().isBlank()) {
            String text = pending.toString();
            pending.setLength(0);
            for (String sql : SqlScripts.split(text)) {
                execute(sql);
            }
        }
    }

    private void command(String line) {
        String[] words = line.split("\\s+");
        switch (words[0].toLowerCase(Locale.ROOT)) {
            case ".quit", ".exit" -> quit = true;
            case ".help" -> out.println(HELP);
            case ".tables" -> tables();
            case ".schema" -> {
                if (words.length > 2) {
                    error("usage: .schema [TABLE]");
                } else {
                    schema(words.length == 2 ? words[1] : null);
                }
            }
            case ".timer" -> {
                if (words.length == 2 && (words[1].equalsIgnoreCase("on") || words[1].equalsIgnoreCase("off"))) {
                    timer = words[1].equalsIgnoreCase("on");
                    out.println("timer " + (timer ? "on" : "off"));
                } else {
                    error("usage: .timer on|off");
                }
            }
            default -> error("unknown command " + words[0] + "; try .help");
        }
    }

    private List<Table> sortedTables() {
        return session.catalog().tables().stream().sorted(Comparator.comparing(Table::name)).toList();
    }

    private void tables() {
        List<Table> tables = sortedTables();
        List<String> views = session.views().keySet().stream().sorted().toList();
        if (tables.isEmpty() && views.isEmpty()) {
            out.println("no tables");
            return;
        }
        int width = Math.max(tables.stream().mapToInt(t -> t.name().length()).max().orElse(0),
                views.stream().mapToInt(String::length).max().orElse(0));
        for (Table t : tables) {
            out.printf(Locale.ROOT, "%-" + width + "s  %,d rows%n", t.name(), t.rowCount());
        }
        for (String v : views) {
            out.printf(Locale.ROOT, "%-" + width + "s  view%n", v);
        }
    }

    private void schema(String name) {
        if (name == null) {
            for (Table t : sortedTables()) {
                printSchema(t.name(), t.schema());
            }
            return;
        }
        Table t = session.catalog().tables().stream().filter(x -> x.name().equalsIgnoreCase(name)).findFirst().orElse(null);
        if (t == null && session.views().containsKey(name.toLowerCase(Locale.ROOT))) {
            try {
                // a view's columns are those of its query as planned now
                printSchema(name.toLowerCase(Locale.ROOT) + " (view)", session.plan("SELECT * FROM \"" + name.toLowerCase(Locale.ROOT) + "\"").schema());
            } catch (RuntimeException e) {
                error(BlueshiftCli.message(e));
            }
            return;
        }
        if (t == null) {
            error("unknown table '" + name + "'; tables are "
                    + sortedTables().stream().map(Table::name).toList());
            return;
        }
        printSchema(t.name(), t.schema());
    }

    private void printSchema(String table, Schema schema) {
        out.println(table + " (");
        for (int i = 0; i < schema.size(); i++) {
            Field f = schema.field(i);
            out.println("  " + f.name() + " " + f.type().sqlName() + (f.nullable() ? "" : " NOT NULL")
                    + (i + 1 < schema.size() ? "," : ""));
        }
        out.println(")");
    }

    private void execute(String sql) {
        runner = Thread.currentThread();
        try {
            String upper = sql.toUpperCase(Locale.ROOT);
            if (upper.startsWith("EXPLAIN ANALYZE")) {
                out.print(session.explainAnalyze(sql.substring("EXPLAIN ANALYZE".length())));
                return;
            }
            if (upper.startsWith("EXPLAIN")) {
                out.print(session.explain(sql.substring("EXPLAIN".length())));
                return;
            }
            io.blueshift.api.QueryHandle h = session.submit(sql);
            running = h;
            QueryResult result;
            try {
                result = h.result();
            } finally {
                running = null;
            }
            try (QueryResult r = result) {
                if (StatementKinds.silent(sql)) {
                    if (timer) {
                        out.printf(Locale.ROOT, "(%.1f ms)%n", r.millis());
                    }
                    return;
                }
                List<List<Object>> rows = r.rows();
                ResultPrinter.print(r.schema(), rows, out);
                out.println(rows.size() + (rows.size() == 1 ? " row" : " rows")
                        + (timer ? String.format(Locale.ROOT, " (%.1f ms)", r.millis()) : ""));
            }
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError | AssertionError e) {
            // AssertionError: a library's (Calcite's) internal check on a statement it does not take
            error(BlueshiftCli.message(e));
        } finally {
            runner = null;
            Thread.interrupted(); // a Ctrl-C that came as the statement ended must not hit the next one
        }
    }

    private void error(String message) {
        err.println("error: " + message.lines().findFirst().orElse(message));
        err.flush();
    }
}
