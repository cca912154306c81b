package io.blueshift.gpu;

import io.blueshift.memory.MemoryPool;

import java.lang.foreign.MemorySegment;
import java.util.List;

/** The backend when there is no device: says so, with the reason, on every operation. */
public final class NoneAccelerator implements Accelerator {
    private final String reason;

    public NoneAccelerator(String reason) {
        this.reason = reason;
    }

    private UnsupportedOperationException none() {
        return new UnsupportedOperationException("no GPU: " + reason);
    }

    @Override public String backend() { return "none"; }
    @Override public DeviceInfo device() { throw none(); }
    @Override public DeviceBuffer allocate(long bytes, MemoryPool pool, String owner) { throw none(); }
    @Override public PinnedBuffer allocatePinned(long bytes, MemoryPool pool, String owner) { throw none(); }
    @Override public void copyToDevice(MemorySegment src, DeviceBuffer dst, long dstOffset) { throw none(); }
    @Override public void copyToHost(DeviceBuffer src, long srcOffset, MemorySegment dst) { throw none(); }
    @Override public int filter(List<DeviceColumn> c, DevicePredicate p, int rows, DeviceBuffer s, MemoryPool pool) { throw none(); }
    @Override public DeviceHashTable buildHashTable(DeviceColumn keys, int rows, MemoryPool pool) { throw none(); }
    @Override public long probe(DeviceHashTable t, DeviceColumn k, int rows, DeviceBuffer p, DeviceBuffer b, long cap, MemoryPool pool) { throw none(); }
    @Override public GroupedAggregate aggregate(DeviceColumn k, int rows, List<GroupedAggregate.Spec> a, int max, MemoryPool pool) { throw none(); }
    @Override public void close() { }
}
