package io.blueshift.storage.arrow;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.SelectionVector;
import io.blueshift.storage.InMemoryTable;
import io.blueshift.storage.TableBlock;
import io.blueshift.storage.csv.CsvWriterTest;
import io.blueshift.storage.csv.DuckDbTables;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Arrow IPC files and streams: our writer and reader round trip, files from DuckDB via Arrow Java, hostile files. */
class ArrowIpcTest {
    @TempDir
    Path dir;
    MemoryPool pool;

    @BeforeEach
    void open() { pool = MemoryPool.root("arrow ipc test", 1L << 30); }

    @AfterEach
    void close() { pool.close(); }

    /** Writes the table in batches of irregular sizes, the last ones through a selection vector. */
    static void writeInPieces(InMemoryTable t, ArrowIpcWriter w, MemoryPool pool) {
        Random r = new Random(t.rowCount());
        for (TableBlock b : t.blocks()) {
            int at = 0;
            while (at < b.rowCount()) {
                int want = Math.min(b.rowCount() - at, 1 + r.nextInt(700)) & ~7;
                final int n = want == 0 ? b.rowCount() - at : want;
                final int start = at8(at);
                if (at + n == b.rowCount() && n > 2) {
                    // a selection vector over the rest: every row, in order, so the values still match
                    MemorySegment ids = MemorySegment.ofArray(new int[n]);
                    for (int i = 0; i < n; i++) {
                        ids.setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT, i, i);
                    }
                    List<ColumnVector> cols = b.columns().stream().map(c -> c.slice(start, n)).toList();
                    w.write(new Batch(cols, n, new SelectionVector(ids, n)));
                } else {
                    List<ColumnVector> cols = b.columns().stream().map(c -> c.slice(start, n)).toList();
                    w.write(new Batch(cols, n));
                }
                at += n;
            }
        }
    }

    private static int at8(int at) {
        if ((at & 7) != 0) {
            throw new AssertionError("slices start on multiples of 8");
        }
        return at;
    }

    @ParameterizedTest(name = "stream={0}, null every {1}")
    @CsvSource({"false, 0", "false, 1", "false, 3", "true, 0", "true, 1", "true, 5"})
    void roundTripsEveryTypeAndNullPattern(boolean stream, int nullEvery) throws Exception {
        for (int rows : new int[]{0, 1, 7, 1023, 1025, 5000}) {
            Path file = dir.resolve("rt_" + stream + "_" + nullEvery + "_" + rows + ".arrow");
            try (InMemoryTable t = CsvWriterTest.randomTable(pool, rows, nullEvery, rows * 17L + nullEvery)) {
                try (ArrowIpcWriter w = ArrowIpcWriter.create(file, CsvWriterTest.ALL, stream)) {
                    writeInPieces(t, w, pool);
                    assertEquals(rows, w.rowsWritten());
                }
                assertEquals(!stream, new String(Files.readAllBytes(file), 0, 6, java.nio.charset.StandardCharsets.ISO_8859_1).equals("ARROW1"));
                try (ArrowIpcTable back = ArrowIpcTable.open("back", file, pool, 1000)) {
                    assertEquals(CsvWriterTest.ALL, back.schema());
                    CsvWriterTest.assertSameValues(t, back);
                    for (TableBlock b : back.blocks()) {
                        assertTrue(b.rowCount() <= 1000);
                    }
                }
                assertSeenByDuckDbAsWritten(file, t);
            }
        }
    }

    /** DuckDB, handed our file through Arrow Java's reader and the C stream interface, sees our values. */
    private void assertSeenByDuckDbAsWritten(Path file, InMemoryTable t) throws Exception {
        try (BufferAllocator allocator = new RootAllocator();
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             ArrowReader reader = Files.readAllBytes(file)[0] == 'A' ? new ArrowFileReader(ch, allocator)
                     : new org.apache.arrow.vector.ipc.ArrowStreamReader(Channels.newInputStream(ch), allocator);
             ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator);
             DuckDBConnection c = DriverManager.getConnection("jdbc:duckdb:").unwrap(DuckDBConnection.class)) {
            Data.exportArrayStream(allocator, reader, stream);
            c.registerArrowStream("ours", stream);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM ours")) {
                rs.next();
                assertEquals(t.rowCount(), rs.getLong(1));
            }
        }
    }

    /** DuckDB's query results exported through Arrow (C Data), written by Arrow Java's IPC writer, read by us. */
    @ParameterizedTest(name = "stream={0}, string views={1}")
    @CsvSource({"false, false", "true, false", "false, true"})
    void readsDuckDbDataWrittenByArrowJava(boolean stream, boolean views) throws Exception {
        String query = """
                SELECT i AS id,
                  CASE WHEN i % 7 = 0 THEN NULL ELSE i % 2 = 0 END AS b,
                  (i % 100)::TINYINT AS i8, (i % 1000)::SMALLINT AS i16, (i * 7)::INTEGER AS i32,
                  (i % 200)::UTINYINT AS u8, (i * 3)::UINTEGER AS u32, (i * 5)::UBIGINT AS u64,
                  CASE WHEN i % 11 = 0 THEN NULL ELSE i / 7.0 END::DOUBLE AS f64, (i / 3.0)::FLOAT AS f32,
                  (i * 1.25)::DECIMAL(9,2) AS d9, CASE WHEN i % 9 = 0 THEN NULL ELSE (i * 12345.678 - 5e6)::DECIMAL(18,3) END AS d18,
                  DATE '1960-01-01' + (i % 40000)::INTEGER AS dt,
                  TIMESTAMP '1969-12-31 23:00:00' + INTERVAL (i * 1234567) MICROSECOND AS ts,
                  (TIMESTAMP '2001-01-01' + INTERVAL (i) SECOND)::TIMESTAMP_MS AS ts_ms,
                  (TIMESTAMP '2001-01-01' + INTERVAL (i) SECOND)::TIMESTAMP_NS AS ts_ns,
                  CASE WHEN i % 13 = 0 THEN NULL ELSE 'str' || (i % 50) END AS s,
                  md5(i::VARCHAR) || repeat('x', (i % 20)::INTEGER) AS s_long,
                  (['red', 'green', 'blue'])[1 + i % 3]::ENUM('red', 'green', 'blue') AS colour,
                  NULL AS nothing
                FROM range(20000) t(i)""";
        Path file = dir.resolve("duck_" + stream + "_" + views + ".arrow");
        try (BufferAllocator allocator = new RootAllocator();
             DuckDBConnection c = DriverManager.getConnection("jdbc:duckdb:").unwrap(DuckDBConnection.class);
             Statement s = c.createStatement()) {
            if (views) {
                s.execute("SET produce_arrow_string_view = true");
            }
            try (DuckDBResultSet rs = (DuckDBResultSet) s.executeQuery(query);
                 ArrowReader reader = (ArrowReader) rs.arrowExportStream(allocator, 3000);
                 OutputStream out = Files.newOutputStream(file)) {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                try (ArrowWriter w = stream ? new ArrowStreamWriter(root, reader, out)
                        : new ArrowFileWriter(root, reader, Channels.newChannel(out))) {
                    w.start();
                    while (reader.loadNextBatch()) {
                        w.writeBatch();
                    }
                    w.end();
                }
            }
        }
        try (ArrowIpcTable t = ArrowIpcTable.open(file, pool)) {
            assertEquals(20000, t.rowCount());
            assertEquals(1, t.blocks().size(), "3000-row batches gathered into one block");
            assertEquals(DataType.INT32, t.schema().type(t.schema().require("i8")));
            assertEquals(DataType.INT32, t.schema().type(t.schema().require("u8")));
            assertEquals(DataType.INT64, t.schema().type(t.schema().require("u32")));
            assertEquals(DataType.decimal(18, 3), t.schema().type(t.schema().require("d18")));
            assertEquals(DataType.TIMESTAMP, t.schema().type(t.schema().require("ts_ns")));
            assertEquals(DataType.VARCHAR, t.schema().type(t.schema().require("colour")));
            DuckDbTables.assertSame("(" + query + ")", t);
        }
    }

    @Test
    void wrongMagicEmptyAndMissingFiles() throws Exception {
        Path file = dir.resolve("x.arrow");
        Files.writeString(file, "PAR1 this is not arrow");
        ArrowIpcException e = assertThrows(ArrowIpcException.class, () -> ArrowIpcTable.open(file, pool));
        assertEquals("Arrow IPC file " + file + ", offset 0: wrong magic: expected ARROW1 (file format) or 0xFFFFFFFF"
                + " (stream format), found 0x5041523120746869", e.getMessage());
        Files.write(file, new byte[0]);
        e = assertThrows(ArrowIpcException.class, () -> ArrowIpcTable.open(file, pool));
        assertTrue(e.getMessage().endsWith("the file is empty"), e.getMessage());
        e = assertThrows(ArrowIpcException.class, () -> ArrowIpcTable.open(dir.resolve("none.arrow"), pool));
        assertTrue(e.getMessage().endsWith("no such file"), e.getMessage());
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void truncatedAndMutatedFilesFailCleanly(boolean stream) throws Exception {
        Path good = dir.resolve("good.arrow");
        try (InMemoryTable t = CsvWriterTest.randomTable(pool, 3000, 4, 99)) {
            try (ArrowIpcWriter w = ArrowIpcWriter.create(good, CsvWriterTest.ALL, stream)) {
                writeInPieces(t, w, pool);
            }
        }
        byte[] bytes = Files.readAllBytes(good);
        Path bad = dir.resolve("bad.arrow");
        Random r = new Random(42);
        int failures = 0;
        long deadline = System.nanoTime() + 20_000_000_000L;
        for (int trial = 0; trial < 300 && System.nanoTime() < deadline; trial++) {
            byte[] b;
            if (trial < 100) {
                b = java.util.Arrays.copyOf(bytes, trial < 20 ? trial : r.nextInt(bytes.length));
            } else {
                b = bytes.clone();
                for (int k = 0, m = 1 + r.nextInt(8); k < m; k++) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
            }
            Files.write(bad, b);
            try (MemoryPool p = pool.child("trial " + trial)) {
                try (ArrowIpcTable t = ArrowIpcTable.open(bad, p)) {
                    t.rowCount(); // a mutation may leave a readable file (a changed value): fine
                } catch (ArrowIpcException e) {
                    failures++;
                    assertTrue(e.getMessage().startsWith("Arrow IPC file " + bad), e.getMessage());
                    assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
                } catch (RuntimeException e) {
                    fail("trial " + trial + ": not an ArrowIpcException: " + e, e);
                }
            }
        }
        assertTrue(failures > 50, "most damaged files are refused, got " + failures);
    }

    @Test
    void unsupportedTypesNameTheColumn() throws Exception {
        Path file = dir.resolve("nested.arrow");
        try (BufferAllocator allocator = new RootAllocator();
             DuckDBConnection c = DriverManager.getConnection("jdbc:duckdb:").unwrap(DuckDBConnection.class);
             Statement s = c.createStatement();
             DuckDBResultSet rs = (DuckDBResultSet) s.executeQuery("SELECT 1 AS a, [1, 2] AS l");
             ArrowReader reader = (ArrowReader) rs.arrowExportStream(allocator, 100);
             OutputStream out = Files.newOutputStream(file)) {
            try (ArrowStreamWriter w = new ArrowStreamWriter(reader.getVectorSchemaRoot(), reader, out)) {
                w.start();
                while (reader.loadNextBatch()) {
                    w.writeBatch();
                }
                w.end();
            }
        }
        ArrowIpcException e = assertThrows(ArrowIpcException.class, () -> ArrowIpcTable.open(file, pool));
        assertTrue(e.getMessage().startsWith("Arrow IPC file " + file + ", column l: not supported yet: nested type"), e.getMessage());
    }

    @Test
    void invalidUtf8InAStringColumnIsRefused() throws Exception {
        Path file = dir.resolve("utf8.arrows");
        io.blueshift.memory.Schema schema = io.blueshift.memory.Schema.of(io.blueshift.memory.Field.of("s", DataType.VARCHAR));
        try (ColumnVector v = ColumnVector.allocate(pool, DataType.VARCHAR, 2, false, "s")) {
            v.setString(0, "ok");
            v.setString(1, new byte[]{'b', 'a', 'd', (byte) 0xC3, '('});
            try (ArrowIpcWriter w = ArrowIpcWriter.create(file, schema, true)) {
                w.write(new Batch(List.of(v), 2));
            }
        }
        ArrowIpcException e = assertThrows(ArrowIpcException.class, () -> ArrowIpcTable.open(file, pool));
        assertTrue(e.getMessage().startsWith("Arrow IPC file " + file + ", column s, offset "), e.getMessage());
        assertTrue(e.getMessage().endsWith("invalid UTF-8 in the string at row 1"), e.getMessage());
    }

    @Test
    void abortLeavesNothing() throws Exception {
        Path file = dir.resolve("keep.arrow");
        Files.writeString(file, "old");
        try (InMemoryTable t = CsvWriterTest.randomTable(pool, 100, 3, 1)) {
            ArrowIpcWriter w = ArrowIpcWriter.create(file, CsvWriterTest.ALL, false);
            writeInPieces(t, w, pool);
            w.abort();
            w.close();
        }
        assertEquals("old", Files.readString(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }
}
