package io.blueshift.bench.calibration;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Random-access latency: a walk through one random cycle over the cache lines of a buffer
 * much larger than the last-level cache, each load's address coming from the previous load,
 * so nothing overlaps. The figure includes TLB misses, as a hash-table probe pays them.
 */
public final class PointerChase {
    private static final int LINE = 64;

    private PointerChase() { }

    /** Nanoseconds per dependent load over {@code bytes} (rounded to lines), after a warm-up walk. */
    public static double nanosPerHop(long bytes, int hops, long seed) {
        int lines = (int) Math.min(Integer.MAX_VALUE, bytes / LINE);
        if (lines < 2 || hops < 1) throw new IllegalArgumentException("bytes=" + bytes + " hops=" + hops);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate((long) lines * LINE, LINE);
            // Sattolo's shuffle gives one cycle through every line
            int[] next = new int[lines];
            for (int i = 0; i < lines; i++) next[i] = i;
            SplittableRandom rnd = new SplittableRandom(seed);
            for (int i = lines - 1; i > 0; i--) {
                int j = rnd.nextInt(i);
                int t = next[i];
                next[i] = next[j];
                next[j] = t;
            }
            for (int i = 0; i < lines; i++) buf.set(ValueLayout.JAVA_INT, (long) i * LINE, next[i]);
            int at = walk(buf, 0, Math.min(hops, lines));
            long t0 = System.nanoTime();
            at = walk(buf, at, hops);
            long nanos = System.nanoTime() - t0;
            if (at < 0) throw new IllegalStateException("unreachable");
            return (double) nanos / hops;
        }
    }

    private static int walk(MemorySegment buf, int at, int hops) {
        for (int h = 0; h < hops; h++) at = buf.get(ValueLayout.JAVA_INT, (long) at * LINE);
        return at;
    }
}
