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

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plans taken as already flat skip Calcite's type flattening; with the check on, each such plan
 * is flattened anyway and planning fails if that changed it. Row-typed plans are still flattened.
 */
class FlatPlansTest {
    private static Session session;

    @BeforeAll
    static void open() {
        session = Blueshift.open(new Options(1, 1024, 1L << 30, 1L << 30).withGpu(GpuMode.OFF));
        session.loadTpch(0.001, null);
        SqlFrontEnd.checkFlattening = true;
    }

    @AfterAll
    static void close() {
        SqlFrontEnd.checkFlattening = Boolean.getBoolean("blueshift.check.flattening");
        session.close();
    }

    @Test
    void tpchPlansAreTheSameWithoutFlattening() {
        for (int q : TpchQueries.all()) {
            session.plan(TpchQueries.sql(q));
        }
    }

    @Test
    void subqueriesCorrelationsViewsAndSetOperationsToo() {
        session.run("CREATE OR REPLACE VIEW big_orders AS SELECT o_orderkey, o_custkey FROM orders WHERE o_totalprice > 1000").close();
        for (String sql : List.of(
                "SELECT c_name FROM customer c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.o_custkey = c.c_custkey AND o.o_totalprice > c.c_acctbal)",
                "SELECT c_name, (SELECT COUNT(*) FROM big_orders b WHERE b.o_custkey = c.c_custkey) FROM customer c",
                "SELECT n_name FROM nation WHERE n_regionkey IN (SELECT r_regionkey FROM region WHERE r_name LIKE 'A%') "
                        + "UNION ALL SELECT r_name FROM region",
                "SELECT CAST(n_nationkey AS VARCHAR), CAST(DATE '1995-01-01' AS VARCHAR), CAST('7' AS INT) + n_nationkey, CAST(n_nationkey AS DOUBLE) FROM nation",
                "SELECT n_name, SUM(n_nationkey) OVER (PARTITION BY n_regionkey ORDER BY n_name) FROM nation",
                "SELECT * FROM nation n LEFT JOIN LATERAL (SELECT COUNT(*) AS c FROM supplier s WHERE s.s_nationkey = n.n_nationkey) t ON TRUE")) {
            session.plan(sql);
        }
    }

    @Test
    void rowExpressionsAreNotFlat() {
        SqlPlanner planner = new SqlPlanner(session.catalog());
        var rel = planner.logicalPlan("SELECT n_name FROM nation WHERE (n_nationkey, n_regionkey) IN (SELECT s_suppkey, s_nationkey FROM supplier)");
        assertTrue(FlatPlans.isFlat(rel));
        session.plan("SELECT n_name FROM nation WHERE (n_nationkey, n_regionkey) = (1, 1)");
        assertFalse(FlatPlans.isFlat(new SqlPlanner(session.catalog()).logicalPlan("SELECT ROW(n_name, n_nationkey) AS r FROM nation")));
    }
}
