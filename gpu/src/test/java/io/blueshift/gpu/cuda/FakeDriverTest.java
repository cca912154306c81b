package io.blueshift.gpu.cuda;

import io.blueshift.gpu.AcceleratorContract;
import io.blueshift.gpu.DeviceBuffer;
import io.blueshift.gpu.DeviceColumn;
import io.blueshift.gpu.DeviceColumns;
import io.blueshift.gpu.DevicePredicate;
import io.blueshift.gpu.Discovery;
import io.blueshift.gpu.GpuDetection;
import io.blueshift.gpu.TestTables;
import io.blueshift.gpu.offload.GpuMode;
import io.blueshift.gpu.offload.GpuOffloadAccess;
import io.blueshift.gpu.offload.OffloadPlan;
import io.blueshift.gpu.offload.OffloadPlanner;
import io.blueshift.kernels.CompareOp;
import io.blueshift.kernels.Kernels;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.plan.Exprs;
import io.blueshift.operators.plan.PlanBuilder;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.operators.plan.QueryExecutor;
import io.blueshift.storage.InMemoryTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The FFM bindings end to end against a stand-in driver ({@code src/test/c/fakecuda.c}, built
 * here with the C compiler; skipped without one): every symbol resolves, arguments reach C with
 * the right types, memory and copies work, driver errors come back as {@link CudaException}s
 * with their names, and a device whose kernels fail leaves queries with the CPU's answer.
 */
class FakeDriverTest {
    static Path library;
    static Discovery discovery;
    @TempDir
    static Path dir;

    @BeforeAll
    static void build() throws Exception {
        Path src = Path.of("src/test/c/fakecuda.c").toAbsolutePath();
        assumeTrue(Files.isRegularFile(src), "no fake driver source at " + src);
        library = dir.resolve("libfakecuda.so");
        Process p;
        try {
            p = new ProcessBuilder("cc", "-shared", "-fPIC", "-O1", "-o", library.toString(), src.toString())
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "no C compiler: " + e.getMessage());
            return;
        }
        String log = new String(p.getInputStream().readAllBytes());
        assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, () -> "cc failed: " + log);
        System.setProperty("blueshift.gpu.libcuda", library.toString());
        System.setProperty("blueshift.gpu.libnvrtc", library.toString());
        System.setProperty("blueshift.gpu.ptxcache", dir.resolve("ptx").toString());
        discovery = new CudaProvider().open();
    }

    @AfterAll
    static void restore() {
        if (discovery != null) discovery.accelerator().ifPresent(a -> a.close());
        System.clearProperty("blueshift.gpu.libcuda");
        System.clearProperty("blueshift.gpu.libnvrtc");
        System.clearProperty("blueshift.gpu.ptxcache");
    }

    CudaAccelerator acc() {
        assertTrue(discovery.available(), discovery.reason());
        return (CudaAccelerator) discovery.accelerator().get();
    }

    @Test
    void describesTheDeviceFromTheDriver() {
        var d = acc().device();
        assertEquals("Fake GPU 9000", d.name());
        assertEquals(1L << 30, d.memoryBytes());
        assertEquals(132, d.multiprocessors());
        assertEquals("9.0", d.computeCapability());
        assertEquals(3352.3, d.memoryGBs(), 0.1);
        assertTrue(d.pcieGBs() > 0 && d.pcieGBs() != 50, "measured (memcpy here), not the Hopper estimate: " + d.pcieGBs());
        assertTrue(acc().kernelSource().startsWith("NVRTC (" + library), acc().kernelSource());
        var report = new GpuDetection().detect();
        assertTrue(report.found() && report.summary().startsWith("Fake GPU 9000 (1 GiB, 132 SMs, compute 9.0"), report.summary());
        assertEquals("12.8", CudaProvider.version(CudaDriver.load0().driverVersion()));
    }

    @Test
    void memoryAndCopiesGoThroughTheDriver() {
        try (MemoryPool pool = MemoryPool.unbounded("fake")) {
            AcceleratorContract.deviceMemoryIsAccounted(acc(), pool);
        }
    }

    /** Copies over the staging buffers' size go through them chunk by chunk, both ways, heap or native. */
    @Test
    void largeCopiesGoThroughPinnedStaging() {
        try (MemoryPool pool = MemoryPool.unbounded("fake")) {
            for (long bytes : new long[] {CudaAccelerator.STAGE_MIN, CudaAccelerator.STAGE_CHUNK * 3 + 12_344, CudaAccelerator.STAGE_CHUNK * 2}) {
                int n = (int) (bytes / 8);
                long[] data = new long[n];
                for (int i = 0; i < n; i++) data[i] = i * 0x9E3779B97F4A7C15L;
                try (var dev = acc().allocate(n * 8L, pool, "staged");
                     java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                    acc().copyToDevice(java.lang.foreign.MemorySegment.ofArray(data), dev, 0);
                    long[] back = new long[n];
                    acc().copyToHost(dev, 0, java.lang.foreign.MemorySegment.ofArray(back));
                    org.junit.jupiter.api.Assertions.assertArrayEquals(data, back, "heap, " + bytes + " bytes");
                    var nativeCopy = arena.allocate(n * 8L, 8);
                    acc().copyToHost(dev, 0, nativeCopy);
                    try (var dev2 = acc().allocate(n * 8L, pool, "staged 2")) {
                        acc().copyToDevice(nativeCopy, dev2, 0);
                        long[] again = new long[n];
                        acc().copyToHost(dev2, 0, java.lang.foreign.MemorySegment.ofArray(again));
                        org.junit.jupiter.api.Assertions.assertArrayEquals(data, again, "native, " + bytes + " bytes");
                    }
                }
            }
        }
    }

    @Test
    void driverErrorsAreNamed() {
        try (MemoryPool pool = MemoryPool.unbounded("fake")) {
            CudaException oom = assertThrows(CudaException.class, () -> acc().allocate(2L << 30, pool, "too much"));
            assertEquals("cuMemAlloc failed: CUDA_ERROR_OUT_OF_MEMORY (2)", oom.getMessage());
            assertEquals(0, pool.reserved());
            try (ColumnVector v = ColumnVector.allocate(pool, DataType.INT64, 1000, false, "v");
                 DeviceColumn dc = DeviceColumns.upload(acc(), v, 1000, pool, "v");
                 DeviceBuffer sel = acc().allocate(4000, pool, "sel")) {
                CudaException launch = assertThrows(CudaException.class, () -> acc().filter(List.of(dc),
                        new DevicePredicate(List.of(DevicePredicate.Compare.ofLong(0, CompareOp.LT, 5))), 1000, sel, pool));
                assertEquals("CUDA_ERROR_LAUNCH_FAILED", launch.errorName());
                assertEquals("cuLaunchKernel(bs_pred_i64)", launch.function());
            }
            assertEquals(0, pool.reserved(), "temporaries freed after the error");
        }
    }

    @Test
    void failingKernelsLeaveTheCpuAnswer() {
        try (MemoryPool pool = MemoryPool.unbounded("fake")) {
            InMemoryTable facts = TestTables.facts(pool, 3000, 512, 9);
            InMemoryTable dim = TestTables.dim(pool, 400, 10);
            try {
                PlanNode q = PlanBuilder.scan(facts, "id", "k", "price")
                        .filter(b -> b.and(b.lt(b.col("k"), Exprs.integer(30)), b.ge(b.col("price"), Exprs.decimal("10"))))
                        .join(PlanNode.JoinType.INNER, PlanBuilder.scan(dim, "dk", "name"), List.of("id"), List.of("dk"), null)
                        .build();
                OffloadPlan plan = new OffloadPlanner(GpuMode.ON, discovery, 2).plan(q);
                assertEquals(2, plan.offloaded(), plan.explain());
                var hook = plan.executorHook();
                List<List<Object>> cpu;
                List<List<Object>> gpu;
                try (MemoryPool q1 = pool.child("cpu");
                     MaterializedResult r = new QueryExecutor(new ExecutionContext(q1, Kernels.provider(), 256, 2)).execute(q)) {
                    cpu = sorted(r.rows());
                    r.close();
                }
                try (MemoryPool q2 = pool.child("gpu");
                     MaterializedResult r = new QueryExecutor(new ExecutionContext(q2, Kernels.provider(), 256, 2), null, hook).execute(q)) {
                    gpu = sorted(r.rows());
                    r.close();
                }
                assertFalse(cpu.isEmpty());
                assertEquals(cpu, gpu);
                List<String> fallbacks = GpuOffloadAccess.fallbacks(hook);
                assertFalse(fallbacks.isEmpty());
                assertTrue(fallbacks.stream().allMatch(f -> f.contains("CUDA_ERROR_LAUNCH_FAILED")), fallbacks.toString());
            } finally {
                facts.close();
                dim.close();
            }
        }
    }

    static List<List<Object>> sorted(List<List<Object>> rows) {
        return rows.stream().sorted(java.util.Comparator.comparing(Object::toString)).toList();
    }
}
