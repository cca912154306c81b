package io.blueshift.bench.kernels;

import io.blueshift.kernels.AggregateKernels;
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
 * {@code AggregateKernels.sumInt64} (no nulls, exact) on a 256 MiB INT64 column, batch by
 * batch. One op reads the whole column: GB/s = 0.268 / (ms per op) * 1000.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SumKernelBenchmark {
    @Param({"scalar", "simd"})
    public String provider;

    @Param({"8192"})
    public int batchRows;

    private Arena arena;
    private MemorySegment data;
    private AggregateKernels aggregate;

    @Setup(Level.Trial)
    public void setUp() {
        aggregate = BenchProviders.byName(provider).aggregate();
        arena = Arena.ofShared();
        data = KernelWorkloads.int64Column(arena, KernelWorkloads.SUM_ROWS, 7);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public long sumInt64() {
        return KernelWorkloads.sum(aggregate, data, KernelWorkloads.SUM_ROWS, batchRows);
    }
}
