package io.blueshift.gpu.cuda;

import io.blueshift.gpu.Accelerator;
import io.blueshift.gpu.AcceleratorContract;
import io.blueshift.gpu.Discovery;
import io.blueshift.gpu.DeviceColumns;
import io.blueshift.gpu.DevicePredicate;
import io.blueshift.kernels.CompareOp;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CUDA backend against plain loops, on a real device; skipped (with the reason) without one,
 * failed instead when BLUESHIFT_GPU_REQUIRED is set (the device script sets it).
 */
@Tag("gpu")
class CudaAcceleratorTest {
    static Discovery discovery;
    MemoryPool pool;

    @BeforeAll
    static void find() {
        discovery = new CudaProvider().open();
        if (discovery.available()) {
            var d = discovery.accelerator().get().device();
            System.err.println("CUDA device: " + d + "; kernels: " + ((CudaAccelerator) discovery.accelerator().get()).kernelSource());
        }
    }

    @AfterAll
    static void release() {
        discovery.accelerator().ifPresent(Accelerator::close);
    }

    @BeforeEach
    void open() {
        if (System.getenv("BLUESHIFT_GPU_REQUIRED") != null) { // the device script: a skip would hide a broken backend
            assertTrue(discovery.available(), () -> "BLUESHIFT_GPU_REQUIRED is set but no CUDA device: " + discovery.reason());
        }
        assumeTrue(discovery.available(), () -> "no CUDA device: " + discovery.reason());
        pool = MemoryPool.unbounded("cuda");
    }

    @AfterEach
    void close() {
        if (pool != null) pool.close();
    }

    Accelerator acc() { return discovery.accelerator().get(); }

    @Test
    void describesTheDevice() {
        var d = acc().device();
        assertTrue(d.memoryBytes() > 0 && d.multiprocessors() > 0 && d.computeMajor() > 0, d.toString());
    }

    @Test
    void filter() { AcceleratorContract.filterMatchesLoops(acc(), pool, 21); }

    @Test
    void filterOtherMode() {
        CudaAccelerator cuda = (CudaAccelerator) acc();
        boolean mode = cuda.onePassFilter();
        cuda.onePassFilter(!mode);
        try {
            AcceleratorContract.filterMatchesLoops(acc(), pool, 24);
        } finally {
            cuda.onePassFilter(mode);
        }
    }

    /**
     * Millions of rows without nulls (the int32 columns take the 16-byte loads), hundreds of
     * tiles chaining their offsets, in both filter modes.
     */
    @Test
    void largeFilterWithoutNulls() {
        CudaAccelerator cuda = (CudaAccelerator) acc();
        boolean mode = cuda.onePassFilter();
        int n = 3_000_017;
        SplittableRandom rnd = new SplittableRandom(25);
        try (var i32 = ColumnVector.allocate(pool, DataType.INT32, n, false, "i32");
             var i64 = ColumnVector.allocate(pool, DataType.INT64, n, false, "i64");
             var d32 = DeviceColumns.upload(acc(), i32, 0, pool, "placeholder")) {
            for (int r = 0; r < n; r++) {
                i32.setInt(r, rnd.nextInt(1000));
                i64.setLong(r, rnd.nextLong(-5000, 5000));
            }
            var predicates = List.of(
                    new DevicePredicate(List.of(DevicePredicate.Compare.ofLong(0, CompareOp.LT, 100))),
                    new DevicePredicate(List.of(DevicePredicate.Compare.ofLong(0, CompareOp.GE, 0))),
                    new DevicePredicate(List.of(DevicePredicate.Compare.ofLong(0, CompareOp.EQ, 7))),
                    new DevicePredicate(List.of(DevicePredicate.Between.ofLong(1, -100, 2000),
                            new DevicePredicate.In(0, new long[] {1, 500, 999, 3}))),
                    new DevicePredicate(List.of(DevicePredicate.Compare.ofLong(1, CompareOp.GT, 0),
                            DevicePredicate.Between.ofLong(0, 250, 749))));
            try (var c32 = DeviceColumns.upload(acc(), i32, n, pool, "i32");
                 var c64 = DeviceColumns.upload(acc(), i64, n, pool, "i64");
                 var sel = acc().allocate(n * 4L, pool, "selection")) {
                for (boolean onePass : new boolean[] {true, false}) {
                    cuda.onePassFilter(onePass);
                    for (var p : predicates) {
                        int[] expected = IntStream.range(0, n).filter(r -> passes(p, i32.getInt(r), i64.getLong(r))).toArray();
                        int count = acc().filter(List.of(c32, c64), p, n, sel, pool);
                        int[] got = new int[count];
                        if (count > 0) acc().copyToHost(sel, 0, MemorySegment.ofArray(got));
                        assertArrayEquals(expected, got, (onePass ? "one pass " : "three steps ") + p);
                    }
                }
            } finally {
                cuda.onePassFilter(mode);
            }
        }
    }

    private static boolean passes(DevicePredicate p, int a, long b) {
        for (var t : p.terms()) {
            long v = t.column() == 0 ? a : b;
            boolean ok = switch (t) {
                case DevicePredicate.Compare c -> switch (c.op()) {
                    case EQ -> v == c.value();
                    case NE -> v != c.value();
                    case LT -> v < c.value();
                    case LE -> v <= c.value();
                    case GT -> v > c.value();
                    case GE -> v >= c.value();
                };
                case DevicePredicate.Between btw -> v >= btw.low() && v <= btw.high();
                case DevicePredicate.In in -> Arrays.binarySearch(in.values(), v) >= 0;
            };
            if (!ok) return false;
        }
        return true;
    }

    @Test
    void join() { AcceleratorContract.joinMatchesLoops(acc(), pool, 22); }

    @Test
    void aggregate() { AcceleratorContract.aggregateMatchesLoops(acc(), pool, 23); }

    @Test
    void memory() { AcceleratorContract.deviceMemoryIsAccounted(acc(), pool); }

    @Test
    void outOfDeviceMemoryIsNamed() {
        long tooMuch = acc().device().memoryBytes() * 4;
        CudaException e = assertThrows(CudaException.class, () -> acc().allocate(tooMuch, pool, "too much"));
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", e.errorName());
        assertEquals(0, pool.reserved(), "a refused allocation holds nothing");
    }
}
