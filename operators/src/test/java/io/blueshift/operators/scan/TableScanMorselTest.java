package io.blueshift.operators.scan;

import io.blueshift.kernels.CompareOp;
import io.blueshift.kernels.Kernels;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.Schema;
import io.blueshift.operators.MixedTable;
import io.blueshift.operators.OperatorTestBase;
import io.blueshift.operators.exec.CollectSink;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.exec.Pipeline;
import io.blueshift.operators.exec.PipelineExecutor;
import io.blueshift.operators.exec.WorkerPool;
import io.blueshift.storage.InMemoryTable;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A small in-memory table (fewer blocks than four per worker) is cut into row ranges so every
 * worker gets morsels; every row still comes out exactly once, with and without zone-map
 * skipping, at 1, 2 and 4 threads.
 */
class TableScanMorselTest extends OperatorTestBase {
    private static final Schema SCHEMA = Schema.of(Field.of("id", DataType.INT64));

    @Test
    void smallTablesAreCutIntoRangesAndEveryRowComesOutOnce() {
        List<Object[]> rows = new ArrayList<>();
        for (long i = 0; i < 12_345; i++) {
            rows.add(new Object[] {i});
        }
        try (InMemoryTable table = MixedTable.build(pool, "small", SCHEMA, rows, 5_000);
             WorkerPool workers = new WorkerPool(4)) {
            for (int threads : new int[] {1, 2, 4}) {
                ExecutionContext ctx = new ExecutionContext(pool, Kernels.provider(), 1024, threads, workers);
                TableScan all = new TableScan(table, new int[] {0}, List.of());
                all.open(ctx);
                // blocks of 5000, 5000 and 2345 rows: whole at 1 thread; at 2, three ranges each
                // (2048, 2048, 904 and 1024, 1024, 297 rows); at 4, ranges of 1024 rows
                assertEquals(threads == 1 ? 3 : threads == 2 ? 9 : 13, all.morselCount(), threads + " threads");
                assertEquals(range(0, 12_345), ids(all, ctx), threads + " threads");
                // ids >= 7000 rule out block 0 (0..4999): its ranges are never made
                TableScan skipping = new TableScan(table, new int[] {0}, List.of(ScanPredicate.ofLong(0, CompareOp.GE, 7000)));
                List<Long> from5000 = ids(skipping, ctx);
                assertEquals(1, skipping.blocksSkipped());
                assertEquals(range(5000, 12_345), from5000, threads + " threads, skipping");
            }
        }
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    private List<Long> ids(TableScan scan, ExecutionContext ctx) {
        try (MaterializedResult r = PipelineExecutor.run(new Pipeline(scan, List.of(), new CollectSink(SCHEMA)), ctx)) {
            List<Long> out = new ArrayList<>();
            for (List<Object> row : r.rows()) {
                out.add((Long) row.get(0));
            }
            out.sort(null);
            return out;
        }
    }
}
