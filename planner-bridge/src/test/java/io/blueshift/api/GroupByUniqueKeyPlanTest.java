package io.blueshift.api;

import io.blueshift.gpu.offload.GpuMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which plans group by a unique key before joining the columns it determines (GroupByUniqueKey). */
class GroupByUniqueKeyPlanTest {
    private static Session open() {
        Session s = Blueshift.open(new Options(1, 1024, 1L << 30, 1L << 30).withGpu(GpuMode.OFF));
        s.loadTpch(0.01, null);
        return s;
    }

    @Test
    void groupsOrdersByCustomerBeforeJoiningTheCustomersColumns() {
        try (Session s = open()) {
            String plan = s.explain("SELECT c_custkey, c_name, c_address, n_name, sum(o_totalprice) FROM customer, orders, nation "
                    + "WHERE c_custkey = o_custkey AND c_nationkey = n_nationkey GROUP BY c_custkey, c_name, c_address, n_name");
            String agg = plan.lines().filter(l -> l.contains("HashAggregate")).findFirst().orElseThrow();
            assertFalse(agg.contains("c_name") || agg.contains("n_name"), plan);
            assertTrue(plan.indexOf("HashJoin") < plan.indexOf("HashAggregate"), plan);
        }
    }

    @Test
    void keepsTheJoinFirstWhereTheUniqueSideFiltersMostRows() {
        try (Session s = open()) {
            // one market segment in five: joining first drops most orders before grouping
            String plan = s.explain("SELECT c_custkey, c_name, sum(o_totalprice) FROM customer, orders "
                    + "WHERE c_custkey = o_custkey AND c_mktsegment = 'BUILDING' GROUP BY c_custkey, c_name");
            assertTrue(plan.indexOf("HashAggregate") < plan.indexOf("HashJoin"), plan);
        }
    }

    @Test
    void needsTheKeyAmongTheGroupKeys() {
        try (Session s = open()) {
            String plan = s.explain("SELECT n_name, sum(o_totalprice) FROM customer, orders, nation "
                    + "WHERE c_custkey = o_custkey AND c_nationkey = n_nationkey GROUP BY n_name");
            assertTrue(plan.indexOf("HashAggregate") < plan.indexOf("HashJoin"), plan);
        }
    }

    @TempDir
    Path dir;

    @Test
    void parquetFilesWeWroteTellTheirUniqueKeysAndAFileRewrittenWithDuplicatesDoesNot() {
        try (Session s = open()) {
            Path cust = dir.resolve("cust.parquet");
            Path ord = dir.resolve("ord.parquet");
            s.run("COPY (SELECT c_custkey, c_name FROM customer ORDER BY c_custkey) TO '" + cust + "'").close();
            s.run("COPY (SELECT o_custkey, o_totalprice FROM orders) TO '" + ord + "'").close();
            String sql = "SELECT c_custkey, c_name, count(*) AS n FROM '" + cust + "' JOIN '" + ord + "' ON c_custkey = o_custkey "
                    + "GROUP BY c_custkey, c_name ORDER BY n DESC, c_custkey LIMIT 1";
            String plan = s.explain(sql);
            assertTrue(plan.indexOf("HashJoin") < plan.indexOf("HashAggregate"), plan);
            long before;
            try (QueryResult r = s.sql(sql)) {
                before = ((Number) r.rows().get(0).get(2)).longValue();
            }
            // the same customers twice: c_custkey is no longer unique, each order now counts twice
            s.run("COPY (SELECT * FROM (SELECT c_custkey, c_name FROM customer UNION ALL SELECT c_custkey, c_name FROM customer) ORDER BY 1) TO '"
                    + cust + "'").close();
            plan = s.explain(sql);
            assertTrue(plan.indexOf("HashAggregate") < plan.indexOf("HashJoin"), plan);
            try (QueryResult r = s.sql(sql)) {
                assertEquals(2 * before, ((Number) r.rows().get(0).get(2)).longValue());
            }
        }
    }
}
