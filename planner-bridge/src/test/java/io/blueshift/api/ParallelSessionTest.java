package io.blueshift.api;

import io.blueshift.bench.duckdb.ResultComparator;
import io.blueshift.bench.tpch.TpchQueries;
import io.blueshift.memory.MemoryLimitExceededException;
import io.blueshift.operators.exec.QueryCancelledException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One session, many threads: the 22 TPC-H queries give the 1-thread answers on 2 and 4
 * threads (SF 0.1); 8 queries at once on one session (SF 0.01 and SF 0.1 sessions side by
 * side) each give their 1-thread answer; a cancelled query stops within a second and leaves
 * no memory accounted; a query over its memory limit names the operator and the session
 * goes on. The 1-thread answers are the reference (DuckDB checks those in TpchSqlVerifyTest).
 */
class ParallelSessionTest {
    private static Session sf01;
    private static Session sf001;
    private static final Map<Integer, List<List<Object>>> ANSWERS_SF01 = new HashMap<>();
    private static final Map<Integer, List<List<Object>>> ANSWERS_SF001 = new HashMap<>();

    @BeforeAll
    static void load() {
        Options options = Options.defaults().withThreads(4).withMemoryLimit(4L << 30);
        sf01 = Blueshift.open(options);
        sf01.loadTpch(0.1, null);
        sf001 = Blueshift.open(options);
        sf001.loadTpch(0.01, null);
        sf01.setThreads(1);
        sf001.setThreads(1);
        for (int q : TpchQueries.all()) {
            ANSWERS_SF01.put(q, rows(sf01, q));
            ANSWERS_SF001.put(q, rows(sf001, q));
        }
    }

    @AfterAll
    static void close() {
        // the leak check: every query pool must be closed
        if (sf01 != null) {
            sf01.close();
        }
        if (sf001 != null) {
            sf001.close();
        }
    }

    private static List<List<Object>> rows(Session s, int q) {
        try (QueryResult r = s.sql(TpchQueries.sql(q))) {
            return r.rows();
        }
    }

    private static String compare(Map<Integer, List<List<Object>>> answers, int q, List<List<Object>> rows) {
        ResultComparator.Result cmp = ResultComparator.compare(answers.get(q), rows, TpchQueries.ordered(q));
        return cmp.matched() ? null : "Q" + q + ": " + cmp.message();
    }

    @Test
    void tpchOnTwoAndFourThreadsGivesTheOneThreadAnswers() {
        List<String> problems = new ArrayList<>();
        try {
            for (int threads : new int[] {2, 4}) {
                sf01.setThreads(threads);
                for (int q : TpchQueries.all()) {
                    String p = compare(ANSWERS_SF01, q, rows(sf01, q));
                    if (p != null) {
                        problems.add(threads + " threads: " + p);
                    }
                }
            }
        } finally {
            sf01.setThreads(4);
        }
        assertEquals(List.of(), problems);
        assertEquals(0, sf01.queryMemoryInUse());
    }

    @Test
    void aProjectionAboveASortKeepsItsOrderOnSeveralThreads() {
        // the sort's result spans several batches and morsels; the projection above it must not
        // interleave them (the rows once came back in the order the workers finished)
        sf01.setThreads(4);
        // the sort key is not shown: a projection above the sort drops it
        String sql = "SELECT CAST(o_orderkey AS VARCHAR) || ':' || upper(o_comment) AS x FROM orders WHERE o_orderkey < 200000 ORDER BY o_orderkey DESC";
        for (int run = 0; run < 3; run++) {
            try (QueryResult r = sf01.sql(sql)) {
                List<List<Object>> rows = r.rows();
                assertTrue(rows.size() > 10_000, "rows: " + rows.size());
                for (int i = 1; i < rows.size(); i++) {
                    long before = Long.parseLong(((String) rows.get(i - 1).get(0)).split(":")[0]);
                    long now = Long.parseLong(((String) rows.get(i).get(0)).split(":")[0]);
                    assertTrue(before > now, "row " + i + ": " + before + " then " + now);
                }
            }
        }
    }

    @Test
    void eightQueriesAtOnceOnOneSessionEachGiveTheirAnswer() throws Exception {
        sf01.setThreads(2);
        sf001.setThreads(2);
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        // the heavier queries on SF 0.1, a spread on SF 0.01, all 16 in flight together
        int[] big = {1, 3, 5, 9, 10, 13, 18, 21};
        int[] small = {2, 4, 7, 8, 11, 16, 20, 22};
        for (int i = 0; i < 8; i++) {
            int qb = big[i];
            int qs = small[i];
            threads.add(Thread.ofPlatform().start(() -> runAfter(start, sf01, ANSWERS_SF01, qb, problems)));
            threads.add(Thread.ofPlatform().start(() -> runAfter(start, sf001, ANSWERS_SF001, qs, problems)));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        sf01.setThreads(4);
        sf001.setThreads(4);
        assertEquals(List.of(), List.copyOf(problems));
        assertEquals(0, sf01.queryMemoryInUse());
        assertEquals(0, sf001.queryMemoryInUse());
    }

    private static void runAfter(CountDownLatch start, Session s, Map<Integer, List<List<Object>>> answers, int q,
                                 ConcurrentLinkedQueue<String> problems) {
        try {
            start.await();
            for (int round = 0; round < 2; round++) {
                String p = compare(answers, q, rows(s, q));
                if (p != null) {
                    problems.add(p);
                }
            }
        } catch (Throwable e) {
            problems.add("Q" + q + " failed: " + e);
        }
    }

    @Test
    void cancelStopsARunningQueryWithinASecondAndFreesItsMemory() throws Exception {
        // about 360 million join matches at SF 0.1, each with a string comparison: runs for
        // seconds unless stopped (the bare join takes about one second now)
        QueryHandle h = sf01.submit("SELECT count(*) FROM lineitem a JOIN lineitem b ON a.l_suppkey = b.l_suppkey"
                + " AND a.l_comment < b.l_comment");
        Thread.sleep(700);
        assertTrue(!h.isDone(), "the query ended before it could be cancelled");
        long t0 = System.nanoTime();
        h.cancel();
        assertThrows(QueryCancelledException.class, h::result);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 1000, "cancel took " + ms + " ms");
        assertEquals(0, sf01.queryMemoryInUse(), "memory still accounted after the cancel");
        // the session goes on
        assertEquals(ANSWERS_SF01.get(6), rows(sf01, 6));
    }

    @Test
    void cancelBeforeItRunsAndSubmitOfABadQuery() {
        QueryHandle h = sf001.submit("SELECT count(*) FROM lineitem a JOIN lineitem b ON a.l_suppkey = b.l_suppkey");
        h.cancel();
        assertThrows(QueryCancelledException.class, h::result);
        QueryHandle bad = sf001.submit("SELECT nope FROM lineitem");
        RuntimeException e = assertThrows(RuntimeException.class, bad::result);
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
        try (QueryResult r = sf001.submit("SELECT count(*) FROM nation").result()) {
            assertEquals(List.of(List.of(25L)), r.rows());
        }
        assertEquals(0, sf001.queryMemoryInUse());
    }

    @Test
    void overTheMemoryLimitTheErrorNamesTheOperatorAndTheSessionGoesOn() {
        try (Session s = Blueshift.open(Options.defaults().withThreads(2).withMemoryLimit(1L << 30).withQueryMemoryLimit(1L << 20))) {
            s.loadTpch(0.01, null);
            Map<String, String> cases = Map.of(
                    "HashAggregate", "SELECT l_orderkey, l_partkey, count(*) FROM lineitem GROUP BY l_orderkey, l_partkey",
                    "HashJoinBuild", "SELECT count(*) FROM orders JOIN lineitem ON o_orderkey = l_orderkey AND o_comment <> l_comment",
                    // ~17K comments: their input fits 1 MiB, the input and its sorted copy do not
                    "OrderBy", "SELECT l_comment FROM lineitem WHERE l_quantity < 15 ORDER BY l_comment",
                    // ~22K rows sorted fit; their row index and ~15K groups boxed on the heap do not
                    "GroupAggregate", "SELECT l_orderkey, median(l_quantity) FROM lineitem WHERE l_quantity < 20 GROUP BY l_orderkey");
            for (var c : cases.entrySet()) {
                MemoryLimitExceededException e = assertThrows(MemoryLimitExceededException.class, () -> s.sql(c.getValue()).close());
                System.out.println(e.getMessage());
                assertTrue(e.getMessage().matches("memory limit exceeded: \\w+ needed [0-9.]+ \\S+, limit 1.0 MiB.*"), e.getMessage());
                assertEquals(0, s.queryMemoryInUse());
                try (QueryResult r = s.sql("SELECT count(*) FROM nation")) {
                    assertEquals(List.of(List.of(25L)), r.rows());
                }
            }
        }
    }
}
