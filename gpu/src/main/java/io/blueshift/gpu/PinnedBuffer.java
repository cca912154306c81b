package io.blueshift.gpu;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Host memory for transfers: page-locked where the backend has it (copies run at full link
 * speed, asynchronously), accounted in a pool either way. Closing frees it; twice is harmless.
 */
public final class PinnedBuffer implements AutoCloseable {
    private final MemorySegment segment;
    private final boolean pinned;
    private final Runnable free;
    private boolean closed;

    public PinnedBuffer(MemorySegment segment, boolean pinned, Runnable free) {
        this.segment = Objects.requireNonNull(segment, "segment is null");
        this.pinned = pinned;
        this.free = Objects.requireNonNull(free, "free is null");
    }

    public MemorySegment segment() {
        if (closed) throw new IllegalStateException("pinned buffer already freed");
        return segment;
    }

    /** True when the memory is page-locked. */
    public boolean pinned() { return pinned; }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            free.run();
        }
    }
}
