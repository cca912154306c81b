package io.blueshift.operators.exec;

import io.blueshift.memory.MemoryLimitExceededException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a pipeline morsel-driven: {@code ctx.threads()} worker tasks each build their own
 * operator states and sink state, take morsels until the source is dry, then combine into the
 * sink. Tasks run on the session's {@link WorkerPool} when the context has one (else on
 * threads started for this pipeline); the calling thread waits and then finishes the sink.
 * <p>
 * The first failure stops the other workers (they see the stop flag at their next morsel) and
 * is rethrown as it was, later failures added to it as suppressed; a cancelled query ends
 * with {@link QueryCancelledException}. Either way every worker has ended
 * and every state is closed before this returns or throws. A memory-limit failure names the
 * operator that needed the memory.
 */
public final class PipelineExecutor {
    private PipelineExecutor() {}

    public static MaterializedResult run(Pipeline pipeline, ExecutionContext ctx) {
        try {
            return execute(pipeline, ctx);
        } catch (RuntimeException | Error e) {
            // workers that finished may have combined state into the sink: free it
            if (pipeline.sink() instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** Collects the workers' outcome: the first real failure, others suppressed into it. */
    private static final class Outcome {
        private final ExecutionContext ctx;
        private final AtomicReference<Throwable> first = new AtomicReference<>();

        Outcome(ExecutionContext ctx) {
            this.ctx = ctx;
        }

        void failed(Throwable e) {
            if (e instanceof QueryCancelledException) {
                return; // a worker that saw the stop flag: the reason is elsewhere
            }
            if (first.compareAndSet(null, e)) {
                ctx.stopAfterFailure();
            } else {
                Throwable f = first.get();
                if (f != e) {
                    synchronized (f) {
                        f.addSuppressed(e);
                    }
                }
            }
        }

        /** Throws the failure, or cancellation when the query was cancelled or stopped. */
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

    private static MaterializedResult execute(Pipeline pipeline, ExecutionContext ctx) {
        ctx.checkCancelled();
        try {
            pipeline.source().open(ctx);
        } catch (MemoryLimitExceededException e) {
            throw e.attributedTo(pipeline.source().name());
        }
        int workers = ctx.threads();
        Outcome outcome = new Outcome(ctx);
        CountDownLatch done = new CountDownLatch(workers);
        Runnable task = () -> {
            try {
                if (!ctx.stopRequested()) {
                    runWorker(pipeline, ctx);
                }
            } catch (Throwable e) {
                outcome.failed(e);
            } finally {
                done.countDown();
            }
        };
        WorkerPool pool = ctx.workers();
        if (pool == null && workers == 1) {
            task.run();
        } else if (pool == null) {
            for (int w = 0; w < workers; w++) {
                Thread.ofPlatform().name("blueshift-worker-" + w).daemon().start(task);
            }
        } else {
            for (int w = 0; w < workers; w++) {
                try {
                    pool.execute(task);
                } catch (RuntimeException e) {
                    // closed pool: the tasks not handed over will never count down
                    outcome.failed(e);
                    for (int left = w; left < workers; left++) {
                        done.countDown();
                    }
                    break;
                }
            }
        }
        // an interrupted caller cancels the query but still waits for every worker: they
        // use the query's memory, and their sink state must not be finished half-filled
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
        try {
            return pipeline.sink().finish(ctx);
        } catch (MemoryLimitExceededException e) {
            throw e.attributedTo(pipeline.sink().name());
        }
    }

    private static boolean anyFinished(List<Operator> ops) {
        for (Operator op : ops) {
            if (op.finished()) {
                return true;
            }
        }
        return false;
    }

    private static void runWorker(Pipeline pipeline, ExecutionContext ctx) {
        List<Operator> ops = pipeline.operators();
        List<OperatorState> states = new ArrayList<>(ops.size());
        SinkState local = null;
        Sink sink = pipeline.sink();
        try {
            for (Operator op : ops) {
                try {
                    states.add(op.createState(ctx));
                } catch (MemoryLimitExceededException e) {
                    throw e.attributedTo(op.name());
                }
            }
            local = sink.createLocalState(ctx);
            final SinkState sinkState = local;
            BatchConsumer next = batch -> {
                try {
                    sink.sink(batch, sinkState);
                } catch (MemoryLimitExceededException e) {
                    throw e.attributedTo(sink.name());
                }
            };
            for (int i = ops.size() - 1; i >= 0; i--) {
                Operator op = ops.get(i);
                OperatorState state = states.get(i);
                BatchConsumer downstream = next;
                next = batch -> {
                    try {
                        op.process(batch, state, downstream);
                    } catch (MemoryLimitExceededException e) {
                        throw e.attributedTo(op.name());
                    }
                };
            }
            Source source = pipeline.source();
            int morsel;
            while (!anyFinished(ops) && (morsel = source.nextMorsel()) >= 0) {
                ctx.checkCancelled();
                try {
                    source.scan(morsel, ctx, next);
                } catch (MemoryLimitExceededException e) {
                    throw e.attributedTo(source.name());
                }
            }
            ctx.checkCancelled();
            synchronized (sink) {
                sink.combine(local);
            }
        } catch (MemoryLimitExceededException e) {
            throw e.attributedTo(sink.name());
        } finally {
            for (OperatorState s : states) {
                s.close();
            }
            if (local != null) {
                local.close();
            }
        }
    }
}
