package io.blueshift.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Heap arrays handed back to a pool that keeps them ({@link MemoryPool#keepHeapArrays}). */
class KeptArraysTest {
    /** Longs of one kept array (128 KiB). */
    private static final int N = (int) (MemoryPool.KEEP_ARRAY_MIN_BYTES / 8) * 8;

    @Test
    void aRecycledArrayIsTakenBackZeroedByTheSameKindAndLength() {
        try (MemoryPool root = MemoryPool.unbounded("session").keepHeapArrays(4L * N * 8)) {
            try (MemoryPool q = root.child("query")) {
                long[] a = q.newLongs(N);
                java.util.Arrays.fill(a, 7L);
                q.recycle(a);
                assertEquals(N * 8L, root.keptArrayBytes());
                assertEquals(N * 8L, root.reserved(), "a kept array counts against the keeper");
                assertNotSame(a, q.newLongs(N + 1), "another length is a new array");
                assertEquals(N * 8L, root.keptArrayBytes());
                double[] d = q.newDoubles(N);
                assertNotSame((Object) a, d, "another kind is a new array");
                long[] b = q.newLongs(N);
                assertSame(a, b, "the kept array came back");
                assertEquals(0, b[0] | b[N - 1], "zeroed");
                assertEquals(0, root.keptArrayBytes());
                assertEquals(0, root.reserved());
            }
        }
    }

    @Test
    void resizeCopiesIntoAKeptArrayAndRecyclesTheOld() {
        try (MemoryPool root = MemoryPool.unbounded("session").keepHeapArrays(8L * N * 4)) {
            MemoryPool q = root.child("query");
            int[] big = q.newInts(2 * N);
            java.util.Arrays.fill(big, 9);
            q.recycle(big);
            int[] small = q.newInts(N);
            for (int i = 0; i < N; i++) {
                small[i] = i;
            }
            int[] grown = q.resizeInts(small, 2 * N);
            assertSame(big, grown);
            assertEquals(N - 1, grown[N - 1]);
            assertEquals(0, grown[N], "zero past the old length");
            assertEquals(N * 4L, root.keptArrayBytes(), "the old array is kept now");
            int[] again = q.resizeInts(grown, N);
            assertSame(small, again, "shrinking takes the kept one too");
            int[] expect = new int[N];
            for (int i = 0; i < N; i++) {
                expect[i] = i;
            }
            assertArrayEquals(expect, again);
            q.close();
        }
    }

    @Test
    void oldestAreEvictedPastTheLimitAndSmallOnesAreNotKept() {
        try (MemoryPool root = MemoryPool.unbounded("session").keepHeapArrays(2L * N * 8)) {
            MemoryPool q = root.child("query");
            long[] a = new long[N], b = new long[N], c = new long[N];
            q.recycle(a);
            q.recycle(b);
            q.recycle(c);
            assertEquals(2L * N * 8, root.keptArrayBytes());
            assertEquals(2L * N * 8, root.reserved());
            q.recycle(new long[16]);
            q.recycle(new long[4 * N]);   // over the limit alone
            assertEquals(2L * N * 8, root.keptArrayBytes());
            assertSame(c, q.newLongs(N), "newest first");
            assertSame(b, q.newLongs(N));
            assertNotSame(a, q.newLongs(N), "the oldest was evicted");
            q.close();
        }
    }

    @Test
    void keptArraysGiveWayToAReservationAndAreDroppedOnClose() {
        long limit = 3L * N * 8;
        MemoryPool root = MemoryPool.root("session", limit).keepHeapArrays(limit);
        try (MemoryPool q = root.child("query")) {
            q.recycle(new long[N]);
            q.recycle(new long[N]);
            assertEquals(2L * N * 8, root.reserved());
            Allocation need = q.reserveExternal(2L * N * 8, "a group table");
            assertEquals(0, root.keptArrayBytes(), "kept arrays were given up to make room");
            assertEquals(2L * N * 8, root.reserved());
            need.close();
            q.recycle(new long[N]);
        }
        assertEquals(N * 8L, root.reserved());
        root.close();
        assertEquals(0, root.reserved());
        assertEquals(0, root.keptArrayBytes());
    }

    @Test
    void withoutAKeeperArraysAreNotKept() {
        try (MemoryPool root = MemoryPool.unbounded("plain")) {
            long[] a = root.newLongs(N);
            root.recycle(a);
            assertEquals(0, root.keptArrayBytes());
            assertEquals(0, root.reserved());
            assertNotSame(a, root.newLongs(N));
        }
    }
}
