package io.blueshift.sql;

import org.apache.calcite.plan.RelOptListener;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * With {@code -Dblueshift.debug.rules=true}: how often each rewrite rule was tried, how often
 * it changed the plan and the time its tries took, over the whole process, printed on stderr
 * at exit (rules tried often and firing rarely are where rewrite time goes).
 */
final class RuleStatistics implements RelOptListener {
    static final boolean ON = Boolean.getBoolean("blueshift.debug.rules");

    /** Rule description to {tries, firings, nanoseconds}. */
    private static final Map<String, long[]> STATS = new ConcurrentHashMap<>();

    static {
        if (ON) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> STATS.entrySet().stream()
                    .sorted((a, b) -> Long.compare(b.getValue()[2], a.getValue()[2]))
                    .forEach(e -> System.err.printf(Locale.ROOT, "rule %-45s tried %8d  fired %6d  %8.1f ms%n",
                            e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2] / 1e6))));
        }
    }

    private long start;

    @Override
    public void ruleAttempted(RuleAttemptedEvent event) {
        long[] v = STATS.computeIfAbsent(event.getRuleCall().getRule().toString(), k -> new long[3]);
        if (event.isBefore()) {
            v[0]++;
            start = System.nanoTime();
        } else {
            v[2] += System.nanoTime() - start;
        }
    }

    @Override
    public void ruleProductionSucceeded(RuleProductionEvent event) {
        if (event.isBefore()) {
            STATS.computeIfAbsent(event.getRuleCall().getRule().toString(), k -> new long[3])[1]++;
        }
    }

    @Override
    public void relEquivalenceFound(RelEquivalenceEvent event) {}

    @Override
    public void relDiscarded(RelDiscardedEvent event) {}

    @Override
    public void relChosen(RelChosenEvent event) {}
}
