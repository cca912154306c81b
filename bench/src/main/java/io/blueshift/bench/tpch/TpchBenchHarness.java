package io.blueshift.bench.tpch;

import io.blueshift.bench.duckdb.DuckDbReference;
import io.blueshift.bench.duckdb.ResultComparator;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * Runs TPC-H queries on Blueshift and on DuckDB (same data, see {@link DuckDbReference#load}):
 * {@link #run} times them (warm-up runs, then the median of the timed runs), {@link #verify}
 * checks our answers against DuckDB's. A query that fails on one engine is reported with its
 * error and the others go on. Progress lines go to the given stream (stderr by default).
 */
public final class TpchBenchHarness {
    public static final String CSV_HEADER = "query,blueshift_ms,duckdb_ms,ratio";

    private final IntFunction<List<List<Object>>> blueshift;
    private final DuckDbReference duckdb;
    private final PrintStream progress;
    private List<Timing> lastTimings = List.of();

    /** One query's medians; a NaN time means that engine failed (see {@code error}). */
    public record Timing(int query, double blueshiftMs, double duckdbMs, String error) {
        /** Blueshift time over DuckDB time (below 1: we are faster); NaN when either failed. */
        public double ratio() {
            return blueshiftMs / duckdbMs;
        }

        public boolean ok() {
            return error == null;
        }
    }

    /** One query's verification: verified, or why not. */
    public record Verification(int query, boolean verified, String message) {
    }

    /**
     * @param blueshift runs TPC-H query n on our engine and returns its rows as Java values
     * @param duckdb    a DuckDB with the same tables loaded
     */
    public TpchBenchHarness(IntFunction<List<List<Object>>> blueshift, DuckDbReference duckdb) {
        this(blueshift, duckdb, System.err);
    }

    /** As above; {@code progress} null for silence. */
    public TpchBenchHarness(IntFunction<List<List<Object>>> blueshift, DuckDbReference duckdb, PrintStream progress) {
        this.blueshift = Objects.requireNonNull(blueshift, "blueshift runner is null");
        this.duckdb = Objects.requireNonNull(duckdb, "duckdb is null");
        this.progress = progress;
    }

    /**
     * For each query: {@code warmups} untimed runs, then {@code runs} timed runs on each engine;
     * returns the medians, and prints the aligned table with its geometric-mean line to the
     * progress stream.
     */
    public List<Timing> run(List<Integer> queries, int warmups, int runs) {
        if (warmups < 0) {
            throw new IllegalArgumentException("warm-up runs must be >= 0, got " + warmups);
        }
        if (runs < 1) {
            throw new IllegalArgumentException("timed runs must be >= 1, got " + runs);
        }
        List<Timing> timings = new ArrayList<>();
        for (int q : queries) {
            String sql = TpchQueries.sql(q);
            double ours = Double.NaN;
            double theirs = Double.NaN;
            String error = null;
            try {
                ours = median(warmups, runs, () -> blueshift.apply(q));
            } catch (RuntimeException e) {
                error = "blueshift: " + message(e);
            }
            try {
                theirs = median(warmups, runs, () -> duckdb.query(sql));
            } catch (RuntimeException e) {
                error = (error == null ? "" : error + "; ") + "duckdb: " + message(e);
            }
            Timing t = new Timing(q, ours, theirs, error);
            timings.add(t);
            log(String.format(Locale.ROOT, "tpch q%02d: blueshift %s ms, duckdb %s ms, ratio %s%s", q,
                    ms(ours), ms(theirs), ratio(t.ratio()), error == null ? "" : " (" + error + ")"));
        }
        lastTimings = List.copyOf(timings);
        if (progress != null) {
            progress.print(format(timings));
            progress.flush();
        }
        return lastTimings;
    }

    /** {@link #run(List, int, int)} over all 22 queries. */
    public List<Timing> runAll(int warmups, int runs) {
        return run(TpchQueries.all(), warmups, runs);
    }

    /** The timings of the last {@link #run}. */
    public List<Timing> lastTimings() { return lastTimings; }

    /**
     * Runs each query once on both engines and compares the rows (in order when the query has
     * ORDER BY), DuckDB's being the expected ones.
     */
    public List<Verification> verify(List<Integer> queries) {
        List<Verification> out = new ArrayList<>();
        for (int q : queries) {
            Verification v = verifyOne(q);
            out.add(v);
            log(String.format(Locale.ROOT, "tpch q%02d: %s", q,
                    v.verified() ? "verified" : "FAILED: " + v.message()));
        }
        long ok = out.stream().filter(Verification::verified).count();
        log(String.format(Locale.ROOT, "tpch verify: %d of %d queries match DuckDB", ok, out.size()));
        return out;
    }

    /** {@link #verify(List)} over all 22 queries. */
    public List<Verification> verifyAll() {
        return verify(TpchQueries.all());
    }

    private Verification verifyOne(int q) {
        List<List<Object>> expected;
        try {
            expected = duckdb.query(TpchQueries.sql(q));
        } catch (RuntimeException e) {
            return new Verification(q, false, "duckdb failed: " + message(e));
        }
        List<List<Object>> actual;
        try {
            actual = blueshift.apply(q);
        } catch (RuntimeException | AssertionError e) {
            return new Verification(q, false, "blueshift failed: " + message(e));
        }
        if (actual == null) {
            return new Verification(q, false, "blueshift returned no result (null)");
        }
        ResultComparator.Result r = ResultComparator.compare(expected, actual, TpchQueries.ordered(q));
        return new Verification(q, r.matched(), r.message());
    }

    /** Writes the last run's timings as CSV ({@value #CSV_HEADER}). */
    public void writeCsv(Path path) {
        writeCsv(path, lastTimings);
    }

    /** Writes timings as CSV: the exact header {@value #CSV_HEADER}; failed cells are empty. */
    public static void writeCsv(Path path, List<Timing> timings) {
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        for (Timing t : timings) {
            csv.append(t.query()).append(',').append(csvNumber(t.blueshiftMs())).append(',')
                    .append(csvNumber(t.duckdbMs())).append(',').append(csvNumber(t.ratio())).append('\n');
        }
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(path, csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + path, e);
        }
    }

    /** The aligned table with a geometric-mean line over the queries that ran on both engines. */
    public static String format(List<Timing> timings) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-7s %14s %14s %9s%n", "query", "blueshift_ms", "duckdb_ms", "ratio"));
        for (Timing t : timings) {
            out.append(String.format(Locale.ROOT, "%-7s %14s %14s %9s%s%n", String.format(Locale.ROOT, "q%02d", t.query()),
                    ms(t.blueshiftMs()), ms(t.duckdbMs()), ratio(t.ratio()), t.ok() ? "" : "  " + t.error()));
        }
        double[] ours = timings.stream().filter(TpchBenchHarness::bothRan).mapToDouble(Timing::blueshiftMs).toArray();
        double[] theirs = timings.stream().filter(TpchBenchHarness::bothRan).mapToDouble(Timing::duckdbMs).toArray();
        double[] ratios = timings.stream().filter(TpchBenchHarness::bothRan).mapToDouble(Timing::ratio).toArray();
        out.append(String.format(Locale.ROOT, "%-7s %14s %14s %9s  (%d of %d queries)%n", "geomean",
                ms(geometricMean(ours)), ms(geometricMean(theirs)), ratio(geometricMean(ratios)),
                ratios.length, timings.size()));
        return out.toString();
    }

    private static boolean bothRan(Timing t) {
        return Double.isFinite(t.blueshiftMs()) && Double.isFinite(t.duckdbMs()) && t.duckdbMs() > 0 && t.blueshiftMs() > 0;
    }

    /** Geometric mean of positive values; NaN for none. */
    public static double geometricMean(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double logs = 0;
        for (double v : values) {
            logs += Math.log(v);
        }
        return Math.exp(logs / values.length);
    }

    /** The median (of an even count, the mean of the middle two). */
    public static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double median(int warmups, int runs, Runnable query) {
        for (int i = 0; i < warmups; i++) {
            query.run();
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            query.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        return median(ms);
    }

    private void log(String line) {
        if (progress != null) {
            progress.println(line);
            progress.flush();
        }
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    static String ms(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f", v) : "-";
    }

    static String ratio(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "-";
    }

    static String csvNumber(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "";
    }
}
