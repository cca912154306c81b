package io.blueshift.bench.kernels;

import io.blueshift.kernels.FilterKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code FilterKernels.compareInt32(LT)} on a dense 256 MiB INT32 column, batch by batch.
 * One op reads the whole column: GB/s of input = 0.268 / (ms per op) * 1000.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class FilterKernelBenchmark {
    @Param({"scalar", "simd"})
    public String provider;

    /** Percent of rows that pass. */
    @Param({"50", "2"})
    public int selectivity;

    @Param({"8192"})
    public int batchRows;

    private Arena arena;
    private MemorySegment data;
    private MemorySegment out;
    private FilterKernels filter;
    private int constant;

    @Setup(Level.Trial)
    public void setUp() {
        filter = BenchProviders.byName(provider).filter();
        arena = Arena.ofShared();
        data = KernelWorkloads.int32Column(arena, KernelWorkloads.FILTER_ROWS, 42);
        out = KernelWorkloads.selection(arena, batchRows);
        constant = KernelWorkloads.lessThanConstant(selectivity);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public long compareInt32() {
        return KernelWorkloads.filterLessThan(filter, data, KernelWorkloads.FILTER_ROWS, batchRows, constant, out);
    }
}
