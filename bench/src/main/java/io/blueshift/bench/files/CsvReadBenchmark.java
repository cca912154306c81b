package io.blueshift.bench.files;

import io.blueshift.memory.Batch;
import io.blueshift.memory.MemoryPool;
import io.blueshift.storage.Catalog;
import io.blueshift.storage.Table;
import io.blueshift.storage.TableBlock;
import io.blueshift.storage.csv.CsvOptions;
import io.blueshift.storage.csv.CsvTable;
import io.blueshift.storage.csv.CsvWriter;
import io.blueshift.tpch.TpchGenerator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * CSV reading speed: TPC-H lineitem written as CSV (by our writer, once), then read whole into
 * memory by our reader ({@code CsvTable.open}: inference, parse, blocks with zone maps) and by
 * DuckDB ({@code CREATE TABLE AS SELECT * FROM read_csv(...)}), alternately, same process.
 * Prints file MB/s (10^6 bytes) for each, median of the runs.
 *
 * <pre>java $BLUESHIFT_JVM_FLAGS -cp "cli/target/blueshift-cli.jar:cli/target/lib/*" \
 *     io.blueshift.bench.files.CsvReadBenchmark [sf] [dir] [runs]</pre>
 */
public final class CsvReadBenchmark {
    private CsvReadBenchmark() {}

    public static void main(String[] args) throws Exception {
        double sf = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        Path dir = Path.of(args.length > 1 ? args[1] : "/tmp/blueshift-csv-bench");
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path file = dir.resolve("lineitem_sf" + sf + ".csv");
        Files.createDirectories(dir);
        try (MemoryPool pool = MemoryPool.unbounded("csv bench")) {
            if (!Files.exists(file)) {
                System.err.println("writing " + file + " ...");
                try (MemoryPool gen = pool.child("tpch"); Catalog tpch = TpchGenerator.generate(sf, gen, System.err)) {
                    Table lineitem = tpch.table("lineitem");
                    try (CsvWriter w = CsvWriter.create(file, lineitem.schema(), CsvOptions.defaults())) {
                        for (TableBlock b : lineitem.blocks()) {
                            w.write(new Batch(b.columns(), b.rowCount()));
                        }
                    }
                }
            }
            long bytes = Files.size(file);
            List<Double> ours = new ArrayList<>();
            List<Double> duck = new ArrayList<>();
            long rows = 0;
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
                for (int run = 0; run <= runs; run++) {
                    long t0 = System.nanoTime();
                    try (CsvTable t = CsvTable.open("lineitem", file, pool, CsvOptions.defaults())) {
                        rows = t.rowCount();
                    }
                    double oursS = (System.nanoTime() - t0) / 1e9;
                    t0 = System.nanoTime();
                    s.execute("CREATE OR REPLACE TABLE l AS SELECT * FROM read_csv('" + file + "')");
                    double duckS = (System.nanoTime() - t0) / 1e9;
                    s.execute("DROP TABLE l");
                    System.err.printf("run %d%s: blueshift %.3f s, duckdb %.3f s%n", run, run == 0 ? " (warm-up)" : "", oursS, duckS);
                    if (run > 0) {
                        ours.add(oursS);
                        duck.add(duckS);
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT current_setting('threads')")) {
                    rs.next();
                    System.out.println("duckdb threads: " + rs.getString(1) + ", our threads: " + Runtime.getRuntime().availableProcessors());
                }
            }
            double o = median(ours);
            double d = median(duck);
            System.out.printf("file %s: %.1f MB, %,d rows%n", file, bytes / 1e6, rows);
            System.out.printf("blueshift: %.3f s = %.0f MB/s%n", o, bytes / 1e6 / o);
            System.out.printf("duckdb:    %.3f s = %.0f MB/s%n", d, bytes / 1e6 / d);
            System.out.printf("ratio (blueshift time / duckdb time): %.2f%n", o / d);
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
