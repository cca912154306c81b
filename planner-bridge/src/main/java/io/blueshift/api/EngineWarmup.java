package io.blueshift.api;

import io.blueshift.sql.PlannerActivity;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Warms the JIT before the first user query: a daemon thread at the lowest priority, started by
 * the first session of the JVM, plans and runs a fixed set of generic statements (filters,
 * GROUP BY, joins of two and three tables, EXISTS / NOT EXISTS / IN and scalar subqueries,
 * CASE, LIKE, windows, UNION ALL, WITH) over three small tables of its own session, for up to
 * {@link #ROUNDS} rounds. Until C2 has compiled them, Calcite's planner and our operators run
 * as interpreted or C1 code, two to four times slower: measured with generic shapes planned
 * first, the 22 TPC-H queries' planning CPU fell by a fifth to a half at the benchmark's state
 * (bench/RESULTS.md, sessions 14 and 16); 480 statements take about 8 s of one core. The statements share no text with any benchmark; they are the shapes
 * any SQL workload has.
 * <p>
 * It stops at the first statement another thread plans (checked before each of its own), so it
 * never competes with a user's query for long: where a query comes at once (a one-shot
 * {@code sql -c}) it costs one statement on the other core; where data loads first (a benchmark,
 * a shell session) it is done before the first query. Its session, memory and worker are its
 * own and freed at the end. Any failure ends it quietly (one DEBUG log line): a warm-up never
 * fails anything. {@code -Dblueshift.warmup=false} turns it off (the test suite does, so that
 * tests do not share the cores with it).
 */
final class EngineWarmup {
    static final String PROPERTY = "blueshift.warmup";
    static final int ROUNDS = 40;
    private static final int FACT_ROWS = 4_000;

    private static final System.Logger LOG = System.getLogger("io.blueshift.api");
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private EngineWarmup() {}

    /** The tables, built once per warm-up. */
    static final List<String> TABLES = List.of(
            "CREATE TABLE w_fact AS SELECT CAST(range AS INTEGER) AS k, CAST(range % 17 AS INTEGER) AS g, "
                    + "CAST(range % 50 AS BIGINT) AS a, CAST(range % 1000 AS DECIMAL(12,2)) AS v, "
                    + "CAST(range % 11 AS DOUBLE) / 100 AS f, DATE '2020-01-01' + CAST(range % 700 AS INTEGER) AS d, "
                    + "CASE WHEN range % 23 = 0 THEN NULL ELSE 'item' || CAST(range % 97 AS VARCHAR) END AS s, "
                    + "'c' || CAST(range % 5 AS VARCHAR) AS c FROM range(" + FACT_ROWS + ")",
            "CREATE TABLE w_dim AS SELECT CAST(range * 20 AS INTEGER) AS k, 'name' || CAST(range AS VARCHAR) AS name, "
                    + "CAST(range % 10 AS INTEGER) AS grp, CAST(range % 7 AS INTEGER) AS r FROM range(200)",
            "CREATE TABLE w_grp AS SELECT CAST(range AS INTEGER) AS grp, 'g' || CAST(range AS VARCHAR) AS label FROM range(10)");

    /** The statements of one round. */
    static final List<String> STATEMENTS = List.of(
            "SELECT g, count(*), sum(v), avg(f), min(d), max(s) FROM w_fact "
                    + "WHERE d >= DATE '2020-03-01' AND d < DATE '2021-03-01' GROUP BY g ORDER BY g",
            "SELECT sum(v * (1 - f)), sum(v * f * (1 + f)) FROM w_fact WHERE f BETWEEN 0.02 AND 0.08 AND a < 24",
            "SELECT x.name, sum(w.v) AS total FROM w_fact w JOIN w_dim x ON w.k = x.k JOIN w_grp y ON x.grp = y.grp "
                    + "WHERE y.label = 'g3' GROUP BY x.name ORDER BY total DESC, x.name LIMIT 10",
            "SELECT count(*) FROM w_dim x WHERE EXISTS (SELECT 1 FROM w_fact w WHERE w.k = x.k AND w.a > 10) "
                    + "AND NOT EXISTS (SELECT 1 FROM w_fact w WHERE w.k = x.k AND w.s LIKE '%9%')",
            "SELECT k, v FROM w_fact w WHERE v > (SELECT avg(v) FROM w_fact w2 WHERE w2.g = w.g) ORDER BY k LIMIT 5",
            "SELECT c, count(DISTINCT g) FROM w_fact WHERE s NOT LIKE 'item1%' "
                    + "AND k IN (SELECT k FROM w_dim WHERE r IN (1, 2, 3)) GROUP BY c ORDER BY c",
            "SELECT extract(year FROM d) AS y, sum(CASE WHEN s LIKE 'item2%' THEN v ELSE 0 END) / sum(v) "
                    + "FROM w_fact LEFT JOIN w_dim ON w_fact.k = w_dim.k AND w_dim.r < 5 GROUP BY extract(year FROM d) ORDER BY y",
            "WITH t AS (SELECT g, sum(v) AS tv FROM w_fact GROUP BY g) SELECT max(tv) FROM t WHERE tv > (SELECT avg(tv) FROM t)",
            "SELECT name, row_number() OVER (PARTITION BY grp ORDER BY k) AS n FROM w_dim ORDER BY name LIMIT 5",
            "SELECT substring(c, 1, 2) AS p, count(*) FROM w_fact WHERE a NOT IN (1, 2) AND s IS NOT NULL "
                    + "GROUP BY substring(c, 1, 2) HAVING count(*) > 1 ORDER BY p",
            "SELECT g, count(*) FROM (SELECT g FROM w_fact UNION ALL SELECT grp FROM w_dim) u GROUP BY g ORDER BY g",
            "SELECT w.k, x.name, w.d FROM w_fact w, w_dim x, w_grp y WHERE w.k = x.k AND x.grp = y.grp "
                    + "AND x.name LIKE '%1%' AND w.d > DATE '2020-06-01' ORDER BY w.d DESC, w.k LIMIT 20");

    /** Starts the warm-up thread, once per JVM, unless turned off. */
    static void start() {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY)) || !STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> run(ROUNDS, false), "blueshift-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        PlannerActivity.warmupThread(t);
        t.start();
    }

    /**
     * Runs up to {@code rounds} rounds on the calling thread, stopping when a user statement has
     * been planned; returns the statements run. {@code strict} (tests): every round runs whatever
     * else plans, and a failure is thrown; else a failure ends the warm-up quietly.
     */
    static int run(int rounds, boolean strict) {
        int done = 0;
        Options o = Options.defaults().withThreads(1).withMemoryLimit(256L << 20);
        try (Session s = new Session(o)) {
            for (String t : TABLES) {
                s.run(t).close();
            }
            for (int r = 0; r < rounds; r++) {
                for (String sql : STATEMENTS) {
                    if (!strict && PlannerActivity.userSeen()) {
                        return done;
                    }
                    s.sql(sql).close();
                    done++;
                }
            }
        } catch (RuntimeException | LinkageError e) {
            if (strict) {
                throw e;
            }
            LOG.log(System.Logger.Level.DEBUG, "engine warm-up stopped after " + done + " statements: " + e);
        }
        return done;
    }
}
