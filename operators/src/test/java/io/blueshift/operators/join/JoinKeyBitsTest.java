package io.blueshift.operators.join;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.Schema;
import io.blueshift.operators.MixedTable;
import io.blueshift.operators.OperatorTestBase;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.exec.SinkState;
import io.blueshift.operators.exec.WorkerPool;
import io.blueshift.storage.InMemoryTable;
import io.blueshift.storage.LoadedBlock;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The key bitmap a build side gets (its value range taken per chunk by the workers that hash
 * the keys): exact for a narrow range, NULL keys left out, negative values and the extremes
 * of the range kept, on one thread and on several, INT32 and INT64 keys.
 */
class JoinKeyBitsTest extends OperatorTestBase {
    @Test
    void bitmapKeepsExactlyTheBuildKeysInt64() {
        check(DataType.INT64, 1);
        check(DataType.INT64, 4);
    }

    @Test
    void bitmapKeepsExactlyTheBuildKeysInt32() {
        check(DataType.INT32, 2);
    }

    private void check(DataType type, int threads) {
        Schema schema = Schema.of(Field.of("k", type));
        Random rnd = new Random(5);
        Set<Long> keys = new HashSet<>();
        List<Object[]> rows = new ArrayList<>();
        // 100K build rows (several hashing chunks) over [-70000, 230000], a third of that range set
        for (int i = 0; i < 100_000; i++) {
            if (rnd.nextInt(50) == 0) {
                rows.add(new Object[] {null});
                continue;
            }
            long v = i == 7 ? -70_000 : i == 99_000 ? 230_000 : -70_000 + rnd.nextInt(300_001);
            keys.add(v);
            rows.add(new Object[] {type == DataType.INT32 ? (Object) (int) v : (Object) v});
        }
        ExecutionContext ctx = new ExecutionContext(pool, io.blueshift.kernels.Kernels.provider(), 4096, threads,
                new WorkerPool(threads));
        HashJoinBuild build = new HashJoinBuild(schema, new int[] {0});
        try (InMemoryTable table = MixedTable.build(pool, "build", schema, rows, 8192)) {
            SinkState local = build.createLocalState(ctx);
            for (int b = 0; b < table.blockCount(); b++) {
                try (LoadedBlock block = table.load(b, new int[] {0}, pool)) {
                    build.sink(new Batch(List.of(block.column(0)), block.rowCount()), local);
                }
            }
            build.combine(local);
            local.close();
        }
        List<Object[]> probe = new ArrayList<>();
        for (long v = -71_000; v <= 231_000; v++) {
            probe.add(new Object[] {type == DataType.INT32 ? (Object) (int) v : (Object) v});
        }
        try (MaterializedResult result = build.finish(ctx);
             InMemoryTable probeTable = MixedTable.build(pool, "probe", schema, probe, (probe.size() + 7) & ~7)) {
            JoinHashTable t = build.table();
            assertTrue(t.hasKeyBits(), "a narrow key range gets a bitmap");
            assertEquals((double) keys.size() / 300_001, t.keyBitsDensity(), 1e-12);
            try (LoadedBlock block = probeTable.load(0, new int[] {0}, pool);
                 io.blueshift.memory.Allocation out = pool.allocate(probe.size() * 4L, "kept")) {
                ColumnVector column = block.column(0);
                int n = t.keepByKeyBits(column, null, block.rowCount(), out.segment());
                assertEquals(keys.size(), n);
                for (int i = 0; i < n; i++) {
                    long v = -71_000 + out.segment().getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
                    assertTrue(keys.contains(v), "kept " + v);
                }
                assertArraysKeepTheSame(t, column, block.rowCount(), pool);
            }
        } finally {
            ctx.workers().close();
        }
    }

    /**
     * A range too wide for the exact bitmap (40M) gets the hashed one plus an exact bitmap for
     * clustered probe batches: a batch of consecutive keys keeps exactly the build keys, a
     * scattered batch (hashed bitmap) at least all of them.
     */
    @Test
    void wideRangeClusteredProbesAreExact() {
        for (DataType type : List.of(DataType.INT64, DataType.INT32)) {
            for (int threads : new int[] {1, 2}) {
                checkWide(type, threads);
            }
        }
    }

    private void checkWide(DataType type, int threads) {
        Schema schema = Schema.of(Field.of("k", type));
        Random rnd = new Random(11);
        Set<Long> keys = new HashSet<>();
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            long v = i == 0 ? -5_000_000 : i == 1 ? 35_000_000 : -5_000_000 + rnd.nextInt(40_000_001);
            keys.add(v);
            rows.add(new Object[] {type == DataType.INT32 ? (Object) (int) v : (Object) v});
        }
        ExecutionContext ctx = new ExecutionContext(pool, io.blueshift.kernels.Kernels.provider(), 4096, threads,
                new WorkerPool(threads));
        HashJoinBuild build = new HashJoinBuild(schema, new int[] {0});
        try (InMemoryTable table = MixedTable.build(pool, "build", schema, rows, 8192)) {
            SinkState local = build.createLocalState(ctx);
            for (int b = 0; b < table.blockCount(); b++) {
                try (LoadedBlock block = table.load(b, new int[] {0}, pool)) {
                    build.sink(new Batch(List.of(block.column(0)), block.rowCount()), local);
                }
            }
            build.combine(local);
            local.close();
        }
        // clustered: consecutive keys across both ends of the range; scattered: random keys
        List<Long> clustered = new ArrayList<>();
        for (long v = -5_001_000; v <= -4_990_000; v++) {
            clustered.add(v);
        }
        for (long v = 34_990_000; v <= 35_001_000; v++) {
            clustered.add(v);
        }
        List<Long> buildKeys = List.copyOf(keys);
        List<Long> scattered = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            scattered.add(i % 3 == 0 ? buildKeys.get(rnd.nextInt(buildKeys.size())) : -6_000_000L + rnd.nextInt(42_000_000));
        }
        try (MaterializedResult result = build.finish(ctx)) {
            JoinHashTable t = build.table();
            assertTrue(t.hasKeyBits(), "a wide key range gets a hashed bitmap");
            for (List<Long> probe : List.of(clustered.subList(0, 11_001), clustered.subList(11_001, clustered.size()), scattered)) {
                List<Object[]> probeRows = new ArrayList<>();
                for (long v : probe) {
                    probeRows.add(new Object[] {type == DataType.INT32 ? (Object) (int) v : (Object) v});
                }
                try (InMemoryTable probeTable = MixedTable.build(pool, "probe", schema, probeRows, (probeRows.size() + 7) & ~7);
                     LoadedBlock block = probeTable.load(0, new int[] {0}, pool);
                     io.blueshift.memory.Allocation out = pool.allocate(probe.size() * 4L, "kept")) {
                    int n = t.keepByKeyBits(block.column(0), null, block.rowCount(), out.segment());
                    assertArraysKeepTheSame(t, block.column(0), block.rowCount(), pool);
                    Set<Integer> kept = new HashSet<>();
                    for (int i = 0; i < n; i++) {
                        kept.add(out.segment().getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i));
                    }
                    int matches = 0;
                    for (int i = 0; i < probe.size(); i++) {
                        if (keys.contains(probe.get(i))) {
                            matches++;
                            assertTrue(kept.contains(i), "dropped build key " + probe.get(i));
                        }
                    }
                    if (probe != scattered) {
                        assertEquals(matches, n, "a clustered batch keeps exactly the build keys");
                    }
                }
            }
        } finally {
            ctx.workers().close();
        }
    }

    /**
     * Which index a single integral key gets: direct for a dense range, ranked for a sparse one
     * (up to 64 values per row), the slots beyond; an empty build side and an all-NULL one too.
     */
    @Test
    void keyRangeChoosesDirectRankedOrSlots() {
        assertIndex(1, 100_000, "direct");
        assertIndex(30, 100_000, "ranked");
        assertIndex(60, 100_000, "ranked");
        assertIndex(200, 100_000, "slots");
        assertIndex(30, 0, "slots");
    }

    private void assertIndex(int spread, int n, String expected) {
        Schema schema = Schema.of(Field.of("k", DataType.INT64));
        Random rnd = new Random(3);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new Object[] {(long) i * spread + rnd.nextInt(spread)});
        }
        for (int threads : new int[] {1, 2}) {
            ExecutionContext ctx = new ExecutionContext(pool, io.blueshift.kernels.Kernels.provider(), 4096, threads,
                    new WorkerPool(threads));
            HashJoinBuild build = new HashJoinBuild(schema, new int[] {0});
            try (InMemoryTable table = MixedTable.build(pool, "build", schema, rows, 8192)) {
                SinkState local = build.createLocalState(ctx);
                for (int b = 0; b < table.blockCount(); b++) {
                    try (LoadedBlock block = table.load(b, new int[] {0}, pool)) {
                        build.sink(new Batch(List.of(block.column(0)), block.rowCount()), local);
                    }
                }
                build.combine(local);
                local.close();
                try (MaterializedResult result = build.finish(ctx)) {
                    JoinHashTable t = build.table();
                    String index = t.ranked() ? "ranked" : t.direct() ? "direct" : "slots";
                    assertEquals(expected, index, spread + " values per row, " + n + " rows, " + threads + " threads");
                    assertTrue(t.unique());
                }
            } finally {
                ctx.workers().close();
            }
        }
    }

    /**
     * The plain-array variant (the pushed-down filter's) keeps exactly the rows the segment
     * variant keeps, over all rows and over a selection of every third row, and narrows in place.
     */
    static void assertArraysKeepTheSame(JoinHashTable t, ColumnVector column, int rows, io.blueshift.memory.MemoryPool pool) {
        try (io.blueshift.memory.Allocation out = pool.allocate(rows * 4L + 4, "kept");
             io.blueshift.memory.Allocation selAlloc = pool.allocate(rows * 4L + 4, "selection")) {
            int n = t.keepByKeyBits(column, null, rows, out.segment());
            int[] kept = new int[rows];
            assertEquals(n, t.keepByKeyBits(column, null, rows, kept));
            for (int i = 0; i < n; i++) {
                assertEquals(out.segment().getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i), kept[i]);
            }
            int m = 0;
            int[] sel = new int[rows];
            for (int r = 0; r < rows; r += 3) {
                selAlloc.segment().setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, m, r);
                sel[m++] = r;
            }
            n = t.keepByKeyBits(column, selAlloc.segment(), m, out.segment());
            assertEquals(n, t.keepByKeyBits(column, sel, m, sel));
            for (int i = 0; i < n; i++) {
                assertEquals(out.segment().getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i), sel[i]);
            }
        }
    }
}
