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
    private final MemorySegment raw;
    private final MemorySegment segment;
    private final String owner;
    private final long accounted;
    private final boolean reusable;
    private boolean closed;
    private Thread freedBy; // a kept reusable allocation: the thread that closed it

    Allocation(MemoryPool pool, Arena arena, MemorySegment segment, String owner) {
        this(pool, arena, segment, owner, segment.byteSize());
    }

    Allocation(MemoryPool pool, Arena arena, MemorySegment segment, String owner, long accounted) {
        this(pool, arena, segment, owner, accounted, false);
    }

    /** {@code reusable}: on close the pool may keep the memory for its next allocation of this size. */
    Allocation(MemoryPool pool, Arena arena, MemorySegment segment, String owner, long accounted, boolean reusable) {
        this(pool, arena, segment, segment, owner, accounted, reusable);
    }

    /** {@code segment}: the caller's bytes at the start of {@code raw}, the buffer the pool holds (a size class). */
    Allocation(MemoryPool pool, Arena arena, MemorySegment raw, MemorySegment segment, String owner, long accounted, boolean reusable) {
        this.pool = pool;
        this.arena = arena;
        this.raw = raw;
        this.segment = segment;
        this.owner = owner;
        this.accounted = accounted;
        this.reusable = reusable;
    }

    Arena arena() { return arena; }

    Thread freedBy() { return freedBy; }

    void freedBy(Thread t) { freedBy = t; }

    /** The whole buffer, whether or not the allocation is closed (for the pool's reuse list). */
    MemorySegment rawSegment() { return raw; }

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
        if (reusable && pool.keep(this)) {
            return;
        }
        if (arena != null) {
            arena.close();
        }
        pool.release(this);
    }
}
