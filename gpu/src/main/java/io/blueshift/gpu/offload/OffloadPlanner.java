package io.blueshift.gpu.offload;

import io.blueshift.gpu.Accelerator;
import io.blueshift.gpu.Accelerators;
import io.blueshift.gpu.DeviceColumnCache;
import io.blueshift.gpu.Discovery;
import io.blueshift.gpu.ValueKind;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.storage.ColumnIdentity;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The offload pass: after planning, decides for every Filter and HashJoin of a plan whether it
 * runs on the device, by {@link GpuMode} and the {@link CostModel}. What can run there: a
 * filter directly over a table scan whose predicate translates ({@link PredicateTranslation});
 * an INNER hash join on integer keys without a residual condition. Everything else, and
 * everything when there is no device, stays on the CPU, with the reason.
 *
 * <p>With a {@link DeviceColumnCache}, a filter's estimate counts the predicate columns
 * resident now as not transferred. Columns not resident go into the cache when the filter runs
 * on the device and: with gpu=on, they fit the budget; with gpu=auto, the filter wins on the
 * device now, or (the admission rule) they fit the budget, resident they would beat the CPU,
 * an earlier run of the session already filtered on them, and the time {@value #PAYBACK_RUNS}
 * resident runs save pays for this run's transfer. A join's inputs are materialized before
 * they go over, so joins do not use the cache.
 */
public final class OffloadPlanner implements AutoCloseable {
    /** Resident runs whose saving must repay the run that copies the columns in. */
    static final int PAYBACK_RUNS = 3;

    private final GpuMode mode;
    private final Optional<Accelerator> accelerator;
    private final String noDeviceReason;
    private final CostModel model;
    private final DeviceColumnCache cache;
    private volatile int segmentRows = BlockSegments.DEFAULT_SEGMENT_ROWS;

    /** Without a column cache. */
    public OffloadPlanner(GpuMode mode, Discovery discovery, int cpuThreads) {
        this(mode, discovery, cpuThreads, 0);
    }

    /**
     * {@code cacheBytes}: the device column cache's budget, 0 for none, negative for the default
     * ({@link DeviceColumnCache#defaultBudget}: half the device's memory).
     */
    public OffloadPlanner(GpuMode mode, Discovery discovery, int cpuThreads, long cacheBytes) {
        this.mode = mode;
        this.accelerator = discovery.accelerator();
        this.noDeviceReason = discovery.reason();
        this.model = accelerator.map(a -> new CostModel(a.device(), cpuThreads)).orElse(null);
        if (mode == GpuMode.ON && accelerator.isEmpty()) {
            throw new IllegalArgumentException("gpu=on but no CUDA device: " + discovery.reason());
        }
        long budget = cacheBytes < 0 && accelerator.isPresent() ? DeviceColumnCache.defaultBudget(accelerator.get()) : cacheBytes;
        this.cache = mode == GpuMode.OFF || accelerator.isEmpty() || budget <= 0 ? null
                : new DeviceColumnCache(accelerator.get(), budget);
    }

    /** For a session: finds the process's device unless the mode is off; gpu=on without one is an error. No column cache. */
    public static OffloadPlanner forSession(GpuMode mode, int cpuThreads) {
        return forSession(mode, cpuThreads, 0);
    }

    /** For a session, with a column cache of {@code cacheBytes} (0: none; negative: half the device's memory). */
    public static OffloadPlanner forSession(GpuMode mode, int cpuThreads, long cacheBytes) {
        return forSession(mode, mode == GpuMode.OFF ? Discovery.none("gpu=off") : Accelerators.get(), cpuThreads, cacheBytes);
    }

    /** For a session on a given device (tests, tools). */
    public static OffloadPlanner forSession(GpuMode mode, Discovery discovery, int cpuThreads, long cacheBytes) {
        return new OffloadPlanner(mode, mode == GpuMode.OFF ? Discovery.none("gpu=off") : discovery, cpuThreads, cacheBytes);
    }

    private OffloadPlanner(GpuMode mode, OffloadPlanner same) {
        this.mode = mode;
        this.accelerator = same.accelerator;
        this.noDeviceReason = same.noDeviceReason;
        this.model = same.model;
        this.cache = same.cache;
        this.segmentRows = same.segmentRows;
    }

    /**
     * The same device and column cache under another mode (the cache is shared: close only one of
     * the two planners), or empty when this planner has no device and {@code mode} wants one.
     */
    public Optional<OffloadPlanner> withMode(GpuMode mode) {
        if (accelerator.isEmpty() && mode != GpuMode.OFF) return Optional.empty();
        return Optional.of(new OffloadPlanner(mode, this));
    }

    public GpuMode mode() { return mode; }

    public Optional<Accelerator> accelerator() { return accelerator; }

    /** The most rows of consecutive table blocks a device filter takes in one pass (tests: 1 for a pass per block). */
    OffloadPlanner segmentRows(int rows) {
        if (rows < 1) throw new IllegalArgumentException("segment rows must be at least 1, got " + rows);
        this.segmentRows = rows;
        return this;
    }

    /** The device column cache, when there is one. */
    public Optional<DeviceColumnCache> cache() { return Optional.ofNullable(cache); }

    /** Gives up the cached columns of a dropped or replaced table. */
    public void forget(io.blueshift.storage.Table table) {
        if (cache != null) cache.invalidate(table);
    }

    public OffloadPlan plan(PlanNode plan) {
        Map<PlanNode, Decision> decisions = new IdentityHashMap<>();
        visit(plan, decisions);
        return new OffloadPlan(plan, decisions, accelerator.orElse(null), cache, segmentRows);
    }

    /** Frees the column cache (after the session's queries have ended). */
    @Override
    public void close() {
        if (cache != null) cache.close();
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
        int passes = BlockSegments.estimate(scan.table(), segmentRows); // one pass each
        List<ColumnIdentity> ids = cacheable(scan, t);
        if (ids == null) {
            CostModel.Estimate e = model.filterScan(rows, bytes, selectivity, passes, false);
            if (mode == GpuMode.ON) return Decision.gpu(forced(e, ""));
            return e.gpuWins() ? Decision.gpu(e.phrase()) : Decision.cpu(e.phrase());
        }
        // validity bitmaps: an eighth of a byte a row per column, rounded up to 8 bytes a segment
        boolean fits = bytes + ids.size() * (rows / 8 + 8L * passes) <= cache.budget();
        long resident = Math.min(bytes, cache.residentBytes(ids));
        String where = resident == 0 ? "" : resident >= bytes ? "resident, " : Math.max(1, resident * 100 / bytes) + "% resident, ";
        CostModel.Estimate now = model.filterScan(rows, bytes, selectivity, passes, resident);
        if (mode == GpuMode.ON) return Decision.gpu(forced(now, where), new Decision.CacheUse(ids, fits));
        if (now.gpuWins()) {
            String caching = fits && resident < bytes ? ", caching" : "";
            return Decision.gpu(fmt("gpu: %sest %.1f ms vs cpu %.1f ms%s", where, now.gpuMillis(), now.cpuMillis(), caching),
                    new Decision.CacheUse(ids, fits));
        }
        Decision.CacheUse noAdmit = new Decision.CacheUse(ids, false);
        if (!fits) return Decision.cpu(now.phrase() + "; columns over the gpu cache budget", noAdmit);
        CostModel.Estimate warm = model.filterScan(rows, bytes, selectivity, passes, true);
        if (!warm.gpuWins()) return Decision.cpu(now.phrase(), noAdmit);
        boolean repays = PAYBACK_RUNS * (warm.cpuMillis() - warm.gpuMillis()) >= now.gpuMillis() - now.cpuMillis();
        if (!repays) {
            return Decision.cpu(fmt("%s; gpu %.1f ms once resident, but %d runs would not repay the transfer",
                    now.phrase(), warm.gpuMillis(), PAYBACK_RUNS), noAdmit);
        }
        if (cache.uses(ids) < 1) {
            return Decision.cpu(fmt("%s; gpu %.1f ms once resident: cached on its next use", now.phrase(), warm.gpuMillis()), noAdmit);
        }
        return Decision.gpu(fmt("gpu: caching (used before), est %.1f ms now, %.1f ms resident vs cpu %.1f ms",
                now.gpuMillis(), warm.gpuMillis(), now.cpuMillis()), new Decision.CacheUse(ids, true));
    }

    /** The predicate columns' identities (translation order), or null without a cache or when the table cannot name one. */
    private List<ColumnIdentity> cacheable(PlanNode.Scan scan, PredicateTranslation t) {
        if (cache == null) return null;
        List<ColumnIdentity> ids = new ArrayList<>();
        for (int c : t.columns()) {
            ColumnIdentity id = scan.table().columnIdentity(scan.columns()[c]);
            if (id == null) return null;
            ids.add(id);
        }
        return ids;
    }

    private static String fmt(String format, Object... args) {
        return String.format(java.util.Locale.ROOT, format, args);
    }

    private static String forced(CostModel.Estimate e) {
        return forced(e, "");
    }

    private static String forced(CostModel.Estimate e, String where) {
        return fmt("gpu: gpu=on (%sest %.1f ms vs cpu %.1f ms)", where, e.gpuMillis(), e.cpuMillis());
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
