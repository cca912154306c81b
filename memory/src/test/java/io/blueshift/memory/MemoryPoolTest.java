package io.blueshift.memory;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemoryPoolTest {

    @Test
    void limitExceededNamesOwnerPoolAndSizes() {
        try (MemoryPool pool = MemoryPool.root("query-7", 1 << 20)) {
            Allocation held = pool.allocate(600 * 1024, "hash table");
            var e = assertThrows(MemoryLimitExceededException.class, () -> pool.allocate(600 * 1024, "sort buffer"));
            assertEquals("memory limit exceeded: sort buffer needed 600.0 KiB, limit 1.0 MiB (pool 'query-7' has 600.0 KiB in use)",
                    e.getMessage());
            assertEquals(600 * 1024, e.requested());
            assertEquals(1 << 20, e.limit());
            assertEquals(600 * 1024, pool.reserved(), "a refused allocation reserves nothing");
            held.close();
            held.close(); // twice is harmless
            assertEquals(0, pool.reserved());
            assertEquals(600 * 1024, pool.peak());
        }
    }

    @Test
    void nestedPoolsChargeEveryAncestor() {
        try (MemoryPool global = MemoryPool.root("global", 10_000)) {
            MemoryPool query = global.child("q1", 6_000);
            MemoryPool op = query.child("join");
            assertEquals("global/q1/join", op.name());
            Allocation a = op.allocate(4_000, "build side");
            assertEquals(4_000, op.reserved());
            assertEquals(4_000, query.reserved());
            assertEquals(4_000, global.reserved());

            // the query's limit refuses, and names the query pool; nothing stays reserved
            var e = assertThrows(MemoryLimitExceededException.class, () -> op.allocate(3_000, "probe side"));
            assertTrue(e.getMessage().contains("pool 'global/q1'"), e.getMessage());
            assertEquals(6_000, e.limit());
            assertEquals(4_000, op.reserved());
            assertEquals(4_000, global.reserved());

            // a sibling query is bounded by the global limit
            MemoryPool other = global.child("q2", 9_000);
            var g = assertThrows(MemoryLimitExceededException.class, () -> other.allocate(7_000, "scan"));
            assertTrue(g.getMessage().contains("pool 'global'"), g.getMessage());
            assertEquals(0, other.reserved());

            var open = assertThrows(IllegalStateException.class, global::close);
            assertTrue(open.getMessage().contains("child pool 'global/q1' still open"), open.getMessage());
            a.close();
            op.close();
            query.close();
            other.close();
            assertEquals(0, global.reserved());
        }
    }

    @Test
    void leakOnCloseNamesTheOwner() {
        MemoryPool pool = MemoryPool.root("leaky", 1 << 20);
        Allocation a = pool.allocate(100, "aggregate state");
        var e = assertThrows(IllegalStateException.class, pool::close);
        assertEquals("memory pool 'leaky' closed with 100 bytes still allocated: aggregate state (100 bytes);",
                e.getMessage());
        a.close();
        pool.close();
        assertThrows(IllegalStateException.class, () -> pool.allocate(1, "late"), "a closed pool refuses work");
    }

    @Test
    void allocationsAreZeroedAlignedAndFreedOnce() {
        try (MemoryPool pool = MemoryPool.unbounded("p")) {
            Allocation a = pool.allocate(1000, "x");
            assertEquals(0, a.segment().address() % MemoryPool.ALIGNMENT);
            for (long i = 0; i < 1000; i++) {
                assertEquals(0, a.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, i));
            }
            Allocation empty = pool.allocate(0, "empty");
            assertEquals(0, empty.byteSize());
            a.close();
            empty.close();
            assertEquals(0, pool.reserved());
            var e = assertThrows(IllegalStateException.class, a::segment);
            assertTrue(e.getMessage().contains("x"));
        }
    }

    @Test
    void concurrentAllocateAndFreeKeepsExactAccounting() throws Exception {
        int threads = 4;
        int steps = 3_000;
        try (MemoryPool root = MemoryPool.root("root", 1L << 30)) {
            // a tight child limit so that threads also race on refusals
            MemoryPool pool = root.child("shared", 512 * 1024);
            ExecutorService executor = Executors.newFixedThreadPool(threads);
            AtomicLong refused = new AtomicLong();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<Allocation>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = 42 + t;
                results.add(executor.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    List<Allocation> mine = new ArrayList<>();
                    start.await();
                    for (int i = 0; i < steps; i++) {
                        if (!mine.isEmpty() && random.nextInt(3) == 0) {
                            mine.remove(random.nextInt(mine.size())).close();
                        } else {
                            try {
                                mine.add(pool.allocate(1 + random.nextInt(8192), "worker"));
                            } catch (MemoryLimitExceededException e) {
                                refused.incrementAndGet();
                            }
                        }
                    }
                    return mine;
                }));
            }
            start.countDown();
            List<Allocation> left = new ArrayList<>();
            for (Future<List<Allocation>> f : results) {
                left.addAll(f.get());
            }
            executor.shutdown();
            long expected = left.stream().mapToLong(Allocation::byteSize).sum();
            assertEquals(expected, pool.reserved());
            assertEquals(expected, root.reserved());
            assertTrue(pool.peak() <= pool.limit());
            assertTrue(refused.get() > 0, "the test should exercise refusals too");
            left.forEach(Allocation::close);
            assertEquals(0, pool.reserved());
            assertEquals(0, root.reserved());
            assertDoesNotThrow(pool::close);
        }
    }

    @Test
    void parsesSizes() {
        assertEquals(512L << 20, MemoryPool.parseSize("512m"));
        assertEquals(4L << 30, MemoryPool.parseSize("4GiB"));
        assertEquals(1024, MemoryPool.parseSize("1024"));
        assertEquals(3L << 29, MemoryPool.parseSize("1.5g"));
        var e = assertThrows(IllegalArgumentException.class, () -> MemoryPool.parseSize("lots"));
        assertTrue(e.getMessage().contains("'lots'"));
        assertThrows(IllegalArgumentException.class, () -> MemoryPool.parseSize("0"));
        assertThrows(IllegalArgumentException.class, () -> MemoryPool.root("bad", 0));
        assertEquals("unlimited", MemoryPool.mib(Long.MAX_VALUE));
    }

    @Test
    void limitErrorNamesTheOperatorOnceAttributed() {
        try (MemoryPool root = MemoryPool.root("q", 1 << 20)) {
            MemoryLimitExceededException e = org.junit.jupiter.api.Assertions.assertThrows(MemoryLimitExceededException.class,
                    () -> root.allocate(2 << 20, "hash join build rows"));
            MemoryLimitExceededException named = e.attributedTo("HashJoinBuild");
            assertEquals("memory limit exceeded: HashJoinBuild needed 2.0 MiB, limit 1.0 MiB (hash join build rows; pool 'q' has 0 bytes in use)",
                    named.getMessage());
            assertEquals("HashJoinBuild", named.operator());
            // the innermost operator wins: an outer one does not rename it
            org.junit.jupiter.api.Assertions.assertSame(named, named.attributedTo("Result"));
        }
    }
}
