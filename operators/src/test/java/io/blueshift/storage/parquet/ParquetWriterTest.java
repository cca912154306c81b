package io.blueshift.storage.parquet;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.memory.SelectionVector;
import io.blueshift.storage.InMemoryTable;
import io.blueshift.storage.TableBlock;
import io.blueshift.storage.TableBuilder;
import org.apache.parquet.format.ColumnMetaData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Our writer's files read back by our reader and by DuckDB, value for value. */
class ParquetWriterTest {
    @TempDir
    Path dir;
    MemoryPool pool;

    @BeforeEach
    void open() { pool = MemoryPool.root("parquet writer test", 1L << 30); }

    @AfterEach
    void close() { pool.close(); }

    enum Nulls { NONE, SOME, ALL }

    static Stream<Arguments> layouts() {
        List<Arguments> out = new ArrayList<>();
        for (ParquetWriteOptions.Codec codec : ParquetWriteOptions.Codec.values()) {
            for (boolean dict : new boolean[] {true, false}) {
                for (Nulls nulls : Nulls.values()) {
                    out.add(Arguments.of(codec, dict, nulls));
                }
            }
        }
        return out.stream();
    }

    static Schema schema(boolean nullable) {
        return new Schema(List.of(
                new Field("b", DataType.BOOLEAN, nullable),
                new Field("i32", DataType.INT32, nullable),
                new Field("i64", DataType.INT64, nullable),
                new Field("id", DataType.INT64, nullable),
                new Field("f64", DataType.FLOAT64, nullable),
                new Field("dt", DataType.DATE, nullable),
                new Field("d7", DataType.decimal(7, 2), nullable),
                new Field("d15", DataType.decimal(15, 2), nullable),
                new Field("d18", DataType.decimal(18, 4), nullable),
                new Field("ts", DataType.TIMESTAMP, nullable),
                new Field("s_dict", DataType.VARCHAR, nullable),
                new Field("s_plain", DataType.VARCHAR, nullable)));
    }

    /** Values with extremes, negatives, long and short strings, low and high cardinality. */
    static InMemoryTable table(MemoryPool pool, int rows, Nulls nulls, int blockRows) {
        Schema schema = schema(nulls != Nulls.NONE);
        try (TableBuilder b = new TableBuilder(pool, "t", schema, blockRows)) {
            for (int i = 0; i < rows; i++) {
                for (int c = 0; c < schema.size(); c++) {
                    boolean isNull = switch (nulls) {
                        case NONE -> false;
                        case ALL -> true;
                        case SOME -> (i + c) % (3 + c) == 0;
                    };
                    if (isNull) {
                        b.setNull(c);
                    } else {
                        setValue(b, c, i);
                    }
                }
                b.endRow();
            }
            return b.build();
        }
    }

    private static void setValue(TableBuilder b, int c, int i) {
        switch (c) {
            case 0 -> b.setBoolean(c, i % 3 == 1);
            case 1 -> b.setInt(c, i == 1 ? Integer.MIN_VALUE : i == 2 ? Integer.MAX_VALUE : (i * 7919) % 1000 - 500);
            case 2 -> b.setLong(c, i == 1 ? Long.MIN_VALUE : i == 2 ? Long.MAX_VALUE : (long) i * 1_000_000_007L - 3);
            case 3 -> b.setLong(c, i);
            case 4 -> b.setDouble(c, i == 1 ? Double.NaN : i == 2 ? Double.NEGATIVE_INFINITY : i == 3 ? -0.0 : (i % 97) / 7.0 - 3);
            case 5 -> b.setInt(c, i % 20000 - 10000);
            case 6 -> b.setLong(c, i % 2 == 0 ? 9_999_999L - i : -(i % 5000));
            case 7 -> b.setLong(c, (long) i * 123_456_789L - 5_000_000_000L);
            case 8 -> b.setLong(c, i == 1 ? 999_999_999_999_999_999L : i == 2 ? -999_999_999_999_999_999L : i * 31L);
            case 9 -> b.setLong(c, 1_600_000_000_000_000L + (long) i * 1_000_003L - (i % 2 == 0 ? 4_000_000_000_000_000L : 0));
            case 10 -> b.setString(c, switch (i % 5) {
                case 0 -> "";
                case 1 -> "AIR";
                case 2 -> "a somewhat longer value";
                case 3 -> "ünïcödé ✓";
                default -> "x" + (i % 40);
            });
            case 11 -> b.setString(c, "row " + i + " " + "z".repeat(i % 30));
            default -> throw new IllegalArgumentException();
        }
    }

    @ParameterizedTest(name = "{0}, dictionary {1}, nulls {2}")
    @MethodSource("layouts")
    void roundTripsEveryTypeThroughOurReaderAndDuckDb(ParquetWriteOptions.Codec codec, boolean dictionary, Nulls nulls)
            throws Exception {
        Path file = dir.resolve("t.parquet");
        ParquetWriteOptions options = ParquetWriteOptions.defaults().withCodec(codec).withDictionary(dictionary)
                .withRowGroupRows(2500).withPageRows(700);
        try (InMemoryTable source = table(pool, 6007, nulls, 1024)) {
            assertEquals(6007, ParquetWriter.write(source, file, options));
            try (ParquetTable read = ParquetTable.open(file, pool)) {
                assertEquals(source.schema(), read.schema());
                assertEquals(3, read.blocks().size(), "row groups of 2500, 2500 and a tail of 1007");
                assertSameRows(source, read);
                ParquetReaderTest.assertSameAsDuckDb(file, read);
            }
        }
        assertEncodings(file, dictionary, nulls);
    }

    private static void assertEncodings(Path file, boolean dictionary, Nulls nulls) {
        ParquetFile f = ParquetFile.open(file);
        ColumnMetaData lowCardinality = f.chunkMetaData(0, 10);
        boolean dictUsed = lowCardinality.getEncodings().contains(org.apache.parquet.format.Encoding.RLE_DICTIONARY);
        assertEquals(dictionary && nulls != Nulls.ALL, dictUsed, "s_dict's encodings " + lowCardinality.getEncodings());
        assertFalse(f.chunkMetaData(0, 11).getEncodings().contains(org.apache.parquet.format.Encoding.RLE_DICTIONARY),
                "unique strings stay PLAIN");
    }

    @Test
    void writesEmptyTablesAndSelectedRows() throws Exception {
        Path empty = dir.resolve("empty.parquet");
        try (InMemoryTable source = table(pool, 0, Nulls.SOME, 64)) {
            assertEquals(0, ParquetWriter.write(source, empty, ParquetWriteOptions.defaults()));
        }
        try (ParquetTable read = ParquetTable.open(empty, pool)) {
            assertEquals(0, read.rowCount());
            assertEquals(schema(true), read.schema());
            ParquetReaderTest.assertSameAsDuckDb(empty, read);
        }
        // a selection vector says which rows are live
        Path selected = dir.resolve("selected.parquet");
        try (InMemoryTable source = table(pool, 100, Nulls.SOME, 128);
             ParquetWriter w = ParquetWriter.create(selected, source.schema())) {
            TableBlock b = source.blocks().getFirst();
            int[] rows = {3, 5, 50, 99};
            try (SelectionVector sel = new SelectionVector(pool, rows.length)) {
                for (int i = 0; i < rows.length; i++) sel.set(i, rows[i]);
                sel.setCount(rows.length);
                w.write(new Batch(b.columns(), b.rowCount(), sel));
            }
            w.close();
            try (ParquetTable read = ParquetTable.open(selected, pool)) {
                assertEquals(4, read.rowCount());
                for (int c = 0; c < source.schema().size(); c++) {
                    for (int i = 0; i < rows.length; i++) {
                        assertEquals(b.column(c).getObject(rows[i]), read.blocks().getFirst().column(c).getObject(i));
                    }
                }
            }
        }
    }

    @Test
    void abortLeavesTheTargetUntouchedAndCloseReplacesIt() throws Exception {
        Path file = dir.resolve("keep.parquet");
        Files.writeString(file, "old contents");
        try (InMemoryTable source = table(pool, 10, Nulls.NONE, 64)) {
            ParquetWriter w = ParquetWriter.create(file, source.schema());
            w.write(new Batch(source.blocks().getFirst().columns(), 10));
            w.abort();
            assertEquals("old contents", Files.readString(file));
            try (var files = Files.list(dir)) {
                assertEquals(1, files.count(), "temporary file removed");
            }
            ParquetWriter.write(source, file, ParquetWriteOptions.defaults());
        }
        try (ParquetTable read = ParquetTable.open(file, pool)) {
            assertEquals(10, read.rowCount());
        }
    }

    @Test
    void nullInANotNullColumnIsAnError() {
        Schema notNull = new Schema(List.of(new Field("x", DataType.INT32, false)));
        try (ColumnVector v = ColumnVector.allocate(pool, DataType.INT32, 8, true, "x")) {
            v.setNull(3);
            ParquetWriter w = ParquetWriter.create(dir.resolve("n.parquet"), notNull);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.write(new Batch(List.of(v), 8)));
            assertTrue(e.getMessage().contains("column x is NOT NULL"), e.getMessage());
            w.abort();
        }
        assertFalse(Files.exists(dir.resolve("n.parquet")));
    }

    @Test
    void statisticsAndPageIndexDescribeTheChunks() throws Exception {
        Path file = dir.resolve("stats.parquet");
        try (InMemoryTable source = table(pool, 5000, Nulls.SOME, 1024)) {
            ParquetWriter.write(source, file, ParquetWriteOptions.defaults().withRowGroupRows(2000).withPageRows(500));
        }
        ParquetFile f = ParquetFile.open(file);
        ColumnMetaData id = f.chunkMetaData(1, 3); // ids 2000..3999 with some NULLs
        var stats = id.getStatistics();
        assertTrue(stats.isSetMin_value() && stats.isSetMax_value() && stats.isSetNull_count());
        long min = java.nio.ByteBuffer.wrap(stats.getMin_value()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        long max = java.nio.ByteBuffer.wrap(stats.getMax_value()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertTrue(min >= 2000 && min <= 2010 && max <= 3999 && max >= 3990, min + ".." + max);
        // DuckDB reads our statistics and page index without complaint
        try (var c = java.sql.DriverManager.getConnection("jdbc:duckdb:"); var s = c.createStatement();
             var rs = s.executeQuery("SELECT stats_min, stats_max, stats_null_count FROM parquet_metadata('" + file
                     + "') WHERE row_group_id = 1 AND path_in_schema = 'id'")) {
            assertTrue(rs.next());
            assertEquals(Long.toString(min), rs.getString(1));
            assertEquals(Long.toString(max), rs.getString(2));
            assertEquals(stats.getNull_count(), rs.getLong(3));
        }
        var chunk = f.chunk(0, 3);
        assertTrue(chunk.isSetColumn_index_offset() && chunk.isSetOffset_index_offset(), "page index written");
    }

    static void assertSameRows(InMemoryTable source, ParquetTable read) {
        List<Object[]> a = rows(source.blocks(), source.schema().size());
        List<Object[]> b = rows(read.blocks(), read.schema().size());
        assertEquals(a.size(), b.size());
        for (int r = 0; r < a.size(); r++) {
            for (int c = 0; c < a.get(r).length; c++) {
                if (!Objects.equals(a.get(r)[c], b.get(r)[c])) {
                    fail("row " + r + ", column " + source.schema().field(c).name() + ": wrote " + a.get(r)[c]
                            + ", read " + b.get(r)[c]);
                }
            }
        }
    }

    private static List<Object[]> rows(List<TableBlock> blocks, int columns) {
        List<Object[]> out = new ArrayList<>();
        for (TableBlock b : blocks) {
            for (int r = 0; r < b.rowCount(); r++) {
                Object[] row = new Object[columns];
                for (int c = 0; c < columns; c++) {
                    row[c] = b.column(c).getObject(r);
                }
                out.add(row);
            }
        }
        return out;
    }
}
