package io.blueshift.cli;

import io.blueshift.api.Blueshift;
import io.blueshift.api.Options;
import io.blueshift.api.QueryResult;
import io.blueshift.api.Session;
import io.blueshift.bench.duckdb.DuckDbReference;
import io.blueshift.bench.duckdb.ResultComparator;
import io.blueshift.bench.tpch.TpchQueries;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The 22 TPC-H queries through SQL, checked against DuckDB on the same generated rows. */
class TpchSqlVerifyTest {
    /** Queries that need operators not in the engine yet; the test fails if one starts passing. */
    static final Set<Integer> PENDING = Set.of();

    @ParameterizedTest(name = "sf {0}")
    @ValueSource(doubles = {0.01, 0.1})
    void allQueriesMatchDuckDb(double sf) {
        List<String> failures = new ArrayList<>();
        List<Integer> unexpectedPasses = new ArrayList<>();
        Options options = Options.defaults().withThreads(2).withBatchRows(1024);
        try (Session session = Blueshift.open(options);
             DuckDbReference duck = new DuckDbReference()) {
            session.loadTpch(sf, null);
            duck.load(session.catalog(), null);
            for (int q : TpchQueries.all()) {
                String sql = TpchQueries.sql(q);
                String problem;
                try (QueryResult r = session.sql(sql)) {
                    ResultComparator.Result cmp = ResultComparator.compare(duck.query(sql), r.rows(), TpchQueries.ordered(q));
                    problem = cmp.matched() ? null : cmp.message();
                } catch (RuntimeException e) {
                    problem = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
                if (problem != null && !PENDING.contains(q)) {
                    failures.add("Q" + q + ": " + problem);
                } else if (problem == null && PENDING.contains(q)) {
                    unexpectedPasses.add(q);
                }
            }
        }
        assertEquals(List.of(), failures, "TPC-H queries that differ from DuckDB at sf " + sf);
        assertEquals(List.of(), unexpectedPasses, "queries in PENDING that now pass: remove them from the list");
    }
}
