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
 * Comma joins' filters placed before the rewrite pass: with the check on, the pass also runs
 * on the plan as it was, and planning fails if the two results differ.
 */
class FilterPlacementTest {
    private static Session session;

    @BeforeAll
    static void open() {
        session = Blueshift.open(new Options(1, 1024, 1L << 30, 1L << 30).withGpu(GpuMode.OFF));
        session.loadTpch(0.001, null);
        FilterPlacement.check = true;
    }

    @AfterAll
    static void close() {
        FilterPlacement.check = Boolean.getBoolean("blueshift.check.filterPlacement");
        session.close();
    }

    @Test
    void tpchPlansAreTheSameAsThroughThePass() {
        for (int q : TpchQueries.all()) {
            session.plan(TpchQueries.sql(q));
        }
    }

    @Test
    void otherFilterShapesToo() {
        for (String sql : List.of(
                "SELECT n_name, r_name FROM nation, region WHERE n_regionkey = r_regionkey AND r_name = 'ASIA' AND n_nationkey > 3",
                "SELECT n_name FROM nation, region, supplier WHERE n_regionkey = r_regionkey AND s_nationkey = n_nationkey "
                        + "AND (s_acctbal > 10 OR r_name = 'ASIA') AND s_acctbal BETWEEN 0 AND 5000 AND s_acctbal > 100",
                "SELECT n_name FROM nation, region WHERE n_regionkey = r_regionkey OR n_nationkey = r_regionkey",
                "SELECT COUNT(*) FROM nation, region WHERE 1 = 1",
                "SELECT COUNT(*) FROM nation, region WHERE 1 = 0",
                "SELECT COUNT(*) FROM nation a, nation b, nation c WHERE a.n_nationkey = b.n_nationkey AND b.n_nationkey = c.n_nationkey AND c.n_nationkey = 5",
                "SELECT * FROM (SELECT n_name, r_name FROM nation, region WHERE n_regionkey = r_regionkey) t, supplier WHERE t.n_name = s_name",
                "SELECT c_name FROM customer, orders WHERE c_custkey = o_custkey AND o_totalprice > (SELECT AVG(o_totalprice) FROM orders)",
                "SELECT c_name FROM customer, nation WHERE c_nationkey = n_nationkey AND EXISTS (SELECT 1 FROM orders WHERE o_custkey = c_custkey)",
                "SELECT n_name FROM nation LEFT JOIN region ON n_regionkey = r_regionkey, supplier WHERE s_nationkey = n_nationkey AND r_name IS NULL",
                "SELECT n_name FROM nation, region WHERE n_regionkey = r_regionkey AND n_name LIKE 'A%' AND CAST(r_regionkey AS VARCHAR) = '1'")) {
            session.plan(sql);
        }
    }
}
