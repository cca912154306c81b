package io.blueshift.operators.exec;

import io.blueshift.memory.MemoryLimitExceededException;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a pipeline morsel-driven: {@code ctx.threads()} worker tasks ({@link ParallelTasks}),
 * fewer when the source has fewer morsels, each build their own operator states and sink
 * state, take morsels until the source is dry, then combine into the sink. The calling thread
 * runs one of the workers itself and then finishes the sink.
 * <p>
 * The first failure stops the other workers (they see the stop flag at their next morsel) and
 * is rethrown as it was, later failures added to it as suppressed; a cancelled query ends
 * with {@link QueryCancelledException}. A pipeline's tails ({@link Pipeline#tails}) run after it
 * the same way, into the same sink, which finishes once. Either way every worker has ended
 * and every state is closed before this returns or throws. A memory-limit failure names the
 * operator that needed the memory.
 */
public final class PipelineExecutor {
    private PipelineExecutor() {}

    public static MaterializedResult run(Pipeline pipeline, ExecutionContext ctx) {
        return run(pipeline, ctx, null);
    }

    /**
     * With a profile, the pipeline's wall time and each worker's morsels, busy time and CPU
     * time are recorded for EXPLAIN ANALYZE ({@link QueryProfile#pipelines}).
     */
    public static MaterializedResult run(Pipeline pipeline, ExecutionContext ctx, QueryProfile profile) {
        try {
            return execute(pipeline, ctx, profile);
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

    private static MaterializedResult execute(Pipeline pipeline, ExecutionContext ctx, QueryProfile profile) {
        long t0 = System.nanoTime();
        QueryProfile.WorkerStats[] stats = runPhase(pipeline, ctx, profile);
        Pipeline last = pipeline;
        // tails: each starts when everything before it has ended on every worker
        for (Pipeline.Tail tail : pipeline.tails()) {
            if (profile != null) {
                long end = System.nanoTime();
                profile.addPipeline(last.source().name(), last.sink().name() + " (then " + tail.source().name() + ")",
                        end - t0, 0, 0, stats);
                t0 = end;
            }
            List<Operator> ops = pipeline.operators();
            last = new Pipeline(tail.source(), ops.subList(tail.firstOperator(), ops.size()), pipeline.sink());
            stats = runPhase(last, ctx, profile);
        }
        long finishStart = System.nanoTime();
        long finishCpu = profile == null ? 0 : QueryProfile.threadCpuNanos();
        try {
            return pipeline.sink().finish(ctx);
        } catch (MemoryLimitExceededException e) {
            throw e.attributedTo(pipeline.sink().name());
        } finally {
            if (profile != null) {
                long end = System.nanoTime();
                profile.addPipeline(last.source().name(), pipeline.sink().name(), end - t0, end - finishStart,
                        finishCpu < 0 ? -1 : QueryProfile.threadCpuNanos() - finishCpu, stats);
            }
        }
    }

    /** Opens the pipeline's source and runs its workers until it is dry; each worker combines into the sink. */
    private static QueryProfile.WorkerStats[] runPhase(Pipeline pipeline, ExecutionContext ctx, QueryProfile profile) {
        ctx.checkCancelled();
        try {
            pipeline.source().open(ctx);
        } catch (MemoryLimitExceededException e) {
            throw e.attributedTo(pipeline.source().name());
        }
        int workers = workers(pipeline.source(), ctx.threads());
        QueryProfile.WorkerStats[] stats = profile == null ? null : new QueryProfile.WorkerStats[workers];
        long handOff = System.nanoTime();
        ParallelTasks.run(ctx, workers, w -> runWorker(pipeline, ctx, stats, w, handOff));
        return stats;
    }

    /** Workers for a pipeline: no more than its source has morsels (at least one). */
    static int workers(Source source, int threads) {
        int morsels = source.morselCount();
        return morsels < 0 ? threads : Math.max(1, Math.min(threads, morsels));
    }

    private static boolean anyFinished(List<Operator> ops) {
        for (Operator op : ops) {
            if (op.finished()) {
                return true;
            }
        }
        return false;
    }

    private static void runWorker(Pipeline pipeline, ExecutionContext ctx, QueryProfile.WorkerStats[] stats, int worker, long handOff) {
        long start = System.nanoTime();
        long cpuStart = stats == null ? 0 : QueryProfile.threadCpuNanos();
        int morsels = 0;
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
                morsels++;
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
            if (stats != null) {
                stats[worker] = new QueryProfile.WorkerStats(Thread.currentThread().getName(), morsels,
                        System.nanoTime() - start, cpuStart < 0 ? -1 : QueryProfile.threadCpuNanos() - cpuStart, start - handOff);
            }
        }
    }
}
