package io.blueshift.api;

import io.blueshift.gpu.offload.GpuMode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A correlated MIN/MAX subquery over the outer block's own tables and predicates becomes a window
 * over the outer rows ({@code SubqueryCoalescing}): the join is planned once. The answers are in
 * subquery_coalescing.slt, checked against DuckDB.
 */
class SubqueryCoalescingPlanTest {
    private static Session open() {
        Session s = Blueshift.open(new Options(2, 1024, 1L << 30, 1L << 30).withGpu(GpuMode.OFF));
        s.run("CREATE TABLE q_n AS SELECT CAST(range AS INTEGER) AS nk, CAST(range % 3 AS INTEGER) AS rk FROM range(10)").close();
        s.run("CREATE TABLE q_s AS SELECT CAST(range AS INTEGER) AS sk, CAST(range % 10 AS INTEGER) AS nk, "
                + "CAST(range % 7 AS DECIMAL(10,2)) AS bal FROM range(50)").close();
        s.run("CREATE TABLE q_p AS SELECT CAST(range AS INTEGER) AS pk, CAST(range % 5 AS INTEGER) AS psize FROM range(100)").close();
        s.run("CREATE TABLE q_ps AS SELECT CAST(range % 100 AS INTEGER) AS pk, CAST((range * 13) % 47 AS INTEGER) AS sk, "
                + "CAST((range * 31) % 23 AS DECIMAL(10,2)) AS cost FROM range(400)").close();
        return s;
    }

    private static long count(String plan, String prefix) {
        return plan.lines().map(String::trim).filter(l -> l.startsWith(prefix)).count();
    }

    private static final String OUTER = "SELECT p.pk, s.sk FROM q_p p, q_s s, q_ps ps, q_n n "
            + "WHERE p.pk = ps.pk AND s.sk = ps.sk AND p.psize = 3 AND s.nk = n.nk AND n.rk = 0 AND ps.cost = ";

    @Test
    void q2sShapeScansItsTablesOnce() {
        try (Session s = open()) {
            String plan = s.explain(OUTER + "(SELECT min(ps2.cost) FROM q_ps ps2, q_s s2, q_n n2 "
                    + "WHERE p.pk = ps2.pk AND s2.sk = ps2.sk AND s2.nk = n2.nk AND n2.rk = 0)");
            assertEquals(1, count(plan, "Window partition="), plan);
            assertEquals(1, count(plan, "Scan q_ps"), plan);
            // the window's input cut to the columns used (bal is not)
            assertEquals(1, count(plan, "Scan q_s [sk, nk]"), plan);
            assertEquals(1, count(plan, "Scan q_s "), plan);
            assertEquals(0, count(plan, "HashAggregate"), plan);
        }
    }

    @Test
    void aPredicateOnlyTheSubqueryHasKeepsTwoJoins() {
        try (Session s = open()) {
            String plan = s.explain(OUTER + "(SELECT min(ps2.cost) FROM q_ps ps2, q_s s2, q_n n2 "
                    + "WHERE p.pk = ps2.pk AND s2.sk = ps2.sk AND s2.nk = n2.nk AND n2.rk = 0 AND s2.bal > 2)");
            assertEquals(0, count(plan, "Window partition="), plan);
            assertEquals(2, count(plan, "Scan q_ps"), plan);
        }
    }

    @Test
    void aPredicateOnlyTheOuterBlockHasKeepsTwoJoins() {
        try (Session s = open()) {
            String plan = s.explain(OUTER + "(SELECT min(ps2.cost) FROM q_ps ps2, q_s s2, q_n n2 "
                    + "WHERE p.pk = ps2.pk AND s2.sk = ps2.sk AND s2.nk = n2.nk AND n2.rk = 0) AND s.bal > 2");
            assertEquals(0, count(plan, "Window partition="), plan);
            assertEquals(2, count(plan, "Scan q_ps"), plan);
        }
    }

    @Test
    void aSumKeepsTwoJoins() {
        try (Session s = open()) {
            String plan = s.explain(OUTER + "(SELECT sum(ps2.cost) FROM q_ps ps2, q_s s2, q_n n2 "
                    + "WHERE p.pk = ps2.pk AND s2.sk = ps2.sk AND s2.nk = n2.nk AND n2.rk = 0)");
            assertEquals(0, count(plan, "Window partition="), plan);
            assertEquals(2, count(plan, "Scan q_ps"), plan);
        }
    }
}
