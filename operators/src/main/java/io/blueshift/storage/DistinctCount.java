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

    /** Distinct non-null values of column {@code c} over all blocks. */
    public static long estimate(Table table, int c) {
        byte[] registers = new byte[M];
        DataType type = table.schema().type(c);
        for (TableBlock block : table.blocks()) {
            ColumnVector v = block.column(c);
            int rows = block.rowCount();
            for (int i = 0; i < rows; i++) {
                if (v.isNull(i)) {
                    continue;
                }
                long h = mix(switch (type) {
                    case DataType.VarcharType t -> Arrays.hashCode(v.getStringBytes(i)) * 0x9E3779B97F4A7C15L;
                    case DataType.BooleanType t -> v.getBoolean(i) ? 1 : 0;
                    default -> type.byteWidth() == 4 ? v.getInt(i) : v.getLong(i);
                });
                int index = (int) (h >>> (64 - P));
                int rank = Long.numberOfLeadingZeros((h << P) | (1L << (P - 1))) + 1;
                if (rank > registers[index]) {
                    registers[index] = (byte) rank;
                }
            }
        }
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

    private static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        x ^= x >>> 33;
        return x;
    }
}
