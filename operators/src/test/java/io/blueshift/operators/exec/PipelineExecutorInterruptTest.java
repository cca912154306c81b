package io.blueshift.operators.exec;

import io.blueshift.kernels.Kernels;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineExecutorInterruptTest {
    /** Slow morsels that count the scans still running. */
    private static final class SlowSource implements Source {
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();

        public Schema outputSchema() { return Schema.of(Field.of("x", DataType.INT64)); }
        public void open(ExecutionContext ctx) { next.set(0); }
        public int nextMorsel() {
            int m = next.getAndIncrement();
            return m < 16 ? m : -1;
        }
        public void scan(int morsel, ExecutionContext ctx, BatchConsumer downstream) {
            running.incrementAndGet();
            try {
                long end = System.nanoTime() + 100_000_000L;
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
            } finally {
                running.decrementAndGet();
            }
        }
        public String describe() { return "slow"; }
    }

    @Test
    void interruptedCallerGetsCancellationNotAPartialResultAndWorkersHaveStopped() throws Exception {
        try (MemoryPool pool = MemoryPool.root("test", 1L << 30)) {
            SlowSource source = new SlowSource();
            ExecutionContext ctx = new ExecutionContext(pool, Kernels.provider(), 1024, 4);
            Thread caller = Thread.currentThread();
            Thread interrupter = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ignored) {
                    return;
                }
                caller.interrupt();
            });
            try {
                assertThrows(QueryCancelledException.class,
                        () -> PipelineExecutor.run(new Pipeline(source, List.of(), new CollectSink(source.outputSchema())), ctx));
                assertEquals(0, source.running.get(), "workers still scanning after run returned");
                assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
            } finally {
                interrupter.join();
                Thread.interrupted();
            }
        }
    }
}
