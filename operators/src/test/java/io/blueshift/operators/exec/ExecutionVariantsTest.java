package io.blueshift.operators.exec;

import io.blueshift.kernels.KernelProvider;
import io.blueshift.kernels.Kernels;
import io.blueshift.memory.MemoryLimitExceededException;
import io.blueshift.memory.MemoryPool;
import io.blueshift.operators.MixedTable;
import io.blueshift.operators.OperatorTestBase;
import io.blueshift.operators.plan.Exprs;
import io.blueshift.operators.plan.PlanBuilder;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.operators.plan.QueryExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The same queries give the same rows whatever the thread count and whichever kernel provider
 * runs them; a query over its memory limit fails cleanly and leaves its pool empty.
 */
class ExecutionVariantsTest extends OperatorTestBase {
    private MixedTable mixed;

    @BeforeEach
    void createTable() {
        mixed = MixedTable.create(pool, 5000, 64, 99);
    }

    @AfterEach
    void dropTable() {
        mixed.table().close();
    }

    private Map<String, PlanNode> queries() {
        var t = mixed.table();
        return Map.of(
                "filter", PlanBuilder.scan(t, "id", "s", "dec").filter(b -> b.and(b.ge(b.col("dec"), Exprs.decimal("-0.055")),
                        b.or(b.isNull(b.col("s")), b.lt(b.col("s"), Exprs.string("twelve bytes"))))).build(),
                "project", PlanBuilder.scan(t).filter(b -> b.between(b.col("i32"), Exprs.integer(-20), Exprs.integer(30)))
                        .project(List.of("id", "x", "y"), List.of(b -> b.col("id"),
                                b -> b.mul(b.col("dec"), b.sub(Exprs.integer(1), b.col("dec"))),
                                b -> b.add(b.col("i64"), b.col("i32")))).build(),
                "grouped", PlanBuilder.scan(t).filter(b -> b.ne(b.col("f"), Exprs.float64(0)))
                        .aggregate(List.of("s", "i32"), List.of(b -> b.countStar("n"), b -> b.sum(b.col("dec"), "sd"),
                                b -> b.sum(b.col("i64"), "si"), b -> b.min(b.col("d"), "md"), b -> b.max(b.col("f"), "mf"))).build(),
                "ungrouped", PlanBuilder.scan(t).filter(b -> b.lt(b.col("d"), Exprs.date("1995-07-01")))
                        .aggregate(List.of(), List.of(b -> b.countStar("n"), b -> b.count(b.col("i32"), "c"),
                                b -> b.sum(b.col("dec"), "sd"), b -> b.max(b.col("i64"), "mx"))).build(),
                "ordered", PlanBuilder.scan(t, "id", "d", "i32").filter(b -> b.isNotNull(b.col("d")))
                        .orderBy("d DESC", "i32", "id").limit(300).build());
    }

    @Test
    void threadCountsAgree() {
        for (var q : queries().entrySet()) {
            boolean ordered = q.getKey().equals("ordered");
            List<List<Object>> one = run(q.getValue(), ctx(1));
            assertFalse(one.isEmpty(), q.getKey());
            for (int threads : new int[] {2, 4}) {
                List<List<Object>> many = run(q.getValue(), ctx(threads));
                if (ordered) {
                    assertEquals(one, many, q.getKey() + " on " + threads + " threads");
                } else {
                    assertEquals(sorted(one), sorted(many), q.getKey() + " on " + threads + " threads");
                }
            }
        }
    }

    @Test
    void scalarAndVectorizedProvidersAgree() {
        KernelProvider vectorized = Kernels.vectorized().orElse(null);
        assumeTrue(vectorized != null, "the Vector API provider does not load on this JVM");
        for (var q : queries().entrySet()) {
            for (int threads : new int[] {1, 2}) {
                List<List<Object>> scalar = run(q.getValue(), ctx(Kernels.scalar(), threads));
                List<List<Object>> vector = run(q.getValue(), ctx(vectorized, threads));
                assertEquals(sorted(scalar), sorted(vector), q.getKey() + " on " + threads + " threads");
            }
        }
    }

    @Test
    void queryOverItsMemoryLimitFailsAndLeavesNothingBehind() {
        PlanNode plan = PlanBuilder.scan(mixed.table()).aggregate(List.of("id"),
                List.of(b -> b.countStar("n"), b -> b.sum(b.col("dec"), "s"))).build();
        for (int threads : new int[] {1, 4}) {
            MemoryPool small = MemoryPool.root("query", 16 * 1024);
            ExecutionContext ctx = new ExecutionContext(small, Kernels.provider(), BATCH_ROWS, threads);
            MemoryLimitExceededException e = assertThrows(MemoryLimitExceededException.class,
                    () -> new QueryExecutor(ctx).execute(plan).close());
            assertTrue(e.getMessage().toLowerCase().contains("limit"), e.getMessage());
            assertEquals(0, small.reserved(), "bytes left reserved after the failure on " + threads + " threads");
            small.close();
        }
    }
}
