package io.blueshift.gpu;

import io.blueshift.memory.MemoryPool;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A device that runs the engine's heavy primitives: filter scans into selections, hash join
 * build and probe, grouped aggregation. Device memory is accounted in the caller's
 * {@link MemoryPool} like host memory. Every operation is synchronous from the caller's view;
 * a device error is an exception ({@link io.blueshift.gpu.cuda.CudaException} for CUDA) the
 * caller answers by running the CPU path. Implementations are thread-safe.
 */
public interface Accelerator extends AutoCloseable {

    /** "cuda", "reference" (the same kernels run on the CPU), ... */
    String backend();

    DeviceInfo device();

    /** {@code bytes} of device memory, accounted in {@code pool} under {@code owner}. Contents undefined. */
    DeviceBuffer allocate(long bytes, MemoryPool pool, String owner);

    /**
     * Host memory the device copies from at full link speed (page-locked), accounted in
     * {@code pool}; an ordinary allocation where the backend has no such thing.
     */
    PinnedBuffer allocatePinned(long bytes, MemoryPool pool, String owner);

    void copyToDevice(MemorySegment src, DeviceBuffer dst, long dstOffset);

    void copyToHost(DeviceBuffer src, long srcOffset, MemorySegment dst);

    /**
     * Rows {@code 0..rows-1} of {@code columns} that pass {@code predicate}, written ascending as
     * int32 row ids to {@code selection} (on the device, room for {@code rows}); returns how many.
     */
    int filter(List<DeviceColumn> columns, DevicePredicate predicate, int rows, DeviceBuffer selection, MemoryPool pool);

    /** A hash table over int64 keys (row ids are positions in {@code keys}); null keys are left out. */
    DeviceHashTable buildHashTable(DeviceColumn keys, int rows, MemoryPool pool);

    /**
     * Probes {@code rows} int64 keys: every (probe row, build row) pair with equal keys, written
     * to {@code probeRows}/{@code buildRows} (int32 each, room for {@code capacity} pairs, in no
     * particular order). Returns the number of pairs; when that exceeds {@code capacity} only the
     * first {@code capacity} were written and the caller probes again with more room.
     */
    long probe(DeviceHashTable table, DeviceColumn keys, int rows, DeviceBuffer probeRows, DeviceBuffer buildRows,
               long capacity, MemoryPool pool);

    /**
     * GROUP BY one int64 key (no nulls) over {@code rows} rows: {@code aggregates} over INT64
     * columns (COUNT(*) takes no column). At most {@code maxGroups} groups (more is an error).
     */
    GroupedAggregate aggregate(DeviceColumn keys, int rows, List<GroupedAggregate.Spec> aggregates, int maxGroups,
                               MemoryPool pool);

    /** Frees the device context; buffers must be closed first. */
    @Override
    void close();
}
