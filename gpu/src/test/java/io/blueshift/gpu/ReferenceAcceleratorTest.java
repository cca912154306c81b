package io.blueshift.gpu;

import io.blueshift.memory.MemoryLimitExceededException;
import io.blueshift.memory.MemoryPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** The reference backend (the device kernels' algorithms on the CPU) against plain loops. */
class ReferenceAcceleratorTest {
    MemoryPool pool;
    final Accelerator acc = new ReferenceAccelerator();

    @BeforeEach
    void open() { pool = MemoryPool.unbounded("reference"); }

    @AfterEach
    void close() { pool.close(); }

    @Test
    void filter() { AcceleratorContract.filterMatchesLoops(acc, pool, 11); }

    @Test
    void join() { AcceleratorContract.joinMatchesLoops(acc, pool, 12); }

    @Test
    void aggregate() { AcceleratorContract.aggregateMatchesLoops(acc, pool, 13); }

    @Test
    void memory() { AcceleratorContract.deviceMemoryIsAccounted(acc, pool); }

    @Test
    void deviceMemoryObeysTheLimit() {
        try (MemoryPool small = pool.child("small", 1 << 16)) {
            assertThrows(MemoryLimitExceededException.class, () -> acc.allocate(1 << 20, small, "too big"));
        }
    }
}
