package io.blueshift.gpu.offload;

import io.blueshift.gpu.Accelerator;
import io.blueshift.gpu.DeviceBuffer;
import io.blueshift.gpu.DeviceColumn;
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
 * columns go on with it (no copy). A device error in a morsel runs that morsel through the CPU
 * filter instead, so the result is the same.
 */
final class GpuFilterScan implements Source {
    private final Accelerator acc;
    private final PlanNode.Filter filter;
    private final PlanNode.Scan scan;
    private final PredicateTranslation predicate;
    private final GpuOffload offload;
    private final AtomicInteger cursor = new AtomicInteger();

    GpuFilterScan(Accelerator acc, PlanNode.Filter filter, PlanNode.Scan scan, PredicateTranslation predicate, GpuOffload offload) {
        if (!predicate.supported()) throw new IllegalArgumentException(predicate.unsupported());
        this.acc = acc;
        this.filter = filter;
        this.scan = scan;
        this.predicate = predicate;
        this.offload = offload;
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
        try (LoadedBlock block = scan.table().load(morsel, scan.columns(), ctx.pool())) {
            int rows = block.rowCount();
            if (rows == 0) return;
            Batch all = new Batch(block.columns(), rows);
            SelectionVector selection;
            try {
                selection = select(block, rows, ctx.pool());
            } catch (RuntimeException e) {
                offload.fellBack("filter on " + scan.table().name() + " block " + morsel, e);
                FilterOperator cpu = new FilterOperator(filter.schema(), filter.predicate());
                try (OperatorState state = cpu.createState(ctx)) {
                    cpu.process(all, state, downstream);
                }
                return;
            }
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
    }

    private SelectionVector select(LoadedBlock block, int rows, MemoryPool pool) {
        List<DeviceColumn> device = new ArrayList<>();
        DeviceBuffer sel = null;
        SelectionVector out = null;
        try {
            for (int i = 0; i < predicate.columns().length; i++) {
                ColumnVector v = block.column(predicate.columns()[i]);
                device.add(DeviceColumns.upload(acc, v, rows, pool, "gpu filter column"));
            }
            sel = acc.allocate((long) rows * 4, pool, "gpu selection");
            int n = acc.filter(device, predicate.predicate(), rows, sel, pool);
            out = new SelectionVector(pool, Math.max(rows, 1));
            if (n > 0) acc.copyToHost(sel, 0, out.segment().asSlice(0, (long) n * 4));
            out.setCount(n);
            return out;
        } catch (RuntimeException e) {
            if (out != null) out.close();
            throw e;
        } finally {
            if (sel != null) sel.close();
            for (DeviceColumn c : device) c.close();
        }
    }

    @Override
    public String describe() {
        return "GpuFilterScan " + scan.table().name();
    }
}
