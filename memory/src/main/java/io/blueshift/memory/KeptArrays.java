package io.blueshift.memory;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * The freed Java-heap arrays ({@code long[]}, {@code int[]}, {@code double[]}) a {@link
 * MemoryPool} keeps for reuse ({@link MemoryPool#keepHeapArrays}): found by element type and
 * exact length, evicted oldest first. Not thread-safe: the pool guards it.
 */
final class KeptArrays {
    private final Map<Long, ArrayDeque<Object>> byShape = new HashMap<>();
    private final LinkedHashSet<Object> oldestFirst = new LinkedHashSet<>();
    private long bytes;

    long bytes() { return bytes; }

    boolean isEmpty() { return oldestFirst.isEmpty(); }

    /** The key of arrays of {@code kind} (0 long, 1 int, 2 double) and {@code length}. */
    static long shape(int kind, int length) {
        return ((long) kind << 32) | length;
    }

    /** The kind of an array this class keeps (0 long, 1 int, 2 double), or -1. */
    static int kind(Object array) {
        return switch (array) {
            case long[] a -> 0;
            case int[] a -> 1;
            case double[] a -> 2;
            default -> -1;
        };
    }

    /** Bytes of the elements of a kept array. */
    static long bytes(Object array) {
        return switch (array) {
            case long[] a -> a.length * 8L;
            case int[] a -> a.length * 4L;
            case double[] a -> a.length * 8L;
            default -> 0;
        };
    }

    private static int length(Object array) {
        return switch (array) {
            case long[] a -> a.length;
            case int[] a -> a.length;
            case double[] a -> a.length;
            default -> 0;
        };
    }

    /** Adds {@code array} as the newest; it must not be here already. */
    void add(Object array) {
        byShape.computeIfAbsent(shape(kind(array), length(array)), k -> new ArrayDeque<>()).addFirst(array);
        oldestFirst.add(array);
        bytes += bytes(array);
    }

    /** Removes and returns the newest array of {@code kind} and {@code length}, or null. */
    Object take(int kind, int length) {
        ArrayDeque<Object> same = byShape.get(shape(kind, length));
        if (same == null || same.isEmpty()) {
            return null;
        }
        Object pick = same.removeFirst();
        oldestFirst.remove(pick);
        bytes -= bytes(pick);
        return pick;
    }

    /** Removes and returns the oldest array, or null. */
    Object removeOldest() {
        if (oldestFirst.isEmpty()) {
            return null;
        }
        Object a = oldestFirst.removeFirst();
        byShape.get(shape(kind(a), length(a))).removeLast(); // the oldest of its shape too
        bytes -= bytes(a);
        return a;
    }

    /** Forgets every array; returns their bytes. */
    long clear() {
        long b = bytes;
        oldestFirst.clear();
        byShape.clear();
        bytes = 0;
        return b;
    }
}
