package io.blueshift.gpu.offload;

import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.plan.NodeOffload;
import io.blueshift.operators.plan.PlanNode;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The executor's hook: builds the device source for each node the offload pass sent to the
 * GPU. A device error while setting one up returns null (the CPU runs the node); errors
 * inside a morsel fall back per morsel inside the sources. {@link #fallbacks} keeps the reasons.
 */
public final class GpuOffload implements NodeOffload {
    private final OffloadPlan plan;
    private final List<String> fallbacks = new CopyOnWriteArrayList<>();

    GpuOffload(OffloadPlan plan) {
        this.plan = plan;
    }

    public List<String> fallbacks() {
        return fallbacks;
    }

    void fellBack(String what, RuntimeException e) {
        fallbacks.add(what + ": " + e.getMessage());
    }

    @Override
    public Offloaded offload(PlanNode node, ExecutionContext ctx, Function<PlanNode, MaterializedResult> execute) {
        Decision d = plan.decision(node);
        if (d == null || !d.gpu()) return null;
        try {
            return switch (node) {
                case PlanNode.Filter f when f.input() instanceof PlanNode.Scan s ->
                        new Offloaded(new GpuFilterScan(plan.accelerator(), f, s, PredicateTranslation.of(f.predicate()), this,
                                d.cache() == null ? null : plan.cache(), d.cache(), plan.segmentRows()), null);
                case PlanNode.HashJoin j -> GpuHashJoin.open(plan.accelerator(), j, ctx, execute, this);
                default -> null;
            };
        } catch (RuntimeException e) {
            fellBack(node.getClass().getSimpleName(), e);
            return null;
        }
    }
}
