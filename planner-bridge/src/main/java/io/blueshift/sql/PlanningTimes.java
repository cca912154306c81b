package io.blueshift.sql;

/**
 * Where the planning of one query went, in nanoseconds: the schema and planner set-up, parse, validate, SQL to logical plan,
 * the rewrites (subqueries, decorrelation, rule passes, join order, trimming) and the
 * translation into our physical plan.
 */
public record PlanningTimes(long setupNanos, long parseNanos, long validateNanos, long toRelNanos, long rewriteNanos, long translateNanos) {
    public static final PlanningTimes NONE = new PlanningTimes(0, 0, 0, 0, 0, 0);

    public long totalNanos() {
        return setupNanos + parseNanos + validateNanos + toRelNanos + rewriteNanos + translateNanos;
    }

    /** {@code planning 7.2 ms (setup 0.1, parse 0.4, validate 2.0, to rel 1.1, rewrite 3.2, translate 0.4)}. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "planning %.1f ms (setup %.1f, parse %.1f, validate %.1f, to rel %.1f, rewrite %.1f, translate %.1f)",
                ms(totalNanos()), ms(setupNanos), ms(parseNanos), ms(validateNanos), ms(toRelNanos), ms(rewriteNanos), ms(translateNanos));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
