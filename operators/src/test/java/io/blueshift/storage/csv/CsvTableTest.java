package io.blueshift.storage.csv;

import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CSV files written by DuckDB and by hand, read by {@link CsvTable}, compared with DuckDB's reading. */
class CsvTableTest {
    @TempDir
    Path dir;
    MemoryPool pool;

    @BeforeEach
    void open() { pool = MemoryPool.root("csv test", 1L << 30); }

    @AfterEach
    void close() { pool.close(); }

    static final String ALL_TYPES = """
            SELECT i AS id,
              CASE WHEN i % 7 = 0 THEN NULL ELSE i % 2 = 0 END AS b,
              CASE WHEN i % 3 = 0 THEN NULL ELSE i * 7 - 5000 END AS i64,
              (i * 1000003)::BIGINT * 1000003 AS big,
              CASE WHEN i % 11 = 0 THEN NULL ELSE i / 7.0 END::DOUBLE AS f64,
              (i * 1e-9 + 1e15 * (i % 3))::DOUBLE AS f64_wide,
              (i * 1.25)::DECIMAL(9,2) AS d9,
              CASE WHEN i % 5 = 0 THEN NULL ELSE DATE '1960-01-01' + (i % 40000)::INTEGER END AS dt,
              TIMESTAMP '1969-12-31 23:00:00' + INTERVAL (i * 1234567) MICROSECOND AS ts,
              CASE WHEN i % 13 = 0 THEN NULL WHEN i % 13 = 1 THEN '' ELSE 'str' || (i % 50) END AS s_short,
              CASE WHEN i % 4 = 0 THEN NULL ELSE md5(i::VARCHAR) || repeat('x', (i % 20)::INTEGER) END AS s_long,
              CASE i % 6 WHEN 0 THEN 'a,b' WHEN 1 THEN 'say "hi"' WHEN 2 THEN 'two' || chr(10) || 'lines'
                         WHEN 3 THEN 'ünïcødé ✓ 𝄞' WHEN 4 THEN ' padded ' ELSE 'cr' || chr(13) || chr(10) || 'lf' END AS s_tricky,
              NULL::INTEGER AS all_null
            FROM range(ROWS) t(i)
            """;

    private Path duckCsv(String name, int rows, String options) throws Exception {
        Path file = dir.resolve(name);
        DuckDbTables.execute("COPY (" + ALL_TYPES.replace("ROWS", Integer.toString(rows)) + ") TO '" + file
                + "' (FORMAT csv" + options + ")");
        return file;
    }

    @ParameterizedTest(name = "{0} rows")
    @ValueSource(ints = {1, 7, 999, 1000, 1001, 25_000})
    void readsDuckDbCsvLikeDuckDb(int rows) throws Exception {
        Path file = duckCsv("all_" + rows + ".csv", rows, ", HEADER");
        // small blocks so files split into many spans, parsed on several threads
        try (CsvTable t = CsvTable.open("all", file, pool, CsvOptions.defaults(), 1000)) {
            assertEquals(rows, t.rowCount());
            // the parallel split cuts by bytes (a block's worth by the sample's row width) at row ends
            assertTrue(t.blocks().size() >= rows / 2000, t.blocks().size() + " blocks");
            assertEquals(DataType.INT64, t.schema().type(t.schema().require("id")));
            assertEquals(DataType.FLOAT64, t.schema().type(t.schema().require("d9")));
            assertEquals(DataType.TIMESTAMP, t.schema().type(t.schema().require("ts")));
            assertEquals(DataType.VARCHAR, t.schema().type(t.schema().require("s_tricky")));
            assertEquals(DataType.VARCHAR, t.schema().type(t.schema().require("all_null")));
            if (rows > 11) {
                assertEquals(DataType.FLOAT64, t.schema().type(t.schema().require("f64")));
                assertEquals(DataType.BOOLEAN, t.schema().type(t.schema().require("b")));
                assertEquals(DataType.DATE, t.schema().type(t.schema().require("dt")));
            }
            assertSameTypesAsDuckDb(file, t);
            DuckDbTables.assertSame("read_csv('" + file + "', allow_quoted_nulls = false)", t);
        }
    }

    private static void assertSameTypesAsDuckDb(Path file, CsvTable t) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_csv('" + file + "')")) {
            List<String> theirs = new ArrayList<>();
            while (rs.next()) {
                theirs.add(rs.getString(1) + " " + rs.getString(2));
            }
            List<String> ours = new ArrayList<>();
            for (int i = 0; i < t.schema().size(); i++) {
                ours.add(t.schema().field(i).name() + " " + t.schema().type(i).sqlName());
            }
            assertEquals(theirs, ours);
        }
    }

    @Test
    void typeOverridesGiveIntegerAndDecimal() throws Exception {
        Path file = duckCsv("typed.csv", 5000, ", HEADER");
        CsvOptions options = CsvOptions.builder().columnType("d9", DataType.decimal(9, 2))
                .columnType("I64", DataType.INT32).columnType("all_null", DataType.DATE).build();
        try (CsvTable t = CsvTable.open("typed", file, pool, options, 2048)) {
            assertEquals(DataType.decimal(9, 2), t.schema().type(t.schema().require("d9")));
            assertEquals(DataType.INT32, t.schema().type(t.schema().require("i64")));
            assertEquals(DataType.DATE, t.schema().type(t.schema().require("all_null")));
            DuckDbTables.assertSame("read_csv('" + file + "', allow_quoted_nulls = false, types = {'d9': 'DECIMAL(9,2)', "
                    + "'i64': 'INTEGER', 'all_null': 'DATE'})", t);
        }
    }

    @Test
    void readsOptionsDelimiterNullStringNoHeaderSkip() throws Exception {
        Path file = dir.resolve("pipes.tbl");
        Files.writeString(file, "junk line\nanother, \"junk\n1|x|NULL|2020-01-01|\n2|NULL|3.5|1999-12-31|\n3||\"NULL\"|\\N|\n");
        CsvOptions options = CsvOptions.builder().header(false).delimiter('|').nullString("NULL").skipRows(2)
                .columnNames(List.of("k", "s", "d", "dt", "empty")).build();
        try (CsvTable t = CsvTable.open("pipes", file, pool, options)) {
            assertEquals(List.of("k", "s", "d", "dt", "empty"), t.schema().names());
            assertEquals(3, t.rowCount());
            var b = t.blocks().get(0);
            assertEquals(DataType.VARCHAR, t.schema().type(2), "'\"NULL\"' quoted is a string, so the column is text");
            assertEquals("x", b.column(1).getObject(0));
            assertNull(b.column(1).getObject(1));
            assertEquals("", b.column(1).getObject(2), "empty unquoted field is '' when the null string is NULL");
            assertNull(b.column(2).getObject(0));
            assertEquals("NULL", b.column(2).getObject(2));
            assertEquals(DataType.VARCHAR, t.schema().type(3));
            assertEquals("\\N", b.column(3).getObject(2));
        }
    }

    @Test
    void noHeaderNamesColumnsLikeDuckDb() throws Exception {
        Path file = dir.resolve("nohead.csv");
        Files.writeString(file, "1,a\n2,b\n");
        try (CsvTable t = CsvTable.open("n", file, pool, CsvOptions.defaults().withHeader(false))) {
            assertEquals(List.of("column0", "column1"), t.schema().names());
            assertEquals(2, t.rowCount());
        }
    }

    @Test
    void crlfBomBlankLinesAndDuplicateNames() throws Exception {
        Path file = dir.resolve("crlf.csv");
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = "a,a,\r\n1,\"x\"\"y\",2020-02-29\r\n\r\n2,\"multi\r\nline\",\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, all, 0, 3);
        System.arraycopy(body, 0, all, 3, body.length);
        Files.write(file, all);
        try (CsvTable t = CsvTable.open("crlf", file, pool, CsvOptions.defaults())) {
            assertEquals(List.of("a", "a_1", "column2"), t.schema().names());
            assertEquals(2, t.rowCount());
            var b = t.blocks().get(0);
            assertEquals(2L, b.column(0).getObject(1));
            assertEquals("x\"y", b.column(1).getObject(0));
            assertEquals("multi\r\nline", b.column(1).getObject(1));
            assertEquals(LocalDate.of(2020, 2, 29), b.column(2).getObject(0));
            assertNull(b.column(2).getObject(1));
        }
    }

    @Test
    void valueAfterTheSampleWidensAnInferredType() throws Exception {
        Path file = dir.resolve("widen.csv");
        StringBuilder sb = new StringBuilder("n,d,s\n");
        for (int i = 0; i < 3000; i++) {
            sb.append(i).append(',').append("2020-01-0").append(1 + i % 9).append(',').append(i).append('\n');
        }
        sb.append("1.5,2020-01-01 12:00:00,abc\n");
        Files.writeString(file, sb);
        CsvOptions options = CsvOptions.builder().sampleRows(100).build();
        try (CsvTable t = CsvTable.open("w", file, pool, options, 1024)) {
            assertEquals(List.of(DataType.FLOAT64, DataType.TIMESTAMP, DataType.VARCHAR),
                    List.of(t.schema().type(0), t.schema().type(1), t.schema().type(2)));
            assertEquals(3001, t.rowCount());
            DuckDbTables.assertSame("read_csv('" + file + "', sample_size = -1)", t);
        }
    }

    @Test
    void badValueInAGivenTypeNamesFileLineColumnAndText() throws Exception {
        Path file = dir.resolve("x.csv");
        StringBuilder sb = new StringBuilder("l_orderkey,l_quantity\n");
        for (int i = 2; i < 17; i++) {
            sb.append(i).append(',').append(i).append('\n');
        }
        sb.append("17,abc\n18,5\n");
        Files.writeString(file, sb);
        CsvOptions options = CsvOptions.builder().columnType("l_quantity", DataType.INT64).build();
        CsvException e = assertThrows(CsvException.class, () -> CsvTable.open("x", file, pool, options));
        assertEquals(file + " line 17 column l_quantity: 'abc' is not a BIGINT", e.getMessage());
        assertEquals(17, e.line());
        Files.writeString(file, "l_orderkey,l_quantity\n1,\"12\n34\"\n");
        e = assertThrows(CsvException.class, () -> CsvTable.open("x", file, pool, options));
        assertEquals(file + " line 2 column l_quantity: '12\\n34' is not a BIGINT", e.getMessage(), "one line");
        CsvOptions dec = CsvOptions.builder().columnType("l_quantity", DataType.decimal(3, 1)).build();
        Files.writeString(file, "l_orderkey,l_quantity\n1,99.94\n2,99.96\n");
        e = assertThrows(CsvException.class, () -> CsvTable.open("x", file, pool, dec));
        assertEquals(file + " line 3 column l_quantity: '99.96' is not a DECIMAL(3,1)", e.getMessage());
    }

    @Test
    void raggedRowsAreRefusedWithTheirLine() throws Exception {
        Path file = dir.resolve("ragged.csv");
        StringBuilder sb = new StringBuilder("a,b,c\n");
        for (int i = 0; i < 5000; i++) {
            sb.append(i).append(",x,y\n");
        }
        sb.append("1,2\n");
        Files.writeString(file, sb);
        CsvException e = assertThrows(CsvException.class, () -> CsvTable.open("r", file, pool, CsvOptions.defaults(), 1024));
        assertEquals(file + " line 5002: expected 3 fields but found 2 (columns are [a, b, c])", e.getMessage());
        Files.writeString(file, "a,b\n1,2\n3,4,5,6\n");
        e = assertThrows(CsvException.class, () -> CsvTable.open("r", file, pool, CsvOptions.defaults()));
        assertTrue(e.getMessage().contains("line 3: expected 2 fields but found 4"), e.getMessage());
    }

    @Test
    void unterminatedQuoteAtEndOfFile() throws Exception {
        Path file = dir.resolve("quote.csv");
        StringBuilder sb = new StringBuilder("a,b\n");
        for (int i = 0; i < 50_000; i++) {
            sb.append(i).append(",x\n");
        }
        sb.append("7,\"never closed\n8,y\n");
        Files.writeString(file, sb);
        CsvException e = assertThrows(CsvException.class, () -> CsvTable.open("q", file, pool, CsvOptions.defaults()));
        assertEquals(file + " line 50002: unterminated quoted field: the quote opened on line 50002 is not closed"
                + " before the end of the file", e.getMessage());
        Files.writeString(file, "a,b\n1,\"open");
        e = assertThrows(CsvException.class, () -> CsvTable.open("q", file, pool, CsvOptions.defaults()));
        assertTrue(e.getMessage().contains("line 2: unterminated quoted field"), e.getMessage());
        Files.writeString(file, "a,b\n1,\"x\"y\n");
        e = assertThrows(CsvException.class, () -> CsvTable.open("q", file, pool, CsvOptions.defaults()));
        assertTrue(e.getMessage().contains("line 2: unexpected 'y' after the closing quote"), e.getMessage());
    }

    @Test
    void invalidUtf8InATextColumn() throws Exception {
        Path file = dir.resolve("utf8.csv");
        byte[] head = "a,s\n1,ok\n2,bad".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + 3];
        System.arraycopy(head, 0, all, 0, head.length);
        all[head.length] = (byte) 0xC3;
        all[head.length + 1] = (byte) 0x28;
        all[head.length + 2] = '\n';
        Files.write(file, all);
        CsvException e = assertThrows(CsvException.class, () -> CsvTable.open("u", file, pool, CsvOptions.defaults()));
        assertEquals(file + " line 3 column s: invalid UTF-8 (byte 0xc3 at position 3 of the value)", e.getMessage());
    }

    @Test
    void emptyFilesAndHeaderOnly() throws Exception {
        Path file = dir.resolve("empty.csv");
        Files.write(file, new byte[0]);
        CsvException e = assertThrows(CsvException.class, () -> CsvTable.open("e", file, pool, CsvOptions.defaults()));
        assertTrue(e.getMessage().contains("the file is empty"), e.getMessage());
        CsvOptions named = CsvOptions.builder().columnNames(List.of("x", "y")).columnType("x", DataType.INT64).build();
        try (CsvTable t = CsvTable.open("e", file, pool, named)) {
            assertEquals(0, t.rowCount());
            assertEquals(List.of("x", "y"), t.schema().names());
            assertEquals(DataType.INT64, t.schema().type(0));
        }
        Files.writeString(file, "a,b\n");
        try (CsvTable t = CsvTable.open("e", file, pool, CsvOptions.defaults())) {
            assertEquals(0, t.rowCount());
            assertEquals(List.of(DataType.VARCHAR, DataType.VARCHAR), List.of(t.schema().type(0), t.schema().type(1)));
        }
        Files.writeString(file, "a\n1\n\n3");
        try (CsvTable t = CsvTable.open("e", file, pool, CsvOptions.defaults())) {
            assertEquals(3, t.rowCount(), "in a one-column file a blank line is a NULL");
            assertNull(t.blocks().get(0).column(0).getObject(1));
            assertEquals(3L, t.blocks().get(0).column(0).getObject(2));
        }
        assertThrows(CsvException.class, () -> CsvTable.open("e", dir.resolve("missing.csv"), pool, CsvOptions.defaults()));
        CsvOptions unknown = CsvOptions.builder().columnType("nope", DataType.INT64).build();
        e = assertThrows(CsvException.class, () -> CsvTable.open("e", file, pool, unknown));
        assertTrue(e.getMessage().contains("unknown column(s) [nope]"), e.getMessage());
    }

    @Test
    void numbersAtTheEdges() throws Exception {
        Path file = dir.resolve("edges.csv");
        Files.writeString(file, """
                i,d,x
                9223372036854775807,1.7976931348623157e308, 12
                -9223372036854775808,4.9e-324,-0
                0,0.1,7
                -1,123456789012345678901234567890,
                1,-.5e-3, 3
                """);
        try (CsvTable t = CsvTable.open("edges", file, pool, CsvOptions.defaults())) {
            assertEquals(DataType.INT64, t.schema().type(0));
            assertEquals(DataType.FLOAT64, t.schema().type(1));
            assertEquals(DataType.INT64, t.schema().type(2));
            DuckDbTables.assertSame("read_csv('" + file + "')", t);
        }
        Files.writeString(file, "i\n9223372036854775808\n");
        try (CsvTable t = CsvTable.open("edges", file, pool, CsvOptions.defaults())) {
            assertEquals(DataType.FLOAT64, t.schema().type(0), "beyond BIGINT is a DOUBLE, as in DuckDB");
        }
        Files.writeString(file, "a,b,c,d\n+7,00012,-0,t\n3,-01.5,0.5,F\n");
        try (CsvTable t = CsvTable.open("edges", file, pool, CsvOptions.defaults())) {
            assertEquals(List.of(DataType.VARCHAR, DataType.VARCHAR, DataType.FLOAT64, DataType.BOOLEAN),
                    List.of(t.schema().type(0), t.schema().type(1), t.schema().type(2), t.schema().type(3)));
            DuckDbTables.assertSame("read_csv('" + file + "')", t);
        }
        Files.writeString(file, "d\n2021-02-29\n");
        try (CsvTable t = CsvTable.open("edges", file, pool, CsvOptions.defaults())) {
            assertEquals(DataType.VARCHAR, t.schema().type(0), "no 29 February in 2021");
        }
        Files.writeString(file, "d\n12.345\n-0.005\n");
        try (CsvTable t = CsvTable.open("edges", file, pool,
                CsvOptions.builder().columnTypes(Map.of("d", DataType.decimal(5, 2))).build())) {
            assertEquals(new BigDecimal("12.35"), t.blocks().get(0).column(0).getObject(0));
            assertEquals(new BigDecimal("-0.01"), t.blocks().get(0).column(0).getObject(1));
        }
    }

    @Test
    void unquotedFilesAreSplitInParallelAtLineBreaks() throws Exception {
        Path file = dir.resolve("plain.csv");
        StringBuilder sb = new StringBuilder("k,v,d\n");
        for (int i = 0; i < 20_000; i++) {
            sb.append(i).append(',').append(i % 3 == 0 ? "" : "v" + i).append(',').append(i / 8.0).append("\n");
        }
        sb.append("20000,last,1.5"); // no final line break
        Files.writeString(file, sb);
        try (CsvTable t = CsvTable.open("plain", file, pool, CsvOptions.defaults(), 1000)) {
            assertEquals(20_001, t.rowCount());
            assertTrue(t.blocks().size() > 10, "split into " + t.blocks().size() + " blocks");
            DuckDbTables.assertSame("read_csv('" + file + "')", t);
        }
        // line numbers stay right across the pieces
        Files.writeString(file, sb.toString().replace("\n7777,", "\n7777,x,"));
        CsvException e = assertThrows(CsvException.class, () -> CsvTable.open("plain", file, pool, CsvOptions.defaults(), 1000));
        assertEquals(file + " line 7779: expected 3 fields but found 4 (columns are [k, v, d])", e.getMessage());
        Files.writeString(file, sb.toString().replace("\n12346,v12346,", "\n12346,v12346,abc"));
        CsvOptions typed = CsvOptions.builder().columnType("d", DataType.FLOAT64).build();
        e = assertThrows(CsvException.class, () -> CsvTable.open("plain", file, pool, typed, 1000));
        assertEquals(file + " line 12348 column d: 'abc1543.25' is not a DOUBLE", e.getMessage());
    }

    @Test
    void rowsShorterThanTheSampleKeepBlocksBounded() throws Exception {
        Path file = dir.resolve("short.csv");
        StringBuilder sb = new StringBuilder("k,s\n");
        for (int i = 0; i < 50; i++) {
            sb.append(i).append(',').append("x".repeat(2000)).append('\n');
        }
        for (int i = 0; i < 100_000; i++) {
            sb.append(i).append(",\n");
        }
        Files.writeString(file, sb);
        try (CsvTable t = CsvTable.open("short", file, pool, CsvOptions.builder().sampleRows(50).build(), 1000)) {
            assertEquals(100_050, t.rowCount());
            for (var b : t.blocks()) {
                assertTrue(b.rowCount() <= 4000, "block of " + b.rowCount() + " rows");
            }
        }
    }

    @Test
    void literalQuotesInUnquotedFieldsFallBackToTheExactSplit() throws Exception {
        Path file = dir.resolve("inches.csv");
        StringBuilder sb = new StringBuilder("k,height,note\n");
        for (int i = 0; i < 5000; i++) {
            sb.append(i).append(',').append(i % 10 == 0 ? "5'3\"" : "6'1").append(',')
                    .append(i % 7 == 0 ? "\"quoted\nnote\"" : "n" + i).append('\n');
        }
        Files.writeString(file, sb);
        try (CsvTable t = CsvTable.open("inches", file, pool, CsvOptions.defaults(), 100)) {
            assertEquals(5000, t.rowCount());
            List<Object[]> rows = CsvWriterTest.rows(t);
            assertEquals("5'3\"", rows.get(0)[1]);
            assertEquals("quoted\nnote", rows.get(0)[2]);
            assertEquals("6'1", rows.get(4999)[1]);
            assertEquals("n4999", rows.get(4999)[2]);
            assertEquals("quoted\nnote", rows.get(4998)[2]);
        }
    }

    @Test
    void closingFreesEveryBlock() throws Exception {
        Path file = duckCsv("free.csv", 3000, ", HEADER");
        try (MemoryPool p = pool.child("one table")) {
            CsvTable t = CsvTable.open("f", file, p, CsvOptions.defaults(), 512);
            assertTrue(p.reserved() > 0);
            t.close();
            assertEquals(0, p.reserved());
        }
        // a failure frees what was parsed before it
        Files.writeString(file, Files.readString(file) + "1,2\n");
        try (MemoryPool p = pool.child("failing")) {
            assertThrows(CsvException.class, () -> CsvTable.open("f", file, p, CsvOptions.defaults(), 512));
            assertEquals(0, p.reserved());
        }
    }
}
