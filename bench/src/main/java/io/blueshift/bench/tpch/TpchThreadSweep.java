package io.blueshift.bench.tpch;

import io.blueshift.bench.duckdb.DuckDbReference;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * TPC-H on Blueshift and DuckDB at several thread counts in one run (both engines at the same
 * count, DuckDB through {@code SET threads}): per query and count the median of the timed runs
 * after warm-ups, the ratio Blueshift / DuckDB, and each engine's speedup from the first count.
 * Each query runs at every count before the next query starts, so a noisy spell on a shared
 * machine hits the counts alike. One progress line per query on the progress stream.
 */
public final class TpchThreadSweep {
    public static final String CSV_HEADER = "query,threads,blueshift_ms,duckdb_ms,ratio,blueshift_speedup,duckdb_speedup";

    private final IntFunction<List<List<Object>>> blueshift;
    private final IntConsumer blueshiftThreads;
    private final DuckDbReference duckdb;
    private final PrintStream progress;

    /**
     * One query at one thread count; NaN where that engine failed. The CPU figures are the median
     * process CPU ms of the timed runs (every thread of the process, the JIT and GC included).
     */
    public record Cell(int threads, double blueshiftMs, double duckdbMs, double blueshiftCpuMs, double duckdbCpuMs) {
        public Cell(int threads, double blueshiftMs, double duckdbMs) {
            this(threads, blueshiftMs, duckdbMs, Double.NaN, Double.NaN);
        }

        public double ratio() { return blueshiftMs / duckdbMs; }
    }

    /** One query at every count (in the order given); {@code error} non-null if an engine failed. */
    public record Row(int query, List<Cell> cells, String error) {
        /** Time at the first count over time at count index {@code i}. */
        public double blueshiftSpeedup(int i) { return cells.getFirst().blueshiftMs() / cells.get(i).blueshiftMs(); }
        public double duckdbSpeedup(int i) { return cells.getFirst().duckdbMs() / cells.get(i).duckdbMs(); }
    }

    /**
     * @param blueshift        runs TPC-H query n on our engine, returning its rows
     * @param blueshiftThreads sets our engine's worker threads for the queries that follow
     * @param duckdb           a DuckDB holding the same tables
     * @param progress         where progress lines go (null: nowhere)
     */
    public TpchThreadSweep(IntFunction<List<List<Object>>> blueshift, IntConsumer blueshiftThreads, DuckDbReference duckdb,
                           PrintStream progress) {
        this.blueshift = Objects.requireNonNull(blueshift, "blueshift is null");
        this.blueshiftThreads = Objects.requireNonNull(blueshiftThreads, "blueshiftThreads is null");
        this.duckdb = Objects.requireNonNull(duckdb, "duckdb is null");
        this.progress = progress;
    }

    public List<Row> run(List<Integer> queries, List<Integer> threads, int warmups, int runs) {
        if (threads.isEmpty()) {
            throw new IllegalArgumentException("no thread counts given");
        }
        if (warmups < 0 || runs < 1) {
            throw new IllegalArgumentException("warm-ups must be >= 0 and runs >= 1");
        }
        List<Row> rows = new ArrayList<>();
        int done = 0;
        for (int q : queries) {
            String sql = TpchQueries.sql(q);
            List<Cell> cells = new ArrayList<>();
            String error = null;
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[%d/%d] tpch q%02d:", ++done, queries.size(), q));
            for (int t : threads) {
                double ours = Double.NaN;
                double theirs = Double.NaN;
                double[] oursCpu = {Double.NaN};
                double[] theirsCpu = {Double.NaN};
                try {
                    blueshiftThreads.accept(t);
                    ours = median(warmups, runs, () -> blueshift.apply(q), oursCpu);
                } catch (RuntimeException e) {
                    error = (error == null ? "" : error + "; ") + "blueshift at " + t + " threads: " + message(e);
                }
                try {
                    duckdb.setThreads(t);
                    theirs = median(warmups, runs, () -> duckdb.query(sql), theirsCpu);
                } catch (RuntimeException e) {
                    error = (error == null ? "" : error + "; ") + "duckdb at " + t + " threads: " + message(e);
                }
                Cell c = new Cell(t, ours, theirs, oursCpu[0], theirsCpu[0]);
                cells.add(c);
                line.append(String.format(Locale.ROOT, "  %dt blueshift %s ms (cpu %s), duckdb %s ms (cpu %s), ratio %s (cpu %s);", t,
                        ms(ours), ms(oursCpu[0]), ms(theirs), ms(theirsCpu[0]), num(c.ratio()), num(oursCpu[0] / theirsCpu[0])));
            }
            rows.add(new Row(q, List.copyOf(cells), error));
            if (progress != null) {
                progress.println(line + (error == null ? "" : " (" + error + ")"));
                progress.flush();
            }
        }
        return rows;
    }

    /** The aligned table: per count Blueshift ms, DuckDB ms and ratio, then each later count's speedups; geometric means last. */
    public static String format(List<Row> rows) {
        if (rows.isEmpty()) {
            return "no queries\n";
        }
        List<Integer> counts = rows.getFirst().cells().stream().map(Cell::threads).toList();
        List<String> header = new ArrayList<>(List.of("query"));
        for (int t : counts) {
            header.add("bs_" + t + "t_ms");
            header.add("duck_" + t + "t_ms");
            header.add("ratio_" + t + "t");
        }
        for (int i = 1; i < counts.size(); i++) {
            header.add("bs_x" + counts.getFirst() + "->" + counts.get(i));
            header.add("duck_x" + counts.getFirst() + "->" + counts.get(i));
        }
        List<List<String>> table = new ArrayList<>();
        table.add(header);
        int width = 3 * counts.size() + 2 * (counts.size() - 1);
        double[][] columns = new double[width][rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            List<String> line = new ArrayList<>(List.of(String.format(Locale.ROOT, "q%02d", row.query())));
            int k = 0;
            for (Cell c : row.cells()) {
                columns[k++][r] = c.blueshiftMs();
                columns[k++][r] = c.duckdbMs();
                columns[k++][r] = c.ratio();
            }
            for (int i = 1; i < counts.size(); i++) {
                columns[k++][r] = row.blueshiftSpeedup(i);
                columns[k++][r] = row.duckdbSpeedup(i);
            }
            for (int j = 0; j < width; j++) {
                line.add(j < 3 * counts.size() && j % 3 != 2 ? ms(columns[j][r]) : num(columns[j][r]));
            }
            table.add(line);
        }
        List<String> geo = new ArrayList<>(List.of("geomean"));
        List<String> max = new ArrayList<>(List.of("max"));
        for (int j = 0; j < width; j++) {
            double g = TpchBenchHarness.geometricMean(java.util.Arrays.stream(columns[j]).filter(v -> Double.isFinite(v) && v > 0).toArray());
            geo.add(j < 3 * counts.size() && j % 3 != 2 ? ms(g) : num(g));
            boolean ratio = j < 3 * counts.size() && j % 3 == 2;
            max.add(ratio ? num(java.util.Arrays.stream(columns[j]).filter(Double::isFinite).max().orElse(Double.NaN)) : "");
        }
        table.add(geo);
        table.add(max);
        // process CPU (workers, JIT, GC of both engines' runs): steadier than wall time on a busy machine
        List<String> cpu = new ArrayList<>(List.of("cpu geomean"));
        for (int i = 0; i < counts.size(); i++) {
            int idx = i;
            double ours = TpchBenchHarness.geometricMean(rows.stream().mapToDouble(r -> r.cells().get(idx).blueshiftCpuMs())
                    .filter(v -> Double.isFinite(v) && v > 0).toArray());
            double theirs = TpchBenchHarness.geometricMean(rows.stream().mapToDouble(r -> r.cells().get(idx).duckdbCpuMs())
                    .filter(v -> Double.isFinite(v) && v > 0).toArray());
            cpu.add(ms(ours));
            cpu.add(ms(theirs));
            cpu.add(num(ours / theirs));
        }
        for (int i = 1; i < counts.size(); i++) {
            cpu.add("");
            cpu.add("");
        }
        table.add(cpu);
        int[] w = new int[header.size()];
        for (List<String> line : table) {
            for (int j = 0; j < line.size(); j++) {
                w[j] = Math.max(w[j], line.get(j).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < table.size(); i++) {
            List<String> line = table.get(i);
            for (int j = 0; j < line.size(); j++) {
                out.append(j == 0 ? String.format("%-" + w[j] + "s", line.get(j)) : String.format("  %" + w[j] + "s", line.get(j)));
            }
            if (i > 0 && i <= rows.size() && rows.get(i - 1).error() != null) {
                out.append("  ").append(rows.get(i - 1).error());
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** One CSV line per query and count ({@value #CSV_HEADER}); failed cells are empty. */
    public static void writeCsv(Path path, List<Row> rows) {
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        for (Row row : rows) {
            for (int i = 0; i < row.cells().size(); i++) {
                Cell c = row.cells().get(i);
                csv.append(row.query()).append(',').append(c.threads()).append(',').append(csvNumber(c.blueshiftMs())).append(',')
                        .append(csvNumber(c.duckdbMs())).append(',').append(csvNumber(c.ratio())).append(',')
                        .append(csvNumber(row.blueshiftSpeedup(i))).append(',').append(csvNumber(row.duckdbSpeedup(i))).append('\n');
            }
        }
        write(path, csv);
    }

    /** {@code text} into {@code path}, its directory made if missing. */
    private static void write(Path path, CharSequence text) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(path, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + path, e);
        }
    }

    /**
     * The per-query ratio (Blueshift / DuckDB) as an SVG line chart: one line per thread count,
     * and DuckDB's level (1.0) as a line of its own, so a point above it is a query where we are
     * slower. A failed cell leaves a gap.
     */
    public static String chart(List<Row> rows, String title) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no rows to chart");
        }
        List<String> queries = new ArrayList<>();
        for (Row r : rows) {
            queries.add("Q" + r.query());
        }
        io.blueshift.bench.charts.SvgLineChart chart = new io.blueshift.bench.charts.SvgLineChart(title, "query",
                "Blueshift ms / DuckDB ms", queries);
        int counts = rows.getFirst().cells().size();
        for (int i = 0; i < counts; i++) {
            List<Double> ratios = new ArrayList<>();
            for (Row r : rows) {
                ratios.add(i < r.cells().size() ? r.cells().get(i).ratio() : Double.NaN);
            }
            int threads = rows.getFirst().cells().get(i).threads();
            chart.add(new io.blueshift.bench.charts.SvgLineChart.Series(threads + (threads == 1 ? " thread" : " threads"), ratios));
        }
        chart.add(new io.blueshift.bench.charts.SvgLineChart.Series("DuckDB (1.0)", java.util.Collections.nCopies(rows.size(), 1.0)));
        return chart.render();
    }

    /** {@link #chart} into {@code path}. */
    public static void writeChart(Path path, List<Row> rows, String title) {
        write(path, chart(rows, title));
    }

    /** The rows of a file {@link #writeCsv} wrote (the CPU figures, which it does not keep, are NaN). */
    public static List<Row> readCsv(Path path) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path, e);
        }
        if (lines.isEmpty() || !lines.getFirst().trim().equals(CSV_HEADER)) {
            throw new IllegalArgumentException(path + ": not a bench tpch CSV file (its first line is not " + CSV_HEADER + ")");
        }
        java.util.Map<Integer, List<Cell>> byQuery = new java.util.LinkedHashMap<>();
        for (int n = 1; n < lines.size(); n++) {
            String line = lines.get(n).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != 7) {
                throw new IllegalArgumentException(path + ", line " + (n + 1) + ": expected 7 fields, got " + f.length);
            }
            try {
                byQuery.computeIfAbsent(Integer.parseInt(f[0]), q -> new ArrayList<>())
                        .add(new Cell(Integer.parseInt(f[1]), csvValue(f[2]), csvValue(f[3])));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(path + ", line " + (n + 1) + ": " + e.getMessage());
            }
        }
        List<Row> rows = new ArrayList<>();
        byQuery.forEach((q, cells) -> rows.add(new Row(q, cells, null)));
        return rows;
    }

    private static double csvValue(String field) {
        return field.isEmpty() ? Double.NaN : Double.parseDouble(field);
    }

    /**
     * Median wall ms of the timed runs; {@code cpuMs[0]} gets the median CPU ms of the whole
     * process over each run (every thread of both engines, the JIT and GC included), a figure
     * that waiting for a core on a busy machine does not inflate.
     */
    private static double median(int warmups, int runs, Runnable query, double[] cpuMs) {
        for (int i = 0; i < warmups; i++) {
            query.run();
        }
        double[] ms = new double[runs];
        double[] cpu = new double[runs];
        for (int i = 0; i < runs; i++) {
            long cpu0 = processCpuNanos();
            long start = System.nanoTime();
            query.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
            cpu[i] = (processCpuNanos() - cpu0) / 1e6;
        }
        cpuMs[0] = processCpuNanos() < 0 ? Double.NaN : TpchBenchHarness.median(cpu);
        return TpchBenchHarness.median(ms);
    }

    /** CPU time of this process so far, or -1 where the platform does not say. */
    private static long processCpuNanos() {
        return ProcessCpuClock.nanos();
    }

    private static String message(Throwable e) {
        return TpchBenchHarness.message(e);
    }

    private static String ms(double v) {
        return TpchBenchHarness.ms(v);
    }

    private static String num(double v) {
        return TpchBenchHarness.ratio(v);
    }

    private static String csvNumber(double v) {
        return TpchBenchHarness.csvNumber(v);
    }
}
