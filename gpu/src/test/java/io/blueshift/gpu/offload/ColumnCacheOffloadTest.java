package io.blueshift.gpu.offload;

import io.blueshift.gpu.DeviceColumnCache;
import io.blueshift.gpu.DeviceInfo;
import io.blueshift.gpu.TestTables;
import io.blueshift.kernels.Kernels;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.plan.Exprs;
import io.blueshift.operators.plan.NodeOffload;
import io.blueshift.operators.plan.PlanBuilder;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.operators.plan.QueryExecutor;
import io.blueshift.storage.ColumnIdentity;
import io.blueshift.storage.InMemoryTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device column cache on the reference backend: resident columns are not copied again, the
 * answers stay the CPU's under eviction and concurrency, the admission rule of gpu=auto, and the
 * cache's memory goes back to zero.
 */
class ColumnCacheOffloadTest {
    MemoryPool pool;
    InMemoryTable facts;

    @BeforeEach
    void tables() {
        pool = MemoryPool.unbounded("cache test");
        facts = TestTables.facts(pool, 8000, 1024, 11); // 8 blocks, NULLs in k, price and x
    }

    @AfterEach
    void close() {
        facts.close();
        pool.close();
    }

    List<PlanNode> queries() {
        List<PlanNode> q = new ArrayList<>();
        q.add(PlanBuilder.scan(facts, "id", "k", "s").filter(b -> b.lt(b.col("k"), Exprs.integer(20))).build());
        q.add(PlanBuilder.scan(facts, "id", "k", "d", "price", "x")
                .filter(b -> b.and(b.ge(b.col("d"), Exprs.date("1995-01-01")), b.lt(b.col("k"), Exprs.integer(100)),
                        b.between(b.col("price"), Exprs.decimal("10.005"), Exprs.decimal("700")), b.gt(b.col("x"), Exprs.float64(3.25))))
                .build());
        q.add(PlanBuilder.scan(facts, "id", "price").filter(b -> b.ne(b.col("price"), Exprs.decimal("5.5"))).build());
        // no row passes: with the columns resident no block is even loaded
        q.add(PlanBuilder.scan(facts, "id", "s").filter(b -> b.gt(b.col("id"), Exprs.bigint(1_000_000))).build());
        q.add(PlanBuilder.scan(facts, "k", "price")
                .filter(b -> b.lt(b.col("k"), Exprs.integer(0)))
                .aggregate(List.of(), List.of(b -> b.sum(b.col("price"), "total"), b -> b.countStar("n")))
                .build());
        return q;
    }

    List<String> run(PlanNode plan, NodeOffload hook, int threads) {
        try (MemoryPool q = pool.child("query");
             MaterializedResult r = new QueryExecutor(new ExecutionContext(q, Kernels.provider(), 256, threads), null, hook).execute(plan)) {
            return FallbackEqualityTest.rows(r);
        }
    }

    /** A pass per block, per two blocks (3000 rows of 1024-row blocks), and over the whole table. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3000, 1 << 20})
    void aSecondRunCopiesNothingAndGivesTheCpuAnswer(int segmentRows) {
        CountingDevice dev = new CountingDevice(CostModelTest.H100);
        try (OffloadPlanner planner = new OffloadPlanner(GpuMode.ON, dev.discovery(), 2, -1).segmentRows(segmentRows)) {
            DeviceColumnCache cache = planner.cache().orElseThrow();
            for (PlanNode q : queries()) {
                List<String> cpu = run(q, null, 2);
                OffloadPlan first = planner.plan(q);
                assertEquals(cpu, run(q, first.executorHook(), 2), first.explain());
                long copies = dev.uploads.get();
                OffloadPlan second = planner.plan(q);
                assertTrue(second.explain().contains("[gpu: gpu=on (resident, est "), second.explain());
                GpuOffload hook = (GpuOffload) second.executorHook();
                assertEquals(cpu, run(q, hook, 2), second.explain());
                assertEquals(copies, dev.uploads.get(), "the second run copied columns again");
                assertEquals(List.of(), hook.fallbacks());
            }
            assertTrue(cache.stats().hits() > 0 && cache.stats().evictions() == 0, cache.stats().toString());
            assertTrue(cache.pool().reserved() > 0);
            planner.close();
            assertEquals(0, cache.pool().reserved());
            assertEquals(0, cache.stats().bytes());
        }
    }

    @Test
    void aSmallBudgetEvictsAndTheAnswersStayRight() {
        CountingDevice dev = new CountingDevice(CostModelTest.H100);
        // room for the columns of any one filter but the four-column one, not for all of them together
        try (OffloadPlanner planner = new OffloadPlanner(GpuMode.ON, dev.discovery(), 3, 100_000).segmentRows(3000)) {
            DeviceColumnCache cache = planner.cache().orElseThrow();
            for (int round = 0; round < 3; round++) {
                for (PlanNode q : queries()) {
                    assertEquals(run(q, null, 3), run(q, planner.plan(q).executorHook(), 3));
                    assertTrue(cache.stats().bytes() <= cache.budget(), cache.stats().toString());
                }
            }
            assertTrue(cache.stats().evictions() > 0 && cache.stats().hits() > 0, cache.stats().toString());
            planner.close();
            assertEquals(0, cache.pool().reserved());
        }
    }

    @Test
    void concurrentQueriesShareTheCache() throws Exception {
        CountingDevice dev = new CountingDevice(CostModelTest.H100);
        List<PlanNode> qs = queries();
        List<List<String>> expected = new ArrayList<>();
        for (PlanNode q : qs) expected.add(run(q, null, 1));
        ExecutorService threads = Executors.newFixedThreadPool(4);
        // a budget that holds some but not all: hits, misses, evictions and pins at once
        try (OffloadPlanner planner = new OffloadPlanner(GpuMode.ON, dev.discovery(), 2, 100_000).segmentRows(2048)) {
            List<Future<Boolean>> runs = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                int n = i % qs.size();
                runs.add(threads.submit(() -> expected.get(n).equals(run(qs.get(n), planner.plan(qs.get(n)).executorHook(), 2))));
            }
            for (Future<Boolean> f : runs) assertTrue(f.get());
            DeviceColumnCache cache = planner.cache().orElseThrow();
            assertTrue(cache.stats().hits() > 0, cache.stats().toString());
            planner.close();
            assertEquals(0, cache.pool().reserved());
        } finally {
            threads.shutdown();
        }
    }

    @Test
    void autoCachesOnTheSecondUseWhenResidentRunsRepayTheTransfer() {
        // a slow link and one CPU thread: resident the filter wins, copied every time it does not
        DeviceInfo info = DeviceInfo.simulated("slow link", 16L << 30, 64, 10, 900);
        InMemoryTable big = TestTables.facts(pool, 200_000, 100_000, 3);
        try {
            PlanNode q = PlanBuilder.scan(big, "id", "k").filter(b -> b.and(b.lt(b.col("k"), Exprs.integer(30)), b.gt(b.col("id"), Exprs.bigint(10)))).build();
            List<String> cpu = run(q, null, 1);
            CountingDevice dev = new CountingDevice(info);
            try (OffloadPlanner planner = new OffloadPlanner(GpuMode.AUTO, dev.discovery(), 1, 64L << 20)) {
                OffloadPlan first = planner.plan(q);
                assertEquals(0, first.offloaded(), first.explain());
                assertTrue(first.explain().matches("(?s).*\\[cpu: est [0-9.]+ ms vs gpu [0-9.]+ ms; gpu [0-9.]+ ms once resident: cached on its next use].*"),
                        first.explain());
                assertNull(first.executorHook()); // counts the use
                OffloadPlan second = planner.plan(q);
                assertTrue(second.explain().matches("(?s).*\\[gpu: caching \\(used before\\), est [0-9.]+ ms now, [0-9.]+ ms resident vs cpu [0-9.]+ ms].*"),
                        second.explain());
                assertEquals(cpu, run(q, second.executorHook(), 1));
                long copies = dev.uploads.get();
                assertTrue(copies > 0);
                OffloadPlan third = planner.plan(q);
                assertTrue(third.explain().matches("(?s).*\\[gpu: resident, est [0-9.]+ ms vs cpu [0-9.]+ ms].*"), third.explain());
                assertEquals(cpu, run(q, third.executorHook(), 1));
                assertEquals(copies, dev.uploads.get());
            }
            // a link so slow that three resident runs do not repay one copy: never cached
            try (OffloadPlanner planner = new OffloadPlanner(GpuMode.AUTO, new CountingDevice(info.withPcieGBs(2)).discovery(), 1, 64L << 20)) {
                planner.plan(q).executorHook();
                OffloadPlan again = planner.plan(q);
                assertEquals(0, again.offloaded());
                assertTrue(again.explain().contains("but 3 runs would not repay the transfer]"), again.explain());
            }
            // over the budget: said so
            try (OffloadPlanner planner = new OffloadPlanner(GpuMode.AUTO, new CountingDevice(info).discovery(), 1, 1 << 20)) {
                assertTrue(planner.plan(q).explain().contains("; columns over the gpu cache budget]"), planner.plan(q).explain());
            }
        } finally {
            big.close();
        }
    }

    /** Blocks of 1001 rows: a two-block pass starts its second block inside a byte of the validity bitmap. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3000, 1 << 20})
    void blocksOfOddSizesKeepTheirNulls(int segmentRows) {
        // a table builder cuts blocks of a multiple of 8 rows; files need not: seven one-block tables of 1001 rows as one
        List<InMemoryTable> pieces = new ArrayList<>();
        List<io.blueshift.storage.TableBlock> blocks = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            pieces.add(TestTables.facts(pool, 1001, 1024, 17 + i));
            blocks.addAll(pieces.getLast().blocks());
        }
        InMemoryTable odd = new InMemoryTable("odd", TestTables.FACTS, blocks); // views: the pieces own the memory
        try {
            List<PlanNode> qs = List.of(
                    PlanBuilder.scan(odd, "id", "k").filter(b -> b.lt(b.col("k"), Exprs.integer(50))).build(),
                    PlanBuilder.scan(odd, "id", "price", "x").filter(b -> b.and(b.gt(b.col("price"), Exprs.decimal("100")),
                            b.lt(b.col("x"), Exprs.float64(40)))).build());
            try (OffloadPlanner planner = new OffloadPlanner(GpuMode.ON, new CountingDevice(CostModelTest.H100).discovery(), 2, -1)
                    .segmentRows(segmentRows)) {
                for (PlanNode q : qs) {
                    List<String> cpu = run(q, null, 2);
                    assertEquals(cpu, run(q, planner.plan(q).executorHook(), 2));
                    assertEquals(cpu, run(q, planner.plan(q).executorHook(), 2));
                }
            }
        } finally {
            pieces.forEach(InMemoryTable::close);
        }
    }

    @Test
    void piecesConcatenateTheirValidity() {
        int[] rows = {5, 13, 64, 7, 0, 9};
        List<ColumnVector> parts = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(5);
        List<Boolean> expected = new ArrayList<>();
        try {
            for (int i = 0; i < rows.length; i++) {
                ColumnVector v = ColumnVector.allocate(pool, DataType.INT32, Math.max(rows[i], 1), i % 3 != 1, "piece");
                parts.add(v);
                for (int r = 0; r < rows[i]; r++) {
                    boolean isNull = i % 3 != 1 && rnd.nextInt(3) == 0;
                    if (isNull) v.setNull(r); else v.setInt(r, r);
                    expected.add(!isNull);
                }
            }
            try (io.blueshift.memory.Allocation out = pool.allocate(io.blueshift.memory.Validity.bytesFor(expected.size()), "out")) {
                io.blueshift.gpu.DeviceColumnsAccess.concatValidity(parts, rows, out.segment());
                for (int r = 0; r < expected.size(); r++) {
                    assertEquals(expected.get(r), io.blueshift.memory.Validity.isValid(out.segment(), r), "row " + r);
                }
            }
        } finally {
            parts.forEach(ColumnVector::close);
        }
    }

    @Test
    void cacheUnitsPinEvictAndInvalidate() {
        CountingDevice dev = new CountingDevice(CostModelTest.H100);
        DeviceColumnCache cache = new DeviceColumnCache(dev, 3 * 4096 + 3 * 128);
        try (ColumnVector v = ColumnVector.allocate(pool, DataType.INT32, 1024, true, "v")) {
            for (int i = 0; i < 1024; i++) {
                if (i % 5 == 0) v.setNull(i); else v.setInt(i, i);
            }
            Object table = new Object();
            var k0 = new DeviceColumnCache.Key(new ColumnIdentity(table, 0), 0);
            var k1 = new DeviceColumnCache.Key(new ColumnIdentity(table, 0), 1);
            var k2 = new DeviceColumnCache.Key(new ColumnIdentity(table, 1), 0);
            var k3 = new DeviceColumnCache.Key(new ColumnIdentity("other", 0), 0);
            assertNull(cache.get(k0));
            DeviceColumnCache.Lease pinned = cache.put(k0, v, 1024);
            assertNotNull(pinned);
            cache.put(k1, v, 1024).close();
            cache.put(k2, v, 1024).close();
            assertEquals(3 * 1024 * 4, cache.residentBytes(List.of(new ColumnIdentity(table, 0), new ColumnIdentity(table, 1))));
            // full: k3 evicts the least recently used unpinned one (k1), not the pinned k0
            cache.put(k3, v, 1024).close();
            assertNull(cache.get(k1));
            try (DeviceColumnCache.Lease again = cache.get(k0)) {
                assertNotNull(again);
                assertEquals(1024, again.rows());
            }
            cache.invalidate(table); // k0 pinned: out of the map now, freed when its lease closes
            assertNull(cache.get(k0));
            assertNull(cache.get(k2));
            long held = cache.stats().bytes();
            pinned.close();
            assertTrue(cache.stats().bytes() < held, cache.stats().toString());
            assertEquals(1, cache.stats().entries());
            assertFalse(cache.stats().bytes() > cache.budget());
            DeviceColumnCache.Lease open = cache.get(k3);
            cache.close(); // frees even what is pinned
            open.close();
            assertEquals(0, cache.pool().reserved());
        }
    }
}
