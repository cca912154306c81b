package io.blueshift.operators.exec;

import io.blueshift.memory.Batch;
import io.blueshift.memory.Schema;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Rows and time per plan node for EXPLAIN ANALYZE. Times are exclusive: an operator's time
 * does not include the operators it pushes batches into. Wrappers made here record into the
 * node's counters from any worker thread.
 */
public final class QueryProfile {
    /** Counters of one plan node. */
    public static final class NodeStats {
        private final LongAdder rows = new LongAdder();
        private final LongAdder nanos = new LongAdder();

        public long rows() { return rows.sum(); }
        public double millis() { return nanos.sum() / 1e6; }
        public void addRows(long n) { rows.add(n); }
        public void addNanos(long n) { nanos.add(n); }
    }

    private final Map<Object, NodeStats> stats = new IdentityHashMap<>();
    private final java.util.List<PipelineStats> pipelines = new java.util.ArrayList<>();

    /**
     * One worker's share of a pipeline: the thread it ran on, the morsels it took, the time
     * from its start to the end of its combine, its thread's CPU time in that span (-1 where
     * the JVM does not measure thread CPU time), and when it started, counted from the hand-off
     * of the pipeline's tasks (a pool thread's wake-up, or the caller's turn after its own
     * task).
     */
    public record WorkerStats(String thread, int morsels, long busyNanos, long cpuNanos, long startNanos) {}

    /**
     * One pipeline run: its source and sink, its wall time (source open to sink finish), the
     * sink's finish time and CPU time (on the calling thread, after the workers; CPU -1 where not
     * measured), and each worker's share (null for a worker whose task was skipped because the
     * query stopped).
     */
    public record PipelineStats(String source, String sink, long wallNanos, long finishNanos, long finishCpuNanos,
                                java.util.List<WorkerStats> workers) {
        /** One line: wall, finish, then per worker morsels, busy and CPU ms, and its start. */
        public String describe() {
            StringBuilder sb = new StringBuilder(String.format(java.util.Locale.ROOT, "%s -> %s: %.1f ms (finish %.1f ms",
                    source, sink, wallNanos / 1e6, finishNanos / 1e6));
            sb.append(finishCpuNanos >= 0 ? String.format(java.util.Locale.ROOT, ", cpu %.1f);", finishCpuNanos / 1e6) : ");");
            for (int i = 0; i < workers.size(); i++) {
                WorkerStats w = workers.get(i);
                if (w == null) {
                    sb.append(String.format(java.util.Locale.ROOT, " w%d -", i));
                } else {
                    sb.append(String.format(java.util.Locale.ROOT, " w%d %d morsels %.1f ms", i, w.morsels(), w.busyNanos() / 1e6));
                    if (w.cpuNanos() >= 0) {
                        sb.append(String.format(java.util.Locale.ROOT, " (cpu %.1f)", w.cpuNanos() / 1e6));
                    }
                    sb.append(String.format(java.util.Locale.ROOT, " from %.1f", w.startNanos() / 1e6));
                }
                sb.append(i + 1 < workers.size() ? "," : "");
            }
            return sb.toString();
        }
    }

    /** Records a pipeline run (see {@link PipelineStats}); {@code workers} may hold nulls. */
    public synchronized void addPipeline(String source, String sink, long wallNanos, long finishNanos, long finishCpuNanos,
                                         WorkerStats[] workers) {
        pipelines.add(new PipelineStats(source, sink, wallNanos, finishNanos, finishCpuNanos,
                workers == null ? java.util.List.of() : java.util.Collections.unmodifiableList(java.util.Arrays.asList(workers.clone()))));
    }

    /** The pipelines run so far, in the order they finished. */
    public synchronized java.util.List<PipelineStats> pipelines() {
        return java.util.List.copyOf(pipelines);
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    private static final boolean THREAD_CPU = THREADS.isCurrentThreadCpuTimeSupported();

    /** The current thread's CPU time in ns, or -1 where the JVM does not measure it. */
    static long threadCpuNanos() {
        return THREAD_CPU ? THREADS.getCurrentThreadCpuTime() : -1;
    }

    /** The counters of {@code node} (any object identifying a plan node). */
    public synchronized NodeStats of(Object node) {
        return stats.computeIfAbsent(node, k -> new NodeStats());
    }

    public synchronized NodeStats find(Object node) {
        return stats.get(node);
    }

    /**
     * Runs {@code work} with a downstream that counts the rows it is given and the time spent
     * below it, and records the work's own time (total minus below) in {@code s}.
     */
    private static void exclusive(NodeStats s, BatchConsumer downstream, java.util.function.Consumer<BatchConsumer> work) {
        long[] below = new long[1];
        long t0 = System.nanoTime();
        work.accept(b -> {
            s.addRows(b.liveCount());
            long t1 = System.nanoTime();
            downstream.accept(b);
            below[0] += System.nanoTime() - t1;
        });
        s.addNanos(System.nanoTime() - t0 - below[0]);
    }

    /** Counts rows out of {@code op} and its own time. */
    public Operator wrap(Object node, Operator op) {
        NodeStats s = of(node);
        return new Operator() {
            @Override public Schema outputSchema() { return op.outputSchema(); }
            @Override public OperatorState createState(ExecutionContext ctx) { return op.createState(ctx); }
            @Override public String describe() { return op.describe(); }
            @Override public String name() { return op.name(); }
            @Override public boolean finished() { return op.finished(); }

            @Override
            public void process(Batch input, OperatorState state, BatchConsumer downstream) {
                exclusive(s, downstream, counted -> op.process(input, state, counted));
            }
        };
    }

    /** Counts rows a source emits and its own time. */
    public Source wrap(Object node, Source src) {
        NodeStats s = of(node);
        return new Source() {
            @Override public Schema outputSchema() { return src.outputSchema(); }
            @Override public void open(ExecutionContext ctx) { src.open(ctx); }
            @Override public int nextMorsel() { return src.nextMorsel(); }
            @Override public int morselCount() { return src.morselCount(); }
            @Override public String describe() { return src.describe(); }
            @Override public String name() { return src.name(); }

            @Override
            public void scan(int morsel, ExecutionContext ctx, BatchConsumer downstream) {
                exclusive(s, downstream, counted -> src.scan(morsel, ctx, counted));
            }
        };
    }

    /**
     * Times a sink without counting its rows: for a node whose rows are counted elsewhere (a
     * hash join's build, whose rows out are the probe's).
     */
    public Sink wrapTimeOnly(Object node, Sink sink) {
        return new ProfiledSink(of(node), sink, false);
    }

    /** Times a sink (its rows out are counted when it finishes). */
    public Sink wrap(Object node, Sink sink) {
        return new ProfiledSink(of(node), sink, true);
    }

    private static final class ProfiledSink implements Sink, AutoCloseable {
        private final NodeStats s;
        private final Sink sink;
        private final boolean countRows;

        ProfiledSink(NodeStats s, Sink sink, boolean countRows) {
            this.s = s;
            this.sink = sink;
            this.countRows = countRows;
        }

        @Override public Schema outputSchema() { return sink.outputSchema(); }
        @Override public SinkState createLocalState(ExecutionContext ctx) { return sink.createLocalState(ctx); }
        @Override public String describe() { return sink.describe(); }
        @Override public String name() { return sink.name(); }

        @Override
        public void sink(Batch batch, SinkState local) {
            long t0 = System.nanoTime();
            sink.sink(batch, local);
            s.addNanos(System.nanoTime() - t0);
        }

        @Override
        public void combine(SinkState local) {
            long t0 = System.nanoTime();
            sink.combine(local);
            s.addNanos(System.nanoTime() - t0);
        }

        @Override
        public MaterializedResult finish(ExecutionContext ctx) {
            long t0 = System.nanoTime();
            MaterializedResult r = sink.finish(ctx);
            s.addNanos(System.nanoTime() - t0);
            if (countRows) {
                s.addRows(r.rowCount());
            }
            return r;
        }

        @Override
        public void close() throws Exception {
            if (sink instanceof AutoCloseable c) {
                c.close();
            }
        }
    }
}
