package io.blueshift.operators.exec;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Runs {@code n} tasks of one query on its workers (the session's {@link WorkerPool}, or
 * threads started for the call when the context has none) and waits for all of them. For
 * pipelines and for breakers that split their own work (a partitioned hash build or merge):
 * the task index says which part to do.
 * <p>
 * At most {@code ctx.threads()} runners take the task indices one at a time from a shared
 * counter, and the calling thread is one of them: it starts on the first index at once
 * instead of waiting for a pool thread to wake, so a query at one thread runs entirely on the
 * caller, and a query at two threads hands one runner to the pool. Runners that reach the
 * pool after every index was taken end without doing anything, so the caller never waits for
 * a pool thread busy with another query once the work itself is done.
 * <p>
 * A task that has not started when the query is stopped is skipped. The first failure stops
 * the others (they see the stop flag at their next {@link ExecutionContext#checkCancelled})
 * and is rethrown as it was, later failures suppressed into it; a cancelled query ends with
 * {@link QueryCancelledException}. Either way every task has ended when this returns or
 * throws. An interrupted caller cancels the query and still waits. Called from one of the
 * pool's own threads, the tasks run one after another on that thread.
 */
public final class ParallelTasks {
    private ParallelTasks() {}

    public static void run(ExecutionContext ctx, int n, IntConsumer task) {
        if (n < 1) {
            throw new IllegalArgumentException("task count must be positive, got " + n);
        }
        ctx.checkCancelled();
        Outcome outcome = new Outcome(ctx);
        CountDownLatch done = new CountDownLatch(n);
        AtomicInteger next = new AtomicInteger();
        Runnable runner = () -> {
            int index;
            while ((index = next.getAndIncrement()) < n) {
                try {
                    if (!ctx.stopRequested()) {
                        task.accept(index);
                    }
                } catch (Throwable e) {
                    outcome.failed(e);
                } finally {
                    done.countDown();
                }
            }
        };
        WorkerPool pool = ctx.workers();
        int helpers = pool != null && pool.isWorkerThread() ? 0 : Math.min(n, ctx.threads()) - 1;
        for (int i = 0; i < helpers; i++) {
            if (pool == null) {
                Thread.ofPlatform().name("blueshift-worker-" + (i + 1)).daemon().start(runner);
            } else {
                try {
                    pool.execute(runner);
                } catch (RuntimeException e) {
                    // closed pool: the caller still runs every index (and the failure is reported)
                    outcome.failed(e);
                    break;
                }
            }
        }
        runner.run();
        // an interrupted caller cancels the query but still waits for every task: they use
        // the query's memory, and what they fill must not be used half-filled
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                ctx.cancel();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new QueryCancelledException();
        }
        outcome.rethrow();
    }

    /** The first real failure, others suppressed into it. */
    private static final class Outcome {
        private final ExecutionContext ctx;
        private final AtomicReference<Throwable> first = new AtomicReference<>();

        Outcome(ExecutionContext ctx) {
            this.ctx = ctx;
        }

        void failed(Throwable e) {
            if (e instanceof QueryCancelledException) {
                return; // a task that saw the stop flag: the reason is elsewhere
            }
            if (first.compareAndSet(null, e)) {
                ctx.stopAfterFailure();
            } else {
                Throwable f = first.get();
                if (f != e) {
                    f.addSuppressed(e);
                }
            }
        }

        /** Throws the failure, or cancellation when the query was stopped. */
        void rethrow() {
            Throwable f = first.get();
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error err) {
                throw err;
            }
            if (f != null) {
                throw new IllegalStateException(f);
            }
            ctx.checkCancelled();
        }
    }
}
