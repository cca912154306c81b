package io.blueshift.api;

import io.blueshift.gpu.offload.GpuMode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plans without Calcite's field trimming where our column pruning does its work (session 12): the
 * columns read and the answers are those of the trimmed plans.
 */
class ColumnPruningPlanTest {
    private static Session open() {
        Session s = Blueshift.open(new Options(1, 1024, 1L << 30, 1L << 30).withGpu(GpuMode.OFF));
        s.loadTpch(0.01, null);
        return s;
    }

    @Test
    void aNestedLoopJoinsSidesReadOnlyTheColumnsUsed() {
        try (Session s = open()) {
            String sql = "SELECT c_name FROM customer WHERE c_acctbal > (SELECT avg(c_acctbal) FROM customer WHERE c_nationkey = 3)";
            String plan = s.explain(sql);
            assertTrue(plan.contains("NestedLoopJoin"), plan);
            assertTrue(plan.contains("Scan customer [c_name, c_acctbal]"), plan);
            try (QueryResult r = s.sql(sql); QueryResult count = s.sql("SELECT count(*) FROM customer WHERE c_acctbal > "
                    + "(SELECT avg(c_acctbal) FROM customer WHERE c_nationkey = 3)")) {
                assertEquals(((Number) count.rows().get(0).get(0)).longValue(), r.rows().size());
            }
        }
    }

    @Test
    void noProjectionOfTheSameColumnsUnderTheSameNames() {
        try (Session s = open()) {
            String plan = s.explain("SELECT sum(l_extendedprice) FROM lineitem, part WHERE p_partkey = l_partkey AND p_brand = 'Brand#23'");
            long projections = plan.lines().filter(l -> l.trim().startsWith("Project l_extendedprice AS l_extendedprice")).count();
            assertTrue(projections <= 1, plan);
            assertFalse(plan.contains("Scan part [p_partkey, p_name"), plan);
        }
    }
}
