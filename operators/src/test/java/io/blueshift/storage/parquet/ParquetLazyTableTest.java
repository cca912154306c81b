package io.blueshift.storage.parquet;

import io.blueshift.kernels.CompareOp;
import io.blueshift.kernels.Kernels;
import io.blueshift.memory.MemoryPool;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.plan.Exprs;
import io.blueshift.operators.plan.PlanBuilder;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.operators.plan.QueryExecutor;
import io.blueshift.operators.scan.ScanPredicate;
import io.blueshift.operators.scan.TableScan;
import io.blueshift.storage.InMemoryTable;
import io.blueshift.storage.LoadedBlock;
import io.blueshift.storage.ZoneMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lazily opened Parquet tables: footer zone maps, row groups read per morsel and skipped by predicates. */
class ParquetLazyTableTest {
    @TempDir
    Path dir;
    MemoryPool pool;

    @BeforeEach
    void open() { pool = MemoryPool.root("lazy parquet test", 1L << 30); }

    @AfterEach
    void close() { pool.close(); }

    private Path write(int rows, ParquetWriterTest.Nulls nulls, int rowGroupRows) {
        Path file = dir.resolve("t.parquet");
        try (InMemoryTable source = ParquetWriterTest.table(pool, rows, nulls, 1024)) {
            ParquetWriter.write(source, file, ParquetWriteOptions.defaults().withRowGroupRows(rowGroupRows));
        }
        return file;
    }

    @Test
    void footerZoneMapsMatchTheDataAndReadNothing() {
        Path file = write(10_000, ParquetWriterTest.Nulls.SOME, 3000);
        try (ParquetTable eager = ParquetTable.open(file, pool);
             ParquetTable lazy = ParquetTable.openLazy(file, pool)) {
            assertTrue(lazy.lazy());
            long before = pool.reserved();
            assertEquals(4, lazy.blockCount());
            assertEquals(10_000, lazy.rowCount());
            for (int b = 0; b < 4; b++) {
                for (String col : List.of("i32", "i64", "id", "dt", "d7", "d15", "d18", "ts")) {
                    int c = lazy.schema().require(col);
                    ZoneMap exact = eager.zoneMap(b, c);
                    ZoneMap footer = lazy.zoneMap(b, c);
                    assertTrue(footer.hasBounds(), col);
                    assertEquals(exact.minLong(), footer.minLong(), col);
                    assertEquals(exact.maxLong(), footer.maxLong(), col);
                    assertEquals(exact.nullCount(), footer.nullCount(), col);
                }
            }
            assertEquals(before, pool.reserved(), "no page read for zone maps");
        }
    }

    @Test
    void strictlyIncreasingKeysAreKnownFromTheFooter() {
        Path file = write(10_000, ParquetWriterTest.Nulls.NONE, 3000);
        try (ParquetTable lazy = ParquetTable.openLazy(file, pool)) {
            // id, dt and d15 rise with the row number; i32 repeats
            assertEquals(List.of("id", "dt", "d15"), lazy.uniqueColumns().stream().map(c -> lazy.schema().field(c).name()).toList());
            long ids = lazy.distinctValues(lazy.schema().require("id"));
            assertTrue(Math.abs(ids - 10_000) < 500, "distinct ids " + ids);
        }
    }

    @Test
    void scansSkipRowGroupsAndReadOnlyTheirColumns() {
        Path file = write(10_000, ParquetWriterTest.Nulls.NONE, 2000);
        try (ParquetTable lazy = ParquetTable.openLazy(file, pool)) {
            int id = lazy.schema().require("id");
            TableScan scan = new TableScan(lazy, new int[] {id}, List.of(ScanPredicate.ofLong(id, CompareOp.GE, 6500)));
            try (MemoryPool q = pool.child("query")) {
                scan.open(new ExecutionContext(q, Kernels.provider(), 1024, 1));
                assertEquals(3, scan.blocksSkipped(), "row groups 0..5999 ruled out");
            }
            try (LoadedBlock b = lazy.load(1, new int[] {id}, pool)) {
                assertEquals(1, b.columns().size());
                assertEquals(2000L, b.column(0).getLong(0));
            }
        }
    }

    @Test
    void queriesOnLazyTablesMatchDuckDbAndFreeEveryMorsel() throws Exception {
        Path file = write(20_000, ParquetWriterTest.Nulls.SOME, 1500);
        try (ParquetTable lazy = ParquetTable.openLazy(file, pool)) {
            for (int threads : new int[] {1, 3}) {
                PlanNode plan = PlanBuilder.scan(lazy, "id", "d15", "s_dict")
                        .filter(b -> b.and(b.ge(b.col("id"), Exprs.integer(4321)), b.lt(b.col("id"), Exprs.integer(15000))))
                        .aggregate(List.of("s_dict"), List.of(b -> b.sum(b.col("d15"), "total"), b -> b.countStar("n")))
                        .build();
                try (MemoryPool q = pool.child("query", 64L << 20);
                     MaterializedResult r = new QueryExecutor(new ExecutionContext(q, Kernels.provider(), 1024, threads)).execute(plan)) {
                    java.util.Map<Object, List<Object>> ours = new java.util.HashMap<>();
                    for (List<Object> row : r.rows()) {
                        ours.put(row.get(0), row.subList(1, 3));
                    }
                    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                         ResultSet rs = s.executeQuery("SELECT s_dict, sum(d15), count(*) FROM read_parquet('" + file
                                 + "') WHERE id >= 4321 AND id < 15000 GROUP BY s_dict")) {
                        int groups = 0;
                        while (rs.next()) {
                            groups++;
                            List<Object> mine = ours.get(rs.getString(1));
                            assertEquals(0, ((java.math.BigDecimal) mine.get(0)).compareTo(rs.getBigDecimal(2)), rs.getString(1));
                            assertEquals(rs.getLong(3), ((Number) mine.get(1)).longValue());
                        }
                        assertEquals(groups, ours.size());
                    }
                    r.close();
                    assertEquals(0, q.reserved(), "loaded row groups freed");
                }
            }
        }
    }

    @Test
    void reusedMorselMemoryHoldsTheNewValuesAndZeroUnderNulls() {
        Path file = write(20_000, ParquetWriterTest.Nulls.SOME, 10_000); // 80 KB columns: buffers are reused
        try (ParquetTable lazy = ParquetTable.openLazy(file, pool);
             ParquetTable eager = ParquetTable.open(file, pool);
             MemoryPool q = pool.child("query")) {
            int[] cols = {lazy.schema().require("i64"), lazy.schema().require("dt"), lazy.schema().require("f64"),
                    lazy.schema().require("b")};
            for (int round = 0; round < 2; round++) {
                for (int block = 0; block < 2; block++) {
                    java.util.Set<Long> addresses = new java.util.HashSet<>();
                    try (LoadedBlock b = lazy.load(block, cols, q)) {
                        addresses.add(b.column(0).data().address()); // the 80 KB buffers (smaller ones come from malloc)
                        addresses.add(b.column(2).data().address());
                        for (int c = 0; c < cols.length; c++) {
                            var v = b.column(c);
                            var want = eager.blocks().get(block).column(cols[c]);
                            for (int r = 0; r < 10_000; r++) {
                                assertEquals(want.isNull(r), v.isNull(r));
                                if (v.isNull(r)) {
                                    long raw = v.type().byteWidth() == 4 ? v.getInt(r) : v.type().byteWidth() == 8 ? v.getLong(r)
                                            : v.getBoolean(r) ? 1 : 0;
                                    assertEquals(0, raw, "value bytes under a null, column " + c + " row " + r);
                                } else if (v.type().byteWidth() == 8) {
                                    assertEquals(want.getLong(r), v.getLong(r));
                                } else if (v.type().byteWidth() == 4) {
                                    assertEquals(want.getInt(r), v.getInt(r));
                                } else {
                                    assertEquals(want.getBoolean(r), v.getBoolean(r));
                                }
                            }
                        }
                    }
                    if (round == 1) {
                        try (LoadedBlock again = lazy.load(block, cols, q)) {
                            java.util.Set<Long> reused = new java.util.HashSet<>();
                            reused.add(again.column(0).data().address());
                            reused.add(again.column(2).data().address());
                            assertEquals(addresses, reused, "the freed buffers were reused");
                        }
                    }
                }
            }
        }
    }

    @Test
    void pageErrorsSurfaceAtScanTimeWithFileColumnAndOffset() throws Exception {
        Path file = write(5000, ParquetWriterTest.Nulls.NONE, 2000);
        ParquetFile f = ParquetFile.open(file);
        long dataPage = f.chunkMetaData(1, 3).getData_page_offset();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(dataPage); // the page header's first byte: no longer a valid Thrift struct
            raf.write(0xFF);
            raf.write(0xFF);
            raf.write(0xFF);
        }
        try (ParquetTable lazy = ParquetTable.openLazy(file, pool)) { // the footer is intact
            int id = lazy.schema().require("id");
            try (LoadedBlock b = lazy.load(0, new int[] {id}, pool)) {
                assertEquals(0L, b.column(0).getLong(0));
            }
            ParquetException e = assertThrows(ParquetException.class, () -> lazy.load(1, new int[] {id}, pool));
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("column id")
                    && e.getMessage().contains("offset " + dataPage), e.getMessage());
            assertFalse(e.getMessage().isBlank());
        }
    }

    /** Row groups are read from a mapping of the file: one cut short after the first read gives an error, never a crash. */
    @Test
    void aFileCutShortUnderAnOpenTableGivesAClearError() throws Exception {
        Path file = write(20_000, ParquetWriterTest.Nulls.NONE, 5000);
        try (ParquetTable lazy = ParquetTable.openLazy(file, pool)) {
            int id = lazy.schema().require("id");
            try (LoadedBlock b = lazy.load(0, new int[] {id}, pool)) { // maps the file
                assertEquals(0L, b.column(0).getLong(0));
            }
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(raf.length() / 4);
            }
            RuntimeException e = assertThrows(RuntimeException.class, () -> {
                try (LoadedBlock b = lazy.load(3, new int[] {id}, pool)) {
                    b.rowCount();
                }
            });
            assertTrue(e instanceof ParquetException, e.toString());
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("changed"), e.getMessage());
        }
    }

    /** A file opened again unchanged is not decoded again; a changed or replaced one is. */
    @Test
    void reopeningAnUnchangedFileReusesItsFooter() throws Exception {
        Path file = write(5000, ParquetWriterTest.Nulls.NONE, 2000);
        ParquetFile first = ParquetFile.open(file);
        assertTrue(first == ParquetFile.open(file), "same file, same footer: the same object");
        try (ParquetTable lazy = ParquetTable.openLazy(file, pool);
             LoadedBlock b = lazy.load(1, new int[] {lazy.schema().require("id")}, pool)) { // maps the file
            assertEquals(2000L, b.column(0).getLong(0));
        }
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        java.nio.file.Files.delete(file);
        java.nio.file.Files.write(file, bytes); // same bytes, another file (the mapping keeps the old one's inode)
        ParquetFile replaced = ParquetFile.open(file);
        assertFalse(first == replaced, "a replaced file is opened anew");
        write(6000, ParquetWriterTest.Nulls.SOME, 2000); // rewritten in place: another footer
        ParquetFile rewritten = ParquetFile.open(file);
        assertFalse(replaced == rewritten);
        assertEquals(6000, rewritten.rowCount());
        try (ParquetTable lazy = ParquetTable.openLazy(file, pool)) {
            assertEquals(6000, lazy.rowCount());
        }
    }
}
