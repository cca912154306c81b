package io.blueshift.operators.exec;

import io.blueshift.kernels.Kernels;
import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.memory.SelectionVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A materialized result fed to a pipeline: big dense batches split at more than one thread, same rows either way. */
class ResultSourceTest {
    private static final int BATCH_ROWS = 128;
    private MemoryPool pool;

    @BeforeEach
    void open() {
        pool = MemoryPool.unbounded("ResultSourceTest");
    }

    @AfterEach
    void close() {
        pool.close();
    }

    private Batch batch(int rows, int start) {
        ColumnVector ids = ColumnVector.allocate(pool, DataType.INT64, rows, false, "ids");
        ColumnVector names = ColumnVector.allocate(pool, DataType.VARCHAR, rows, true, "names");
        for (int i = 0; i < rows; i++) {
            ids.setLong(i, start + i);
            if (i % 7 == 3) {
                names.setNull(i);
            } else {
                names.setString(i, "row number " + (start + i) + (i % 2 == 0 ? " with a longer tail" : ""));
            }
        }
        return new Batch(List.of(ids, names), rows);
    }

    private static List<List<Object>> drain(ResultSource source, ExecutionContext ctx) {
        source.open(ctx);
        List<List<Object>> rows = new ArrayList<>();
        int m;
        while ((m = source.nextMorsel()) >= 0) {
            source.scan(m, ctx, b -> {
                for (int i = 0; i < b.liveCount(); i++) {
                    int r = b.liveRow(i);
                    rows.add(java.util.Arrays.asList(b.column(0).getObject(r), b.column(1).getObject(r)));
                }
            });
        }
        return rows;
    }

    @Test
    void bigDenseBatchesSplitAtMoreThanOneThreadWithTheSameRows() {
        Schema schema = new Schema(List.of(Field.of("id", DataType.INT64), Field.of("name", DataType.VARCHAR)));
        Batch big = batch(1000, 0);
        Batch small = batch(100, 1000);
        Batch selected = batch(700, 1100);
        SelectionVector sel = new SelectionVector(pool, 700);
        int n = 0;
        for (int i = 0; i < 700; i += 3) {
            sel.segment().setAtIndex(ValueLayout.JAVA_INT, n++, i);
        }
        sel.setCount(n);
        List<AutoCloseable> owned = List.of(big.column(0), big.column(1), small.column(0), small.column(1),
                selected.column(0), selected.column(1), sel);
        try (MaterializedResult result = new MaterializedResult(schema, List.of(big, small, selected.withSelection(sel)), owned)) {
            ResultSource source = new ResultSource(result);
            ExecutionContext one = new ExecutionContext(pool, Kernels.provider(), BATCH_ROWS, 1);
            List<List<Object>> whole = drain(source, one);
            assertEquals(3, source.morselCount());
            assertEquals(result.rows(), whole);
            ExecutionContext two = new ExecutionContext(pool, Kernels.provider(), BATCH_ROWS, 2);
            List<List<Object>> split = drain(source, two);
            // 1000 rows in 8 views of 128 (the last 104), the small and the selected batch whole
            assertEquals(10, source.morselCount());
            assertEquals(whole, split);
        }
    }

    @Test
    void aBatchUnderBatchRowsIsCutIntoMorselsPerWorkerNoSmallerThanTheFloor() {
        assertEquals(Integer.MAX_VALUE, ResultSource.step(4667, 1, 8192));
        assertEquals(1216, ResultSource.step(4667, 2, 8192));   // 4 morsels of 2 workers
        assertEquals(ResultSource.MIN_MORSEL_ROWS, ResultSource.step(460, 2, 8192));
        assertEquals(8192, ResultSource.step(1_000_000, 2, 8192));
        Schema schema = new Schema(List.of(Field.of("id", DataType.INT64), Field.of("name", DataType.VARCHAR)));
        Batch one = batch(4667, 0);
        try (MaterializedResult result = new MaterializedResult(schema, List.of(one), List.of(one.column(0), one.column(1)))) {
            ResultSource source = new ResultSource(result);
            List<List<Object>> split = drain(source, new ExecutionContext(pool, Kernels.provider(), 8192, 2));
            assertEquals(4, source.morselCount());
            assertEquals(result.rows(), split);
        }
    }
}
