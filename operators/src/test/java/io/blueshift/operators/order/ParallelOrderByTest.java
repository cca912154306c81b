package io.blueshift.operators.order;

import io.blueshift.kernels.Kernels;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.exec.MaterializedResults;
import io.blueshift.operators.exec.WorkerPool;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** A sort large enough to run on several workers gives exactly the 1-thread order, ties in input order. */
class ParallelOrderByTest {
    /** The id column in result order (the sort is checked by ids: ties must keep input order). */
    private static long[] ids(MaterializedResult r) {
        long[] out = new long[(int) r.rowCount()];
        int k = 0;
        for (var b : r.batches()) {
            for (int i = 0; i < b.liveCount(); i++) {
                out[k++] = b.column(1).getLong(b.liveRow(i));
            }
        }
        return out;
    }

    @Test
    void parallelSortEqualsTheOneThreadSortIncludingTies() {
        int rows = OrderBy.PARALLEL_MIN_ROWS * 2 + 12_345;
        Schema schema = Schema.of(Field.of("k", DataType.INT64), Field.of("id", DataType.INT64));
        try (MemoryPool pool = MemoryPool.root("test", 1L << 30); WorkerPool workers = new WorkerPool(3)) {
            Random random = new Random(7);
            ColumnVector k = ColumnVector.allocate(pool, DataType.INT64, rows, true, "k");
            ColumnVector id = ColumnVector.allocate(pool, DataType.INT64, rows, false, "id");
            for (int i = 0; i < rows; i++) {
                if (random.nextInt(50) == 0) {
                    k.setNull(i);
                } else {
                    k.setLong(i, random.nextInt(500)); // many ties: stability shows
                }
                id.setLong(i, i);
            }
            try (MaterializedResult input = MaterializedResults.chunked(schema, List.of(k, id), rows, 4096)) {
                List<SortKey> keys = List.of(SortKey.desc(0));
                long[] one;
                try (MaterializedResult r = OrderBy.sort(input, keys, 0, Long.MAX_VALUE,
                        new ExecutionContext(pool, Kernels.provider(), 4096, 1))) {
                    one = ids(r);
                }
                // 3 workers: three runs, so the merge also handles an odd run count
                try (MaterializedResult r = OrderBy.sort(input, keys, 10, Long.MAX_VALUE,
                        new ExecutionContext(pool, Kernels.provider(), 4096, 3, workers))) {
                    assertArrayEquals(java.util.Arrays.copyOfRange(one, 10, one.length), ids(r));
                }
            }
        }
    }
}
