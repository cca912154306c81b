package io.blueshift.gpu;

import io.blueshift.memory.Allocation;

import java.util.Objects;

/**
 * Memory on a device: an address only the device can use, its size, and the reservation that
 * accounts it in a {@link io.blueshift.memory.MemoryPool}. Closing frees it; twice is harmless.
 * Backends subclass it to free their own way.
 */
public abstract class DeviceBuffer implements AutoCloseable {
    private final long address;
    private final long byteSize;
    private final Allocation accounting;
    private boolean closed;

    protected DeviceBuffer(long address, long byteSize, Allocation accounting) {
        this.address = address;
        this.byteSize = byteSize;
        this.accounting = Objects.requireNonNull(accounting, "accounting is null");
    }

    public long address() {
        if (closed) {
            throw new IllegalStateException("device buffer of " + accounting.owner() + " is already freed");
        }
        return address;
    }

    public long byteSize() { return byteSize; }

    public String owner() { return accounting.owner(); }

    /** Gives the memory back to the device. */
    protected abstract void free();

    @Override
    public final synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            free();
        } finally {
            accounting.close();
        }
    }
}
