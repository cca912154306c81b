package io.blueshift.operators.exec;

import io.blueshift.kernels.KernelProvider;
import io.blueshift.memory.MemoryPool;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one query's operators share: its memory pool, the kernels, the batch size, the worker
 * count and a cancellation flag. Immutable apart from the flag.
 */
public final class ExecutionContext {
    private final MemoryPool pool;
    private final KernelProvider kernels;
    private final int batchRows;
    private final int threads;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    public ExecutionContext(MemoryPool pool, KernelProvider kernels, int batchRows, int threads) {
        this.pool = Objects.requireNonNull(pool, "pool is null");
        this.kernels = Objects.requireNonNull(kernels, "kernels is null");
        if (batchRows <= 0 || (batchRows & 63) != 0) {
            throw new IllegalArgumentException("batch rows must be a positive multiple of 64, got " + batchRows);
        }
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be positive, got " + threads);
        }
        this.batchRows = batchRows;
        this.threads = threads;
    }

    public MemoryPool pool() { return pool; }
    public KernelProvider kernels() { return kernels; }
    public int batchRows() { return batchRows; }
    public int threads() { return threads; }

    public void cancel() { cancelled.set(true); }

    public void checkCancelled() {
        if (cancelled.get()) {
            throw new QueryCancelledException();
        }
    }

    public static final class QueryCancelledException extends RuntimeException {
        public QueryCancelledException() {
            super("query cancelled");
        }
    }
}
