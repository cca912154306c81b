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
 * A filter over a table scan, run on the device: one morsel per {@link BlockSegments segment}
 * of consecutive table blocks; the predicate's columns go over (the segment's blocks one after
 * the other), the kernels select, the selection comes back, and each block's scanned columns
 * go on with its part of it (no copy). With the session's {@link DeviceColumnCache}, predicate
 * columns found there are not copied, missing ones go into it when the decision admits them,
 * and when all are there a block is loaded only if some row of it passes. A device error in a
 * morsel runs that morsel's blocks through the CPU filter instead, so the result is the same.
 */
final class GpuFilterScan implements Source {
    private final Accelerator acc;
    private final PlanNode.Filter filter;
    private final PlanNode.Scan scan;
    private final PredicateTranslation predicate;
    private final GpuOffload offload;
    private final DeviceColumnCache cache;
    private final Decision.CacheUse cacheUse;
    private final int segmentRows;
    private final AtomicInteger cursor = new AtomicInteger();
    private volatile BlockSegments segments;

    GpuFilterScan(Accelerator acc, PlanNode.Filter filter, PlanNode.Scan scan, PredicateTranslation predicate, GpuOffload offload) {
        this(acc, filter, scan, predicate, offload, null, null, BlockSegments.DEFAULT_SEGMENT_ROWS);
    }

    /** {@code cache} and {@code cacheUse} both null, or both set (the columns' identities in the translation's order). */
    GpuFilterScan(Accelerator acc, PlanNode.Filter filter, PlanNode.Scan scan, PredicateTranslation predicate, GpuOffload offload,
                  DeviceColumnCache cache, Decision.CacheUse cacheUse, int segmentRows) {
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
        this.segmentRows = segmentRows;
    }

    @Override
    public Schema outputSchema() { return filter.schema(); }

    @Override
    public void open(ExecutionContext ctx) {
        segments = BlockSegments.of(scan.table(), segmentRows);
        cursor.set(0);
    }

    @Override
    public int nextMorsel() {
        int i = cursor.getAndIncrement();
        return i < segments.count() ? i : -1;
    }

    @Override
    public void scan(int morsel, ExecutionContext ctx, BatchConsumer downstream) {
        ctx.checkCancelled();
        int from = segments.start(morsel);
        int to = segments.end(morsel);
        List<DeviceColumnCache.Lease> resident = cache == null ? null : allResident(from, to - from);
        if (resident != null) {
            try {
                scanResident(from, to, resident, ctx, downstream);
            } finally {
                resident.forEach(DeviceColumnCache.Lease::close);
            }
            return;
        }
        List<LoadedBlock> blocks = new ArrayList<>();
        try {
            for (int b = from; b < to; b++) blocks.add(scan.table().load(b, scan.columns(), ctx.pool()));
            int[] rows = new int[blocks.size()];
            long total = 0;
            for (int i = 0; i < rows.length; i++) total += rows[i] = blocks.get(i).rowCount();
            if (total == 0) return;
            SelectionVector selection;
            try {
                selection = select(from, blocks, rows, (int) total, ctx.pool());
            } catch (RuntimeException e) {
                cpuFilter(from, to, blocks, e, ctx, downstream);
                return;
            }
            try {
                int offset = 0;
                int at = 0;
                for (LoadedBlock block : blocks) {
                    at = emit(block, offset, selection, at, ctx.pool(), downstream);
                    offset += block.rowCount();
                }
            } finally {
                selection.close();
            }
        } finally {
            blocks.forEach(LoadedBlock::close);
        }
    }

    /** Every predicate column of the segment from the cache, pinned; null (nothing pinned) when one is missing. */
    private List<DeviceColumnCache.Lease> allResident(int from, int blocks) {
        List<DeviceColumnCache.Lease> out = new ArrayList<>();
        for (var column : cacheUse.columns()) {
            DeviceColumnCache.Lease l = cache.get(new DeviceColumnCache.Key(column, from, blocks));
            if (l == null || !out.isEmpty() && l.rows() != out.getFirst().rows()) {
                if (l != null) l.close();
                out.forEach(DeviceColumnCache.Lease::close);
                return null;
            }
            out.add(l);
        }
        return out;
    }

    /** The predicate over resident columns first; a block is loaded only when some row of it passes. */
    private void scanResident(int from, int to, List<DeviceColumnCache.Lease> resident, ExecutionContext ctx, BatchConsumer downstream) {
        int rows = resident.getFirst().rows();
        List<DeviceColumn> device = new ArrayList<>();
        for (DeviceColumnCache.Lease l : resident) device.add(l.column());
        long expected = 0;
        for (int b = from; b < to; b++) expected += scan.table().blockRowCount(b);
        SelectionVector selection = null;
        RuntimeException failure = expected == rows ? null
                : new IllegalStateException("cached columns of blocks " + from + ".." + (to - 1) + " have " + rows + " rows, the blocks " + expected);
        if (failure == null) {
            try {
                selection = run(device, rows, ctx.pool());
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (failure != null) {
            List<LoadedBlock> blocks = new ArrayList<>();
            try {
                for (int b = from; b < to; b++) blocks.add(scan.table().load(b, scan.columns(), ctx.pool()));
                cpuFilter(from, to, blocks, failure, ctx, downstream);
            } finally {
                blocks.forEach(LoadedBlock::close);
            }
            return;
        }
        try {
            int offset = 0;
            int at = 0;
            for (int b = from; b < to && at < selection.count(); b++) {
                int n = scan.table().blockRowCount(b);
                if (selection.get(at) < offset + n) {
                    try (LoadedBlock block = scan.table().load(b, scan.columns(), ctx.pool())) {
                        at = emit(block, offset, selection, at, ctx.pool(), downstream);
                    }
                }
                offset += n;
            }
        } finally {
            selection.close();
        }
    }

    private void cpuFilter(int from, int to, List<LoadedBlock> blocks, RuntimeException e, ExecutionContext ctx, BatchConsumer downstream) {
        offload.fellBack("filter on " + scan.table().name() + (to - from == 1 ? " block " + from : " blocks " + from + ".." + (to - 1)), e);
        FilterOperator cpu = new FilterOperator(filter.schema(), filter.predicate());
        try (OperatorState state = cpu.createState(ctx)) {
            for (LoadedBlock block : blocks) {
                if (block.rowCount() > 0) cpu.process(new Batch(block.columns(), block.rowCount()), state, downstream);
            }
        }
    }

    /**
     * Pushes the rows of {@code block} (rows {@code offset..} of the segment) that the segment's
     * ascending {@code selection} holds from position {@code at} on; returns the position after them.
     */
    private static int emit(LoadedBlock block, int offset, SelectionVector selection, int at, MemoryPool pool, BatchConsumer downstream) {
        int rows = block.rowCount();
        int end = at;
        while (end < selection.count() && selection.get(end) < offset + rows) end++;
        int n = end - at;
        if (n == 0) return end;
        Batch all = new Batch(block.columns(), rows);
        if (n == rows) {
            downstream.accept(all);
        } else if (offset == 0 && at == 0 && end == selection.count()) {
            downstream.accept(all.withSelection(selection)); // the segment's only block with rows: as it came back
        } else {
            try (SelectionVector mine = new SelectionVector(pool, rows)) {
                for (int i = 0; i < n; i++) mine.set(i, selection.get(at + i) - offset);
                mine.setCount(n);
                downstream.accept(all.withSelection(mine));
            }
        }
        return end;
    }

    /** Predicate columns from the cache where they are (or go in when admitted), else copied for this morsel. */
    private SelectionVector select(int from, List<LoadedBlock> blocks, int[] rows, int total, MemoryPool pool) {
        List<DeviceColumn> device = new ArrayList<>();
        List<AutoCloseable> release = new ArrayList<>();
        SelectionVector result = null;
        Throwable primary = null;
        try {
            for (int i = 0; i < predicate.columns().length; i++) {
                List<ColumnVector> parts = new ArrayList<>(blocks.size());
                for (LoadedBlock b : blocks) parts.add(b.column(predicate.columns()[i]));
                DeviceColumnCache.Lease l = null;
                if (cache != null) {
                    var key = new DeviceColumnCache.Key(cacheUse.columns().get(i), from, blocks.size());
                    l = ofRows(cache.get(key), total);
                    if (l == null && cacheUse.admit()) {
                        l = ofRows(cache.put(key, parts, rows), total); // put returns an entry another thread put first
                    }
                }
                if (l != null) {
                    release.add(l);
                    device.add(l.column());
                } else {
                    DeviceColumn c = DeviceColumns.uploadParts(acc, parts, rows, pool, "gpu filter column");
                    release.add(c);
                    device.add(c);
                }
            }
            result = run(device, total, pool);
        } catch (RuntimeException | Error e) {
            primary = e;
            throw e;
        } finally {
            RuntimeException failure = null;
            for (AutoCloseable c : release) {
                try {
                    c.close();
                } catch (Exception e) {
                    if (primary != null) primary.addSuppressed(e); // the device's own error is the one to report
                    else if (failure == null) failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                    else failure.addSuppressed(e);
                }
            }
            if (failure != null) {
                if (result != null) result.close(); // the caller falls back to the CPU: the selection is not handed over
                throw failure;
            }
        }
        return result;
    }

    /** {@code lease} when its column has {@code rows} rows; else null, the lease closed (a copy of other data). */
    private static DeviceColumnCache.Lease ofRows(DeviceColumnCache.Lease lease, int rows) {
        if (lease == null || lease.rows() == rows) return lease;
        lease.close();
        return null;
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
        return "GpuFilterScan " + scan.table().name();
    }
}
