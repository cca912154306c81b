package io.blueshift.gpu.offload;

import io.blueshift.gpu.Accelerator;
import io.blueshift.gpu.DeviceBuffer;
import io.blueshift.gpu.DeviceColumn;
import io.blueshift.gpu.DeviceHashTable;
import io.blueshift.gpu.DeviceInfo;
import io.blueshift.gpu.DevicePredicate;
import io.blueshift.gpu.Discovery;
import io.blueshift.gpu.GroupedAggregate;
import io.blueshift.gpu.PinnedBuffer;
import io.blueshift.gpu.ReferenceAccelerator;
import io.blueshift.memory.MemoryPool;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The reference device, counting the copies to it (what the column cache saves) and the filters it ran. */
public final class CountingDevice implements Accelerator {
    private final ReferenceAccelerator ref;
    public final AtomicLong uploads = new AtomicLong();
    public final AtomicLong uploadedBytes = new AtomicLong();
    public final AtomicLong filters = new AtomicLong();

    public CountingDevice(DeviceInfo info) {
        this.ref = new ReferenceAccelerator(info);
    }

    public Discovery discovery() {
        return Discovery.found(this, List.of(device()));
    }

    @Override public String backend() { return "counting"; }
    @Override public DeviceInfo device() { return ref.device(); }
    @Override public DeviceBuffer allocate(long bytes, MemoryPool pool, String owner) { return ref.allocate(bytes, pool, owner); }
    @Override public PinnedBuffer allocatePinned(long bytes, MemoryPool pool, String owner) { return ref.allocatePinned(bytes, pool, owner); }

    @Override
    public void copyToDevice(MemorySegment src, DeviceBuffer dst, long off) {
        uploads.incrementAndGet();
        uploadedBytes.addAndGet(src.byteSize());
        ref.copyToDevice(src, dst, off);
    }

    @Override public void copyToHost(DeviceBuffer src, long off, MemorySegment dst) { ref.copyToHost(src, off, dst); }

    @Override
    public int filter(List<DeviceColumn> columns, DevicePredicate p, int rows, DeviceBuffer sel, MemoryPool pool) {
        filters.incrementAndGet();
        return ref.filter(columns, p, rows, sel, pool);
    }

    @Override public DeviceHashTable buildHashTable(DeviceColumn keys, int rows, MemoryPool pool) { return ref.buildHashTable(keys, rows, pool); }

    @Override
    public long probe(DeviceHashTable t, DeviceColumn k, int rows, DeviceBuffer p, DeviceBuffer b, long cap, MemoryPool pool) {
        return ref.probe(t, k, rows, p, b, cap, pool);
    }

    @Override
    public GroupedAggregate aggregate(DeviceColumn k, int rows, List<GroupedAggregate.Spec> a, int max, MemoryPool pool) {
        return ref.aggregate(k, rows, a, max, pool);
    }

    @Override public void close() { }
}
