package io.blueshift.api;

import io.blueshift.sql.SqlException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SQL over files ('x.parquet', globs, read_parquet), views, CREATE TABLE AS, DROP, COPY. */
class FileSqlTest {
    @TempDir
    Path dir;

    @BeforeEach
    void files() throws Exception {
        Files.createDirectories(dir.resolve("parts"));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT i AS id, 'n' || (i % 5) AS name, (i * 0.25)::DECIMAL(12,2) AS price FROM range(1000) t(i))"
                    + " TO '" + dir.resolve("items.parquet") + "' (FORMAT parquet)");
            for (int p = 0; p < 3; p++) {
                s.execute("COPY (SELECT i AS id, i % 7 AS k FROM range(" + (p * 100) + ", " + (p * 100 + 100) + ") t(i))"
                        + " TO '" + dir.resolve("parts/p" + p + ".parquet") + "' (FORMAT parquet)");
            }
            s.execute("COPY (SELECT 'x' AS id, 1 AS k) TO '" + dir.resolve("other.parquet") + "' (FORMAT parquet)");
        }
        Files.writeString(dir.resolve("broken.parquet"), "PAR1 this is not a parquet file at all PAR1");
    }

    private static List<List<Object>> rows(Session s, String sql) {
        try (QueryResult r = s.run(sql)) {
            return r.rows();
        }
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    void selectFromFileString() {
        try (Session s = Blueshift.open()) {
            assertEquals(List.of(List.of(1000L, 499500L)), rows(s, "SELECT count(*), sum(id) FROM '" + p("items.parquet") + "'"));
            assertEquals(List.of(List.of("n3", 200L)), rows(s, "SELECT name, count(*) AS n FROM '" + p("items.parquet")
                    + "' AS t WHERE t.name = 'n3' GROUP BY name"));
            // joins of two file references, one through read_parquet, with comments and quotes around
            assertEquals(List.of(List.of(300L)), rows(s, "SELECT count(*) /* FROM 'nothing' */ FROM '" + p("items.parquet")
                    + "' a JOIN read_parquet('" + p("parts/*.parquet") + "') b ON a.id = b.id -- FROM 'x'\n WHERE 'FROM' <> 'x'"));
            // FROM inside TRIM and IS DISTINCT FROM is not a FROM clause
            assertEquals(List.of(List.of(true)), rows(s, "SELECT 'p' IS DISTINCT FROM 'q' FROM '"
                    + p("items.parquet") + "' WHERE id = 1"));
            assertEquals(List.of(List.of("a")), rows(s, "SELECT TRIM(BOTH 'x' FROM 'xax') FROM '"
                    + p("items.parquet") + "' WHERE id = 1"));
            // comma-separated FROM list
            assertEquals(List.of(List.of(300L)), rows(s, "SELECT count(*) FROM '" + p("items.parquet") + "' a, '"
                    + p("parts/p*.parquet") + "' b WHERE a.id = b.id"));
        }
    }

    @Test
    void globIsOneTable() {
        try (Session s = Blueshift.open()) {
            assertEquals(List.of(List.of(300L, 44850L)), rows(s, "SELECT count(*), sum(id) FROM '" + p("parts/*.parquet") + "'"));
            assertEquals(List.of(List.of(300L)), rows(s, "SELECT count(*) FROM read_parquet(['" + p("parts/p0.parquet") + "', '"
                    + p("parts/p[12].parquet") + "'])"));
            Files.copy(dir.resolve("other.parquet"), dir.resolve("parts/p9.parquet"));
            SqlException e = assertThrows(SqlException.class, () -> rows(s, "SELECT count(*) FROM '" + p("parts/*.parquet") + "'"));
            assertTrue(e.getMessage().contains("p9.parquet") && e.getMessage().contains("does not match"), e.getMessage());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void fileErrorsNameThePathAndPosition() {
        try (Session s = Blueshift.open()) {
            SqlException missing = assertThrows(SqlException.class, () -> rows(s, "SELECT *\nFROM   '" + p("nope.parquet") + "'"));
            assertTrue(missing.getMessage().startsWith("error at line 2, column 8: file not found: " + p("nope.parquet")), missing.getMessage());
            SqlException none = assertThrows(SqlException.class, () -> rows(s, "SELECT * FROM read_parquet('" + p("*.nothing") + "')"));
            assertTrue(none.getMessage().contains("no file matches " + p("*.nothing")), none.getMessage());
            RuntimeException broken = assertThrows(RuntimeException.class, () -> rows(s, "SELECT * FROM '" + p("broken.parquet") + "'"));
            assertTrue(broken.getMessage().contains(p("broken.parquet")), broken.getMessage());
            SqlException format = assertThrows(SqlException.class, () -> rows(s, "SELECT * FROM '" + p("broken.dat") + "'"));
            assertTrue(format.getMessage().contains("file not found"), format.getMessage());
            // positions after a file reference still point into the text as written
            String sql = "SELECT nosuch FROM '" + p("items.parquet") + "' WHERE id > 0";
            SqlException col = assertThrows(SqlException.class, () -> rows(s, sql));
            assertTrue(col.getMessage().contains("line 1, column 8"), col.getMessage());
            String sql2 = "SELECT id FROM '" + p("items.parquet") + "' WHERE nosuch > 0";
            SqlException col2 = assertThrows(SqlException.class, () -> rows(s, sql2));
            assertTrue(col2.getMessage().contains("column " + (sql2.indexOf("nosuch") + 1)), col2.getMessage());
        }
    }

    @Test
    void viewsExpandInQueriesAndJoins() {
        try (Session s = Blueshift.open()) {
            rows(s, "CREATE VIEW items AS SELECT id, name, price FROM '" + p("items.parquet") + "' WHERE id < 500");
            rows(s, "CREATE VIEW parts AS SELECT * FROM '" + p("parts/*.parquet") + "'");
            assertEquals(List.of(List.of(500L)), rows(s, "SELECT count(*) FROM items;"));
            rows(s, "CREATE VIEW semi AS SELECT 1 AS x;");
            assertEquals(List.of(List.of(1)), rows(s, "SELECT * FROM semi"));
            assertEquals(List.of(List.of(300L, 0L)), rows(s, "SELECT count(*), min(k) FROM items i JOIN parts p ON i.id = p.id"));
            rows(s, "CREATE VIEW joined AS SELECT i.name, p.k FROM items i JOIN parts p ON i.id = p.id");
            assertEquals(List.of(List.of("n0", 60L)), rows(s, "SELECT name, count(*) FROM joined WHERE name = 'n0' GROUP BY name"));
            SqlException dup = assertThrows(SqlException.class, () -> rows(s, "CREATE VIEW items AS SELECT 1"));
            assertTrue(dup.getMessage().contains("already exists"), dup.getMessage());
            rows(s, "CREATE OR REPLACE VIEW items AS SELECT id, name, price FROM '" + p("items.parquet") + "' WHERE id < 10");
            assertEquals(List.of(List.of(10L)), rows(s, "SELECT count(*) FROM items"));
            SqlException self = assertThrows(SqlException.class, () -> rows(s, "CREATE OR REPLACE VIEW items AS SELECT * FROM items"));
            assertTrue(self.getMessage().contains("refers to itself"), self.getMessage());
            rows(s, "DROP VIEW items");
            rows(s, "DROP VIEW IF EXISTS items");
            SqlException gone = assertThrows(SqlException.class, () -> rows(s, "SELECT * FROM joined"));
            assertTrue(gone.getMessage().contains("view joined") && gone.getMessage().contains("items"), gone.getMessage());
        }
    }

    @Test
    void createTableAsAndDrop() {
        try (Session s = Blueshift.open()) {
            assertEquals(List.of(List.of(300L)), rows(s, "CREATE TABLE t AS SELECT id, k, k * 2 AS k2 FROM '" + p("parts/*.parquet") + "'"));
            assertEquals(List.of(List.of(300L, 1794L)), rows(s, "SELECT count(*), sum(k2) FROM t"));
            rows(s, "CREATE VIEW v AS SELECT k, count(*) AS n FROM t GROUP BY k");
            assertEquals(7, rows(s, "SELECT * FROM v").size());
            SqlException exists = assertThrows(SqlException.class, () -> rows(s, "CREATE TABLE t AS SELECT 1 AS a"));
            assertTrue(exists.getMessage().contains("already exists"), exists.getMessage());
            assertEquals(List.of(List.of(1L)), rows(s, "CREATE OR REPLACE TABLE t AS SELECT 5 AS k"));
            assertEquals(List.of(List.of(5, 1L)), rows(s, "SELECT * FROM v"));
            rows(s, "DROP TABLE t");
            SqlException viewGone = assertThrows(SqlException.class, () -> rows(s, "SELECT * FROM v"));
            assertTrue(viewGone.getMessage().contains("view v") && viewGone.getMessage().contains("'t'"), viewGone.getMessage());
            rows(s, "DROP TABLE IF EXISTS t");
            SqlException noTable = assertThrows(SqlException.class, () -> rows(s, "DROP TABLE t"));
            assertTrue(noTable.getMessage().contains("no table named t"), noTable.getMessage());
            SqlException wrongKind = assertThrows(SqlException.class, () -> rows(s, "DROP TABLE v"));
            assertTrue(wrongKind.getMessage().contains("is a view"), wrongKind.getMessage());
        }
    }

    @Test
    void copyWritesParquetThatBothEnginesRead() throws Exception {
        try (Session s = Blueshift.open()) {
            assertEquals(List.of(List.of(300L)), rows(s, "COPY (SELECT id, k, 'v' || k AS label, id * 0.5 AS half FROM '"
                    + p("parts/*.parquet") + "' ORDER BY id) TO '" + p("out/copy.parquet").replace("out/", "") + "' (FORMAT parquet, COMPRESSION zstd)"));
            assertEquals(List.of(List.of(300L, 44850L, 7L)), rows(s, "SELECT count(*), sum(id), count(DISTINCT label) FROM '" + p("copy.parquet") + "'"));
            rows(s, "CREATE TABLE t AS SELECT * FROM '" + p("items.parquet") + "' WHERE id < 100");
            assertEquals(List.of(List.of(100L)), rows(s, "COPY t TO '" + p("t.parquet") + "'"));
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
                 var rs = st.executeQuery("SELECT count(*), sum(price) FROM '" + p("t.parquet") + "'")) {
                rs.next();
                assertEquals(100, rs.getLong(1));
                assertEquals(0, new java.math.BigDecimal("1237.50").compareTo(rs.getBigDecimal(2)));
            }
            SqlException bad = assertThrows(SqlException.class, () -> rows(s, "COPY t TO '" + p("u.parquet") + "' (FORMAT parquet, COLOUR red)"));
            assertTrue(bad.getMessage().contains("COLOUR"), bad.getMessage());
            assertTrue(!Files.exists(dir.resolve("u.parquet")));
            SqlException noDir = assertThrows(SqlException.class, () -> rows(s, "COPY t TO '" + p("nodir/u.parquet") + "'"));
            assertTrue(noDir.getMessage().contains("does not exist"), noDir.getMessage());
        }
    }

    @Test
    void csvReadAndWrite() throws Exception {
        Files.writeString(dir.resolve("people.csv"), "id,name,born\n1,ann,1990-01-02\n2,bob,\n3,\"c, d\",1985-12-31\n");
        Files.writeString(dir.resolve("pipes.tsv"), "a|b\n1|x\n2|y\n");
        try (Session s = Blueshift.open()) {
            assertEquals(List.of(List.of(3L, 6L, 2L)), rows(s, "SELECT count(*), sum(id), count(born) FROM '" + p("people.csv") + "'"));
            assertEquals(List.of(List.of("c, d")), rows(s, "SELECT name FROM read_csv('" + p("people.csv") + "', header => true) WHERE id = 3"));
            assertEquals(List.of(List.of(3L)), rows(s, "SELECT sum(a) FROM read_csv('" + p("pipes.tsv") + "', delim => '|', header => true)"));
            assertEquals(List.of(List.of("1")), rows(s, "SELECT min(id) FROM read_csv('" + p("people.csv")
                    + "', types => {'id': 'VARCHAR'})"));
            // COPY to CSV with a header and '|', read back by both engines
            assertEquals(List.of(List.of(3L)), rows(s, "COPY (SELECT id, name FROM '" + p("people.csv") + "' ORDER BY id) TO '"
                    + p("out.csv") + "' (HEADER, DELIMITER '|')"));
            assertEquals("id|name\n1|ann\n2|bob\n3|c, d\n", Files.readString(dir.resolve("out.csv")));
            assertEquals(List.of(List.of(6L)), rows(s, "SELECT sum(id) FROM read_csv('" + p("out.csv") + "', delim => '|')"));
            SqlException bad = assertThrows(SqlException.class, () -> rows(s, "SELECT * FROM read_csv('" + p("people.csv") + "', colour => 1)"));
            assertTrue(bad.getMessage().contains("colour"), bad.getMessage());
        }
    }

    @Test
    void arrowIpcWriteAndRead() {
        try (Session s = Blueshift.open()) {
            assertEquals(List.of(List.of(300L)), rows(s, "COPY (SELECT id, k, 'v' || k AS label FROM '" + p("parts/*.parquet")
                    + "') TO '" + p("t.arrow") + "'"));
            assertEquals(List.of(List.of(100L)), rows(s, "COPY (SELECT id FROM '" + p("parts/p0.parquet") + "') TO '" + p("t.ipc")
                    + "' (FORMAT arrow, STREAM true)"));
            assertEquals(List.of(List.of(300L, 44850L, 7L)), rows(s, "SELECT count(*), sum(id), count(DISTINCT label) FROM '" + p("t.arrow") + "'"));
            assertEquals(List.of(List.of(4950L)), rows(s, "SELECT sum(id) FROM read_arrow('" + p("t.ipc") + "')"));
        }
    }

    @Test
    void statementSyntaxErrors() {
        try (Session s = Blueshift.open()) {
            SqlException e = assertThrows(SqlException.class, () -> rows(s, "CREATE VIEW v SELECT 1"));
            assertTrue(e.getMessage().contains("line 1, column 15") && e.getMessage().contains("AS"), e.getMessage());
            SqlException inner = assertThrows(SqlException.class, () -> rows(s, "CREATE VIEW v AS\nSELECT nosuch FROM (VALUES (1)) t(x)"));
            assertTrue(inner.getMessage().contains("line 2, column 8"), inner.getMessage());
            SqlException copy = assertThrows(SqlException.class, () -> rows(s, "COPY (SELECT 1) TO '" + p("out.xyz") + "'"));
            assertTrue(copy.getMessage().contains("FORMAT"), copy.getMessage());
            SqlException badArg = assertThrows(SqlException.class, () -> rows(s, "SELECT * FROM read_parquet('a.parquet', x)"));
            assertTrue(badArg.getMessage().contains("line 1, column 41"), badArg.getMessage());
        }
    }
}
