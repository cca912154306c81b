package io.blueshift.storage.parquet;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Writes Parquet files with DuckDB for the reader tests. */
final class DuckDbParquetFiles {
    private DuckDbParquetFiles() {}

    /**
     * Every type the reader maps, with NULL patterns, low-cardinality columns (dictionary pages)
     * and unique ones (plain pages).
     */
    static final String ALL_TYPES = """
            SELECT i AS id,
              CASE WHEN i % 7 = 0 THEN NULL ELSE i % 2 = 0 END AS b,
              CASE WHEN i % 5 = 0 THEN NULL ELSE (i % 100)::TINYINT END AS i8,
              (i % 1000)::SMALLINT AS i16,
              (CASE WHEN i % 3 = 0 THEN NULL ELSE i * 7 END)::INTEGER AS i32,
              (i * 1000003)::BIGINT AS i64,
              (i % 17)::BIGINT AS i64_dict,
              (i / 3.0)::FLOAT AS f32,
              (CASE WHEN i % 11 = 0 THEN NULL ELSE i / 7.0 END)::DOUBLE AS f64,
              (i * 1.25)::DECIMAL(9,2) AS d9,
              (CASE WHEN i % 9 = 0 THEN NULL ELSE i * 12345.678 - 5e6 END)::DECIMAL(18,3) AS d18,
              DATE '2020-01-01' + (i % 400)::INTEGER AS dt,
              TIMESTAMP '2020-01-01' + INTERVAL (i) SECOND AS ts,
              (TIMESTAMP '1969-12-31 23:00:00' + INTERVAL (i * 3) SECOND)::TIMESTAMP_MS AS ts_ms,
              CASE WHEN i % 13 = 0 THEN NULL ELSE 'str' || (i % 50) END AS s_dict,
              CASE WHEN i % 4 = 0 THEN NULL ELSE md5(i::VARCHAR) || repeat('x', (i % 20)::INTEGER) END AS s_plain,
              CASE WHEN i % 2 = 0 THEN NULL ELSE 'only-odd' END AS s_halfnull,
              NULL::INTEGER AS all_null
            FROM range(ROWS) t(i)
            """;

    static void write(Path out, int rows, String codec, int rowGroupSize) throws SQLException {
        write(out, ALL_TYPES.replace("ROWS", Integer.toString(rows)), "COMPRESSION " + codec + ", ROW_GROUP_SIZE " + rowGroupSize);
    }

    static void write(Path out, String query, String options) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (" + query + ") TO '" + out + "' (FORMAT parquet, " + options + ")");
        }
    }
}
