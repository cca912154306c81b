package io.blueshift.api;

import io.blueshift.gpu.offload.GpuMode;
import io.blueshift.sql.PlanningTimes;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where planning time goes: per phase from Session.planTimed, one line in EXPLAIN ANALYZE. */
class PlanningTimesTest {
    private static Session open() {
        Session s = Blueshift.open(new Options(1, 1024, 1L << 30, 1L << 30).withGpu(GpuMode.OFF));
        s.loadTpch(0.001, null);
        return s;
    }

    @Test
    void everyPhaseIsTimedAndTheTotalIsTheirSum() {
        try (Session s = open()) {
            PlannedQuery p = s.planTimed("SELECT n_name, COUNT(*) FROM nation JOIN region ON n_regionkey = r_regionkey "
                    + "WHERE r_name = 'ASIA' GROUP BY n_name ORDER BY n_name");
            PlanningTimes t = p.times();
            assertTrue(t.parseNanos() > 0 && t.validateNanos() > 0 && t.toRelNanos() > 0 && t.rewriteNanos() > 0
                    && t.translateNanos() > 0, t.toString());
            assertEquals(t.setupNanos() + t.parseNanos() + t.validateNanos() + t.toRelNanos() + t.rewriteNanos() + t.translateNanos(),
                    t.totalNanos());
            assertTrue(p.plan() != null);
        }
    }

    @Test
    void explainAnalyzeSaysHowLongPlanningTook() {
        try (Session s = open()) {
            String text = s.explainAnalyze("SELECT COUNT(*) FROM nation");
            assertTrue(text.lines().anyMatch(l -> l.matches("planning \\d+\\.\\d ms \\(setup .*, parse .*, validate .*, to rel .*, "
                    + "rewrite .*, translate .*\\)")), text);
        }
    }

    @Test
    void describeNamesEachPhaseInMilliseconds() {
        PlanningTimes t = new PlanningTimes(100_000, 400_000, 2_000_000, 1_100_000, 3_200_000, 400_000);
        assertEquals("planning 7.2 ms (setup 0.1, parse 0.4, validate 2.0, to rel 1.1, rewrite 3.2, translate 0.4)", t.describe());
    }
}
