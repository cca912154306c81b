package io.blueshift.operators.set;

import io.blueshift.memory.Batch;
import io.blueshift.memory.Schema;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.holistic.GroupAggregates;
import io.blueshift.operators.plan.PlanNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * WITH RECURSIVE: the seed's rows, then the step run again and again over the rows the last
 * run added (its {@link WorkingTable}) until it adds none; UNION (not ALL) drops rows seen
 * before, so a cycle ends. A step that keeps adding rows stops with an error after
 * {@code PlanNode.RecursiveUnion#maxIterations} runs instead of running forever.
 */
public final class RecursiveUnion {
    private RecursiveUnion() {}

    public static MaterializedResult run(PlanNode.RecursiveUnion r, Function<PlanNode, MaterializedResult> execute, ExecutionContext ctx) {
        Schema schema = r.schema();
        Set<List<Object>> seen = r.all() ? null : new HashSet<>();
        List<List<Object>> all = new ArrayList<>();
        List<List<Object>> current;
        try (MaterializedResult seed = execute.apply(r.seed())) {
            current = fresh(seed, seen);
        }
        all.addAll(current);
        int iterations = 0;
        while (!current.isEmpty()) {
            ctx.checkCancelled();
            if (++iterations > r.maxIterations()) {
                throw new IllegalStateException("the recursive query " + r.working().name() + " still added rows after "
                        + r.maxIterations() + " iterations (" + all.size() + " rows): is its stop condition missing?");
            }
            try (MaterializedResult work = ConstantRows.materialize(schema, current, ctx)) {
                r.working().hold(work);
                try (MaterializedResult next = execute.apply(r.step())) {
                    current = fresh(next, seen);
                } finally {
                    r.working().hold(null);
                }
            }
            all.addAll(current);
        }
        return ConstantRows.materialize(schema, all, ctx);
    }

    /** The rows of a result (those not in {@code seen}, which they join, unless it is null). */
    private static List<List<Object>> fresh(MaterializedResult result, Set<List<Object>> seen) {
        List<List<Object>> out = new ArrayList<>();
        for (Batch b : result.batches()) {
            for (int i = 0; i < b.liveCount(); i++) {
                int row = b.liveRow(i);
                List<Object> values = new ArrayList<>(b.columns().size());
                for (var c : b.columns()) {
                    values.add(GroupAggregates.raw(c, row));
                }
                if (seen == null || seen.add(values)) {
                    out.add(values);
                }
            }
        }
        return out;
    }
}
