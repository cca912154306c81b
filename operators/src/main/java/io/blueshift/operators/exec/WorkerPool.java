package io.blueshift.operators.exec;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed set of worker threads that every query of a session shares: pipelines hand it one
 * task per worker slot, and tasks of concurrent queries queue behind each other (first come,
 * first served) instead of each query starting threads of its own. A task never waits for
 * another task, so a full pool cannot deadlock; a task submitted from one of the pool's own
 * threads runs inline for the same reason.
 */
public final class WorkerPool implements AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private volatile int threads;
    private final ThreadPoolExecutor executor;
    private final ThreadGroup group;

    public WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("worker threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        int id = POOLS.incrementAndGet();
        this.group = new ThreadGroup("blueshift-workers-" + id);
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(group, r, "blueshift-worker-" + id + "-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        executor.prestartAllCoreThreads();
    }

    public int threads() { return threads; }

    /**
     * Grows or shrinks the pool to {@code n} threads. Queued and running tasks are unaffected;
     * surplus threads end once idle.
     */
    public synchronized void resize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("worker threads must be at least 1, got " + n);
        }
        if (n > executor.getMaximumPoolSize()) {
            executor.setMaximumPoolSize(n);
            executor.setCorePoolSize(n);
        } else {
            executor.setCorePoolSize(n);
            executor.setMaximumPoolSize(n);
        }
        executor.prestartAllCoreThreads();
        threads = n;
    }

    /** True on one of this pool's threads. */
    public boolean isWorkerThread() {
        return Thread.currentThread().getThreadGroup() == group;
    }

    /** Queues {@code task}; runs it on the calling thread when that is one of ours. */
    void execute(Runnable task) {
        if (isWorkerThread()) {
            task.run();
            return;
        }
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("the session's worker pool is closed", e);
        }
    }

    /** Tasks already queued still run; new ones are refused. Does not wait. */
    @Override
    public void close() {
        executor.shutdown();
    }

    /** Closes and waits up to {@code millis} for queued and running tasks to end. */
    public boolean closeAndWait(long millis) throws InterruptedException {
        executor.shutdown();
        return executor.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }
}
