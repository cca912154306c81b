package io.blueshift.storage;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;

import java.util.Arrays;

/**
 * Estimates a column's number of distinct values with a HyperLogLog sketch (2^12 registers,
 * about 1.6% standard error), for the optimizer's join-size estimates. Small counts use linear
 * counting, so a 25-value column reads as 25.
 */
public final class DistinctCount {
    private static final int P = 12;
    private static final int M = 1 << P;

    private DistinctCount() {}

    /** Distinct non-null values of column {@code c} over all blocks of an in-memory table. */
    public static long estimate(Table table, int c) {
        return estimate(table, c, null);
    }

    /**
     * Distinct non-null values of column {@code c}, reading one block at a time with memory
     * from {@code pool} (which may be null for tables that keep their blocks in memory).
     */
    public static long estimate(Table table, int c, io.blueshift.memory.MemoryPool pool) {
        byte[] registers = new byte[M];
        DataType type = table.schema().type(c);
        io.blueshift.kernels.HashKernels hashes = io.blueshift.kernels.Kernels.provider().hash();
        int chunk = 8192;
        java.lang.foreign.MemorySegment out = java.lang.foreign.MemorySegment.ofArray(new long[chunk]);
        for (int blockIndex = 0; blockIndex < table.blockCount(); blockIndex++) {
            try (LoadedBlock block = table.load(blockIndex, new int[] {c}, pool)) {
                addBlock(registers, type, hashes, out, chunk, block.column(0), block.rowCount());
            }
        }
        return finish(registers);
    }

    private static void addBlock(byte[] registers, DataType type, io.blueshift.kernels.HashKernels hashes,
                                 java.lang.foreign.MemorySegment out, int chunk, ColumnVector whole, int rows) {
        for (int from = 0; from < rows; from += chunk) {
            int n = Math.min(chunk, rows - from);
            if (type instanceof DataType.BooleanType || (from & 7) != 0) {
                for (int i = 0; i < n; i++) {
                    if (!whole.isNull(from + i)) {
                        add(registers, mix(whole.getBoolean(from + i) ? 1 : 0));
                    }
                }
                continue;
            }
            ColumnVector v = whole.slice(from, n);
            // kernel hashes (SIMD where available); NULL rows hash to NULL_HASH and are skipped
            switch (type) {
                case DataType.VarcharType t -> hashes.hashStringViews(v.data(), v.varBuffers(), v.validity(), null, n, out);
                default -> {
                    if (type.byteWidth() == 4) {
                        hashes.hashInt32(v.data(), v.validity(), null, n, out);
                    } else {
                        hashes.hashInt64(v.data(), v.validity(), null, n, out);
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                if (v.validity() != null && v.isNull(i)) {
                    continue;
                }
                add(registers, mix(out.getAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, i)));
            }
        }
    }

    private static long finish(byte[] registers) {
        double sum = 0;
        int zeros = 0;
        for (byte r : registers) {
            sum += Math.pow(2, -r);
            if (r == 0) {
                zeros++;
            }
        }
        double alpha = 0.7213 / (1 + 1.079 / M);
        double estimate = alpha * M * M / sum;
        if (estimate <= 2.5 * M && zeros > 0) {
            estimate = M * Math.log((double) M / zeros);
        }
        return Math.max(1, Math.round(estimate));
    }

    private static void add(byte[] registers, long h) {
        int index = (int) (h >>> (64 - P));
        int rank = Long.numberOfLeadingZeros((h << P) | (1L << (P - 1))) + 1;
        if (rank > registers[index]) {
            registers[index] = (byte) rank;
        }
    }

    private static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        x ^= x >>> 33;
        return x;
    }
}
