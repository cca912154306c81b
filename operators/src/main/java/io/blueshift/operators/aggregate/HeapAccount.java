package io.blueshift.operators.aggregate;

import io.blueshift.memory.Allocation;
import io.blueshift.memory.MemoryPool;

/**
 * The Java-heap bytes one growable array (or set of arrays) of a group table holds, accounted
 * against the query's pool: {@link #resize} reserves the replacement's size before the caller
 * allocates it, so a limit fails with the pool's "memory limit exceeded" error, not an
 * OutOfMemoryError, and leak checks see the table until it is closed.
 */
public final class HeapAccount implements AutoCloseable {
    private final MemoryPool pool;
    private final String owner;
    private Allocation held;

    public HeapAccount(MemoryPool pool, String owner) {
        this.pool = pool;
        this.owner = owner;
    }

    /** Accounts {@code bytes} instead of what was held; throws (holding the old amount) over a limit. */
    public void resize(long bytes) {
        Allocation next = pool.reserveExternal(bytes, owner);
        if (held != null) {
            held.close();
        }
        held = next;
    }

    @Override
    public void close() {
        if (held != null) {
            held.close();
            held = null;
        }
    }
}
