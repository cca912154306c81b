package io.blueshift.gpu.offload;

import io.blueshift.gpu.Accelerator;
import io.blueshift.gpu.DeviceBuffer;
import io.blueshift.gpu.DeviceColumn;
import io.blueshift.gpu.DeviceHashTable;
import io.blueshift.gpu.DeviceInfo;
import io.blueshift.gpu.DevicePredicate;
import io.blueshift.gpu.Discovery;
import io.blueshift.gpu.GroupedAggregate;
import io.blueshift.gpu.PinnedBuffer;
import io.blueshift.gpu.ReferenceAccelerator;
import io.blueshift.gpu.TestTables;
import io.blueshift.gpu.cuda.CudaException;
import io.blueshift.kernels.Kernels;
import io.blueshift.memory.MemoryPool;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.plan.Exprs;
import io.blueshift.operators.plan.NodeOffload;
import io.blueshift.operators.plan.PlanBuilder;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.operators.plan.QueryExecutor;
import io.blueshift.storage.InMemoryTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Queries with their filters and joins offloaded (gpu=on) to the reference backend, and to a
 * device that fails now and then, give exactly the CPU path's rows.
 */
class FallbackEqualityTest {
    MemoryPool pool;
    InMemoryTable facts;
    InMemoryTable dim;

    @BeforeEach
    void tables() {
        pool = MemoryPool.unbounded("fallback");
        facts = TestTables.facts(pool, 8000, 1024, 5);
        dim = TestTables.dim(pool, 1500, 6);
    }

    @AfterEach
    void close() {
        facts.close();
        dim.close();
        pool.close();
    }

    List<PlanNode> queries() {
        List<PlanNode> q = new ArrayList<>();
        q.add(PlanBuilder.scan(facts, "id", "k", "d", "price", "x", "s")
                .filter(b -> b.and(b.ge(b.col("d"), Exprs.date("1995-01-01")), b.lt(b.col("k"), Exprs.integer(20)),
                        b.between(b.col("price"), Exprs.decimal("10.005"), Exprs.decimal("700")), b.gt(b.col("x"), Exprs.float64(3.25))))
                .build());
        q.add(PlanBuilder.scan(facts, "id", "k", "s")
                .filter(b -> b.or(b.eq(b.col("k"), Exprs.integer(3)), b.eq(b.col("k"), Exprs.integer(-7)), b.eq(b.col("k"), Exprs.integer(140))))
                .build());
        q.add(PlanBuilder.scan(facts, "id", "price").filter(b -> b.ne(b.col("price"), Exprs.decimal("5.5"))).build());
        q.add(PlanBuilder.scan(facts, "id", "x").filter(b -> b.between(b.col("x"), Exprs.decimal("-1.5"), Exprs.integer(2))).build());
        q.add(PlanBuilder.scan(facts, "id", "k", "s")
                .filter(b -> b.lt(b.col("k"), Exprs.integer(100)))
                .join(PlanNode.JoinType.INNER, PlanBuilder.scan(dim, "dk", "name", "w"), List.of("id"), List.of("dk"), null)
                .build());
        q.add(PlanBuilder.scan(facts, "k", "price")
                .join(PlanNode.JoinType.INNER, PlanBuilder.scan(dim, "w", "name").filter(b -> b.lt(b.col("w"), Exprs.integer(500))),
                        List.of("k"), List.of("w"), null)
                .aggregate(List.of("name"), List.of(b -> b.sum(b.col("price"), "total"), b -> b.countStar("n")))
                .build());
        q.add(PlanBuilder.scan(facts, "id", "k", "x")
                .join(PlanNode.JoinType.INNER, PlanBuilder.scan(dim, "dk", "w", "name"), List.of("k", "id"), List.of("w", "dk"), null)
                .aggregate(List.of(), List.of(b -> b.countStar("n"), b -> b.sum(b.col("x"), "sx")))
                .build());
        q.add(PlanBuilder.scan(facts, "k", "d", "s")
                .join(PlanNode.JoinType.INNER, PlanBuilder.scan(dim, "w", "dk", "name").filter(b -> b.lt(b.col("dk"), Exprs.bigint(700))),
                        List.of("k", "k"), List.of("w", "w"), null)
                .build());
        return q;
    }

    static List<String> rows(MaterializedResult r) {
        List<String> out = new ArrayList<>();
        for (List<Object> row : r.rows()) out.add(row.toString());
        out.sort(Comparator.naturalOrder());
        return out;
    }

    List<String> run(PlanNode plan, NodeOffload hook, int threads) {
        try (MemoryPool q = pool.child("query");
             MaterializedResult r = new QueryExecutor(new ExecutionContext(q, Kernels.provider(), 256, threads), null, hook).execute(plan)) {
            List<String> rows = rows(r);
            r.close();
            return rows;
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void offloadedQueriesGiveTheCpuAnswer(int threads) {
        OffloadPlanner planner = new OffloadPlanner(GpuMode.ON, OffloadPlannerTest.device(CostModelTest.H100), threads);
        for (PlanNode q : queries()) {
            OffloadPlan plan = planner.plan(q);
            assertTrue(plan.offloaded() > 0, plan.explain());
            GpuOffload hook = (GpuOffload) plan.executorHook();
            List<String> cpu = run(q, null, threads);
            List<String> gpu = run(q, hook, threads);
            assertFalse(cpu.isEmpty(), plan.explain());
            assertEquals(cpu, gpu, plan.explain());
            assertEquals(List.of(), hook.fallbacks());
        }
    }

    @Test
    void multiKeyJoinsVerifyPairsWhoseMixedKeysCollide() {
        long c = 0xBF58476D1CE4E5B9L;
        long collide = (1 ^ (1 >>> 29)) * c - (2 ^ (2 >>> 29)) * c; // (2, collide) mixes like (1, 0)
        var schema = io.blueshift.memory.Schema.of(io.blueshift.memory.Field.of("a", io.blueshift.memory.DataType.INT64),
                io.blueshift.memory.Field.of("b", io.blueshift.memory.DataType.INT64));
        InMemoryTable probe;
        InMemoryTable build;
        try (var pb = new io.blueshift.storage.TableBuilder(pool, "p", schema)) {
            for (long[] r : new long[][] {{2, collide}, {1, 0}, {1, 1}}) {
                pb.setLong(0, r[0]);
                pb.setLong(1, r[1]);
                pb.endRow();
            }
            probe = pb.build();
        }
        try (var bb = new io.blueshift.storage.TableBuilder(pool, "b", schema)) {
            bb.setLong(0, 1);
            bb.setLong(1, 0);
            bb.endRow();
            build = bb.build();
        }
        try {
            PlanNode q = PlanBuilder.scan(probe, "a", "b")
                    .join(PlanNode.JoinType.INNER, PlanBuilder.scan(build, "a", "b"), List.of("a", "b"), List.of("a", "b"), null).build();
            OffloadPlan plan = new OffloadPlanner(GpuMode.ON, OffloadPlannerTest.device(CostModelTest.H100), 1).plan(q);
            assertEquals(1, plan.offloaded());
            assertEquals(List.of("[1, 0, 1, 0]"), run(q, plan.executorHook(), 1));
            assertEquals(run(q, null, 1), run(q, plan.executorHook(), 1));
        } finally {
            probe.close();
            build.close();
        }
    }

    @Test
    void deviceErrorsFallBackToTheSameAnswer() {
        FlakyDevice flaky = new FlakyDevice();
        // a pass per block, so that every query's filter makes several device calls
        OffloadPlanner planner = new OffloadPlanner(GpuMode.ON, Discovery.found(flaky, List.of(flaky.device())), 2).segmentRows(1);
        for (PlanNode q : queries()) {
            OffloadPlan plan = planner.plan(q);
            GpuOffload hook = (GpuOffload) plan.executorHook();
            assertEquals(run(q, null, 2), run(q, hook, 2), plan.explain());
            assertFalse(hook.fallbacks().isEmpty(), "the flaky device failed somewhere");
            assertTrue(hook.fallbacks().stream().allMatch(f -> f.contains("CUDA_ERROR_LAUNCH_FAILED")), hook.fallbacks().toString());
            assertTrue(plan.annotate(io.blueshift.operators.plan.QueryExecutor.explain(q)).contains("gpu fallbacks to the cpu: "
                    + hook.fallbacks().size() + " (first: "), plan.explain());
        }
    }

    /** The reference device, but every third filter or probe and every other table build fails like a crashed kernel. */
    static final class FlakyDevice implements Accelerator {
        final ReferenceAccelerator ref = new ReferenceAccelerator();
        final AtomicInteger calls = new AtomicInteger();

        void maybeFail(String fn, int every) {
            if (calls.incrementAndGet() % every == 0) throw new CudaException(fn, 719, "CUDA_ERROR_LAUNCH_FAILED");
        }

        @Override public String backend() { return "flaky"; }
        @Override public DeviceInfo device() { return CostModelTest.H100; }
        @Override public DeviceBuffer allocate(long bytes, MemoryPool pool, String owner) { return ref.allocate(bytes, pool, owner); }
        @Override public PinnedBuffer allocatePinned(long bytes, MemoryPool pool, String owner) { return ref.allocatePinned(bytes, pool, owner); }
        @Override public void copyToDevice(MemorySegment src, DeviceBuffer dst, long off) { ref.copyToDevice(src, dst, off); }
        @Override public void copyToHost(DeviceBuffer src, long off, MemorySegment dst) { ref.copyToHost(src, off, dst); }

        @Override
        public int filter(List<DeviceColumn> columns, DevicePredicate p, int rows, DeviceBuffer sel, MemoryPool pool) {
            maybeFail("cuLaunchKernel(bs_pred_i64)", 3);
            return ref.filter(columns, p, rows, sel, pool);
        }

        @Override
        public DeviceHashTable buildHashTable(DeviceColumn keys, int rows, MemoryPool pool) {
            maybeFail("cuLaunchKernel(bs_hash_build)", 2);
            return ref.buildHashTable(keys, rows, pool);
        }

        @Override
        public long probe(DeviceHashTable t, DeviceColumn k, int rows, DeviceBuffer p, DeviceBuffer b, long cap, MemoryPool pool) {
            maybeFail("cuLaunchKernel(bs_hash_probe)", 3);
            return ref.probe(t, k, rows, p, b, cap, pool);
        }

        @Override
        public GroupedAggregate aggregate(DeviceColumn k, int rows, List<GroupedAggregate.Spec> a, int max, MemoryPool pool) {
            return ref.aggregate(k, rows, a, max, pool);
        }

        @Override public void close() { }
    }
}
