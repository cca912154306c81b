package io.blueshift.operators;

import io.blueshift.kernels.KernelProvider;
import io.blueshift.kernels.Kernels;
import io.blueshift.memory.MemoryPool;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.operators.plan.QueryExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One unbounded pool per test, closed afterwards: closing throws if a table, batch or result
 * leaked, so every test is also a leak check. Small batches make every query span many.
 */
public abstract class OperatorTestBase {
    protected static final int BATCH_ROWS = 64;

    protected MemoryPool pool;

    @BeforeEach
    void openPool() {
        pool = MemoryPool.unbounded(getClass().getSimpleName());
    }

    @AfterEach
    void closePool() {
        pool.close();
    }

    protected ExecutionContext ctx(int threads) {
        return new ExecutionContext(pool, Kernels.provider(), BATCH_ROWS, threads);
    }

    protected ExecutionContext ctx(KernelProvider kernels, int threads) {
        return new ExecutionContext(pool, kernels, BATCH_ROWS, threads);
    }

    /** Runs the plan and returns its rows; the result is closed before returning. */
    protected List<List<Object>> run(PlanNode plan, ExecutionContext ctx) {
        try (MaterializedResult r = new QueryExecutor(ctx).execute(plan)) {
            return r.rows();
        }
    }

    protected List<List<Object>> run(PlanNode plan) {
        return run(plan, ctx(1));
    }

    /** Rows in a canonical order, for results that have none. */
    protected static List<List<Object>> sorted(List<List<Object>> rows) {
        List<List<Object>> copy = new ArrayList<>(rows);
        copy.sort(Comparator.comparing(Object::toString));
        return copy;
    }

    /** The first column of every row as longs, sorted: ids of the rows a filter kept. */
    protected static List<Long> ids(List<List<Object>> rows) {
        return rows.stream().map(r -> (Long) r.get(0)).sorted().toList();
    }
}
