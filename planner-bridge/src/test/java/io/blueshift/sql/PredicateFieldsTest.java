package io.blueshift.sql;

import io.blueshift.api.Blueshift;
import io.blueshift.api.Options;
import io.blueshift.api.Session;
import io.blueshift.bench.tpch.TpchQueries;
import io.blueshift.gpu.offload.GpuMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

/**
 * Reductions and transitive predicates skipped where no pulled-up predicate can bear on them:
 * with the check on, each skip also runs Calcite's rule with the predicates and planning fails
 * if the results differ.
 */
class PredicateFieldsTest {
    private static Session session;

    @BeforeAll
    static void open() {
        session = Blueshift.open(new Options(1, 1024, 1L << 30, 1L << 30).withGpu(GpuMode.OFF));
        session.loadTpch(0.001, null);
        session.run("CREATE TABLE t AS SELECT * FROM (VALUES (1, 10, 'a'), (2, NULL, 'b'), (NULL, 30, NULL)) AS v(a, b, c)").close();
        session.run("CREATE TABLE u AS SELECT * FROM (VALUES (1, 10), (2, 20), (3, NULL)) AS v(x, y)").close();
        PredicateFields.check = true;
    }

    @AfterAll
    static void close() {
        PredicateFields.check = Boolean.getBoolean("blueshift.check.predicateFields");
        session.close();
    }

    @Test
    void tpchPlansReduceAsWithThePredicates() {
        for (int q : TpchQueries.all()) {
            session.plan(TpchQueries.sql(q));
        }
    }

    @Test
    void otherShapesToo() {
        for (String sql : List.of(
                // a constant join key, a key equal to two others, keys filtered above and below
                "SELECT COUNT(*) FROM nation, region WHERE n_regionkey = r_regionkey AND r_regionkey = 2",
                "SELECT COUNT(*) FROM nation a, nation b, nation c WHERE a.n_nationkey = b.n_nationkey AND b.n_nationkey = c.n_nationkey AND c.n_nationkey = 5",
                "SELECT COUNT(*) FROM nation a, nation b, nation c WHERE a.n_nationkey = b.n_nationkey AND a.n_nationkey = c.n_nationkey AND b.n_regionkey = c.n_regionkey",
                "SELECT COUNT(*) FROM (SELECT * FROM nation WHERE n_nationkey > 3) a JOIN nation b ON a.n_nationkey = b.n_nationkey AND b.n_nationkey < 10",
                "SELECT COUNT(*) FROM nation JOIN region ON n_regionkey = r_regionkey WHERE r_regionkey > 1 AND n_regionkey < 4",
                // nullable keys, IS NULL tests, outer joins
                "SELECT * FROM t JOIN u ON a = x WHERE a IS NOT NULL",
                "SELECT * FROM t JOIN u ON a = x AND b = y",
                "SELECT * FROM t JOIN u ON a = x AND a = y",
                "SELECT * FROM t LEFT JOIN u ON a = x WHERE x IS NULL",
                "SELECT * FROM (SELECT * FROM t WHERE b IS NULL) s JOIN u ON s.b = u.y",
                "SELECT * FROM t FULL JOIN u ON a = x WHERE COALESCE(a, x) > 1",
                // filters above outer and anti joins with predicates on both sides: only the preserved side's come up
                "SELECT * FROM (SELECT * FROM t WHERE a > 0) s LEFT JOIN (SELECT * FROM u WHERE y > 5) v ON s.a = v.x WHERE v.y IS NULL OR s.a < 2",
                "SELECT * FROM (SELECT * FROM t WHERE a > 0) s LEFT JOIN (SELECT * FROM u WHERE y > 5) v ON s.a = v.x WHERE v.x IS NULL",
                "SELECT * FROM (SELECT * FROM t WHERE a = 1) s LEFT JOIN u ON s.a = u.x WHERE s.a = 1 OR u.y > 3",
                "SELECT * FROM u RIGHT JOIN (SELECT * FROM t WHERE a = 1) s ON s.a = u.x WHERE s.a = 1 OR u.y > 3",
                "SELECT * FROM (SELECT * FROM t WHERE a > 0) s RIGHT JOIN (SELECT * FROM u WHERE y > 5) v ON s.a = v.x WHERE s.a IS NULL OR v.y < 7",
                "SELECT * FROM (SELECT * FROM t WHERE a > 0) s FULL JOIN (SELECT * FROM u WHERE y > 5) v ON s.a = v.x WHERE s.a IS NULL OR v.x > 1",
                "SELECT * FROM t WHERE b > 5 AND b NOT IN (SELECT y FROM u WHERE y > 10)",
                "SELECT COUNT(*) FROM (SELECT * FROM nation WHERE n_regionkey = 1) a LEFT JOIN region b ON a.n_regionkey = b.r_regionkey",
                "SELECT COUNT(*) FROM nation a LEFT JOIN (SELECT * FROM region WHERE r_regionkey = 1) b ON a.n_regionkey = b.r_regionkey",
                "SELECT COUNT(*) FROM (SELECT * FROM nation WHERE n_name > 'C') a LEFT JOIN region b ON a.n_regionkey = b.r_regionkey WHERE b.r_name IS NULL",
                "SELECT COUNT(*) FROM nation a LEFT JOIN nation b ON a.n_nationkey = b.n_nationkey AND a.n_regionkey = b.n_nationkey",
                "SELECT * FROM t WHERE a = 2 AND NOT EXISTS (SELECT 1 FROM u WHERE u.x = t.a) AND a IS NOT NULL",
                "SELECT * FROM (SELECT a, 5 AS k FROM t) s JOIN u ON s.k = u.x",
                "SELECT * FROM (SELECT a, b + 1 AS k FROM t) s JOIN u ON s.k = u.y AND s.k > 3",
                // aggregates, set operations, semi and anti joins, VALUES
                "SELECT * FROM (SELECT a, COUNT(*) AS n FROM t WHERE a > 0 GROUP BY a) s JOIN u ON s.a = u.x WHERE s.a < 5",
                "SELECT * FROM (SELECT a FROM t WHERE a = 1 UNION ALL SELECT x FROM u WHERE x = 1) s JOIN u ON s.a = u.x",
                "SELECT * FROM t WHERE a IN (SELECT x FROM u WHERE x > 1) AND a < 3",
                "SELECT * FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.x = t.a AND u.y > 5)",
                "SELECT * FROM t WHERE a NOT IN (SELECT x FROM u)",
                "SELECT * FROM (VALUES (1, 2), (3, 4)) v(p, q) JOIN u ON v.p = u.x WHERE v.q > 2",
                "SELECT n_name FROM nation, region WHERE n_regionkey = r_regionkey AND (r_name = 'ASIA' OR n_nationkey = 1 AND r_regionkey = 0)",
                "SELECT COUNT(*) FROM nation, region WHERE n_regionkey = r_regionkey AND 1 = 0")) {
            session.plan(sql);
        }
    }
}
