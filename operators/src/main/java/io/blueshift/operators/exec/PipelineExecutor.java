package io.blueshift.operators.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a pipeline morsel-driven: {@code ctx.threads()} workers each build their own operator
 * states and sink state, take morsels until the source is dry, then combine into the sink.
 * The first failure cancels the others and is rethrown; every state is closed either way.
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

    private static MaterializedResult execute(Pipeline pipeline, ExecutionContext ctx) {
        pipeline.source().open(ctx);
        int workers = ctx.threads();
        if (workers == 1) {
            runWorker(pipeline, ctx);
        } else {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>(workers);
            for (int w = 0; w < workers; w++) {
                Thread t = Thread.ofPlatform().name("blueshift-worker-" + w).daemon().unstarted(() -> {
                    try {
                        runWorker(pipeline, ctx);
                    } catch (Throwable e) {
                        if (failure.compareAndSet(null, e)) {
                            ctx.cancel();
                        }
                    }
                });
                threads.add(t);
                t.start();
            }
            // an interrupted caller cancels the query but still waits for every worker: they
            // use the query's memory, and their sink state must not be finished half-filled
            boolean interrupted = false;
            for (Thread t : threads) {
                while (true) {
                    try {
                        t.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                        ctx.cancel();
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
                throw new ExecutionContext.QueryCancelledException();
            }
            Throwable f = failure.get();
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error err) {
                throw err;
            }
            if (f != null) {
                throw new IllegalStateException(f);
            }
        }
        return pipeline.sink().finish(ctx);
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
        try {
            for (Operator op : ops) {
                states.add(op.createState(ctx));
            }
            local = pipeline.sink().createLocalState(ctx);
            final SinkState sinkState = local;
            Sink sink = pipeline.sink();
            BatchConsumer next = batch -> sink.sink(batch, sinkState);
            for (int i = ops.size() - 1; i >= 0; i--) {
                Operator op = ops.get(i);
                OperatorState state = states.get(i);
                BatchConsumer downstream = next;
                next = batch -> op.process(batch, state, downstream);
            }
            Source source = pipeline.source();
            int morsel;
            while (!anyFinished(ops) && (morsel = source.nextMorsel()) >= 0) {
                ctx.checkCancelled();
                source.scan(morsel, ctx, next);
            }
            synchronized (sink) {
                sink.combine(local);
            }
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
