package io.blueshift.api;

import io.blueshift.storage.parquet.ParquetTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SQL over a Parquet file read by our reader, against DuckDB reading the same file. */
class ParquetSqlTest {
    @TempDir
    Path dir;

    @Test
    void aggregateOverParquetMatchesDuckDb() throws Exception {
        Path file = dir.resolve("sales.parquet");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("""
                    COPY (SELECT i AS id,
                        CASE WHEN i % 13 = 0 THEN NULL ELSE 'region' || (i % 7) END AS region,
                        (CASE WHEN i % 3 = 0 THEN NULL ELSE i % 1000 END)::INTEGER AS qty,
                        (i * 0.37)::DECIMAL(15,2) AS price,
                        (i / 9.0)::DOUBLE AS score,
                        DATE '2021-01-01' + (i % 700)::INTEGER AS sale_day,
                        i % 4 = 0 AS flag
                      FROM range(30000) t(i))
                    TO 'FILE' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 4096)""".replace("FILE", file.toString()));
        }
        String sql = """
                SELECT region, COUNT(*) AS n, COUNT(qty) AS nq, SUM(qty) AS sq, SUM(price) AS sp, MIN(sale_day) AS d0,
                       MAX(sale_day) AS d1, MAX(score) AS ms
                FROM sales WHERE flag = false AND sale_day >= DATE '2021-03-01'
                GROUP BY region ORDER BY region""";
        List<List<Object>> ours;
        try (Session session = Blueshift.open()) {
            try (ParquetTable table = ParquetTable.open(file, session.dataPool())) {
                session.register(table);
                try (QueryResult r = session.sql(sql)) {
                    ours = normalize(r.rows());
                }
            }
        }
        List<List<Object>> duck = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql.replace("FROM sales", "FROM read_parquet('" + file + "')"))) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getObject(i));
                }
                duck.add(row);
            }
        }
        duck = normalize(duck);
        assertTrue(duck.size() == 8, "7 regions and NULL: " + duck);
        assertEquals(duck, ours);
    }

    private static List<List<Object>> normalize(List<List<Object>> rows) {
        List<List<Object>> out = new ArrayList<>();
        for (List<Object> row : rows) {
            List<Object> r = new ArrayList<>();
            for (Object v : row) {
                r.add(switch (v) {
                    case null -> null;
                    case Double d -> String.format("%.9e", d);
                    case Number x -> new BigDecimal(x.toString()).stripTrailingZeros().toPlainString();
                    default -> v.toString();
                });
            }
            out.add(r);
        }
        return out;
    }

    /**
     * A count of rows over a file reads one column (the narrowest), not every one; a file of one
     * large row group gives the same answers at 1, 2 and 4 threads (its rows read in ranges).
     */
    @Test
    void countOfAFileReadsOneColumnAndOneRowGroupAnswersAlikeAtEveryThreadCount() throws Exception {
        Path file = dir.resolve("big group.parquet");
        try (Session session = Blueshift.open()) {
            session.run("COPY (SELECT i AS id, 'name' || (i % 977) AS name, (i % 100)::INTEGER AS small, i % 3 = 0 AS flag"
                    + " FROM range(100000) t(i)) TO '" + file + "' (FORMAT PARQUET, ROW_GROUP_SIZE 1000000)").close();
        }
        String from = "'" + file + "'";
        String plan;
        try (Session session = Blueshift.open()) {
            plan = session.explain("SELECT count(*) FROM " + from);
        }
        assertTrue(plan.contains("[flag]"), "the count reads the narrowest column only:\n" + plan);
        String sql = "SELECT small, count(*), count(DISTINCT name), sum(id) FROM " + from + " WHERE id % 7 <> 3 GROUP BY small ORDER BY small";
        List<List<Object>> first = null;
        for (int threads : new int[] {1, 2, 4}) {
            try (Session session = Blueshift.open(Options.defaults().withThreads(threads)); QueryResult r = session.sql(sql)) {
                List<List<Object>> rows = r.rows();
                assertEquals(100, rows.size());
                if (first == null) {
                    first = rows;
                } else {
                    assertEquals(first, rows, threads + " threads");
                }
            }
            try (Session session = Blueshift.open(Options.defaults().withThreads(threads));
                 QueryResult r = session.sql("SELECT count(*), count(name) FROM " + from)) {
                assertEquals(List.of(List.of(100000L, 100000L)), r.rows());
            }
        }
    }
}
