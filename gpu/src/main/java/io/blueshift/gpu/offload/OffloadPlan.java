package io.blueshift.gpu.offload;

import io.blueshift.gpu.Accelerator;
import io.blueshift.gpu.DeviceColumnCache;
import io.blueshift.operators.plan.NodeOffload;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.operators.plan.QueryExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A plan with the offload pass's decisions: EXPLAIN text that shows them, and the executor's
 * hook. {@code cache}: the session's device column cache, or null; {@code segmentRows}: the
 * most rows of consecutive table blocks a device filter takes in one pass.
 */
public record OffloadPlan(PlanNode plan, Map<PlanNode, Decision> decisions, Accelerator accelerator, DeviceColumnCache cache,
                          int segmentRows, java.util.concurrent.atomic.AtomicReference<GpuOffload> lastHook) {

    public OffloadPlan(PlanNode plan, Map<PlanNode, Decision> decisions, Accelerator accelerator) {
        this(plan, decisions, accelerator, null);
    }

    public OffloadPlan(PlanNode plan, Map<PlanNode, Decision> decisions, Accelerator accelerator, DeviceColumnCache cache) {
        this(plan, decisions, accelerator, cache, BlockSegments.DEFAULT_SEGMENT_ROWS);
    }

    /** {@code segmentRows}: the most rows of consecutive blocks a device filter takes in one pass. */
    public OffloadPlan(PlanNode plan, Map<PlanNode, Decision> decisions, Accelerator accelerator, DeviceColumnCache cache, int segmentRows) {
        this(plan, decisions, accelerator, cache, segmentRows, new java.util.concurrent.atomic.AtomicReference<>());
    }

    public Decision decision(PlanNode node) {
        return decisions.get(node);
    }

    /** How many nodes run on the device. */
    public long offloaded() {
        return decisions.values().stream().filter(Decision::gpu).count();
    }

    /**
     * The hook for {@link QueryExecutor}, once per run: null when nothing runs on the device.
     * Counts the run as a use of every cacheable filter's columns (the cache's admission rule).
     */
    public NodeOffload executorHook() {
        if (cache != null) {
            for (Decision d : decisions.values()) {
                if (d.cache() != null) cache.recordUse(d.cache().columns());
            }
        }
        if (accelerator == null || offloaded() == 0) return null;
        GpuOffload hook = new GpuOffload(this);
        lastHook.set(hook);
        return hook;
    }

    /** EXPLAIN text, each Filter and HashJoin line followed by where it runs and why. */
    public String explain() {
        return annotate(QueryExecutor.explain(plan));
    }

    /**
     * Adds the decisions to text printed one line per node in preorder (EXPLAIN, EXPLAIN
     * ANALYZE); after a run, also how many device batches fell back to the CPU and the first
     * reason. Without a device (or with gpu=off) one line at the end says why instead.
     */
    public String annotate(String text) {
        java.util.Set<String> reasons = new java.util.HashSet<>();
        decisions.values().forEach(d -> reasons.add(d.gpu() ? "" : d.why()));
        String once = null;
        if (reasons.size() == 1) {
            String why = reasons.iterator().next().replaceFirst("^cpu: ", "");
            if (why.equals("gpu=off") || why.startsWith("no device")) {
                once = "gpu: not used (" + why + ")";   // the same for every node: said once, under the plan
            }
        }
        String[] lines = text.split("\n", -1);
        List<PlanNode> order = new ArrayList<>();
        preorder(plan, order);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            if (i == lines.length - 1 && lines[i].isEmpty()) break;
            if (once != null && i == order.size()) {
                sb.append(once).append('\n');
            }
            sb.append(lines[i]);
            Decision d = once != null || i >= order.size() ? null : decisions.get(order.get(i));
            if (d != null) sb.append("   [").append(d.why()).append(']');
            sb.append('\n');
        }
        if (once != null && lines.length - (lines[lines.length - 1].isEmpty() ? 1 : 0) <= order.size()) {
            sb.append(once).append('\n');
        }
        GpuOffload hook = lastHook.get();
        if (hook != null && !hook.fallbacks().isEmpty()) {
            sb.append("gpu fallbacks to the cpu: ").append(hook.fallbacks().size()).append(" (first: ")
                    .append(hook.fallbacks().getFirst()).append(")\n");
        }
        return sb.toString();
    }

    private static void preorder(PlanNode node, List<PlanNode> out) {
        out.add(node);
        for (PlanNode in : node.inputs()) preorder(in, out);
    }
}
