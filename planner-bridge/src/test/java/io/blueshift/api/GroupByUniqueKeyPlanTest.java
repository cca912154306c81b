package io.blueshift.api;

import io.blueshift.gpu.offload.GpuMode;
import org.junit.jupiter.api.Test;

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
}
