package io.blueshift.gpu.offload;

import io.blueshift.gpu.Accelerator;
import io.blueshift.gpu.DeviceBuffer;
import io.blueshift.gpu.DeviceColumn;
import io.blueshift.gpu.DeviceColumnCache;
import io.blueshift.gpu.DeviceColumns;
import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.memory.SelectionVector;
import io.blueshift.operators.exec.BatchConsumer;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.OperatorState;
import io.blueshift.operators.exec.Source;
import io.blueshift.operators.filter.FilterOperator;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.storage.LoadedBlock;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A filter over a table scan, run on the device: one morsel per table block; the predicate's
 * columns go over, the kernels select, the selection comes back, and the block's scanned
 * columns go on with it (no copy). With the session's {@link DeviceColumnCache}, predicate
 * columns found there are not copied, missing ones go into it when the decision admits them,
 * and when all are there the block is loaded only if some row passes. A device error in a
 * morsel runs that morsel through the CPU filter instead, so the result is the same.
 */
final class GpuFilterScan implements Source {
    private final Accelerator acc;
    private final PlanNode.Filter filter;
    private final PlanNode.Scan scan;
    private final PredicateTranslation predicate;
    private final GpuOffload offload;
    private final DeviceColumnCache cache;
    private final Decision.CacheUse cacheUse;
    private final AtomicInteger cursor = new AtomicInteger();

    GpuFilterScan(Accelerator acc, PlanNode.Filter filter, PlanNode.Scan scan, PredicateTranslation predicate, GpuOffload offload) {
        this(acc, filter, scan, predicate, offload, null, null);
    }

    /** {@code cache} and {@code cacheUse} both null, or both set (the columns' identities in the translation's order). */
    GpuFilterScan(Accelerator acc, PlanNode.Filter filter, PlanNode.Scan scan, PredicateTranslation predicate, GpuOffload offload,
                  DeviceColumnCache cache, Decision.CacheUse cacheUse) {
        if (!predicate.supported()) throw new IllegalArgumentException(predicate.unsupported());
        if ((cache == null) != (cacheUse == null)) throw new IllegalArgumentException("cache and cacheUse go together");
        if (cacheUse != null && cacheUse.columns().size() != predicate.columns().length) {
            throw new IllegalArgumentException("one identity per predicate column");
        }
        this.acc = acc;
        this.filter = filter;
        this.scan = scan;
        this.predicate = predicate;
        this.offload = offload;
        this.cache = cache;
        this.cacheUse = cacheUse;
    }

    @Override
    public Schema outputSchema() { return filter.schema(); }

    @Override
    public void open(ExecutionContext ctx) {
        cursor.set(0);
    }

    @Override
    public int nextMorsel() {
        int i = cursor.getAndIncrement();
        return i < scan.table().blockCount() ? i : -1;
    }

    @Override
    public void scan(int morsel, ExecutionContext ctx, BatchConsumer downstream) {
        ctx.checkCancelled();
        List<DeviceColumnCache.Lease> resident = cache == null ? null : allResident(morsel);
        if (resident != null) {
            try {
                scanResident(morsel, resident, ctx, downstream);
            } finally {
                resident.forEach(DeviceColumnCache.Lease::close);
            }
            return;
        }
        try (LoadedBlock block = scan.table().load(morsel, scan.columns(), ctx.pool())) {
            int rows = block.rowCount();
            if (rows == 0) return;
            SelectionVector selection;
            try {
                selection = select(morsel, block, rows, ctx.pool());
            } catch (RuntimeException e) {
                cpuFilter(morsel, block, e, ctx, downstream);
                return;
            }
            emit(block, selection, downstream);
        }
    }

    /** Every predicate column of the block from the cache, pinned; null (nothing pinned) when one is missing. */
    private List<DeviceColumnCache.Lease> allResident(int morsel) {
        List<DeviceColumnCache.Lease> out = new ArrayList<>();
        for (var column : cacheUse.columns()) {
            DeviceColumnCache.Lease l = cache.get(new DeviceColumnCache.Key(column, morsel));
            if (l == null || !out.isEmpty() && l.rows() != out.getFirst().rows()) {
                if (l != null) l.close();
                out.forEach(DeviceColumnCache.Lease::close);
                return null;
            }
            out.add(l);
        }
        return out;
    }

    /** The predicate over resident columns first; the block is loaded only when some row passes. */
    private void scanResident(int morsel, List<DeviceColumnCache.Lease> resident, ExecutionContext ctx, BatchConsumer downstream) {
        int rows = resident.getFirst().rows();
        List<DeviceColumn> device = new ArrayList<>();
        for (DeviceColumnCache.Lease l : resident) device.add(l.column());
        SelectionVector selection = null;
        RuntimeException failure = null;
        try {
            selection = run(device, rows, ctx.pool());
        } catch (RuntimeException e) {
            failure = e;
        }
        if (selection != null && selection.count() == 0) {
            selection.close();
            return;
        }
        try (LoadedBlock block = scan.table().load(morsel, scan.columns(), ctx.pool())) {
            if (failure == null && block.rowCount() != rows) {
                selection.close();
                failure = new IllegalStateException("cached columns of block " + morsel + " have " + rows + " rows, the block "
                        + block.rowCount());
            }
            if (failure != null) {
                cpuFilter(morsel, block, failure, ctx, downstream);
                return;
            }
            emit(block, selection, downstream);
        }
    }

    private void cpuFilter(int morsel, LoadedBlock block, RuntimeException e, ExecutionContext ctx, BatchConsumer downstream) {
        offload.fellBack("filter on " + scan.table().name() + " block " + morsel, e);
        if (block.rowCount() == 0) return;
        FilterOperator cpu = new FilterOperator(filter.schema(), filter.predicate());
        try (OperatorState state = cpu.createState(ctx)) {
            cpu.process(new Batch(block.columns(), block.rowCount()), state, downstream);
        }
    }

    private static void emit(LoadedBlock block, SelectionVector selection, BatchConsumer downstream) {
        int rows = block.rowCount();
        Batch all = new Batch(block.columns(), rows);
        try {
            if (selection.count() == rows) {
                downstream.accept(all);
            } else if (selection.count() > 0) {
                downstream.accept(all.withSelection(selection));
            }
        } finally {
            selection.close();
        }
    }

    /** Predicate columns from the cache where they are (or go in when admitted), else copied for this morsel. */
    private SelectionVector select(int morsel, LoadedBlock block, int rows, MemoryPool pool) {
        List<DeviceColumn> device = new ArrayList<>();
        List<AutoCloseable> release = new ArrayList<>();
        try {
            for (int i = 0; i < predicate.columns().length; i++) {
                ColumnVector v = block.column(predicate.columns()[i]);
                DeviceColumnCache.Lease l = null;
                if (cache != null) {
                    var key = new DeviceColumnCache.Key(cacheUse.columns().get(i), morsel);
                    l = cache.get(key);
                    if (l != null && l.rows() != rows) {
                        l.close();
                        l = null;
                    }
                    if (l == null && cacheUse.admit()) l = cache.put(key, v, rows);
                }
                if (l != null) {
                    release.add(l);
                    device.add(l.column());
                } else {
                    DeviceColumn c = DeviceColumns.upload(acc, v, rows, pool, "gpu filter column");
                    release.add(c);
                    device.add(c);
                }
            }
            return run(device, rows, pool);
        } finally {
            RuntimeException failure = null;
            for (AutoCloseable c : release) {
                try {
                    c.close();
                } catch (Exception e) {
                    if (failure == null) failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                }
            }
            if (failure != null) throw failure;
        }
    }

    /** The kernels over columns on the device; the selection back on the host. */
    private SelectionVector run(List<DeviceColumn> device, int rows, MemoryPool pool) {
        SelectionVector out = null;
        try (DeviceBuffer sel = acc.allocate((long) rows * 4, pool, "gpu selection")) {
            int n = acc.filter(device, predicate.predicate(), rows, sel, pool);
            out = new SelectionVector(pool, Math.max(rows, 1));
            if (n > 0) acc.copyToHost(sel, 0, out.segment().asSlice(0, (long) n * 4));
            out.setCount(n);
            return out;
        } catch (RuntimeException e) {
            if (out != null) out.close();
            throw e;
        }
    }

    @Override
    public String describe() {
        return cache == null ? "GpuFilterScan " + scan.table().name() : "GpuFilterScan " + scan.table().name() + " (column cache)";
    }
}
