package io.blueshift.storage.parquet;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import io.blueshift.storage.TableBlock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Files written by DuckDB, read by our reader, compared value by value with DuckDB's reading. */
class ParquetReaderTest {
    @TempDir
    Path dir;
    MemoryPool pool;

    @BeforeEach
    void open() { pool = MemoryPool.root("parquet test", 1L << 30); }

    @AfterEach
    void close() { pool.close(); }

    @ParameterizedTest(name = "{0}, row groups of {2}, {3}")
    @CsvSource({
            "uncompressed, 20000, 4096, V1",
            "snappy, 20000, 5000, V1",
            "zstd, 20000, 3000, V1",
            "gzip, 20000, 7000, V1",
            "lz4_raw, 20000, 5000, V1",
            "snappy, 3000, 100000, V1",
            "zstd, 1, 100, V1",
    })
    void readsEveryTypeLikeDuckDb(String codec, int rows, int rowGroupSize, String version) throws Exception {
        Path file = dir.resolve("all_" + codec + ".parquet");
        DuckDbParquetFiles.write(file, rows, codec, rowGroupSize);
        try (ParquetTable t = ParquetTable.open(file, pool)) {
            assertEquals("all_" + codec, t.name());
            assertEquals(rows, t.rowCount());
            assertEquals(ParquetFile.open(file).rowGroupCount(), t.blocks().size(), "one block per row group");
            if (rows > 3 * rowGroupSize) {
                assertTrue(t.blocks().size() > 1, "several row groups");
            }
            assertEquals(DataType.INT64, t.schema().type(t.schema().require("id")));
            assertEquals(DataType.INT32, t.schema().type(t.schema().require("i8")));
            assertEquals(DataType.FLOAT64, t.schema().type(t.schema().require("f32")));
            assertEquals(DataType.decimal(9, 2), t.schema().type(t.schema().require("d9")));
            assertEquals(DataType.decimal(18, 3), t.schema().type(t.schema().require("d18")));
            assertEquals(DataType.DATE, t.schema().type(t.schema().require("dt")));
            assertEquals(DataType.TIMESTAMP, t.schema().type(t.schema().require("ts_ms")));
            assertEquals(DataType.VARCHAR, t.schema().type(t.schema().require("s_dict")));
            assertEquals(DataType.BOOLEAN, t.schema().type(t.schema().require("b")));
            assertSameAsDuckDb(file, t);
        }
    }

    @Test
    void readsOnlyTheProjectedColumns() throws Exception {
        Path file = dir.resolve("proj.parquet");
        DuckDbParquetFiles.write(file, 5000, "snappy", 2000);
        try (ParquetTable t = ParquetTable.open(file, pool, List.of("s_dict", "i32"))) {
            assertEquals(List.of("s_dict", "i32"), t.schema().names());
            assertEquals(3, t.blocks().size());
            assertEquals(2, t.blocks().get(0).columns().size());
            assertSameAsDuckDb(file, t);
        }
    }

    @Test
    void zoneMapsHoldEachRowGroupsBounds() throws Exception {
        Path file = dir.resolve("zones.parquet");
        DuckDbParquetFiles.write(file, 10000, "zstd", 4096); // DuckDB rounds row groups to 2048 rows
        try (ParquetTable t = ParquetTable.open(file, pool, List.of("id", "all_null"))) {
            TableBlock second = t.blocks().get(1);
            assertEquals(4096, second.zoneMap(0).minLong());
            assertEquals(8191, second.zoneMap(0).maxLong());
            assertEquals(second.rowCount(), second.zoneMap(1).nullCount());
            assertEquals(List.of(0), t.uniqueColumns());
        }
    }

    @Test
    void readsDataPageV2WithRleDictionary() throws Exception {
        Path file = dir.resolve("v2.parquet");
        String query = """
                SELECT (i % 10)::BIGINT AS b, CASE WHEN i % 7 = 0 THEN NULL ELSE 'k' || (i % 3) END AS s,
                  i::INTEGER AS a FROM range(12345) t(i)""";
        DuckDbParquetFiles.write(file, query, "COMPRESSION zstd, ROW_GROUP_SIZE 4096, PARQUET_VERSION V2");
        try (ParquetTable t = ParquetTable.open(file, pool, List.of("b", "s"))) {
            assertSameAsDuckDb(file, t);
        }
    }

    /** Dense batches of dictionary strings take each entry's view: inline entries, long ones, both. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"V1", "V2"})
    void readsDictionaryStringsWithoutNulls(String version) throws Exception {
        Path file = dir.resolve("dict_strings_" + version + ".parquet");
        String query = """
                SELECT i::INTEGER AS a, 'f' || (i % 3) AS short_only,
                  CASE WHEN i % 5 = 0 THEN 'a string longer than twelve bytes #' || (i % 7) ELSE 's' || (i % 4) END AS mixed,
                  'every entry here is longer than twelve bytes, ' || (i % 11) AS long_only,
                  CASE WHEN i > 20000 THEN NULL ELSE 'n' || (i % 6) END AS nulls_late
                FROM range(30000) t(i)""";
        DuckDbParquetFiles.write(file, query, "COMPRESSION snappy, ROW_GROUP_SIZE 10240, PARQUET_VERSION " + version);
        try (ParquetTable t = ParquetTable.open(file, pool)) {
            assertSameAsDuckDb(file, t);
        }
        // the same chunks read as pages, a few at a time
        try (ParquetTable t = ParquetTable.open(file, pool, List.of("long_only", "mixed"))) {
            assertSameAsDuckDb(file, t);
        }
    }

    /** DuckDB's V2 files use DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, BYTE_STREAM_SPLIT and data page v2. */
    @ParameterizedTest(name = "V2, {0}")
    @CsvSource({"uncompressed", "snappy", "zstd", "gzip", "lz4_raw"})
    void readsParquetV2Encodings(String codec) throws Exception {
        Path file = dir.resolve("v2_" + codec + ".parquet");
        DuckDbParquetFiles.write(file, DuckDbParquetFiles.ALL_TYPES.replace("ROWS", "15000"),
                "COMPRESSION " + codec + ", ROW_GROUP_SIZE 6144, PARQUET_VERSION V2");
        try (ParquetTable t = ParquetTable.open(file, pool)) {
            assertSameAsDuckDb(file, t);
        }
    }

    @Test
    void readsDeltaByteArrayStrings() throws Exception {
        Path file = dir.resolve("sorted_strings.parquet");
        DuckDbParquetFiles.write(file, """
                SELECT CASE WHEN i % 10 = 3 THEN NULL ELSE 'https://example.com/items/' || lpad(i::VARCHAR, 8, '0') END AS url,
                  i AS id FROM range(9000) t(i)""", "PARQUET_VERSION V2, ROW_GROUP_SIZE 4096");
        try (ParquetTable t = ParquetTable.open(file, pool)) {
            assertSameAsDuckDb(file, t);
        }
    }

    @Test
    void readsUnsignedAndNanosecondTypes() throws Exception {
        Path file = dir.resolve("unsigned.parquet");
        DuckDbParquetFiles.write(file, """
                SELECT (i % 256)::UTINYINT AS u8, (i * 7 % 65536)::USMALLINT AS u16,
                  (4294967295 - i)::UINTEGER AS u32,
                  CASE WHEN i % 5 = 0 THEN NULL ELSE (TIMESTAMP '1969-12-31 23:59:59' + INTERVAL (i) MILLISECOND)::TIMESTAMP_NS END AS ts_ns,
                  (i * 1000)::UBIGINT AS u64
                FROM range(5000) t(i)""", "COMPRESSION snappy");
        try (ParquetTable t = ParquetTable.open(file, pool, List.of("u8", "u16", "u32", "ts_ns"))) {
            assertEquals(DataType.INT64, t.schema().type(2));
            assertEquals(DataType.TIMESTAMP, t.schema().type(3));
            assertSameAsDuckDb(file, t);
        }
        ParquetException e = org.junit.jupiter.api.Assertions.assertThrows(ParquetException.class,
                () -> ParquetTable.open(file, pool, List.of("u64")));
        assertTrue(e.getMessage().contains("not supported yet: UINT64 column u64"), e.getMessage());
    }

    @Test
    void unknownColumnIsAClearError() throws Exception {
        Path file = dir.resolve("cols.parquet");
        DuckDbParquetFiles.write(file, 10, "snappy", 100);
        ParquetException e = org.junit.jupiter.api.Assertions.assertThrows(ParquetException.class,
                () -> ParquetTable.open(file, pool, List.of("nope")));
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void nestedColumnsAreNotSupportedYet() throws Exception {
        Path file = dir.resolve("nested.parquet");
        DuckDbParquetFiles.write(file, "SELECT i AS id, [i, i + 1] AS xs, {'a': i} AS st FROM range(10) t(i)", "COMPRESSION snappy");
        ParquetException e = org.junit.jupiter.api.Assertions.assertThrows(ParquetException.class,
                () -> ParquetTable.open(file, pool));
        assertTrue(e.getMessage().contains("not supported yet: nested column xs"), e.getMessage());
        try (ParquetTable t = ParquetTable.open(file, pool, List.of("id"))) {
            assertEquals(10, t.rowCount());
            assertSameAsDuckDb(file, t);
        }
    }

    /** Compares every value of {@code t} with DuckDB's reading of the same file, in file order. */
    static void assertSameAsDuckDb(Path file, ParquetTable t) throws Exception {
        List<String> exprs = new ArrayList<>();
        for (int c = 0; c < t.schema().size(); c++) {
            String col = "\"" + t.schema().field(c).name() + "\"";
            exprs.add(switch (t.schema().type(c)) {
                case DataType.DateType d -> "(" + col + " - DATE '1970-01-01')::BIGINT";
                case DataType.TimestampType ts -> "epoch_us(" + col + "::TIMESTAMP)";
                case DataType.Float64Type f -> col + "::DOUBLE";
                case DataType.Int32Type i -> col + "::BIGINT";
                default -> col;
            });
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + String.join(", ", exprs) + " FROM read_parquet('" + file + "')")) {
            int blockIndex = 0;
            int rowInBlock = 0;
            long row = 0;
            while (rs.next()) {
                while (t.blocks().get(blockIndex).rowCount() == rowInBlock) {
                    blockIndex++;
                    rowInBlock = 0;
                }
                TableBlock b = t.blocks().get(blockIndex);
                for (int col = 0; col < t.schema().size(); col++) {
                    Object expected = normalize(rs.getObject(col + 1));
                    Object actual = ours(b.column(col), rowInBlock);
                    if (!Objects.equals(expected, actual)) {
                        fail("row " + row + ", column " + t.schema().field(col).name() + ": DuckDB " + expected + ", ours " + actual);
                    }
                }
                rowInBlock++;
                row++;
            }
            assertEquals(t.rowCount(), row, "row count");
        }
    }

    private static Object normalize(Object v) {
        return switch (v) {
            case null -> null;
            case Integer i -> (long) i;
            case Short s -> (long) s;
            case Byte b -> (long) b;
            case Float f -> (double) f;
            case BigDecimal d -> d.stripTrailingZeros();
            default -> v;
        };
    }

    private static Object ours(ColumnVector v, int i) {
        if (v.isNull(i)) {
            return null;
        }
        return switch (v.type()) {
            case DataType.Int32Type t -> (long) v.getInt(i);
            case DataType.DateType t -> (long) v.getInt(i);
            case DataType.DecimalType t -> BigDecimal.valueOf(v.getLong(i), t.scale()).stripTrailingZeros();
            default -> v.getObject(i);
        };
    }
}
