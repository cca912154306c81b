package io.blueshift.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One off-heap buffer owned by a {@link MemoryPool}. Closing it frees the memory and returns
 * the bytes to the pool; closing twice is harmless.
 */
public final class Allocation implements AutoCloseable {
    private final MemoryPool pool;
    private final Arena arena;
    private final MemorySegment segment;
    private final String owner;
    private final long accounted;
    private boolean closed;

    Allocation(MemoryPool pool, Arena arena, MemorySegment segment, String owner) {
        this(pool, arena, segment, owner, segment.byteSize());
    }

    Allocation(MemoryPool pool, Arena arena, MemorySegment segment, String owner, long accounted) {
        this.pool = pool;
        this.arena = arena;
        this.segment = segment;
        this.owner = owner;
        this.accounted = accounted;
    }

    /** Bytes this allocation holds against its pool. */
    long accountedBytes() { return accounted; }

    public MemorySegment segment() {
        if (closed) {
            throw new IllegalStateException("allocation of " + owner + " is already freed");
        }
        return segment;
    }

    public long byteSize() { return segment.byteSize(); }

    public String owner() { return owner; }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (arena != null) {
            arena.close();
        }
        pool.release(this);
    }
}
