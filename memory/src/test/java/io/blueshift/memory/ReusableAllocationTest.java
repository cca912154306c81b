package io.blueshift.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReusableAllocationTest {
    private static final long SIZE = MemoryPool.REUSE_MIN_BYTES * 2;

    @Test
    void closedBufferIsTakenBackBySameSizeAndStaysAccounted() {
        try (MemoryPool root = MemoryPool.unbounded("root")) {
            MemoryPool q = root.child("q");
            Allocation a = q.allocateReusable(SIZE, "col", true);
            long address = a.segment().address();
            a.segment().fill((byte) 7);
            a.close();
            assertEquals(SIZE, q.reserved(), "a kept buffer still counts against the pool");
            Allocation b = q.allocateReusable(SIZE, "col", true);
            assertEquals(address, b.segment().address(), "same memory handed back");
            assertEquals(0, b.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, SIZE - 1), "zeroed on request");
            Allocation c = q.allocateReusable(SIZE, "col", false);
            assertNotEquals(address, c.segment().address(), "a live buffer is never handed out twice");
            b.close();
            c.close();
            Allocation other = q.allocateReusable(SIZE + 64, "other size", false);
            assertTrue(other.segment().address() != address);
            other.close();
            q.close(); // frees the kept buffers: no leak reported
            assertEquals(0, root.reserved());
        }
    }

    @Test
    void keptBuffersGiveWayWhenTheLimitIsReached() {
        try (MemoryPool q = MemoryPool.root("q", 3 * SIZE)) {
            q.allocateReusable(SIZE, "a", false).close();
            q.allocateReusable(SIZE + 64, "b", false).close();
            assertEquals(2 * SIZE + 64, q.reserved());
            Allocation big = q.allocate(2 * SIZE, "needs the room");
            assertEquals(2 * SIZE, q.reserved(), "kept buffers were freed to make room");
            big.close();
            assertThrows(MemoryLimitExceededException.class, () -> q.allocate(4 * SIZE, "too big"));
            assertEquals(0, q.reserved());
        }
    }

    @Test
    void smallScratchBuffersAreKeptAndTakenBack() {
        try (MemoryPool q = MemoryPool.unbounded("q")) {
            Allocation a = q.allocateScratch(1024, "row ids", false);
            long address = a.segment().address();
            a.segment().fill((byte) 7);
            a.close();
            assertEquals(1024, q.reserved(), "kept, though small: freeing it would cost a handshake with every thread");
            Allocation b = q.allocateScratch(1024, "row ids", true);
            assertEquals(address, b.segment().address(), "same memory handed back");
            assertEquals(0, b.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 1023), "zeroed on request");
            b.close();
        }
    }

    @Test
    void smallAndPlainAllocationsAreNotKept() {
        try (MemoryPool q = MemoryPool.unbounded("q")) {
            q.allocateReusable(100, "small", true).close();
            q.allocate(SIZE, "plain").close();
            assertEquals(0, q.reserved());
        }
    }

    @Test
    void leakOfAReusableBufferIsStillReported() {
        MemoryPool q = MemoryPool.unbounded("q");
        Allocation a = q.allocateReusable(SIZE, "decoded column", false);
        var e = assertThrows(IllegalStateException.class, q::close);
        assertTrue(e.getMessage().contains("decoded column"), e.getMessage());
        a.close();
        q.close();
    }

    @Test
    void aClosedChildHandsItsKeptBuffersToTheAncestorThatTakesThemOver() {
        try (MemoryPool root = MemoryPool.unbounded("session").keepReusableOfChildren(4 * SIZE)) {
            MemoryPool q1 = root.child("query 1");
            Allocation a = q1.allocateReusable(SIZE, "col", false);
            long address = a.segment().address();
            a.close();
            q1.close(); // no leak: the kept buffer now belongs to the root
            assertEquals(SIZE, root.reserved(), "still accounted, at the root");
            assertEquals(SIZE, root.reusableBytes());
            MemoryPool q2 = root.child("query 2");
            Allocation b = q2.allocateReusable(SIZE, "col", true);
            assertEquals(address, b.segment().address(), "the next query takes the same memory back");
            assertEquals(SIZE, q2.reserved(), "counted against the query that holds it");
            assertEquals(0, root.reusableBytes());
            assertEquals(SIZE, root.reserved());
            assertEquals(0, b.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, SIZE - 1), "zeroed on request");
            b.close();
            q2.close();
            assertEquals(SIZE, root.reserved());
        } // closing the root frees what it kept: no leak reported
    }

    @Test
    void theAncestorKeepsAtMostItsBoundNewestFirst() {
        try (MemoryPool root = MemoryPool.unbounded("session").keepReusableOfChildren(2 * SIZE)) {
            for (int i = 0; i < 3; i++) {
                try (MemoryPool q = root.child("query " + i)) {
                    q.allocateReusable(SIZE + 64L * i, "col " + i, false).close();
                }
            }
            // each newer buffer pushed the older ones out: two would not fit the bound
            assertEquals(SIZE + 128, root.reusableBytes());
            assertEquals(SIZE + 128, root.reserved(), "the evicted ones were freed");
            try (MemoryPool q = root.child("query 3")) {
                q.allocateReusable(SIZE + 128, "col 2", false).close();
                assertEquals(0, root.reusableBytes(), "the newest was taken");
            }
        }
    }

    @Test
    void buffersKeptByAnAncestorGiveWayToAReservationUnderIt() {
        try (MemoryPool root = MemoryPool.root("session", 3 * SIZE).keepReusableOfChildren(3 * SIZE)) {
            try (MemoryPool q = root.child("query 1")) {
                q.allocateReusable(SIZE, "a", false).close();
                q.allocateReusable(SIZE + 64, "b", false).close();
            }
            assertEquals(2 * SIZE + 64, root.reserved());
            try (MemoryPool q = root.child("query 2")) {
                Allocation big = q.allocate(2 * SIZE, "needs the room");
                assertEquals(2 * SIZE, root.reserved(), "kept buffers were freed to make room");
                big.close();
                Allocation ext = q.reserveExternal(3 * SIZE, "heap arrays");
                ext.close();
            }
        }
    }

    @Test
    void aChildOverItsOwnLimitDoesNotTakeAnAncestorsBuffer() {
        try (MemoryPool root = MemoryPool.unbounded("session").keepReusableOfChildren(4 * SIZE)) {
            try (MemoryPool q = root.child("query 1")) {
                q.allocateReusable(SIZE, "a", false).close();
            }
            try (MemoryPool small = root.child("small query", SIZE / 2)) {
                assertThrows(MemoryLimitExceededException.class, () -> small.allocateReusable(SIZE, "a", false));
                assertEquals(0, small.reserved());
            }
            assertEquals(SIZE, root.reusableBytes(), "left with the ancestor");
        }
    }

    @Test
    void withoutAnAncestorThatTakesThemOverAClosedChildFreesItsBuffers() {
        try (MemoryPool root = MemoryPool.unbounded("root")) {
            try (MemoryPool q = root.child("q")) {
                q.allocateReusable(SIZE, "a", false).close();
                assertEquals(SIZE, root.reserved());
            }
            assertEquals(0, root.reserved());
            assertEquals(0, root.reusableBytes());
        }
    }

    @Test
    void aPoolThatReusesEveryBufferKeepsPlainAllocationsBySizeClass() {
        try (MemoryPool root = MemoryPool.unbounded("session").keepReusableOfChildren(1 << 20)) {
            MemoryPool q = root.child("query").reuseEveryBuffer();
            Allocation a = q.allocate(900, "result column");
            long address = a.segment().address();
            assertEquals(900, a.byteSize());
            assertEquals(1024, q.reserved(), "the size class is what the pool holds and counts");
            a.segment().fill((byte) 7);
            a.close();
            assertEquals(1024, q.reserved(), "kept");
            Allocation b = q.allocate(1000, "result column");
            assertEquals(address, b.segment().address(), "a nearby size takes the same buffer back");
            assertEquals(1000, b.byteSize());
            assertEquals(0, b.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 999), "allocate's memory is zeroed");
            assertThrows(IndexOutOfBoundsException.class, () -> b.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 1000));
            MemoryPool op = q.child("operator");
            Allocation c = op.allocateReusable(100, "build rows", false);
            c.close();
            assertEquals(1024 + 112, q.reserved(), "children reuse every buffer too, small reusable ones included");
            b.close();
            op.close();
            q.close();
            assertEquals(1024 + 112, root.reusableBytes(), "handed to the session when the query ends");
            MemoryPool next = root.child("next query").reuseEveryBuffer();
            Allocation d = next.allocate(1024, "result column");
            assertEquals(address, d.segment().address(), "the next query takes it back");
            assertEquals(112, root.reusableBytes());
            d.close();
            next.close();
        }
        try (MemoryPool plain = MemoryPool.unbounded("plain")) {
            try (MemoryPool child = plain.child("child")) {
                child.allocate(900, "x").close();
                assertEquals(0, plain.reserved(), "other pools free at once, as before");
            }
        }
    }

    @Test
    void sizeClassesWasteAtMostAQuarter() {
        assertEquals(64, MemoryPool.sizeClass(0));
        assertEquals(64, MemoryPool.sizeClass(64));
        assertEquals(80, MemoryPool.sizeClass(65));
        assertEquals(1024, MemoryPool.sizeClass(1024));
        assertEquals(1280, MemoryPool.sizeClass(1025));
        assertEquals(SIZE + 64, MemoryPool.sizeClass(SIZE + 64), "large buffers are kept at their own size");
        long previous = 0;
        for (long bytes = 1; bytes < MemoryPool.REUSE_MIN_BYTES + 100; bytes++) {
            long c = MemoryPool.sizeClass(bytes);
            assertTrue(c >= bytes && c >= previous, "class of " + bytes);
            assertTrue(bytes <= 64 || c <= bytes * 1.25, "class of " + bytes + ": " + c);
            assertTrue(bytes >= MemoryPool.REUSE_MIN_BYTES || c % 16 == 0, "class of " + bytes);
            previous = c;
        }
    }

    @Test
    void concurrentReuseKeepsExactAccountingAndNeverHandsABufferOutTwice() throws Exception {
        int threads = 4;
        try (MemoryPool root = MemoryPool.root("session", 1L << 30).keepReusableOfChildren(1 << 20)) {
            MemoryPool q = root.child("query", 2 << 20).reuseEveryBuffer();
            java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newFixedThreadPool(threads);
            java.util.List<java.util.concurrent.Future<java.util.List<Allocation>>> results = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = 7 + t;
                results.add(executor.submit(() -> {
                    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
                    java.util.List<Allocation> mine = new java.util.ArrayList<>();
                    for (int i = 0; i < 5_000; i++) {
                        if (!mine.isEmpty() && random.nextInt(3) == 0) {
                            mine.remove(random.nextInt(mine.size())).close();
                        } else {
                            try {
                                mine.add(q.allocate(random.nextInt(3) == 0 ? 1 + random.nextInt(200_000) : 1 + random.nextInt(4096), "worker"));
                            } catch (MemoryLimitExceededException e) {
                                // the limit refuses some: the kept buffers gave way first
                            }
                        }
                    }
                    return mine;
                }));
            }
            java.util.List<Allocation> left = new java.util.ArrayList<>();
            for (var f : results) {
                left.addAll(f.get());
            }
            executor.shutdown();
            long live = left.stream().mapToLong(a -> MemoryPool.sizeClass(a.byteSize())).sum();
            assertEquals(live + q.reusableBytes(), q.reserved(), "live size classes plus kept buffers");
            assertEquals(left.size(), left.stream().mapToLong(a -> a.segment().address()).distinct().count(),
                    "no buffer is held twice");
            left.forEach(Allocation::close);
            q.close();
            assertEquals(root.reusableBytes(), root.reserved());
            assertTrue(root.reusableBytes() <= 1 << 20);
        }
    }
}
