package io.blueshift.operators.exec;

import io.blueshift.kernels.Kernels;
import io.blueshift.memory.Batch;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryLimitExceededException;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pipelines on a shared {@link WorkerPool}: the workers that run them are the pool's, a
 * failing worker fails the pipeline with its own exception and stops the others promptly, a
 * cancel ends it within a second, and a memory-limit failure names the operator.
 */
class WorkerPoolTest {
    private static final Schema X = Schema.of(Field.of("x", DataType.INT64));

    private MemoryPool pool;
    private WorkerPool workers;

    @BeforeEach
    void open() {
        pool = MemoryPool.root("test", 1L << 30);
        workers = new WorkerPool(4);
    }

    @AfterEach
    void close() {
        workers.close();
        pool.close(); // the leak check
    }

    /** {@code morsels} morsels of {@code millis} ms each; morsel {@code failAt} throws. */
    private static final class SpinSource implements Source {
        final int morsels;
        final long millis;
        final int failAt;
        final RuntimeException failure;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger scanned = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();
        final java.util.Set<String> threads = ConcurrentHashMap.newKeySet();

        SpinSource(int morsels, long millis, int failAt, RuntimeException failure) {
            this.morsels = morsels;
            this.millis = millis;
            this.failAt = failAt;
            this.failure = failure;
        }

        public Schema outputSchema() { return X; }
        public void open(ExecutionContext ctx) { next.set(0); }
        public int nextMorsel() {
            int m = next.getAndIncrement();
            return m < morsels ? m : -1;
        }
        public void scan(int morsel, ExecutionContext ctx, BatchConsumer downstream) {
            running.incrementAndGet();
            threads.add(Thread.currentThread().getName());
            try {
                if (morsel == failAt) {
                    throw failure;
                }
                long end = System.nanoTime() + millis * 1_000_000L;
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                scanned.incrementAndGet();
            } finally {
                running.decrementAndGet();
            }
        }
        public String describe() { return "spin"; }
    }

    private ExecutionContext ctx(int threads) {
        return new ExecutionContext(pool, Kernels.provider(), 1024, threads, workers);
    }

    @Test
    void pipelinesRunOnThePoolsThreadsAndTheCaller() {
        SpinSource source = new SpinSource(16, 5, -1, null);
        try (MaterializedResult r = PipelineExecutor.run(new Pipeline(source, List.of(), new CollectSink(X)), ctx(4))) {
            assertEquals(0, r.rowCount());
        }
        assertEquals(16, source.scanned.get());
        String caller = Thread.currentThread().getName();
        assertTrue(source.threads.stream().allMatch(n -> n.startsWith("blueshift-worker-") || n.equals(caller)), source.threads.toString());
        assertTrue(source.threads.size() <= 4, source.threads.toString());
    }

    @Test
    void oneThreadRunsOnTheCallerAlone() {
        SpinSource source = new SpinSource(8, 1, -1, null);
        try (MaterializedResult r = PipelineExecutor.run(new Pipeline(source, List.of(), new CollectSink(X)), ctx(1))) {
            assertEquals(0, r.rowCount());
        }
        assertEquals(java.util.Set.of(Thread.currentThread().getName()), source.threads);
    }

    @Test
    void theCallerDoesNotWaitForPoolThreadsBusyWithAnotherQuery() throws Exception {
        // another query holds all four pool threads for about three seconds; the quick query's
        // own 20 ms of spinning, sharing the cores with them, ends far sooner even on a loaded machine
        SpinSource busy = new SpinSource(4, 3000, -1, null);
        Thread other = Thread.ofPlatform().start(() -> {
            try (MemoryPool query = pool.child("busy");
                 MaterializedResult r = PipelineExecutor.run(new Pipeline(busy, List.of(), new CollectSink(X)),
                         new ExecutionContext(query, Kernels.provider(), 1024, 5, workers))) {
                r.rowCount();
            }
        });
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (busy.running.get() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        SpinSource quick = new SpinSource(20, 1, -1, null);
        long t0 = System.nanoTime();
        try (MaterializedResult r = PipelineExecutor.run(new Pipeline(quick, List.of(), new CollectSink(X)), ctx(4))) {
            assertEquals(0, r.rowCount());
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        other.join();
        assertEquals(20, quick.scanned.get());
        assertEquals(4, busy.scanned.get());
        assertTrue(ms < 1500, "the caller waited " + ms + " ms for the busy pool");
    }

    /** A {@link SpinSource} that says how many morsels it has. */
    private static final class CountedSpinSource implements Source {
        final SpinSource spin;

        CountedSpinSource(int morsels) {
            spin = new SpinSource(morsels, 1, -1, null);
        }

        public Schema outputSchema() { return X; }
        public void open(ExecutionContext ctx) { spin.open(ctx); }
        public int nextMorsel() { return spin.nextMorsel(); }
        public int morselCount() { return spin.morsels; }
        public void scan(int morsel, ExecutionContext ctx, BatchConsumer downstream) { spin.scan(morsel, ctx, downstream); }
        public String describe() { return "counted spin"; }
    }

    /** A sink that counts the worker states it was asked for. */
    private static final class CountingSink implements Sink {
        final AtomicInteger states = new AtomicInteger();

        public Schema outputSchema() { return X; }
        public SinkState createLocalState(ExecutionContext ctx) {
            states.incrementAndGet();
            return () -> { };
        }
        public void sink(Batch batch, SinkState local) { }
        public void combine(SinkState local) { }
        public MaterializedResult finish(ExecutionContext ctx) { return new MaterializedResult(X, List.of(), List.of()); }
        public String describe() { return "counting"; }
    }

    @Test
    void aPipelineStartsNoMoreWorkersThanItsSourceHasMorselsAndOneRunsOnTheCaller() {
        CountedSpinSource one = new CountedSpinSource(1);
        CountingSink sink = new CountingSink();
        PipelineExecutor.run(new Pipeline(one, List.of(), sink), ctx(4)).close();
        assertEquals(1, sink.states.get(), "one worker for one morsel");
        assertEquals(java.util.Set.of(Thread.currentThread().getName()), one.spin.threads, "on the calling thread");

        CountedSpinSource three = new CountedSpinSource(3);
        CountingSink sink3 = new CountingSink();
        PipelineExecutor.run(new Pipeline(three, List.of(), sink3), ctx(4)).close();
        assertEquals(3, sink3.states.get());
        assertEquals(3, three.spin.scanned.get());
        // three workers: pool threads, and the calling thread as one of them when it takes a morsel first
        String caller = Thread.currentThread().getName();
        assertTrue(three.spin.threads.stream().allMatch(n -> n.startsWith("blueshift-worker-") || n.equals(caller)),
                three.spin.threads.toString());

        CountedSpinSource none = new CountedSpinSource(0);
        CountingSink sink0 = new CountingSink();
        PipelineExecutor.run(new Pipeline(none, List.of(), sink0), ctx(4)).close();
        assertEquals(1, sink0.states.get(), "an empty source still gets one worker (the sink's state)");
    }

    @Test
    void aFailingWorkerFailsThePipelineWithItsOwnErrorAndTheOthersStop() {
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        // 200 morsels of 20 ms: 1 s of work per worker if nobody stopped
        SpinSource source = new SpinSource(200, 20, 5, boom);
        long t0 = System.nanoTime();
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> PipelineExecutor.run(new Pipeline(source, List.of(), new CollectSink(X)), ctx(4)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertSame(boom, e);
        assertEquals(0, source.running.get(), "workers still scanning after run threw");
        assertTrue(source.scanned.get() < 100, "workers went on after the failure: " + source.scanned.get() + " morsels");
        assertTrue(ms < 1000, "took " + ms + " ms");
    }

    @Test
    void cancelEndsThePipelineWithinASecond() throws Exception {
        SpinSource source = new SpinSource(10_000, 10, -1, null);
        ExecutionContext ctx = ctx(4);
        AtomicInteger cancelledAfter = new AtomicInteger();
        Thread canceller = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException ignored) {
                return;
            }
            ctx.cancel();
        });
        long t0 = System.nanoTime();
        assertThrows(QueryCancelledException.class,
                () -> PipelineExecutor.run(new Pipeline(source, List.of(), new CollectSink(X)), ctx));
        canceller.join();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 1100, "cancel took " + (ms - 100) + " ms");
        assertEquals(0, source.running.get());
        assertTrue(ctx.isCancelled());
    }

    @Test
    void concurrentPipelinesShareThePool() throws Exception {
        List<Thread> callers = new ArrayList<>();
        List<SpinSource> sources = new ArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        for (int q = 0; q < 6; q++) {
            SpinSource s = new SpinSource(20, 2, -1, null);
            sources.add(s);
            callers.add(Thread.ofPlatform().start(() -> {
                try (MemoryPool query = pool.child("q");
                     MaterializedResult r = PipelineExecutor.run(new Pipeline(s, List.of(), new CollectSink(X)),
                             new ExecutionContext(query, Kernels.provider(), 1024, 4, workers))) {
                    r.rowCount();
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                }
            }));
        }
        for (Thread t : callers) {
            t.join();
        }
        assertEquals(0, failures.get());
        for (SpinSource s : sources) {
            assertEquals(20, s.scanned.get());
        }
    }

    /** An operator that asks for more memory than the query may have. */
    private static final class Greedy implements Operator {
        public Schema outputSchema() { return X; }
        public void process(Batch input, OperatorState state, BatchConsumer downstream) { }
        public String describe() { return "greedy"; }
        public OperatorState createState(ExecutionContext ctx) {
            var a = ctx.pool().allocate(8L << 20, "greedy buffer");
            return a::close;
        }
    }

    @Test
    void memoryLimitErrorNamesTheOperator() {
        try (MemoryPool small = pool.child("query", 4L << 20)) {
            ExecutionContext ctx = new ExecutionContext(small, Kernels.provider(), 1024, 2, workers);
            SpinSource source = new SpinSource(4, 1, -1, null);
            MemoryLimitExceededException e = assertThrows(MemoryLimitExceededException.class,
                    () -> PipelineExecutor.run(new Pipeline(source, List.of(new Greedy()), new CollectSink(X)), ctx));
            assertEquals("Greedy", e.operator());
            assertTrue(e.getMessage().startsWith("memory limit exceeded: Greedy needed 8.0 MiB, limit 4.0 MiB"), e.getMessage());
            assertEquals(0, small.reserved());
        }
    }

    @Test
    void parallelTasksRunEachIndexOnceAndRethrowTheFirstFailure() {
        java.util.concurrent.atomic.AtomicIntegerArray seen = new java.util.concurrent.atomic.AtomicIntegerArray(16);
        ParallelTasks.run(ctx(4), 16, seen::incrementAndGet);
        for (int i = 0; i < 16; i++) {
            assertEquals(1, seen.get(i), "task " + i);
        }
        IllegalStateException boom = new IllegalStateException("part 3 failed");
        ExecutionContext ctx = ctx(4);
        RuntimeException e = assertThrows(RuntimeException.class, () -> ParallelTasks.run(ctx, 8, i -> {
            if (i == 3) {
                throw boom;
            }
        }));
        assertSame(boom, e);
        assertTrue(ctx.stopRequested() && !ctx.isCancelled(), "a failure stops the query without calling it cancelled");
    }
}
