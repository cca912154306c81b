package io.blueshift.api;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Result columns without an alias are named by their SQL text, as in DuckDB. */
class OutputNamesTest {
    private static List<String> names(Session s, String sql) {
        try (QueryResult r = s.run(sql)) {
            List<String> names = new ArrayList<>();
            for (int c = 0; c < r.schema().size(); c++) {
                names.add(r.schema().field(c).name());
            }
            return names;
        }
    }

    @Test
    void expressionsAreNamedByTheirText() {
        try (Session s = Blueshift.open()) {
            assertEquals(List.of("x", "x + 1", "total", "upper(y)", "2"),
                    names(s, "SELECT x, x + 1, sum(x) AS total, upper(y), 2\nFROM (VALUES (1, 'a')) t(x, y) GROUP BY x, y"));
            // a set operation takes the first branch's names; whitespace runs are one space
            assertEquals(List.of("x * 2"), names(s, "SELECT x *   2 FROM (VALUES (1)) t(x) UNION ALL SELECT 3"));
            assertEquals(List.of("x * 2"), names(s, "SELECT x *\n   2 FROM (VALUES (1)) t(x) ORDER BY 1"));
            // a view's columns can be referenced by those names
            s.run("CREATE VIEW v AS SELECT x + 1 FROM (VALUES (1), (5)) t(x)").close();
            try (QueryResult r = s.run("SELECT count(*) FROM v WHERE \"x + 1\" > 2")) {
                assertEquals(List.of(List.of(1L)), r.rows());
            }
        }
    }
}
