package io.blueshift.api;

import io.blueshift.gpu.offload.GpuMode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Filtered scans of one table under one predicate become one subtree reading the union of the
 * columns ({@code CommonSubplans}); the answers are in common_subplans.slt, checked against DuckDB.
 */
class CommonSubplansPlanTest {
    private static Session open() {
        Session s = Blueshift.open(new Options(2, 1024, 1L << 30, 1L << 30).withGpu(GpuMode.OFF));
        s.run("CREATE TABLE cs_p AS SELECT CAST(range AS INTEGER) AS k, CAST(range % 7 AS INTEGER) AS g, "
                + "'item' || CAST(range % 13 AS VARCHAR) AS s, CAST(range % 100 AS DECIMAL(10,2)) AS v FROM range(20000)").close();
        return s;
    }

    private static List<String> scans(String plan) {
        return plan.lines().map(String::trim).filter(l -> l.startsWith("Scan cs_p")).toList();
    }

    @Test
    void aSelfJoinsEqualFiltersReadTheUnionOfTheirColumns() {
        try (Session s = open()) {
            String plan = s.explain("SELECT sum(a.k), sum(b.v) FROM cs_p a JOIN cs_p b ON a.k = b.g WHERE a.s LIKE '%3' AND b.s LIKE '%3'");
            assertEquals(List.of("Scan cs_p [k, g, s, v]", "Scan cs_p [k, g, s, v]"), scans(plan), plan);
            // run once: one pipeline collects the filtered rows, and both sides of the join read them
            String run = s.explainAnalyze("SELECT sum(a.k), sum(b.v) FROM cs_p a JOIN cs_p b ON a.k = b.g WHERE a.s LIKE '%3' AND b.s LIKE '%3'");
            assertEquals(1, run.lines().filter(l -> l.contains("TableScan ->")).count(), run);
            assertEquals(2, run.lines().filter(l -> l.contains("ResultSource -> HashJoinBuild") || l.contains("ResultSource -> UngroupedAggregate")).count(), run);
        }
    }

    @Test
    void differentFiltersStayApart() {
        try (Session s = open()) {
            String plan = s.explain("SELECT sum(a.k), sum(b.v) FROM cs_p a JOIN cs_p b ON a.k = b.g WHERE a.s LIKE '%3' AND b.s LIKE '%4'");
            assertEquals(List.of("Scan cs_p [k, s]", "Scan cs_p [g, s, v]"), scans(plan), plan);
        }
    }

    @Test
    void cheapFiltersStayApart() {
        try (Session s = open()) {
            String plan = s.explain("SELECT sum(a.k), sum(b.v) FROM cs_p a JOIN cs_p b ON a.k = b.g WHERE a.g = 3 AND b.g = 3");
            assertTrue(scans(plan).stream().noneMatch(l -> l.equals("Scan cs_p [k, g, v]")), plan);
        }
    }

    @Test
    void aCheapFirstTermLeavesTheFilterApart() {
        try (Session s = open()) {
            // the LIKE meets only the rows the comparison kept
            String plan = s.explain("SELECT sum(a.k), sum(b.v) FROM cs_p a JOIN cs_p b ON a.k = b.k "
                    + "WHERE a.g = 3 AND a.s LIKE '%3' AND b.g = 3 AND b.s LIKE '%3'");
            assertEquals(List.of("Scan cs_p [k, g, s]", "Scan cs_p [k, g, s, v]"), scans(plan), plan);
        }
    }
}
