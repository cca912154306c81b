package io.blueshift.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SHOW TABLES and DESCRIBE, as DuckDB users type them. */
class CatalogStatementsTest {
    private static List<List<Object>> rows(Session s, String sql) {
        try (QueryResult r = s.run(sql)) {
            return r.rows();
        }
    }

    @Test
    void showTablesListsTablesAndViews() {
        try (Session s = Blueshift.open()) {
            s.run("CREATE TABLE b_t AS SELECT 1 AS x").close();
            s.run("CREATE VIEW a_v AS SELECT x + 1 AS y FROM b_t").close();
            assertEquals(List.of(List.of("a_v"), List.of("b_t")), rows(s, "SHOW TABLES;"));
        }
    }

    @Test
    void describeNamesColumnsAndTypes() {
        try (Session s = Blueshift.open()) {
            s.run("CREATE TABLE t AS SELECT CAST(1 AS INTEGER) AS i, 'a' AS s, CAST(2.5 AS DECIMAL(10,2)) AS d").close();
            List<List<Object>> cols = rows(s, "DESCRIBE t");
            assertEquals(List.of("i", "s", "d"), cols.stream().map(r -> r.getFirst()).toList());
            assertEquals("INTEGER", cols.get(0).get(1));
            assertEquals("VARCHAR", cols.get(1).get(1));
            assertTrue(((String) cols.get(2).get(1)).startsWith("DECIMAL(10,2)"), cols.toString());
            assertEquals(List.of(List.of("n", "BIGINT", "YES")), rows(s, "DESCRIBE SELECT count(*) AS n FROM t"));
            assertThrows(RuntimeException.class, () -> rows(s, "DESCRIBE no_such_table"));
        }
    }
}
