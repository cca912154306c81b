package io.blueshift.operators.exec;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Runs {@code n} tasks of one query on its workers (the session's {@link WorkerPool}, or
 * threads started for the call when the context has none) and waits for all of them. For
 * pipelines and for breakers that split their own work (a partitioned hash build or merge):
 * the task index says which part to do.
 * <p>
 * A task that has not started when the query is stopped is skipped. The first failure stops
 * the others (they see the stop flag at their next {@link ExecutionContext#checkCancelled})
 * and is rethrown as it was, later failures suppressed into it; a cancelled query ends with
 * {@link QueryCancelledException}. Either way every task has ended when this returns or
 * throws. An interrupted caller cancels the query and still waits. Called from one of the
 * pool's own threads, the tasks run one after another on that thread; a single task runs on
 * the calling thread.
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
        WorkerPool pool = ctx.workers();
        for (int i = 0; i < n; i++) {
            int index = i;
            Runnable r = () -> {
                try {
                    if (!ctx.stopRequested()) {
                        task.accept(index);
                    }
                } catch (Throwable e) {
                    outcome.failed(e);
                } finally {
                    done.countDown();
                }
            };
            if (n == 1) {
                // one task: the calling thread runs it (a hand-off to a worker and back would
                // only add two thread wake-ups)
                r.run();
            } else if (pool == null) {
                Thread.ofPlatform().name("blueshift-worker-" + i).daemon().start(r);
            } else {
                try {
                    pool.execute(r);
                } catch (RuntimeException e) {
                    // closed pool: the tasks not handed over will never count down
                    outcome.failed(e);
                    for (int left = i; left < n; left++) {
                        done.countDown();
                    }
                    break;
                }
            }
        }
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
