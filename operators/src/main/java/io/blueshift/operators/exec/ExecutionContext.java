package io.blueshift.operators.exec;

import io.blueshift.kernels.KernelProvider;
import io.blueshift.memory.MemoryPool;

import java.util.Objects;

/**
 * What one query's operators share: its memory pool, the kernels, the batch size, the worker
 * count, the worker threads (a session's pool; without one each pipeline starts its own) and
 * a stop flag. Immutable apart from the flag.
 * <p>
 * The flag is raised by {@link #cancel} (the user's cancel: the query ends with
 * {@link QueryCancelledException}) or by a failing worker (the query ends with that failure).
 * Workers test it between morsels; operators with long loops of their own (hash build, sort,
 * aggregation finish) call {@link #checkCancelled} every few thousand rows: it is one volatile
 * read.
 */
public final class ExecutionContext {
    private final MemoryPool pool;
    private final KernelProvider kernels;
    private final int batchRows;
    private final int threads;
    private final WorkerPool workers;
    private int hashPartitionBits = DefaultPartitionBits.BITS;
    private volatile boolean stopped;
    private volatile boolean cancelled;

    public ExecutionContext(MemoryPool pool, KernelProvider kernels, int batchRows, int threads) {
        this(pool, kernels, batchRows, threads, null);
    }

    /** {@code workers} null: every pipeline starts {@code threads} threads of its own. */
    public ExecutionContext(MemoryPool pool, KernelProvider kernels, int batchRows, int threads, WorkerPool workers) {
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
        this.workers = workers;
    }

    public MemoryPool pool() { return pool; }
    public KernelProvider kernels() { return kernels; }
    public int batchRows() { return batchRows; }
    public int threads() { return threads; }

    /**
     * Partition bits for a hash table of about a million rows (TuningParameters'
     * {@code hashPartitionBits}: a partition's slots fit the L2 cache); a build side of n rows
     * uses that many plus {@code log2(n / 2^20)}, within 0..12.
     */
    public int hashPartitionBits() { return hashPartitionBits; }

    /** Sets {@link #hashPartitionBits()} (before the query starts); returns this context. */
    public ExecutionContext hashPartitionBits(int bits) {
        if (bits < 0 || bits > 12) {
            throw new IllegalArgumentException("hash partition bits must be 0..12, got " + bits);
        }
        this.hashPartitionBits = bits;
        return this;
    }

    /** The detected machine's rule, computed once. */
    private static final class DefaultPartitionBits {
        static final int BITS = io.blueshift.hwprofiles.TuningParameters.derive(io.blueshift.hwprofiles.HardwareProfile.detect())
                .hashPartitionBits();
    }

    /** The shared worker threads, or null when pipelines start their own. */
    public WorkerPool workers() { return workers; }

    /** Asks every worker to stop at its next check; the query ends with {@link QueryCancelledException}. */
    public void cancel() {
        cancelled = true;
        stopped = true;
    }

    /** True after {@link #cancel}. */
    public boolean isCancelled() { return cancelled; }

    /** Stops the workers because one of them failed: the query ends with that failure. */
    void stopAfterFailure() {
        stopped = true;
    }

    /** True once the query should stop (cancelled or failed). */
    public boolean stopRequested() { return stopped; }

    /** Throws {@link QueryCancelledException} once the query should stop. Cheap: one volatile read. */
    public void checkCancelled() {
        if (stopped) {
            throw new QueryCancelledException();
        }
    }

}
