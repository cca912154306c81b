package io.blueshift.memory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The freed buffers a {@link MemoryPool} keeps for reuse: found by size in constant time (a
 * query may keep thousands of small ones), evicted oldest first. Not thread-safe: the pool
 * guards it.
 */
final class KeptBuffers {
    private final Map<Long, ArrayDeque<Allocation>> bySize = new HashMap<>();
    private final LinkedHashSet<Allocation> oldestFirst = new LinkedHashSet<>();
    private long bytes;

    long bytes() { return bytes; }

    boolean isEmpty() { return oldestFirst.isEmpty(); }

    /** Adds {@code a} as the newest. */
    void add(Allocation a) {
        bySize.computeIfAbsent(a.rawSegment().byteSize(), k -> new ArrayDeque<>()).addFirst(a);
        oldestFirst.add(a);
        bytes += a.rawSegment().byteSize();
    }

    /**
     * Removes and returns a buffer of exactly {@code size} bytes, or null: among the newest few,
     * one that {@code me} freed (likeliest in its core's cache), else the newest.
     */
    Allocation take(long size, Thread me) {
        ArrayDeque<Allocation> same = bySize.get(size);
        if (same == null || same.isEmpty()) {
            return null;
        }
        Allocation pick = same.peekFirst();
        int looked = 0;
        for (Allocation a : same) {
            if (a.freedBy() == me) {
                pick = a;
                break;
            }
            if (++looked == 8) {
                break;
            }
        }
        same.remove(pick);
        oldestFirst.remove(pick);
        bytes -= size;
        return pick;
    }

    /** Removes and returns the oldest buffer, or null. */
    Allocation removeOldest() {
        if (oldestFirst.isEmpty()) {
            return null;
        }
        Allocation a = oldestFirst.removeFirst();
        bySize.get(a.rawSegment().byteSize()).removeLast(); // the oldest of its size too
        bytes -= a.rawSegment().byteSize();
        return a;
    }

    /** Removes and returns every buffer, oldest first. */
    List<Allocation> drain() {
        List<Allocation> all = new ArrayList<>(oldestFirst);
        oldestFirst.clear();
        bySize.clear();
        bytes = 0;
        return all;
    }
}
