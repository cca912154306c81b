package io.blueshift.bench.probe;

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

/** The {@link BandwidthProbe} loops under JMH: GB/s = MiB * 1.048576 / (ms per op). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class BandwidthProbeBenchmark {
    @Param({"1024"})
    public int mebibytes;

    private Arena arena;
    private MemorySegment data;
    private long count;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        data = arena.allocate((long) mebibytes << 20, 64);
        data.fill((byte) 1);
        count = data.byteSize() / Long.BYTES;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public long scalar() {
        return BandwidthProbe.sumScalar(data, count);
    }

    @Benchmark
    public long vector() {
        return BandwidthProbe.sumVector(data, count);
    }
}
