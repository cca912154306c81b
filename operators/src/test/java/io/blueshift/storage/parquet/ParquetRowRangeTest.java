package io.blueshift.storage.parquet;

import io.blueshift.kernels.Kernels;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.MemoryPool;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.plan.Exprs;
import io.blueshift.operators.plan.PlanBuilder;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.operators.plan.QueryExecutor;
import io.blueshift.operators.scan.TableScan;
import io.blueshift.storage.InMemoryTable;
import io.blueshift.storage.LoadedBlock;
import io.blueshift.storage.TableBlock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A row group read as row ranges, page by page through the offset index: every range gives the
 * rows a whole read gives there, whatever the columns' page boundaries, and a scan of a file
 * with one large row group spreads it over several workers with the same answer.
 */
class ParquetRowRangeTest {
    private static final String[] COLUMNS = {"b", "i32", "i64", "id", "f64", "dt", "d7", "d15", "d18", "ts", "s_dict", "s_plain"};
    private static final int ROWS = 40_000;

    @TempDir
    Path dir;
    MemoryPool pool;

    @BeforeEach
    void open() { pool = MemoryPool.root("row range test", 1L << 30); }

    @AfterEach
    void close() { pool.close(); }

    /** One row group; pages cut by bytes, so each column has its own page boundaries. */
    private Path write(boolean pageIndex, boolean dictionary, ParquetWriterTest.Nulls nulls) {
        Path file = dir.resolve("t-" + pageIndex + "-" + dictionary + "-" + nulls + ".parquet");
        try (InMemoryTable source = ParquetWriterTest.table(pool, ROWS, nulls, 8192)) {
            ParquetWriteOptions o = ParquetWriteOptions.defaults().withRowGroupRows(ROWS).withPageRows(3000).withPageBytes(9000);
            ParquetWriter.write(source, file, new ParquetWriteOptions(o.codec(), dictionary, o.rowGroupRows(), o.rowGroupBytes(),
                    o.pageBytes(), o.pageRows(), o.maxDictionaryBytes(), o.zstdLevel(), pageIndex));
        }
        return file;
    }

    @Test
    void everyRangeReadsTheRowsOfAWholeRead() {
        Random random = new Random(42);
        for (ParquetWriterTest.Nulls nulls : ParquetWriterTest.Nulls.values()) {
            for (int layout = 0; layout < (nulls == ParquetWriterTest.Nulls.SOME ? 3 : 1); layout++) {
                // with an offset index and dictionaries; without dictionaries; without an offset index (headers read)
                boolean dictionary = layout != 1;
                boolean pageIndex = layout != 2;
                Path file = write(pageIndex, dictionary, nulls);
                try (ParquetTable lazy = ParquetTable.openLazy(file, pool); ParquetTable eager = ParquetTable.open(file, pool)) {
                    int grain = lazy.rowRangeGrain(0, new int[] {3, 10});
                    assertTrue(grain > 0 && grain <= 3000, "pages of at most 3,000 rows: " + grain);
                    assertEquals(1, lazy.blockCount());
                    int[] columns = new int[COLUMNS.length];
                    for (int c = 0; c < columns.length; c++) {
                        columns[c] = c;
                    }
                    TableBlock whole = eager.blocks().get(0);
                    List<int[]> ranges = new ArrayList<>(List.of(new int[] {0, ROWS}, new int[] {0, 1}, new int[] {ROWS - 1, ROWS},
                            new int[] {5, 5}, new int[] {2999, 3001}, new int[] {16_384, 32_768}, new int[] {32_768, ROWS}));
                    for (int k = 0; k < 8; k++) {
                        int a = random.nextInt(ROWS + 1);
                        int b = random.nextInt(ROWS + 1);
                        ranges.add(new int[] {Math.min(a, b), Math.max(a, b)});
                    }
                    for (int[] r : ranges) {
                        try (MemoryPool q = pool.child("range");
                             LoadedBlock got = lazy.load(0, r[0], r[1], columns, q, new int[0], (c, z) -> false)) {
                            String what = nulls + ", dictionary " + dictionary + ", page index " + pageIndex + ", rows [" + r[0] + ", " + r[1] + ")";
                            assertEquals(r[1] - r[0], got.rowCount(), what);
                            for (int c = 0; c < columns.length; c++) {
                                ColumnVector expected = whole.column(c);
                                ColumnVector actual = got.column(c);
                                for (int i = 0; i < got.rowCount(); i++) {
                                    assertEquals(expected.getObject(r[0] + i), actual.getObject(i), what + ", column " + COLUMNS[c] + ", row " + (r[0] + i));
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** DuckDB writes no offset index: its pages are found by their headers; every type, nulls, dictionary and plain pages. */
    @Test
    void aFileDuckDbWroteAsOneRowGroupReadsInRangesWithTheSameRows() throws Exception {
        Path file = dir.resolve("duck.parquet");
        DuckDbParquetFiles.write(file, 30_000, "snappy", 1_000_000);
        ParquetFile parquet = ParquetFile.open(file);
        long[] pages = parquet.pageFirstRows(0, parquet.columns().get(0));
        assertTrue(pages != null && pages[pages.length - 1] == 30_000, "the id column's pages found by their headers: " + java.util.Arrays.toString(pages));
        try (ParquetTable lazy = ParquetTable.openLazy(file, pool); ParquetTable eager = ParquetTable.open(file, pool)) {
            assertEquals(1, lazy.blockCount());
            assertEquals(pages[pages.length - 1] - pages[pages.length - 2] > 0, lazy.rowRangeGrain(0, new int[] {0}) > 0);
            int columns = lazy.schema().size();
            int[] all = new int[columns];
            for (int c = 0; c < columns; c++) {
                all[c] = c;
            }
            TableBlock whole = eager.blocks().get(0);
            for (int[] r : new int[][] {{0, 30_000}, {0, 16_384}, {16_384, 30_000}, {12_345, 12_346}, {7, 22_222}}) {
                try (MemoryPool q = pool.child("range");
                     LoadedBlock got = lazy.load(0, r[0], r[1], all, q, new int[0], (c, z) -> false)) {
                    assertEquals(r[1] - r[0], got.rowCount());
                    for (int c = 0; c < columns; c++) {
                        for (int i = 0; i < got.rowCount(); i++) {
                            assertEquals(whole.column(c).getObject(r[0] + i), got.column(c).getObject(i),
                                    "column " + lazy.schema().field(c).name() + ", row " + (r[0] + i));
                        }
                    }
                }
            }
        }
    }

    private List<List<Object>> rows(ParquetTable t, UnaryOperator<PlanBuilder> filter, int threads) {
        PlanNode plan = filter.apply(PlanBuilder.scan(t, COLUMNS)).build();
        try (MemoryPool q = pool.child("query");
             MaterializedResult r = new QueryExecutor(new ExecutionContext(q, Kernels.provider(), 1024, threads)).execute(plan)) {
            List<List<Object>> out = new ArrayList<>(r.rows());
            out.sort(java.util.Comparator.comparing((List<Object> row) -> (Long) row.get(3), java.util.Comparator.nullsFirst(java.util.Comparator.<Long>naturalOrder()))
                    .thenComparing(Object::toString));
            return out; // closing q checks every range's vectors were freed
        }
    }

    @Test
    void aScanOfOneLargeRowGroupSpreadsOverWorkersWithTheSameRows() {
        Path file = write(true, true, ParquetWriterTest.Nulls.SOME);
        List<UnaryOperator<PlanBuilder>> filters = List.of(
                p -> p,
                // pruned by the page index inside some ranges, whole ranges ruled out in others
                p -> p.filter(b -> b.and(b.ge(b.col("id"), Exprs.integer(20_000)), b.lt(b.col("id"), Exprs.integer(41_000)))),
                p -> p.filter(b -> b.gt(b.col("i32"), Exprs.integer(100))));
        try (ParquetTable lazy = ParquetTable.openLazy(file, pool); ParquetTable eager = ParquetTable.open(file, pool)) {
            for (int f = 0; f < filters.size(); f++) {
                List<List<Object>> expected = rows(eager, filters.get(f), 1);
                assertFalse(expected.isEmpty());
                for (int threads : new int[] {1, 2, 4}) {
                    assertEquals(expected, rows(lazy, filters.get(f), threads), "filter " + f + " at " + threads + " threads");
                }
            }
            TableScan scan = new TableScan(lazy, new int[] {3}, List.of());
            try (MemoryPool q = pool.child("morsels")) {
                scan.open(new ExecutionContext(q, Kernels.provider(), 1024, 4));
                assertEquals(3, scan.morselCount(), "40,000 rows in ranges of at least " + TableScan.MIN_READ_RANGE_ROWS);
                scan.open(new ExecutionContext(q, Kernels.provider(), 1024, 1));
                assertEquals(1, scan.morselCount(), "one thread: the row group stays whole");
            }
            // a file whose pages are as large as its row group stays one morsel: ranges would decode them again
            Path onePage = dir.resolve("one-page.parquet");
            try (InMemoryTable source = ParquetWriterTest.table(pool, ROWS, ParquetWriterTest.Nulls.SOME, 8192)) {
                ParquetWriteOptions o = ParquetWriteOptions.defaults().withRowGroupRows(ROWS).withPageRows(ROWS).withPageBytes(1 << 30);
                ParquetWriter.write(source, onePage, o);
            }
            try (ParquetTable big = ParquetTable.openLazy(onePage, pool); MemoryPool q = pool.child("one page")) {
                TableScan whole = new TableScan(big, new int[] {3}, List.of());
                whole.open(new ExecutionContext(q, Kernels.provider(), 1024, 4));
                assertEquals(1, whole.morselCount());
            }
        }
    }
}
