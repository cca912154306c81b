package io.blueshift.simd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import io.blueshift.kernels.AggregateKernels;
import io.blueshift.kernels.ArithmeticKernels;
import io.blueshift.kernels.FilterKernels;
import io.blueshift.kernels.GatherKernels;
import io.blueshift.kernels.HashKernels;
import io.blueshift.kernels.KernelProvider;
import io.blueshift.kernels.Kernels;
import io.blueshift.kernels.SelectionKernels;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Random columns for the SIMD-vs-scalar properties: sizes that hit every tail, extremes, nulls. */
final class RandomColumns {
    static final Integer[] TAIL_SIZES = {0, 1, 3, 7, 8, 13, 31, 64, 65, 207, 4098};

    /** How a column's validity looks. */
    enum Nulls { NO_BITMAP, ALL_VALID, HALF, MOSTLY_VALID, ALL_NULL }

    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE;

    private static final int[] INT_EXTREMES = {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 1, Integer.MIN_VALUE + 1, Integer.MAX_VALUE - 1};
    private static final long[] LONG_EXTREMES = {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 1, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1,
            Integer.MIN_VALUE, Integer.MAX_VALUE, 1L << 32, -(1L << 32), 1L << 31};
    private static final double[] DOUBLE_EXTREMES = {Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, 1.0, -1.0};

    final Random random;
    final Arena arena;

    RandomColumns(long seed, Arena arena) {
        this.random = new Random(seed);
        this.arena = arena;
    }

    static Arbitrary<Integer> sizes() {
        return Arbitraries.oneOf(Arbitraries.of(TAIL_SIZES), Arbitraries.integers().between(0, 5000));
    }

    static KernelProvider scalar() {
        return Kernels.scalar();
    }

    static KernelProvider simd() {
        return Kernels.vectorized().orElseThrow();
    }

    static FilterKernels scalarFilter() { return scalar().filter(); }
    static FilterKernels simdFilter() { return simd().filter(); }
    static AggregateKernels scalarAggregate() { return scalar().aggregate(); }
    static AggregateKernels simdAggregate() { return simd().aggregate(); }
    static ArithmeticKernels scalarArithmetic() { return scalar().arithmetic(); }
    static ArithmeticKernels simdArithmetic() { return simd().arithmetic(); }
    static HashKernels scalarHash() { return scalar().hash(); }
    static HashKernels simdHash() { return simd().hash(); }
    static SelectionKernels scalarSelection() { return scalar().selection(); }
    static SelectionKernels simdSelection() { return simd().selection(); }
    static GatherKernels scalarGather() { return scalar().gather(); }
    static GatherKernels simdGather() { return simd().gather(); }

    /** Exactly {@code bytes} long (not rounded up), so reading past the end would fail. */
    MemorySegment segment(long bytes) {
        return arena.allocate(Math.max(bytes, 0), 8);
    }

    /** A mix of a small range (so equal values recur), the full range and the extremes. */
    int nextInt(int range) {
        return switch (random.nextInt(4)) {
            case 0 -> INT_EXTREMES[random.nextInt(INT_EXTREMES.length)];
            case 1 -> random.nextInt();
            default -> random.nextInt(range) - range / 2;
        };
    }

    long nextLong(long range) {
        return switch (random.nextInt(4)) {
            case 0 -> LONG_EXTREMES[random.nextInt(LONG_EXTREMES.length)];
            case 1 -> random.nextLong();
            default -> random.nextLong(range) - range / 2;
        };
    }

    double nextDouble() {
        return switch (random.nextInt(4)) {
            case 0 -> DOUBLE_EXTREMES[random.nextInt(DOUBLE_EXTREMES.length)];
            case 1 -> random.nextGaussian() * 1e6;
            default -> random.nextInt(40) - 20 + (random.nextBoolean() ? 0.5 : 0);
        };
    }

    MemorySegment ints(int n, int range) {
        MemorySegment s = segment(4L * n);
        for (int i = 0; i < n; i++) {
            s.setAtIndex(INT, i, nextInt(range));
        }
        return s;
    }

    MemorySegment longs(int n, long range) {
        MemorySegment s = segment(8L * n);
        for (int i = 0; i < n; i++) {
            s.setAtIndex(LONG, i, nextLong(range));
        }
        return s;
    }

    /** Values whose sums cannot overflow: at most 2^50 in magnitude. */
    MemorySegment boundedLongs(int n) {
        MemorySegment s = segment(8L * n);
        for (int i = 0; i < n; i++) {
            s.setAtIndex(LONG, i, random.nextBoolean() ? random.nextLong(-(1L << 50), 1L << 50) : random.nextInt(100) - 50);
        }
        return s;
    }

    MemorySegment doubles(int n, boolean withExtremes) {
        MemorySegment s = segment(8L * n);
        for (int i = 0; i < n; i++) {
            double d = nextDouble();
            if (!withExtremes && (Double.isNaN(d) || Double.isInfinite(d) || Math.abs(d) > 1e12)) {
                d = random.nextGaussian();
            }
            s.setAtIndex(DOUBLE, i, d);
        }
        return s;
    }

    /** A validity bitmap of exactly ceil(n / 8) bytes (shorter than whole words), or null. */
    MemorySegment validity(int n, Nulls nulls) {
        if (nulls == Nulls.NO_BITMAP) {
            return null;
        }
        MemorySegment s = segment((n + 7) / 8);
        for (int i = 0; i < n; i++) {
            boolean valid = switch (nulls) {
                case NO_BITMAP, ALL_VALID -> true;
                case HALF -> random.nextBoolean();
                case MOSTLY_VALID -> random.nextInt(10) != 0;
                case ALL_NULL -> false;
            };
            if (valid) {
                s.set(ValueLayout.JAVA_BYTE, i >>> 3, (byte) (s.get(ValueLayout.JAVA_BYTE, i >>> 3) | (1 << (i & 7))));
            }
        }
        // garbage in the unused bits of the last byte must not matter
        if ((n & 7) != 0) {
            s.set(ValueLayout.JAVA_BYTE, n >>> 3, (byte) (s.get(ValueLayout.JAVA_BYTE, n >>> 3) | (0xFF << (n & 7))));
        }
        return s;
    }

    /** An ascending subset of {@code [0, n)}; its count is {@code byteSize / 4}. */
    MemorySegment selection(int n) {
        int density = random.nextInt(4);
        int[] rows = new int[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            boolean take = switch (density) {
                case 0 -> random.nextInt(10) == 0;
                case 1 -> random.nextBoolean();
                case 2 -> random.nextInt(10) != 0;
                default -> true;
            };
            if (take) {
                rows[k++] = i;
            }
        }
        MemorySegment s = segment(4L * k);
        for (int i = 0; i < k; i++) {
            s.setAtIndex(INT, i, rows[i]);
        }
        return s;
    }

    static int count(MemorySegment selection) {
        return (int) (selection.byteSize() / 4);
    }

    static int[] ints(MemorySegment s, int n) {
        int[] a = new int[n];
        MemorySegment.copy(s, INT, 0, a, 0, n);
        return a;
    }

    static long[] longs(MemorySegment s, int n) {
        long[] a = new long[n];
        MemorySegment.copy(s, LONG, 0, a, 0, n);
        return a;
    }

    static double[] doubles(MemorySegment s, int n) {
        double[] a = new double[n];
        MemorySegment.copy(s, DOUBLE, 0, a, 0, n);
        return a;
    }
}
