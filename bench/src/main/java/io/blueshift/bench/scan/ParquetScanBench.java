package io.blueshift.bench.scan;

import io.blueshift.kernels.KernelProvider;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.plan.PlanBuilder;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.operators.plan.QueryExecutor;
import io.blueshift.storage.parquet.ParquetTable;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Scan throughput on a Parquet file: one aggregate per column (SUM for numbers, MAX for dates
 * and strings) over the whole file, Blueshift (lazy ParquetTable, row groups decoded per
 * morsel) and DuckDB ({@code read_parquet}) in the same run, same thread count. Throughput is
 * decoded bytes per second: rows times the engine width of each column (16 bytes per string view).
 */
public final class ParquetScanBench {
    /**
     * {@code cpuMs}: process CPU time per timed run (all threads, DuckDB's native ones included),
     * averaged over the runs: unlike wall time it hardly moves when other jobs crowd the cores.
     */
    public record Result(String engine, double medianMs, double bestMs, double gbPerSecond, List<Object> answer, double cpuMs) {}

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /** What a session keeps of its queries' freed buffers (Session's bound). */
    private static final long SESSION_REUSE_BYTES = 64L << 20;

    private final Path file;
    private final List<String> columns;
    private final int threads;
    private final int batchRows;
    private final KernelProvider kernels;
    private final MemoryPool pool;
    private final PrintStream progress;

    public ParquetScanBench(Path file, List<String> columns, int threads, int batchRows, KernelProvider kernels,
                            MemoryPool pool, PrintStream progress) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no Parquet file at " + file + " (write one with: blueshift tpch gen --sf 1 --out DIR)");
        }
        this.file = file;
        this.columns = List.copyOf(columns);
        this.threads = threads;
        this.batchRows = batchRows;
        this.kernels = kernels;
        this.pool = pool;
        this.progress = progress;
    }

    public List<Result> run(int warmups, int runs) throws SQLException {
        List<Result> out = new ArrayList<>();
        // as in a session: one set of worker threads for every query, and the buffers a query
        // decoded into kept for the next one
        pool.keepReusableOfChildren(SESSION_REUSE_BYTES);
        try (ParquetTable t = ParquetTable.openLazy(file, pool);
             io.blueshift.operators.exec.WorkerPool sessionWorkers = new io.blueshift.operators.exec.WorkerPool(threads)) {
            long rows = t.rowCount();
            long bytesPerRow = 0;
            List<PlanBuilder.AggFn> aggs = new ArrayList<>();
            List<String> duckExprs = new ArrayList<>();
            for (String c : columns) {
                DataType type = t.schema().type(t.schema().require(c));
                bytesPerRow += type instanceof DataType.BooleanType ? 1 : type.byteWidth();
                boolean sum = !(type instanceof DataType.DateType || type instanceof DataType.VarcharType
                        || type instanceof DataType.TimestampType || type instanceof DataType.BooleanType);
                aggs.add(sum ? b -> b.sum(b.col(c), c) : b -> b.max(b.col(c), c));
                duckExprs.add((sum ? "sum(" : "max(") + c + ")");
            }
            double bytes = (double) rows * bytesPerRow;
            PlanNode plan = PlanBuilder.scan(t, columns.toArray(String[]::new))
                    .aggregate(List.of(), aggs)
                    .build();
            progress.printf(Locale.ROOT, "%s: %,d rows, columns %s, %.1f MB decoded per scan%n", file, rows, columns, bytes / 1e6);
            List<Object> ours = null;
            double[] times = new double[runs];
            long[] cpu = {0};
            for (int i = 0; i < warmups + runs; i++) {
                long t0 = System.nanoTime();
                long c0 = OS.getProcessCpuTime();
                try (MemoryPool q = pool.child("scan query");
                     MaterializedResult r = new QueryExecutor(new ExecutionContext(q, kernels, batchRows, threads, sessionWorkers)).execute(plan)) {
                    ours = r.rows().getFirst();
                }
                if (i >= warmups) {
                    times[i - warmups] = (System.nanoTime() - t0) / 1e6;
                    cpu[0] += OS.getProcessCpuTime() - c0;
                }
            }
            out.add(result("blueshift", times, bytes, ours, cpu[0] / 1e6 / runs));
            cpu[0] = 0;
            // the decoding alone: every row group's columns loaded and freed, no operator above
            int[] cols = columns.stream().mapToInt(c -> t.schema().require(c)).toArray();
            java.util.concurrent.ForkJoinPool workers = new java.util.concurrent.ForkJoinPool(threads);
            try {
                for (int i = 0; i < warmups + runs; i++) {
                    long t0 = System.nanoTime();
                long c0 = OS.getProcessCpuTime();
                    try (MemoryPool q = pool.child("decode only")) {
                        workers.submit(() -> java.util.stream.IntStream.range(0, t.blockCount()).parallel().forEach(b -> {
                            try (var block = t.load(b, cols, q)) {
                                block.rowCount();
                            }
                        })).join();
                    }
                    if (i >= warmups) {
                        times[i - warmups] = (System.nanoTime() - t0) / 1e6;
                    cpu[0] += OS.getProcessCpuTime() - c0;
                    }
                }
            } finally {
                workers.shutdown();
            }
            out.add(result("blueshift decode only", times, bytes, ours, cpu[0] / 1e6 / runs));
            cpu[0] = 0;
            // the same query over the file read into memory first: what the operators cost without decoding
            try (ParquetTable eager = ParquetTable.open(file, pool, columns)) {
                PlanNode inMemory = PlanBuilder.scan(eager, columns.toArray(String[]::new)).aggregate(List.of(), aggs).build();
                for (int i = 0; i < warmups + runs; i++) {
                    long t0 = System.nanoTime();
                long c0 = OS.getProcessCpuTime();
                    try (MemoryPool q = pool.child("in-memory query");
                         MaterializedResult r = new QueryExecutor(new ExecutionContext(q, kernels, batchRows, threads, sessionWorkers)).execute(inMemory)) {
                        r.rows();
                    }
                    if (i >= warmups) {
                        times[i - warmups] = (System.nanoTime() - t0) / 1e6;
                    cpu[0] += OS.getProcessCpuTime() - c0;
                    }
                }
            }
            out.add(result("blueshift in memory", times, bytes, ours, cpu[0] / 1e6 / runs));
            cpu[0] = 0;
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
                s.execute("SET threads TO " + threads);
                String sql = "SELECT " + String.join(", ", duckExprs) + " FROM read_parquet('" + file.toString().replace("'", "''") + "')";
                List<Object> theirs = null;
                for (int i = 0; i < warmups + runs; i++) {
                    long t0 = System.nanoTime();
                long c0 = OS.getProcessCpuTime();
                    try (ResultSet rs = s.executeQuery(sql)) {
                        rs.next();
                        theirs = new ArrayList<>();
                        for (int k = 1; k <= columns.size(); k++) {
                            theirs.add(rs.getObject(k));
                        }
                    }
                    if (i >= warmups) {
                        times[i - warmups] = (System.nanoTime() - t0) / 1e6;
                    cpu[0] += OS.getProcessCpuTime() - c0;
                    }
                }
                out.add(result("duckdb", times, bytes, theirs, cpu[0] / 1e6 / runs));
            cpu[0] = 0;
            }
        }
        return out;
    }

    private static Result result(String engine, double[] times, double bytes, List<Object> answer, double cpuMs) {
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        return new Result(engine, median, sorted[0], bytes / (median / 1e3) / 1e9, answer, cpuMs);
    }

    /** True when both engines gave the same answers (decimals by value, dates by day). */
    public static boolean sameAnswers(List<Object> a, List<Object> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            Object x = a.get(i);
            Object y = b.get(i);
            if (x instanceof BigDecimal bx && y instanceof BigDecimal by) {
                if (bx.compareTo(by) != 0) return false;
            } else if (x instanceof java.time.LocalDate d && y != null) {
                if (!d.toString().equals(y.toString().substring(0, Math.min(10, y.toString().length())))) return false;
            } else if (x instanceof Number nx && y instanceof Number ny) {
                if (Math.abs(nx.doubleValue() - ny.doubleValue()) > 1e-9 * Math.max(1, Math.abs(ny.doubleValue()))) return false;
            } else if (!String.valueOf(x).equals(String.valueOf(y))) {
                return false;
            }
        }
        return true;
    }
}
