package io.blueshift.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code blueshift sql -f} and the shell with file references, views, CREATE TABLE AS, COPY and DROP. */
class SqlFilesCommandTest {
    @TempDir
    Path dir;

    private record Outcome(int exit, String out, String err) {}

    private static synchronized Outcome run(String stdin, String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        java.io.InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            if (stdin != null) {
                System.setIn(new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            }
            int exit = BlueshiftCli.run(args);
            return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }

    private void writeParquet() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT i AS id, i % 3 AS g FROM range(10) t(i)) TO '" + dir.resolve("t.parquet") + "' (FORMAT parquet)");
        }
    }

    @Test
    void scriptWithStatements() throws Exception {
        writeParquet();
        String p = dir.resolve("t.parquet").toString();
        Path script = dir.resolve("script.sql");
        Files.writeString(script, """
                /* a view over a file; ';' in a comment */
                CREATE VIEW v AS SELECT g, count(*) AS n FROM '@P@' GROUP BY g;
                CREATE TABLE t AS SELECT * FROM read_parquet('@P@') WHERE id < 5;
                SELECT g, n FROM v ORDER BY g;
                COPY (SELECT * FROM t ORDER BY id) TO '@OUT@' (FORMAT parquet, COMPRESSION zstd);
                SELECT sum(id) AS s FROM '@OUT@';
                DROP TABLE t;
                DROP VIEW v;
                """.replace("@OUT@", dir.resolve("out.parquet").toString()).replace("@P@", p));
        Outcome o = run(null, "sql", "--tpch", "0", "--format", "csv", "-f", script.toString(), "--verify");
        assertEquals(0, o.exit(), o.err());
        assertEquals("Count\n5\ng,n\n0,4\n1,3\n2,3\nCount\n5\ns\n10\n", o.out());
        assertTrue(Files.exists(dir.resolve("out.parquet")));
    }

    @Test
    void errorsAreOneLineWithThePosition() throws Exception {
        Outcome o = run(null, "sql", "--tpch", "0", "SELECT *\n  FROM '" + dir.resolve("missing.parquet") + "'");
        assertEquals(1, o.exit());
        assertTrue(o.err().contains("line 2, column 8: file not found"), o.err());
        assertFalse(o.err().contains("Exception"), o.err());
    }

    @Test
    void shellRunsStatements() throws Exception {
        writeParquet();
        String p = dir.resolve("t.parquet").toString();
        Outcome o = run("CREATE VIEW v AS SELECT * FROM '" + p + "';\n.tables\n.schema v\nSELECT count(*) AS n FROM v;\nDROP VIEW nosuch;\n.quit\n",
                "shell", "--tpch", "0");
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains("v  view"), o.out());
        assertTrue(o.out().contains("10"), o.out());
        assertTrue(o.out().contains("v (view) (") && o.out().contains("  g BIGINT"), o.out());
        assertTrue(o.err().contains("no view named nosuch"), o.err());
    }
}
