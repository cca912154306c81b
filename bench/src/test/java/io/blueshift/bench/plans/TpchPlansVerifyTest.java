package io.blueshift.bench.plans;

import io.blueshift.bench.duckdb.DuckDbReference;
import io.blueshift.bench.duckdb.ResultComparator;
import io.blueshift.bench.tpch.TpchQueries;
import io.blueshift.kernels.Kernels;
import io.blueshift.memory.MemoryPool;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.plan.QueryExecutor;
import io.blueshift.storage.Catalog;
import io.blueshift.tpch.TpchGenerator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-built TPC-H plans give DuckDB's answers, in DuckDB's order, on one and two threads. */
class TpchPlansVerifyTest {

    @ParameterizedTest(name = "SF {0}")
    @ValueSource(doubles = {0.01, 0.1})
    void plansMatchDuckDb(double scaleFactor) {
        try (MemoryPool pool = MemoryPool.unbounded("tpch-verify");
             Catalog catalog = TpchGenerator.generate(scaleFactor, pool, null);
             DuckDbReference duck = new DuckDbReference()) {
            duck.load(catalog);
            for (int query : TpchPlans.AVAILABLE) {
                List<List<Object>> expected = duck.query(TpchQueries.sql(query));
                assertFalse(expected.isEmpty(), "DuckDB returned no rows for Q" + query);
                for (int threads : new int[] {1, 2}) {
                    try (MemoryPool queryPool = pool.child("q" + query + "-t" + threads)) {
                        ExecutionContext ctx = new ExecutionContext(queryPool, Kernels.provider(), 1024, threads);
                        try (MaterializedResult r = new QueryExecutor(ctx).execute(TpchPlans.plan(query, catalog))) {
                            ResultComparator.Result cmp = ResultComparator.compare(expected, r.rows(), true);
                            assertTrue(cmp.matched(), "Q" + query + " at SF " + scaleFactor + " on " + threads + " threads: " + cmp.message());
                        }
                        // buffers kept for reuse are not leaks (closing the pool frees them, and fails on a leak)
                        assertEquals(0, queryPool.reserved() - queryPool.reusableBytes(), "Q" + query + " leaked");
                    }
                }
            }
        }
    }
}
