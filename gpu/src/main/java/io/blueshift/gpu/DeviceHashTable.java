package io.blueshift.gpu;

import java.util.Objects;

/**
 * An open-addressing table on the device: {@code capacity} (a power of two) slots of an int64
 * key and an int32 build row (-1 = empty), one slot per build row (duplicates take separate
 * slots), linear probing from {@link #slot}. Owns its two buffers.
 */
public record DeviceHashTable(DeviceBuffer keys, DeviceBuffer rows, int capacityBits, int buildRows) implements AutoCloseable {
    static final long MULTIPLIER = 0x9E3779B97F4A7C15L;

    public DeviceHashTable {
        Objects.requireNonNull(keys, "keys is null");
        Objects.requireNonNull(rows, "rows is null");
    }

    public long capacity() {
        return 1L << capacityBits;
    }

    /** The first slot for {@code key}: the high bits of a multiplicative hash (the kernels do the same). */
    public static int slot(long key, int capacityBits) {
        return (int) ((key * MULTIPLIER) >>> (64 - capacityBits));
    }

    /**
     * Slots for {@code rows} build rows: at least twice as many, a power of two, at least 1024;
     * at most 2^31 (the kernels' slot numbers are 32-bit), so more than 2^30 rows are refused.
     */
    public static int capacityBitsFor(long rows) {
        if (rows > 1L << 30) {
            throw new IllegalArgumentException(rows + " rows is more than a device hash table holds (2^30)");
        }
        long want = Math.max(1024, rows * 2);
        return 64 - Long.numberOfLeadingZeros(want - 1);
    }

    @Override
    public void close() {
        try {
            keys.close();
        } finally {
            rows.close();
        }
    }
}
