package io.blueshift.gpu.offload;

import io.blueshift.gpu.Accelerator;
import io.blueshift.gpu.Accelerators;
import io.blueshift.gpu.Discovery;
import io.blueshift.gpu.ValueKind;
import io.blueshift.operators.plan.PlanNode;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The offload pass: after planning, decides for every Filter and HashJoin of a plan whether it
 * runs on the device, by {@link GpuMode} and the {@link CostModel}. What can run there: a
 * filter directly over a table scan whose predicate translates ({@link PredicateTranslation});
 * an INNER hash join on integer keys without a residual condition. Everything else, and
 * everything when there is no device, stays on the CPU, with the reason.
 */
public final class OffloadPlanner {
    private final GpuMode mode;
    private final Optional<Accelerator> accelerator;
    private final String noDeviceReason;
    private final CostModel model;

    public OffloadPlanner(GpuMode mode, Discovery discovery, int cpuThreads) {
        this.mode = mode;
        this.accelerator = discovery.accelerator();
        this.noDeviceReason = discovery.reason();
        this.model = accelerator.map(a -> new CostModel(a.device(), cpuThreads)).orElse(null);
        if (mode == GpuMode.ON && accelerator.isEmpty()) {
            throw new IllegalArgumentException("gpu=on but no CUDA device: " + discovery.reason());
        }
    }

    /** For a session: finds the process's device unless the mode is off; gpu=on without one is an error. */
    public static OffloadPlanner forSession(GpuMode mode, int cpuThreads) {
        Discovery d = mode == GpuMode.OFF ? Discovery.none("gpu=off") : Accelerators.get();
        return new OffloadPlanner(mode, d, cpuThreads);
    }

    public GpuMode mode() { return mode; }

    public Optional<Accelerator> accelerator() { return accelerator; }

    public OffloadPlan plan(PlanNode plan) {
        Map<PlanNode, Decision> decisions = new IdentityHashMap<>();
        visit(plan, decisions);
        return new OffloadPlan(plan, decisions, accelerator.orElse(null));
    }

    private void visit(PlanNode node, Map<PlanNode, Decision> out) {
        switch (node) {
            case PlanNode.Filter f -> out.put(f, filter(f));
            case PlanNode.HashJoin j -> out.put(j, join(j));
            default -> { }
        }
        for (PlanNode in : node.inputs()) visit(in, out);
    }

    private Decision noDevice() {
        return Decision.cpu(mode == GpuMode.OFF ? "gpu=off" : "no device (" + noDeviceReason + ")");
    }

    private Decision filter(PlanNode.Filter f) {
        if (mode == GpuMode.OFF || accelerator.isEmpty()) return noDevice();
        if (!(f.input() instanceof PlanNode.Scan scan)) return Decision.cpu("input is not a table scan");
        PredicateTranslation t = PredicateTranslation.of(f.predicate());
        if (!t.supported()) return Decision.cpu(t.unsupported());
        long rows = scan.table().rowCount();
        long bytes = 0;
        for (var type : t.types()) bytes += rows * ValueKind.of(type).orElseThrow().bytes();
        double selectivity = Math.pow(0.3, t.predicate().terms().size());
        CostModel.Estimate e = model.filterScan(rows, bytes, selectivity, scan.table().blockCount(), false);
        if (mode == GpuMode.ON) return Decision.gpu(forced(e));
        return e.gpuWins() ? Decision.gpu(e.phrase()) : Decision.cpu(e.phrase());
    }

    private static String forced(CostModel.Estimate e) {
        return String.format(java.util.Locale.ROOT, "gpu: gpu=on (est %.1f ms vs cpu %.1f ms)", e.gpuMillis(), e.cpuMillis());
    }

    /** Why a join cannot run on the device, or null when it can. */
    static String joinUnsupported(PlanNode.HashJoin j) {
        if (j.type() != PlanNode.JoinType.INNER) return j.type() + " join";
        if (j.probeKeys().length == 0) return "no join keys";
        if (j.residual() != null) return "residual condition";
        for (int i = 0; i < j.probeKeys().length; i++) {
            for (var type : new io.blueshift.memory.DataType[] {j.probe().schema().field(j.probeKeys()[i]).type(),
                    j.build().schema().field(j.buildKeys()[i]).type()}) {
                var k = ValueKind.of(type);
                if (k.isEmpty() || k.get() == ValueKind.FLOAT64) return "key type " + type.sqlName();
            }
        }
        return null;
    }

    private Decision join(PlanNode.HashJoin j) {
        if (mode == GpuMode.OFF || accelerator.isEmpty()) return noDevice();
        String why = joinUnsupported(j);
        if (why != null) return Decision.cpu(why + " not supported on gpu");
        long build = estimateRows(j.build());
        long probe = estimateRows(j.probe());
        CostModel.Estimate e = model.hashJoin(build, probe, probe, (int) Math.max(1, probe / 65536));
        if (mode == GpuMode.ON) return Decision.gpu(forced(e));
        return e.gpuWins() ? Decision.gpu(e.phrase()) : Decision.cpu(e.phrase());
    }

    /** A rough row count: tables' sizes, a third kept by each filter, joins as big as their probe side. */
    static long estimateRows(PlanNode node) {
        return switch (node) {
            case PlanNode.Scan s -> s.table().rowCount();
            case PlanNode.Filter f -> Math.max(1, estimateRows(f.input()) / 3);
            case PlanNode.HashJoin j -> estimateRows(j.probe());
            case PlanNode.Aggregate a -> Math.max(1, estimateRows(a.input()) / 10);
            case PlanNode.Limit l -> Math.min(l.limit(), estimateRows(l.input()));
            case PlanNode.Values v -> v.rows().size();
            default -> node.inputs().isEmpty() ? 1 : estimateRows(node.inputs().getFirst());
        };
    }
}
