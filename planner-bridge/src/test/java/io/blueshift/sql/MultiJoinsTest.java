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
 * MultiJoins built without Calcite's rewrite pass: with the check on, every plan that takes
 * them is also ordered from the pass's MultiJoins, and planning fails if the two differ.
 */
class MultiJoinsTest {
    private static Session session;

    @BeforeAll
    static void open() {
        session = Blueshift.open(new Options(1, 1024, 1L << 30, 1L << 30).withGpu(GpuMode.OFF));
        session.loadTpch(0.001, null);
        MultiJoins.check = true;
    }

    @AfterAll
    static void close() {
        MultiJoins.check = Boolean.getBoolean("blueshift.check.multiJoins");
        session.close();
    }

    @Test
    void tpchPlansAreTheSameAsThroughThePass() {
        for (int q : TpchQueries.all()) {
            session.plan(TpchQueries.sql(q));
        }
    }

    @Test
    void otherJoinShapesToo() {
        for (String sql : List.of(
                // comma joins, explicit joins, a condition across both sides that is not an equality
                "SELECT n_name, r_name FROM nation, region WHERE n_regionkey = r_regionkey",
                "SELECT n_name, r_name FROM nation JOIN region ON n_regionkey = r_regionkey JOIN supplier ON s_nationkey = n_nationkey WHERE s_acctbal > 0",
                "SELECT n_name FROM nation, region WHERE n_regionkey = r_regionkey OR n_nationkey = r_regionkey",
                // cross joins (no equality), a single-row input, a self join
                "SELECT COUNT(*) FROM nation, region",
                "SELECT n_name FROM nation, (SELECT MAX(r_regionkey) AS m FROM region) t WHERE n_regionkey < t.m",
                "SELECT a.n_name, b.n_name FROM nation a, nation b WHERE a.n_regionkey = b.n_regionkey AND a.n_nationkey < b.n_nationkey",
                // a join under a projection and a grouping, joined again
                "SELECT c_name, t.s FROM customer, (SELECT o_custkey, SUM(o_totalprice) AS s FROM orders, lineitem "
                        + "WHERE o_orderkey = l_orderkey GROUP BY o_custkey) t WHERE c_custkey = t.o_custkey",
                "SELECT x.k, r_name FROM (SELECT n_regionkey + 0 AS k, s_name FROM nation, supplier WHERE s_nationkey = n_nationkey) x, region "
                        + "WHERE x.k = r_regionkey",
                // semi and anti joins inside inner joins
                "SELECT c_name, n_name FROM customer, nation WHERE c_nationkey = n_nationkey "
                        + "AND EXISTS (SELECT 1 FROM orders WHERE o_custkey = c_custkey) AND NOT EXISTS (SELECT 1 FROM supplier WHERE s_nationkey = n_nationkey AND s_acctbal < 0)",
                "SELECT n_name FROM nation, region WHERE n_regionkey = r_regionkey AND n_nationkey IN (SELECT s_nationkey FROM supplier)",
                // outer joins: through the pass
                "SELECT n_name, r_name FROM nation LEFT JOIN region ON n_regionkey = r_regionkey, supplier WHERE s_nationkey = n_nationkey",
                "SELECT n_name, r_name FROM nation FULL JOIN region ON n_regionkey = r_regionkey",
                // set operations and USING
                "SELECT n_name FROM nation JOIN region USING (n_regionkey) UNION ALL SELECT s_name FROM supplier, nation WHERE s_nationkey = n_nationkey".replace("USING (n_regionkey)", "ON n_regionkey = r_regionkey"))) {
            session.plan(sql);
        }
    }
}
