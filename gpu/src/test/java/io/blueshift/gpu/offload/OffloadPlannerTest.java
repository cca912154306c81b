package io.blueshift.gpu.offload;

import io.blueshift.gpu.DeviceInfo;
import io.blueshift.gpu.Discovery;
import io.blueshift.gpu.ReferenceAccelerator;
import io.blueshift.gpu.TestTables;
import io.blueshift.memory.MemoryPool;
import io.blueshift.operators.plan.Exprs;
import io.blueshift.operators.plan.PlanBuilder;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.storage.InMemoryTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The offload pass on described devices: decisions, reasons, EXPLAIN text, gpu=on without a device. */
class OffloadPlannerTest {
    MemoryPool pool;
    InMemoryTable facts;
    InMemoryTable dim;

    @BeforeEach
    void tables() {
        pool = MemoryPool.unbounded("planner");
        facts = TestTables.facts(pool, 5000, 1000, 1);
        dim = TestTables.dim(pool, 500, 2);
    }

    @AfterEach
    void close() {
        facts.close();
        dim.close();
        pool.close();
    }

    static Discovery device(DeviceInfo info) {
        ReferenceAccelerator a = new ReferenceAccelerator(info);
        return Discovery.found(a, List.of(info));
    }

    PlanNode filterJoin() {
        return PlanBuilder.scan(facts, "id", "k", "price")
                .filter(b -> b.and(b.lt(b.col("k"), Exprs.integer(10)), b.between(b.col("price"), Exprs.decimal("1.5"), Exprs.decimal("300"))))
                .join(PlanNode.JoinType.INNER, PlanBuilder.scan(dim, "dk", "name"), List.of("id"), List.of("dk"), null)
                .build();
    }

    @Test
    void withoutADeviceEverythingStaysOnTheCpuAndSaysWhy() {
        OffloadPlanner p = new OffloadPlanner(GpuMode.AUTO, Discovery.none("cannot load libcuda.so.1"), 4);
        OffloadPlan plan = p.plan(filterJoin());
        assertEquals(0, plan.offloaded());
        assertNull(plan.executorHook());
        String text = plan.explain();
        // one line for the whole plan, not a note on every node
        assertTrue(text.contains("HashJoin INNER [id = dk]  (probe first, build second)\n"), text);
        assertTrue(text.endsWith("gpu: not used (no device (cannot load libcuda.so.1))\n"), text);
    }

    @Test
    void gpuOnWithoutADeviceIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new OffloadPlanner(GpuMode.ON, Discovery.none("cannot load libcuda.so.1"), 4));
        assertEquals("gpu=on but no CUDA device: cannot load libcuda.so.1", e.getMessage());
    }

    @Test
    void gpuOffSaysSo() {
        OffloadPlan plan = new OffloadPlanner(GpuMode.OFF, device(CostModelTest.H100), 4).plan(filterJoin());
        assertEquals(0, plan.offloaded());
        assertTrue(plan.explain().endsWith("gpu: not used (gpu=off)\n"), plan.explain());
    }

    @Test
    void gpuOnSendsWhatCanRunThere() {
        OffloadPlan plan = new OffloadPlanner(GpuMode.ON, device(CostModelTest.H100), 4).plan(filterJoin());
        assertEquals(2, plan.offloaded());
        String text = plan.explain();
        assertTrue(text.matches("(?s).*HashJoin.*\\[gpu: gpu=on \\(est [0-9.]+ ms vs cpu [0-9.]+ ms\\)].*"), text);
        assertTrue(text.matches("(?s).*Filter.*\\[gpu: gpu=on .*"), text);
    }

    @Test
    void autoKeepsSmallWorkOnTheCpuWithTheEstimate() {
        OffloadPlan plan = new OffloadPlanner(GpuMode.AUTO, device(CostModelTest.H100), 4).plan(filterJoin());
        assertEquals(0, plan.offloaded());
        assertTrue(plan.explain().matches("(?s).*Filter.*\\[cpu: est [0-9.]+ ms vs gpu [0-9.]+ ms].*"), plan.explain());
    }

    @Test
    void unsupportedShapesSayWhat() {
        PlanNode like = PlanBuilder.scan(facts, "s", "k").filter(b -> new io.blueshift.operators.expr.Expr.Like(b.col("s"), "row 1%", null, false)).build();
        PlanNode or = PlanBuilder.scan(facts, "k", "id").filter(b -> b.or(b.lt(b.col("k"), Exprs.integer(3)), b.gt(b.col("id"), Exprs.integer(9)))).build();
        PlanNode inList = PlanBuilder.scan(facts, "k").filter(b -> b.or(b.eq(b.col("k"), Exprs.integer(3)), b.eq(Exprs.integer(9), b.col("k")))).build();
        PlanNode left = PlanBuilder.scan(facts, "id").join(PlanNode.JoinType.LEFT, PlanBuilder.scan(dim, "dk"), List.of("id"), List.of("dk"), null).build();
        PlanNode strings = PlanBuilder.scan(facts, "s").join(PlanNode.JoinType.INNER, PlanBuilder.scan(dim, "name"), List.of("s"), List.of("name"), null).build();
        OffloadPlanner p = new OffloadPlanner(GpuMode.ON, device(CostModelTest.H100), 4);
        assertEquals("cpu: Like not supported on gpu", p.plan(like).decision(like).why());
        assertEquals("cpu: OR not supported on gpu", p.plan(or).decision(or).why());
        assertTrue(p.plan(inList).decision(inList).gpu(), "x = 3 OR 9 = x is an IN list");
        assertEquals("cpu: LEFT join not supported on gpu", p.plan(left).decision(left).why());
        assertEquals("cpu: key type VARCHAR not supported on gpu", p.plan(strings).decision(strings).why());
        PlanNode overProject = PlanBuilder.scan(facts, "k").project(List.of("k2"), List.of(b -> b.col("k")))
                .filter(b -> b.lt(b.col("k2"), Exprs.integer(3))).build();
        assertEquals("cpu: input is not a table scan", p.plan(overProject).decision(overProject).why());
    }

    @Test
    void explainAnalyzeLinesKeepTheirFigures() {
        OffloadPlan plan = new OffloadPlanner(GpuMode.AUTO, Discovery.none("x"), 4).plan(filterJoin());
        String analyzed = io.blueshift.operators.plan.QueryExecutor.explain(filterJoin());
        String out = plan.annotate(analyzed + "3 rows in 1.0 ms\n");
        assertTrue(out.endsWith("3 rows in 1.0 ms\n"), out);
        assertFalse(out.contains("3 rows in 1.0 ms   ["), out);
    }
}
