package io.blueshift.hwprofiles;

/**
 * Sizes the engine runs with, derived from a {@link HardwareProfile} by the rules below.
 * A rule whose input is unknown uses the value {@link #defaults()} would give.
 *
 * <ul>
 *   <li>{@code batchRows}: the largest power of two such that a batch of 8 columns of 8 bytes
 *       ({@code 64 * batchRows} bytes) fits in half of L2, so a pipeline's working batch stays
 *       in L2 beside its hash-table probes; clamped to {@code [1024, 65536]}. Unknown L2:
 *       assume {@value #ASSUMED_L2_BYTES} bytes.</li>
 *   <li>{@code morselRows}: {@code 64 * batchRows}: a morsel is big enough that scheduling
 *       costs little next to its work, small enough that many morsels balance the threads.</li>
 *   <li>{@code hashPartitionBits}: the fewest radix bits such that one partition of a
 *       1M-row hash table at {@value #HASH_ENTRY_BYTES} bytes per entry (hash/key + row
 *       reference) fits in L2: {@code ceil(log2(16 MiB / L2))}, clamped to {@code [0, 12]}.</li>
 *   <li>{@code threads}: the effective cores (logical cores capped by the cgroup CPU quota);
 *       unknown: the JVM's {@code availableProcessors()}.</li>
 * </ul>
 */
public record TuningParameters(int batchRows, int morselRows, int hashPartitionBits, int threads) {

    static final int MIN_BATCH_ROWS = 1024;
    static final int MAX_BATCH_ROWS = 65536;
    static final int BATCH_COLUMNS = 8;
    static final int BATCH_VALUE_BYTES = 8;
    static final int BATCHES_PER_MORSEL = 64;
    static final long HASH_TABLE_ROWS = 1L << 20;
    static final int HASH_ENTRY_BYTES = 16;
    static final int MAX_PARTITION_BITS = 12;
    static final long ASSUMED_L2_BYTES = 512 * 1024;

    public TuningParameters {
        if (batchRows <= 0 || morselRows < batchRows || hashPartitionBits < 0 || threads <= 0) {
            throw new IllegalArgumentException("bad tuning parameters: batchRows=" + batchRows
                    + " morselRows=" + morselRows + " hashPartitionBits=" + hashPartitionBits + " threads=" + threads);
        }
    }

    /** What the engine runs with when nothing was detected. */
    public static TuningParameters defaults() {
        return fromSizes(ASSUMED_L2_BYTES, Runtime.getRuntime().availableProcessors());
    }

    public static TuningParameters derive(HardwareProfile profile) {
        long l2 = profile.l2Bytes() > 0 ? profile.l2Bytes() : ASSUMED_L2_BYTES;
        int threads = profile.effectiveCores() > 0 ? profile.effectiveCores() : Runtime.getRuntime().availableProcessors();
        return fromSizes(l2, threads);
    }

    private static TuningParameters fromSizes(long l2Bytes, int threads) {
        long fit = l2Bytes / 2 / (BATCH_COLUMNS * BATCH_VALUE_BYTES);
        int batchRows = (int) Math.clamp(Long.highestOneBit(Math.max(fit, 1)), MIN_BATCH_ROWS, MAX_BATCH_ROWS);
        int bits = ceilLog2(ceilDiv(HASH_TABLE_ROWS * HASH_ENTRY_BYTES, l2Bytes));
        return new TuningParameters(batchRows, batchRows * BATCHES_PER_MORSEL,
                Math.clamp(bits, 0, MAX_PARTITION_BITS), threads);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static int ceilLog2(long x) {
        return x <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(x - 1);
    }
}
