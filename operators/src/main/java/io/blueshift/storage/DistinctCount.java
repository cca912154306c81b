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

    /*
     * The scalar hash kernels, not the provider's: an estimate runs once per column, at the first
     * plan that asks, when the SIMD kernels are usually still interpreted or C1 code, where every
     * Vector API call runs its Java fallback and boxes its vectors (session 20: the first estimate
     * of lineitem's l_orderkey at SF 1 in a fresh process took 289 ms with them, 185 ms with the
     * scalar kernels; l_shipdate 269 and 98 ms). The scalar twin hashes the same values to the
     * same hashes.
     */
    private static final io.blueshift.kernels.HashKernels STATS_HASHES = io.blueshift.kernels.ScalarHashKernels.INSTANCE;

    /** Distinct non-null values of column {@code c} over all blocks of an in-memory table. */
    public static long estimate(Table table, int c) {
        return estimate(table, c, null);
    }

    /**
     * Distinct non-null values of column {@code c}, reading one block at a time with memory
     * from {@code pool} (which may be null for tables that keep their blocks in memory).
     */
    public static long estimate(Table table, int c, io.blueshift.memory.MemoryPool pool) {
        if (pool != null && SAMPLE_BLOCKS > 0 && table.blockCount() > SAMPLE_BLOCKS) {
            return estimateSampled(table, c, pool, SAMPLE_BLOCKS);
        }
        byte[] registers = new byte[M];
        DataType type = table.schema().type(c);
        io.blueshift.kernels.HashKernels hashes = STATS_HASHES;
        int chunk = 8192;
        java.lang.foreign.MemorySegment out = java.lang.foreign.MemorySegment.ofArray(new long[chunk]);
        for (int blockIndex = 0; blockIndex < table.blockCount(); blockIndex++) {
            try (LoadedBlock block = table.load(blockIndex, new int[] {c}, pool)) {
                addBlock(registers, type, hashes, out, chunk, block.column(0), block.rowCount());
            }
        }
        return finish(registers);
    }

    /**
     * Blocks a table read from files (the estimate is given a pool) reads at most: beyond that,
     * evenly spaced blocks stand for the others (a sampled ANALYZE), so the first plan over a
     * large file does not read a whole column per join key. {@code -Dblueshift.stats.sampleBlocks=N}
     * changes it; 0 reads every block.
     */
    public static final int SAMPLE_BLOCKS = Integer.getInteger("blueshift.stats.sampleBlocks", 16);

    /**
     * Distinct values of column {@code c} from {@code sample} blocks spread over the table (all when the
     * table has no more), extrapolated to the table's rows by {@link #extrapolate}.
     */
    public static long estimateSampled(Table table, int c, io.blueshift.memory.MemoryPool pool, int sample) {
        int blocks = table.blockCount();
        int s = Math.min(sample, blocks);
        byte[] union = new byte[M];
        byte[] one = new byte[M];
        DataType type = table.schema().type(c);
        io.blueshift.kernels.HashKernels hashes = STATS_HASHES;
        int chunk = 8192;
        java.lang.foreign.MemorySegment out = java.lang.foreign.MemorySegment.ofArray(new long[chunk]);
        long sumOfBlocks = 0;
        long sampledRows = 0;
        int[] picked = sampleBlocks(blocks, s);
        for (int b : picked) {
            java.util.Arrays.fill(one, (byte) 0);
            try (LoadedBlock block = table.load(b, new int[] {c}, pool)) {
                addBlock(one, type, hashes, out, chunk, block.column(0), block.rowCount());
                sampledRows += block.column(0).validity() == null ? block.rowCount() : nonNull(block.column(0), block.rowCount());
            }
            if (!empty(one)) {
                sumOfBlocks += finish(one);
            }
            for (int i = 0; i < M; i++) {
                union[i] = (byte) Math.max(union[i], one[i]);
            }
        }
        if (empty(union)) {
            return 1;
        }
        long d = finish(union);
        if (s == blocks) {
            return d;
        }
        long total = 0;
        for (int b = 0; b < blocks; b++) {
            total += table.blockRowCount(b);
        }
        // the sample's share of non-null rows stands for the table's
        long sampledAll = 0;
        for (int b : picked) {
            sampledAll += table.blockRowCount(b);
        }
        long nonNullTotal = sampledAll == 0 ? total : Math.round((double) total * sampledRows / sampledAll);
        return extrapolate(d, sumOfBlocks, sampledRows, s, nonNullTotal);
    }

    /**
     * {@code s} of {@code blocks} blocks, one from each of {@code s} equal strides at a position
     * within it that varies from stride to stride (fixed, so plans are repeatable): data that
     * repeats with the stride's period is not sampled at the same phase every time.
     */
    static int[] sampleBlocks(int blocks, int s) {
        int[] out = new int[s];
        for (int k = 0; k < s; k++) {
            long from = (long) k * blocks / s;
            long to = (long) (k + 1) * blocks / s;
            out[k] = (int) (from + Long.remainderUnsigned(mix(k + 0x9E3779B97F4A7C15L), Math.max(1, to - from)));
        }
        return out;
    }

    /**
     * The table's distinct values from a sample of {@code s} blocks, {@code n} values in all,
     * showing {@code d} distinct values together and {@code sumOfBlocks} summed block by block,
     * out of {@code total} values. Two models bound the answer: values drawn uniformly from a
     * domain (the domain D with {@code D(1 - e^(-n/D)) = d}, of which the table's rows show
     * {@code D(1 - e^(-total/D))}: a sample this size already shows most of a small domain), and values clustered by block, as in a file sorted or appended by
     * key (every block brings new values: {@code d * total / n}). Which one holds shows in how
     * much the blocks overlap: the uniform model predicts the union's share of the per-block
     * sum; blocks more disjoint than that move the answer toward the clustered model (log-linear
     * in between). Never below {@code d} nor above {@code total}.
     */
    static long extrapolate(long d, long sumOfBlocks, long n, int s, long total) {
        if (n <= 0 || d <= 0 || n >= total) {
            return Math.max(1, Math.min(d, Math.max(total, 1)));
        }
        double linear = Math.min(total, (double) d * total / n);
        double domain = uniformDomain(d, n);
        // the values the table's rows show under the uniform model (not the domain itself)
        double uniform = Double.isInfinite(domain) ? total : Math.min(total, domain * -Math.expm1(-(double) total / domain));
        double perBlock = Double.isInfinite(domain) ? (double) n / s : domain * -Math.expm1(-(double) n / s / domain);
        double predicted = d / (s * perBlock);
        double observed = sumOfBlocks <= 0 ? 1 : Math.min(1.0, (double) d / sumOfBlocks);
        double t = predicted >= 1 ? 1 : Math.max(0, Math.min(1, (observed - predicted) / (1 - predicted)));
        double estimate = Math.exp((1 - t) * Math.log(uniform) + t * Math.log(linear));
        return Math.max(d, Math.min(total, Math.round(estimate)));
    }

    /** The domain size D at which {@code n} uniform draws show {@code d} distinct values on average; infinite when {@code d} is about {@code n}. */
    static double uniformDomain(double d, double n) {
        if (d >= 0.98 * n) {
            return Double.POSITIVE_INFINITY;
        }
        double lo = d;
        double hi = d;
        while (hi * -Math.expm1(-n / hi) < d) {
            lo = hi;
            hi *= 2;
        }
        for (int i = 0; i < 100 && hi - lo > 0.5; i++) {
            double mid = (lo + hi) / 2;
            if (mid * -Math.expm1(-n / mid) < d) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    private static boolean empty(byte[] registers) {
        for (byte r : registers) {
            if (r != 0) {
                return false;
            }
        }
        return true;
    }

    private static long nonNull(ColumnVector v, int rows) {
        long n = 0;
        for (int i = 0; i < rows; i++) {
            if (!v.isNull(i)) {
                n++;
            }
        }
        return n;
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
            // the scalar kernel hashes; NULL rows hash to NULL_HASH and are skipped
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
