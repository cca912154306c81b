package io.blueshift.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A CTE referenced twice over a Parquet file is aggregated once, as over an in-memory table. */
class SharedFileResultsTest {
    @TempDir
    Path dir;

    @Test
    void aCteOverAFileReferencedTwiceIsComputedOnce() throws Exception {
        Path file = dir.resolve("t.parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT i % 100 AS k, i AS v FROM range(20000) t(i)) TO '" + file + "' (FORMAT parquet)");
        }
        String sql = "WITH g AS (SELECT k, sum(v) AS s FROM t GROUP BY k) "
                + "SELECT k, s FROM g WHERE s = (SELECT max(s) FROM g)";
        try (Session session = Blueshift.open()) {
            session.run("CREATE VIEW t AS SELECT * FROM '" + file + "'").close();
            try (QueryResult r = session.sql(sql)) {
                assertEquals(List.of(List.of(99L, 2_009_800L)), r.rows());
            }
            String text = session.explainAnalyze(sql);
            long aggregatePipelines = text.lines().filter(l -> l.contains("TableScan -> HashAggregate")).count();
            assertEquals(1, aggregatePipelines, text);
        }
    }
}
