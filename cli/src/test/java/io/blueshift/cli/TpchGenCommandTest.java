package io.blueshift.cli;

import io.blueshift.storage.parquet.ParquetFile;
import io.blueshift.tpch.TpchGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code blueshift tpch gen}: eight Parquet files DuckDB reads with the generator's row counts. */
class TpchGenCommandTest {
    @TempDir
    Path dir;

    private static synchronized int run(ByteArrayOutputStream err, String... args) {
        PrintStream oldErr = System.err;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            return BlueshiftCli.run(args);
        } finally {
            System.setErr(oldErr);
        }
    }

    @Test
    void writesTheEightTablesAsParquet() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = run(err, "tpch", "gen", "--sf", "0.01", "--codec", "zstd", "--out", dir.toString());
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("wrote " + dir.resolve("lineitem.parquet")));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            for (String table : TpchGenerator.TABLES) {
                Path file = dir.resolve(table + ".parquet");
                assertTrue(Files.exists(file), file.toString());
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet('" + file + "')")) {
                    rs.next();
                    assertEquals(ParquetFile.open(file).rowCount(), rs.getLong(1), table);
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*), sum(l_quantity) FROM read_parquet('"
                    + dir.resolve("lineitem.parquet") + "')")) {
                rs.next();
                assertEquals(60175, rs.getLong(1));
            }
        }
    }

    @Test
    void writesCsvWithHeaders() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = run(err, "tpch", "gen", "--sf", "0.01", "--format", "csv", "--out", dir.toString());
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT l_orderkey) FROM read_csv('"
                     + dir.resolve("lineitem.csv") + "', header = true)")) {
            rs.next();
            assertEquals(60175, rs.getLong(1));
        }
        assertTrue(Files.readString(dir.resolve("nation.csv")).startsWith("n_nationkey,"));
    }

    @Test
    void unknownFormatOrCodecIsAOneLineError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertNotEquals(0, run(err, "tpch", "gen", "--sf", "0.01", "--format", "orc", "--out", dir.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--format must be parquet or csv"), err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertNotEquals(0, run(err, "tpch", "gen", "--sf", "0.01", "--codec", "brotli", "--out", dir.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown Parquet codec 'brotli'"), err.toString(StandardCharsets.UTF_8));
    }
}
