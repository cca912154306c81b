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
import io.blueshift.storage.InMemoryTable;
import io.blueshift.storage.LoadedBlock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The build side's rows from several workers, concatenated in finish: every value (long and
 * inline strings, NULLs, BOOLEANs, whose bits straddle the parts' boundaries) comes out where
 * its part put it, on one thread (small sides) and on the workers (large ones).
 */
class HashJoinBuildConcatTest extends OperatorTestBase {
    private static final Schema SCHEMA = Schema.of(Field.of("id", DataType.INT64), Field.of("k", DataType.INT32),
            Field.of("s", DataType.VARCHAR), Field.of("b", DataType.BOOLEAN));

    @Test
    void smallPartsConcatenateOnTheCaller() {
        check(new int[] {37, 0, 101, 5}, 2);
    }

    @Test
    void largePartsConcatenateOnTheWorkers() {
        check(new int[] {20_003, 17, 15_000, 9_999}, 4);
    }

    /** One worker took most of the morsels: the copy is cut by output rows, so ranges span parts and start mid-part. */
    @Test
    void unevenPartsCopyInBalancedRanges() {
        check(new int[] {90_001, 1_000, 0, 63}, 2);
    }

    /**
     * Build buffers come unzeroed from the pool's reuse list: buffers of every size the parts
     * and the concatenation ask for, left full of ones by a previous user, change nothing.
     */
    @Test
    void reusedBuffersKeepNothingOfTheirLastUse() {
        int[] partRows = {20_003, 17, 15_000, 9_999};
        int total = 0;
        for (int n : partRows) {
            total += n;
        }
        List<Long> sizes = new ArrayList<>();
        for (int rows = 1024; rows <= 1 << 15; rows *= 2) {
            for (int width : new int[] {4, 8, 16}) {
                sizes.add((long) rows * width);
            }
            sizes.add((long) io.blueshift.memory.Validity.bytesFor(rows));
        }
        for (int width : new int[] {4, 8, 16}) {
            sizes.add((long) total * width);
        }
        sizes.add((long) io.blueshift.memory.Validity.bytesFor(total));
        List<io.blueshift.memory.Allocation> dirty = new ArrayList<>();
        for (long bytes : sizes) {
            for (int copy = 0; copy < 2; copy++) {
                io.blueshift.memory.Allocation a = pool.allocateReusable(bytes, "dirty", false);
                a.segment().fill((byte) -1);
                dirty.add(a);
            }
        }
        dirty.forEach(io.blueshift.memory.Allocation::close);
        check(partRows, 4);
        check(new int[] {70_000}, 1);
    }

    private void check(int[] partRows, int threads) {
        Random rnd = new Random(11);
        List<Object[]> rows = new ArrayList<>();
        int total = 0;
        for (int n : partRows) {
            total += n;
        }
        for (int i = 0; i < total; i++) {
            rows.add(new Object[] {(long) i, rnd.nextInt(7) == 0 ? null : rnd.nextInt(1000),
                    rnd.nextInt(9) == 0 ? null : (i % 3 == 0 ? "short " + i : "a string well over twelve bytes #" + i),
                    rnd.nextBoolean()});
        }
        ExecutionContext ctx = new ExecutionContext(pool, io.blueshift.kernels.Kernels.provider(), 1024, threads,
                new io.blueshift.operators.exec.WorkerPool(threads));
        HashJoinBuild build = new HashJoinBuild(SCHEMA, new int[] {1});
        int from = 0;
        for (int n : partRows) {
            // each part is one worker's rows, in a table of its own (freed once copied)
            try (InMemoryTable part = MixedTable.build(pool, "part", SCHEMA, rows.subList(from, from + n), 4096)) {
                SinkState local = build.createLocalState(ctx);
                for (int b = 0; b < part.blockCount(); b++) {
                    try (LoadedBlock block = part.load(b, new int[] {0, 1, 2, 3}, pool)) {
                        List<ColumnVector> columns = new ArrayList<>();
                        for (int c = 0; c < 4; c++) {
                            columns.add(block.column(c));
                        }
                        build.sink(new Batch(columns, block.rowCount()), local);
                    }
                }
                build.combine(local);
                local.close();
            }
            from += n;
        }
        try (MaterializedResult table = build.finish(ctx)) {
            List<ColumnVector> columns = build.table().columns();
            for (int r = 0; r < total; r++) {
                Object[] want = rows.get(r);
                assertEquals(want[0], columns.get(0).getLong(r), "id of row " + r);
                assertEquals(want[1], columns.get(1).isNull(r) ? null : columns.get(1).getInt(r), "k of row " + r);
                assertEquals(want[2], columns.get(2).isNull(r) ? null : columns.get(2).getString(r), "s of row " + r);
                assertEquals(want[3], columns.get(3).getBoolean(r), "b of row " + r);
            }
        } finally {
            ctx.workers().close();
        }
    }
}
