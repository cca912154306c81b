package io.blueshift.gpu.offload;

import io.blueshift.gpu.Accelerator;
import io.blueshift.gpu.DeviceBuffer;
import io.blueshift.gpu.DeviceColumn;
import io.blueshift.gpu.DeviceColumns;
import io.blueshift.gpu.DeviceHashTable;
import io.blueshift.gpu.ReferenceAccelerator;
import io.blueshift.memory.Allocation;
import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.memory.Validity;
import io.blueshift.operators.exec.BatchConsumer;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.exec.Source;
import io.blueshift.operators.plan.NodeOffload;
import io.blueshift.operators.plan.PlanNode;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An INNER equi-join on integer keys with the hash table on the device (several keys: one
 * mixed int64 per row, candidate pairs verified on the host). Both inputs are
 * materialized first (the CPU path streams the probe side; this one sends each probe batch
 * over whole). Per probe batch: keys over, matching (probe row, build row) pairs back, output
 * rows gathered on the host. A device error in a batch probes that batch with the reference
 * kernels on the host instead (same pairs), so the answer does not change.
 */
final class GpuHashJoin implements Source, AutoCloseable {
    private final Accelerator acc;
    private final PlanNode.HashJoin join;
    private final MaterializedResult build;
    private final MaterializedResult probe;
    private final long[] buildOffsets;
    private final Allocation hostKeys;
    private final DeviceColumn deviceKeys;
    private final DeviceHashTable table;
    private final GpuOffload offload;
    private final AtomicInteger cursor = new AtomicInteger();
    private ReferenceAccelerator hostFallback;
    private DeviceHashTable hostTable;
    private DeviceColumn hostKeyColumn;

    private GpuHashJoin(Accelerator acc, PlanNode.HashJoin join, MaterializedResult build, MaterializedResult probe,
                        long[] buildOffsets, Allocation hostKeys, DeviceColumn deviceKeys, DeviceHashTable table, GpuOffload offload) {
        this.acc = acc;
        this.join = join;
        this.build = build;
        this.probe = probe;
        this.buildOffsets = buildOffsets;
        this.hostKeys = hostKeys;
        this.deviceKeys = deviceKeys;
        this.table = table;
        this.offload = offload;
    }

    static NodeOffload.Offloaded open(Accelerator acc, PlanNode.HashJoin j, ExecutionContext ctx,
                                      Function<PlanNode, MaterializedResult> execute, GpuOffload offload) {
        MaterializedResult build = execute.apply(j.build());
        MaterializedResult probe = null;
        Allocation keys = null;
        DeviceColumn dk = null;
        try {
            int[] key = j.buildKeys();
            long total = build.rowCount();
            if (total > Integer.MAX_VALUE - 1) throw new IllegalStateException("build side over 2^31 rows");
            int n = (int) total;
            long[] offsets = new long[build.batches().size() + 1];
            keys = ctx.pool().allocate(Math.max(n, 1) * 8L, "gpu join build keys");
            MemorySegment validity = null;
            Allocation validAlloc = null;
            int at = 0;
            for (int b = 0; b < build.batches().size(); b++) {
                Batch batch = build.batches().get(b);
                offsets[b] = at;
                for (int i = 0; i < batch.liveCount(); i++) {
                    int r = batch.liveRow(i);
                    if (anyNull(batch, key, r)) {
                        if (validity == null) {
                            validAlloc = ctx.pool().allocate(Validity.bytesFor(Math.max(n, 1)), "gpu join build validity");
                            validity = validAlloc.segment();
                            Validity.setAll(validity, true);
                        }
                        Validity.set(validity, at, false);
                    }
                    keys.segment().setAtIndex(ValueLayout.JAVA_LONG, at++, combined(batch, key, r));
                }
            }
            offsets[build.batches().size()] = at;
            try {
                ColumnVector kv = ColumnVector.wrap(DataType.INT64, Math.max(n, 1), keys.segment(), validity, null);
                dk = DeviceColumns.upload(acc, kv, n, ctx.pool(), "gpu join build keys");
            } finally {
                if (validAlloc != null) validAlloc.close();
            }
            DeviceHashTable table = acc.buildHashTable(dk, n, ctx.pool());
            probe = execute.apply(j.probe());
            GpuHashJoin g = new GpuHashJoin(acc, j, build, probe, offsets, keys, dk, table, offload);
            return new NodeOffload.Offloaded(g, g);
        } catch (RuntimeException e) {
            if (dk != null) dk.close();
            if (keys != null) keys.close();
            if (probe != null) probe.close();
            build.close();
            throw e;
        }
    }

    @Override
    public Schema outputSchema() { return join.schema(); }

    @Override
    public void open(ExecutionContext ctx) { cursor.set(0); }

    @Override
    public int nextMorsel() {
        int i = cursor.getAndIncrement();
        return i < probe.batches().size() ? i : -1;
    }

    @Override
    public void scan(int morsel, ExecutionContext ctx, BatchConsumer downstream) {
        ctx.checkCancelled();
        Batch batch = probe.batches().get(morsel);
        if (batch.liveCount() == 0) return;
        int rows = batch.rowCount();
        int[] pk = join.probeKeys();
        ColumnVector combinedKeys = pk.length == 1 ? null : combinedColumn(batch, pk, ctx.pool());
        try {
            ColumnVector keyColumn = combinedKeys != null ? combinedKeys : batch.column(pk[0]);
            int[][] pairs;
            try {
                pairs = probePairs(acc, table, keyColumn, rows, ctx.pool());
            } catch (RuntimeException e) {
                offload.fellBack("join probe batch " + morsel, e);
                pairs = probePairs(hostFallback(ctx.pool()), hostTable, keyColumn, rows, ctx.pool());
            }
            if (pk.length > 1) pairs = verified(batch, pairs);
            emit(batch, pairs, ctx, downstream);
        } finally {
            if (combinedKeys != null) combinedKeys.close();
        }
    }

    private synchronized ReferenceAccelerator hostFallback(MemoryPool pool) {
        if (hostFallback == null) {
            hostFallback = new ReferenceAccelerator();
            int n = (int) buildOffsets[buildOffsets.length - 1];
            ColumnVector kv = ColumnVector.wrap(DataType.INT64, Math.max(n, 1), hostKeys.segment(), null, null);
            // nulls: the device keys' validity is not kept on the host; rebuild it from the build side
            try (ColumnVector withNulls = withBuildValidity(kv, n, pool)) {
                hostKeyColumn = DeviceColumns.upload(hostFallback, withNulls, n, pool, "host join keys");
            }
            hostTable = hostFallback.buildHashTable(hostKeyColumn, n, pool);
        }
        return hostFallback;
    }

    private ColumnVector withBuildValidity(ColumnVector kv, int n, MemoryPool pool) {
        ColumnVector out = ColumnVector.allocate(pool, DataType.INT64, Math.max(n, 1), true, "host join keys");
        int at = 0;
        int[] key = join.buildKeys();
        for (Batch b : build.batches()) {
            for (int i = 0; i < b.liveCount(); i++) {
                int r = b.liveRow(i);
                out.setLong(at, kv.getLong(at));
                if (anyNull(b, key, r)) out.setNull(at);
                at++;
            }
        }
        return out;
    }

    private static long value(ColumnVector c, int r) {
        return c.type().byteWidth() == 4 ? c.getInt(r) : c.getLong(r);
    }

    private static boolean anyNull(Batch b, int[] keys, int r) {
        for (int k : keys) if (b.column(k).isNull(r)) return true;
        return false;
    }

    /**
     * One int64 per row for the device: the key itself, or for several keys a mix of them
     * (equal keys give equal mixes; unequal ones may collide, so pairs are verified after).
     */
    private static long combined(Batch b, int[] keys, int r) {
        long h = value(b.column(keys[0]), r);
        for (int i = 1; i < keys.length; i++) {
            h = (h ^ (h >>> 29)) * 0xBF58476D1CE4E5B9L + value(b.column(keys[i]), r);
        }
        return h;
    }

    private static ColumnVector combinedColumn(Batch batch, int[] keys, MemoryPool pool) {
        int rows = batch.rowCount();
        ColumnVector out = ColumnVector.allocate(pool, DataType.INT64, Math.max(rows, 1), false, "gpu join probe keys");
        try {
            for (int r = 0; r < rows; r++) {
                out.setLong(r, combined(batch, keys, r));
                if (anyNull(batch, keys, r)) out.setNull(r);
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** Pairs whose every key is equal (a mix of several keys can collide). */
    private int[][] verified(Batch probeBatch, int[][] pairs) {
        int[] pr = pairs[0];
        int[] br = pairs[1];
        int k = 0;
        for (int i = 0; i < pr.length; i++) {
            int b = batchOf(br[i]);
            Batch bb = build.batches().get(b);
            int brow = bb.liveRow((int) (br[i] - buildOffsets[b]));
            boolean equal = true;
            for (int j = 0; j < join.probeKeys().length && equal; j++) {
                equal = value(probeBatch.column(join.probeKeys()[j]), pr[i]) == value(bb.column(join.buildKeys()[j]), brow);
            }
            if (equal) {
                pr[k] = pr[i];
                br[k++] = br[i];
            }
        }
        return new int[][] {Arrays.copyOf(pr, k), Arrays.copyOf(br, k)};
    }

    /** (probe row, global build row) pairs for the live rows of a probe batch. */
    private static int[][] probePairs(Accelerator a, DeviceHashTable t, ColumnVector keys, int rows, MemoryPool pool) {
        try (DeviceColumn dk = DeviceColumns.uploadAsInt64(a, keys, rows, pool, "gpu probe keys")) {
            long capacity = Math.max(rows, 1024);
            while (true) {
                try (DeviceBuffer p = a.allocate(capacity * 4, pool, "gpu probe rows");
                     DeviceBuffer b = a.allocate(capacity * 4, pool, "gpu build rows")) {
                    long n = a.probe(t, dk, rows, p, b, capacity, pool);
                    if (n > capacity) {
                        if (n > Integer.MAX_VALUE - 8) { // more pairs than one array holds: the CPU join takes this batch
                            throw new IllegalStateException("a probe batch matched " + n + " pairs, more than 2^31");
                        }
                        capacity = n;
                        continue;
                    }
                    int[] pr = new int[(int) n];
                    int[] br = new int[(int) n];
                    if (n > 0) {
                        a.copyToHost(p, 0, MemorySegment.ofArray(pr));
                        a.copyToHost(b, 0, MemorySegment.ofArray(br));
                    }
                    return new int[][] {pr, br};
                }
            }
        }
    }

    private void emit(Batch batch, int[][] pairs, ExecutionContext ctx, BatchConsumer downstream) {
        int[] pr = pairs[0];
        int[] br = pairs[1];
        // only live probe rows: a probe batch from a breaker is dense, but keep the contract
        if (batch.selection() != null) {
            boolean[] live = new boolean[batch.rowCount()];
            for (int i = 0; i < batch.liveCount(); i++) live[batch.liveRow(i)] = true;
            int k = 0;
            for (int i = 0; i < pr.length; i++) {
                if (live[pr[i]]) {
                    pr[k] = pr[i];
                    br[k++] = br[i];
                }
            }
            pr = Arrays.copyOf(pr, k);
            br = Arrays.copyOf(br, k);
        }
        int step = ctx.batchRows();
        for (int from = 0; from < pr.length; from += step) {
            int n = Math.min(step, pr.length - from);
            List<ColumnVector> out = new ArrayList<>();
            try {
                for (int c = 0; c < batch.columnCount(); c++) {
                    ColumnVector src = batch.column(c);
                    ColumnVector dst = ColumnVector.allocate(ctx.pool(), src.type(), n, src.mayHaveNulls(), "gpu join output");
                    out.add(dst);
                    for (int i = 0; i < n; i++) copyValue(src, pr[from + i], dst, i);
                }
                int buildColumns = join.build().schema().size();
                for (int c = 0; c < buildColumns; c++) {
                    DataType type = join.build().schema().field(c).type();
                    boolean nullable = false;
                    for (Batch b : build.batches()) nullable |= b.column(c).mayHaveNulls();
                    ColumnVector dst = ColumnVector.allocate(ctx.pool(), type, n, nullable, "gpu join output");
                    out.add(dst);
                    for (int i = 0; i < n; i++) {
                        int global = br[from + i];
                        int b = batchOf(global);
                        Batch bb = build.batches().get(b);
                        copyValue(bb.column(c), bb.liveRow((int) (global - buildOffsets[b])), dst, i);
                    }
                }
                downstream.accept(new Batch(out, n));
            } finally {
                for (ColumnVector v : out) v.close();
            }
        }
    }

    private int batchOf(long global) {
        int lo = 0;
        int hi = buildOffsets.length - 2;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (buildOffsets[mid] <= global) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    private static void copyValue(ColumnVector src, int r, ColumnVector dst, int i) {
        if (src.isNull(r)) {
            dst.setNull(i);
            return;
        }
        switch (src.type()) {
            case DataType.BooleanType t -> dst.setBoolean(i, src.getBoolean(r));
            case DataType.VarcharType t -> dst.setString(i, src.getStringBytes(r));
            case DataType.Float64Type t -> dst.setDouble(i, src.getDouble(r));
            default -> {
                if (src.type().byteWidth() == 4) dst.setInt(i, src.getInt(r)); else dst.setLong(i, src.getLong(r));
            }
        }
    }

    @Override
    public String describe() {
        return "GpuHashJoin";
    }

    @Override
    public synchronized void close() {
        // each in its own step: after a device error a free can throw, and the rest must still be released
        RuntimeException failure = null;
        for (AutoCloseable c : new AutoCloseable[] {table, deviceKeys, hostTable, hostKeyColumn, hostKeys, probe, build}) {
            if (c == null) continue;
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                else failure.addSuppressed(e);
            }
        }
        if (failure != null) throw failure;
    }
}
