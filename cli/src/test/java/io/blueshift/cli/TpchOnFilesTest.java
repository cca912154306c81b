package io.blueshift.cli;

import io.blueshift.api.Blueshift;
import io.blueshift.api.Options;
import io.blueshift.api.Session;
import io.blueshift.bench.duckdb.DuckDbReference;
import io.blueshift.bench.tpch.TpchBenchHarness;
import io.blueshift.bench.tpch.TpchFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 22 TPC-H queries on Parquet files (written by DuckDB from our generated SF 0.01 rows),
 * our engine and DuckDB both reading the same files through views; and {@code tpch --data}.
 */
class TpchOnFilesTest {
    @TempDir
    Path dir;

    private void writeFiles(double sf) {
        try (Session gen = Blueshift.open(Options.defaults().withThreads(2));
             DuckDbReference duck = new DuckDbReference()) {
            gen.loadTpch(sf, null);
            duck.load(gen.catalog(), null);
            TpchFiles.writeParquetFromDuckDb(duck, dir);
        }
    }

    @Test
    void allQueriesOnParquetMatchDuckDb() throws Exception {
        writeFiles(0.01);
        // lineitem as a directory of several files, read as one table through a glob
        Path parts = Files.createDirectories(dir.resolve("orders"));
        try (DuckDbReference duck = new DuckDbReference()) {
            duck.execute("CREATE TABLE o AS SELECT * FROM read_parquet('" + dir.resolve("orders.parquet") + "')");
            for (int p = 0; p < 3; p++) {
                duck.execute("COPY (SELECT * FROM o WHERE o_orderkey % 3 = " + p + ") TO '" + parts.resolve("part" + p + ".parquet") + "' (FORMAT parquet)");
            }
        }
        Files.delete(dir.resolve("orders.parquet"));
        Map<String, TpchFiles.Source> sources = TpchFiles.locate(dir);
        assertEquals(parts.resolve("*.parquet").toString(), sources.get("orders").path());

        EngineOptions options = new EngineOptions();
        options.threads = List.of(2);
        try (TpchEngine bs = new TpchEngine(dir, options, null);
             DuckDbReference duck = new DuckDbReference()) {
            bs.loadInto(duck, null);
            List<TpchBenchHarness.Verification> results = new TpchBenchHarness(bs::rows, duck, null).verifyAll();
            List<String> failed = results.stream().filter(v -> !v.verified()).map(v -> "Q" + v.query() + ": " + v.message()).toList();
            assertEquals(List.of(), failed);
            assertEquals(22, results.size());
        }
    }

    /**
     * Not a test: writes TPC-H Parquet files for the CLI until {@code tpch gen} exists, e.g.
     * {@code mvn -pl cli -am test -Dtest=TpchOnFilesTest#writeFilesForCli -Dsurefire.failIfNoSpecifiedTests=false
     * -Dblueshift.tpchfiles.out=/tmp/tpch-sf1 -Dblueshift.tpchfiles.sf=1}.
     */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "blueshift.tpchfiles.out", matches = ".+")
    void writeFilesForCli() {
        double sf = Double.parseDouble(System.getProperty("blueshift.tpchfiles.sf", "0.1"));
        Path out = Path.of(System.getProperty("blueshift.tpchfiles.out"));
        try (Session gen = Blueshift.open(Options.defaults());
             DuckDbReference duck = new DuckDbReference()) {
            gen.loadTpch(sf, System.err);
            duck.load(gen.catalog(), System.err);
            TpchFiles.writeParquetFromDuckDb(duck, out);
        }
    }

    @Test
    void tpchCommandRunsOnFiles() {
        writeFiles(0.01);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int rc;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            rc = BlueshiftCli.run(new String[] {"tpch", "--data", dir.toString(), "--queries", "1,3", "--verify", "--threads", "2"});
        } finally {
            System.setOut(saved);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, text);
        assertTrue(text.contains("2 of 2 verified against DuckDB"), text);
    }
}
