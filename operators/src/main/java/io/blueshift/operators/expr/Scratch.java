package io.blueshift.operators.expr;

import io.blueshift.memory.Allocation;
import io.blueshift.memory.MemoryPool;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-thread scratch buffers reused batch after batch: {@link #reset} at the start of a
 * batch, then {@link #take} hands out slots in call order, growing one only when a bigger
 * batch needs it. Buffers handed out are valid until the next reset.
 */
public final class Scratch implements AutoCloseable {
    private final MemoryPool pool;
    private final String owner;
    private final List<Allocation> slots = new ArrayList<>();
    private int next;

    private final boolean heap;

    public Scratch(MemoryPool pool, String owner) {
        this(pool, owner, false);
    }

    /** {@code heap}: buffers on the Java heap (see {@link MemoryPool#allocateHeap}). */
    public Scratch(MemoryPool pool, String owner, boolean heap) {
        this.pool = pool;
        this.owner = owner;
        this.heap = heap;
    }

    /**
     * Off-heap slots are kept by the pool when freed ({@link MemoryPool#allocateScratch}), in
     * power-of-two sizes so that the next query's slots find them.
     */
    private Allocation allocate(long bytes) {
        if (heap) {
            return pool.allocateHeap(bytes, owner);
        }
        long size = Math.max(MIN_SLOT_BYTES, Long.highestOneBit(Math.max(bytes, 1) - 1) << 1);
        return pool.allocateScratch(size, owner, true);
    }

    /** The smallest off-heap slot. */
    private static final long MIN_SLOT_BYTES = 1 << 10;

    public void reset() {
        next = 0;
    }

    /** A buffer of at least {@code bytes} bytes; contents are whatever the last use left. */
    public MemorySegment take(long bytes) {
        if (next < slots.size()) {
            Allocation a = slots.get(next);
            if (a.byteSize() >= bytes) {
                next++;
                return a.segment().asSlice(0, bytes);
            }
            a.close();
            Allocation bigger = allocate(Math.max(bytes, a.byteSize() * 2));
            slots.set(next++, bigger);
            return bigger.segment().asSlice(0, bytes);
        }
        Allocation a = allocate(bytes);
        slots.add(a);
        next++;
        return a.segment().asSlice(0, bytes);
    }

    @Override
    public void close() {
        for (Allocation a : slots) {
            a.close();
        }
        slots.clear();
    }
}
