package io.blueshift.bench.probe;

import io.blueshift.hwprofiles.HardwareProfile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Single-thread memory read bandwidth: the sum of a large off-heap INT64 array, far bigger
 * than the last-level cache, timed over a few repetitions (median). It is the ceiling a
 * streaming kernel such as a filter or a sum can reach on one core.
 *
 * <p>Two loops read the same array: a plain Java loop and a Vector API one. Whether the JIT
 * vectorizes the plain loop depends on its shape and the JDK, and an unvectorized loop can be
 * core-bound rather than memory-bound, so the probe reports the faster of the two; the
 * Vector API loop runs only when {@code jdk.incubator.vector} is in the boot layer.
 * GB/s is 10^9 bytes per second.
 */
public final class BandwidthProbe {
    public static final long MIN_BYTES = 1L << 30;
    public static final long MAX_BYTES = 2L << 30;
    static final int WARMUP = 2;
    static final long WARMUP_NANOS = 500_000_000L;

    /** Medians in GB/s; {@code vectorGBs} is {@code -1} when the Vector API is unavailable. */
    public record Result(long bytes, double scalarGBs, double vectorGBs) {
        public double gbs() {
            return Math.max(scalarGBs, vectorGBs);
        }
    }

    private BandwidthProbe() { }

    /** 8x the L3 (so no cache level holds a useful part of it), at least 1 GiB, at most 2 GiB. */
    public static long defaultBytes(HardwareProfile profile) {
        long l3 = profile.l3Bytes() > 0 ? profile.l3Bytes() : 0;
        return Math.clamp(8 * l3, MIN_BYTES, MAX_BYTES);
    }

    /** The probe at its default size for this machine, 5 timed repetitions. */
    public static double measureGBs() {
        return measureGBs(defaultBytes(HardwareProfile.detect()), 5);
    }

    public static double measureGBs(long bytes, int repetitions) {
        return measure(bytes, repetitions).gbs();
    }

    public static Result measure(long bytes, int repetitions) {
        if (bytes < 8 || repetitions < 1) {
            throw new IllegalArgumentException("bytes=" + bytes + " repetitions=" + repetitions);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(bytes & ~7L, 64);
            data.fill((byte) 1);
            long count = data.byteSize() / 8;
            double scalar = medianGBs(data.byteSize(), repetitions, () -> sumScalar(data, count));
            double vector = VectorAvailability.PRESENT
                    ? medianGBs(data.byteSize(), repetitions, () -> VectorSum.sum(data, count))
                    : -1;
            return new Result(data.byteSize(), scalar, vector);
        }
    }

    /**
     * Plain loop. Kept in this simplest form on purpose: C2 vectorizes it (about 28 GB/s here),
     * while a hand-unrolled four-accumulator version was not vectorized and ran at about 16.
     */
    public static long sumScalar(MemorySegment data, long count) {
        long s = 0;
        for (long i = 0; i < count; i++) {
            s += data.getAtIndex(ValueLayout.JAVA_LONG, i);
        }
        return s;
    }

    /** The Vector API sum, or the scalar one when the incubator module is absent. */
    public static long sumVector(MemorySegment data, long count) {
        return VectorAvailability.PRESENT ? VectorSum.sum(data, count) : sumScalar(data, count);
    }

    public static boolean vectorApiPresent() {
        return VectorAvailability.PRESENT;
    }

    private static double medianGBs(long bytes, int repetitions, java.util.function.LongSupplier sum) {
        long expected = 0;
        long warmStart = System.nanoTime();
        for (int i = 0; i < WARMUP || System.nanoTime() - warmStart < WARMUP_NANOS; i++) expected = sum.getAsLong();
        double[] gbs = new double[repetitions];
        for (int r = 0; r < repetitions; r++) {
            long start = System.nanoTime();
            long got = sum.getAsLong();
            long nanos = System.nanoTime() - start;
            if (got != expected) throw new IllegalStateException("probe sum changed: " + got + " vs " + expected);
            gbs[r] = (double) bytes / nanos;
        }
        Arrays.sort(gbs);
        return gbs[repetitions / 2];
    }

    /** Holder so that {@link VectorSum} (and the incubator classes) load only when present. */
    private static final class VectorAvailability {
        static final boolean PRESENT = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }
}
