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
}
