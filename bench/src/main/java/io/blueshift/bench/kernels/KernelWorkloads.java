package io.blueshift.bench.kernels;

import io.blueshift.kernels.AggregateKernels;
import io.blueshift.kernels.CompareOp;
import io.blueshift.kernels.FilterKernels;
import io.blueshift.kernels.HashKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The data and the loops the kernel benchmarks share. Columns are larger than the last-level
 * cache and are walked one batch at a time, as a pipeline does: the input streams from
 * memory while the batch-sized selection vector stays in cache.
 */
public final class KernelWorkloads {
    /** 64M INT32 values: 256 MiB, far past any L3 we target. */
    public static final int FILTER_ROWS = 64 << 20;
    /** 32M INT64 values: 256 MiB. */
    public static final int SUM_ROWS = 32 << 20;
    public static final int BATCH_ROWS = 8192;
    /** Values are uniform in {@code [0, VALUE_BOUND)}, so sums of 32M of them cannot overflow. */
    public static final int VALUE_BOUND = 1 << 20;

    private KernelWorkloads() { }

    /** The constant {@code c} for which {@code value < c} passes about {@code percent}% of rows. */
    public static int lessThanConstant(double percent) {
        return (int) Math.round(VALUE_BOUND * percent / 100.0);
    }

    public static MemorySegment int32Column(Arena arena, int rows, long seed) {
        MemorySegment s = arena.allocate((long) rows * Integer.BYTES, 64);
        long x = seed;
        for (int i = 0; i < rows; i++) {
            x += GOLDEN;
            s.setAtIndex(ValueLayout.JAVA_INT, i, (int) (mix(x) >>> 44));
        }
        return s;
    }

    public static MemorySegment int64Column(Arena arena, int rows, long seed) {
        MemorySegment s = arena.allocate((long) rows * Long.BYTES, 64);
        long x = seed;
        for (int i = 0; i < rows; i++) {
            x += GOLDEN;
            s.setAtIndex(ValueLayout.JAVA_LONG, i, mix(x) >>> 44);
        }
        return s;
    }

    /** A selection vector with room for one batch. */
    public static MemorySegment selection(Arena arena, int batchRows) {
        return arena.allocate((long) batchRows * Integer.BYTES, 64);
    }

    /** {@code value < constant} over every batch of a dense INT32 column; returns the rows passed. */
    public static long filterLessThan(FilterKernels filter, MemorySegment data, int rows, int batchRows,
                                      int constant, MemorySegment out) {
        long passed = 0;
        for (int start = 0; start < rows; start += batchRows) {
            int n = Math.min(batchRows, rows - start);
            MemorySegment batch = data.asSlice((long) start * Integer.BYTES, (long) n * Integer.BYTES);
            passed += filter.compareInt32(CompareOp.LT, batch, null, n, constant, out);
        }
        return passed;
    }

    /** The exact sum of a dense INT64 column without nulls, one batch at a time. */
    public static long sum(AggregateKernels aggregate, MemorySegment data, int rows, int batchRows) {
        long total = 0;
        for (int start = 0; start < rows; start += batchRows) {
            int n = Math.min(batchRows, rows - start);
            MemorySegment batch = data.asSlice((long) start * Long.BYTES, (long) n * Long.BYTES);
            total += aggregate.sumInt64(batch, null, null, n);
        }
        return total;
    }

    /** Hashes every batch of a dense INT64 column into {@code out} (one batch of longs); returns a checksum. */
    public static long hash(HashKernels hash, MemorySegment data, int rows, int batchRows, MemorySegment out) {
        long x = 0;
        for (int start = 0; start < rows; start += batchRows) {
            int n = Math.min(batchRows, rows - start);
            hash.hashInt64(data.asSlice((long) start * Long.BYTES, (long) n * Long.BYTES), null, null, n, out);
            x ^= out.getAtIndex(ValueLayout.JAVA_LONG, n - 1);
        }
        return x;
    }

    /**
     * A join-probe-shaped table: keys {@code 0 .. keys-1} (each its own payload) in linear
     * probing slots addressed by the kernels' hash, twice as many slots as keys. Slot value 0
     * is empty, so a key is stored plus one.
     */
    public static long[] probeTable(HashKernels hash, int keys) {
        int capacity = Integer.highestOneBit(Math.max(keys, 1) * 2 - 1) << 1;
        long[] slots = new long[capacity];
        int mask = capacity - 1;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocate(8L * keys, 64);
            MemorySegment h = arena.allocate(8L * keys, 64);
            for (int i = 0; i < keys; i++) {
                k.setAtIndex(ValueLayout.JAVA_LONG, i, i);
            }
            hash.hashInt64(k, null, null, keys, h);
            for (int i = 0; i < keys; i++) {
                int slot = (int) h.getAtIndex(ValueLayout.JAVA_LONG, i) & mask;
                while (slots[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                slots[slot] = i + 1L;
            }
        }
        return slots;
    }

    /** Hashes each batch of probe keys with the kernel and looks every key up in {@code slots}; returns the matches. */
    public static long probe(HashKernels hash, long[] slots, MemorySegment data, int rows, int batchRows, MemorySegment hashes) {
        int mask = slots.length - 1;
        long matches = 0;
        for (int start = 0; start < rows; start += batchRows) {
            int n = Math.min(batchRows, rows - start);
            MemorySegment batch = data.asSlice((long) start * Long.BYTES, (long) n * Long.BYTES);
            hash.hashInt64(batch, null, null, n, hashes);
            for (int i = 0; i < n; i++) {
                long key = batch.getAtIndex(ValueLayout.JAVA_LONG, i) + 1;
                int slot = (int) hashes.getAtIndex(ValueLayout.JAVA_LONG, i) & mask;
                long v;
                while ((v = slots[slot]) != 0) {
                    if (v == key) {
                        matches++;
                        break;
                    }
                    slot = (slot + 1) & mask;
                }
            }
        }
        return matches;
    }

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    /** splitmix64's finaliser: cheap, deterministic, and uniform enough for selectivity. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
