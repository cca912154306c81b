package io.blueshift.storage.csv;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Tables written by {@link CsvWriter}, read back by our reader and by DuckDB; DuckDB's CSV byte for byte. */
public class CsvWriterTest {
    @TempDir
    Path dir;
    MemoryPool pool;

    @BeforeEach
    void open() { pool = MemoryPool.root("csv writer test", 1L << 30); }

    @AfterEach
    void close() { pool.close(); }

    public static final Schema ALL = Schema.of(
            Field.of("b", DataType.BOOLEAN), Field.of("i32", DataType.INT32), Field.of("i64", DataType.INT64),
            Field.of("f64", DataType.FLOAT64), Field.of("d", DataType.decimal(12, 3)), Field.of("dt", DataType.DATE),
            Field.of("ts", DataType.TIMESTAMP), Field.of("s", DataType.VARCHAR));

    /** Random values of every type; {@code nullEvery} 0 = no nulls, 1 = all null, n = about one in n. */
    public static InMemoryTable randomTable(MemoryPool pool, int rows, int nullEvery, long seed) {
        Random r = new Random(seed);
        String[] tricky = {"", "plain", "a,b", "say \"hi\"", "two\nlines", "cr\r\nlf", "ünïcødé ✓ 𝄞", " pad ",
                "a much longer string that does not fit inline", "NULL", "\"", ","};
        try (TableBuilder b = new TableBuilder(pool, "t", ALL, 1024)) {
            for (int i = 0; i < rows; i++) {
                for (int c = 0; c < ALL.size(); c++) {
                    if (nullEvery == 1 || (nullEvery > 1 && r.nextInt(nullEvery) == 0)) {
                        b.setNull(c);
                        continue;
                    }
                    switch (c) {
                        case 0 -> b.setBoolean(c, r.nextBoolean());
                        case 1 -> b.setInt(c, r.nextInt(10) == 0 ? (r.nextBoolean() ? Integer.MIN_VALUE : Integer.MAX_VALUE) : r.nextInt());
                        case 2 -> b.setLong(c, r.nextInt(10) == 0 ? (r.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE) : r.nextLong());
                        case 3 -> b.setDouble(c, switch (r.nextInt(8)) {
                            case 0 -> r.nextDouble() * Math.pow(10, r.nextInt(40) - 20);
                            case 1 -> Double.longBitsToDouble(r.nextLong()) ;
                            case 2 -> r.nextInt(1000) / 8.0;
                            case 3 -> -0.0;
                            case 4 -> r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                            default -> (r.nextLong() % 1_000_000_000L) / 100.0;
                        });
                        case 4 -> b.setLong(c, r.nextLong() % 999_999_999_999L);
                        case 5 -> b.setInt(c, r.nextInt(200_000) - 100_000);
                        case 6 -> b.setLong(c, r.nextLong() % 4_000_000_000_000_000L);
                        default -> b.setString(c, r.nextInt(3) == 0 ? tricky[r.nextInt(tricky.length)] : "s" + r.nextInt(100_000));
                    }
                }
                b.endRow();
            }
            return b.build();
        }
    }

    static void writeAll(InMemoryTable t, CsvWriter w) {
        for (TableBlock block : t.blocks()) {
            w.write(new Batch(block.columns(), block.rowCount()));
        }
    }

    static CsvOptions typed(CsvOptions base) {
        CsvOptions.Builder b = base.toBuilder();
        for (Field f : ALL.fields()) {
            b.columnType(f.name(), f.type());
        }
        return b.build();
    }

    @ParameterizedTest(name = "null every {0}")
    @ValueSource(ints = {0, 1, 2, 7})
    void roundTripsEveryTypeThroughOurReaderAndDuckDb(int nullEvery) throws Exception {
        for (int rows : new int[]{0, 1, 1023, 1025, 5000}) {
            Path file = dir.resolve("rt_" + nullEvery + "_" + rows + ".csv");
            try (InMemoryTable t = randomTable(pool, rows, nullEvery, rows * 31L + nullEvery)) {
                try (CsvWriter w = CsvWriter.create(file, ALL, CsvOptions.defaults())) {
                    writeAll(t, w);
                    assertEquals(rows, w.rowsWritten());
                }
                try (CsvTable back = CsvTable.open("back", file, pool, typed(CsvOptions.defaults()), 1000)) {
                    assertEquals(ALL, back.schema());
                    assertSameValues(t, back);
                    // DuckDB reads the same file as the same values (quoted "" is the empty string)
                    DuckDbTables.assertSame("read_csv('" + file + "', allow_quoted_nulls = false, header = true, columns = {"
                            + "'b': 'BOOLEAN', 'i32': 'INTEGER', 'i64': 'BIGINT', 'f64': 'DOUBLE', 'd': 'DECIMAL(12,3)',"
                            + " 'dt': 'DATE', 'ts': 'TIMESTAMP', 's': 'VARCHAR'})", back);
                }
            }
        }
    }

    @Test
    void otherDelimiterQuoteEscapeAndNullString() throws Exception {
        CsvOptions options = CsvOptions.builder().delimiter('\t').quote('\'').escape('\\').nullString("\\N").build();
        Path file = dir.resolve("tsv.tsv");
        try (InMemoryTable t = randomTable(pool, 3000, 5, 7)) {
            try (CsvWriter w = CsvWriter.create(file, ALL, options)) {
                writeAll(t, w);
            }
            try (CsvTable back = CsvTable.open("back", file, pool, typed(options), 1024)) {
                assertSameValues(t, back);
            }
        }
    }

    @Test
    void selectionVectorPicksTheLiveRows() throws Exception {
        Path file = dir.resolve("sel.csv");
        Schema s = Schema.of(Field.of("x", DataType.INT64));
        try (ColumnVector v = ColumnVector.allocate(pool, DataType.INT64, 10, false, "x")) {
            for (int i = 0; i < 10; i++) {
                v.setLong(i, i * 10);
            }
            SelectionVector sel = new SelectionVector(java.lang.foreign.MemorySegment.ofArray(new int[]{1, 4, 9}), 3);
            try (CsvWriter w = CsvWriter.create(file, s, CsvOptions.defaults())) {
                w.write(new Batch(List.of(v), 10, sel));
            }
        }
        assertEquals("x\n10\n40\n90\n", Files.readString(file));
    }

    @Test
    void printsValuesAsDuckDbDoes() throws Exception {
        Path ours = dir.resolve("ours.csv");
        Path theirs = dir.resolve("theirs.csv");
        String query = """
                SELECT * FROM (VALUES
                  (true, 1, 100.0::DOUBLE, 12.30::DECIMAL(9,2), DATE '2020-02-03', TIMESTAMP '2020-01-01 10:00:00.5', 'a,b'),
                  (false, -7, 1e20::DOUBLE, -0.05::DECIMAL(9,2), DATE '0999-12-31', TIMESTAMP '1969-12-31 23:59:59.999999', ''),
                  (NULL, NULL, 1.5e-7::DOUBLE, 0::DECIMAL(9,2), DATE '1970-01-01', TIMESTAMP '2020-01-01 10:00:00', NULL),
                  (true, 0, 0.1::DOUBLE, 1.00::DECIMAL(9,2), NULL, NULL, 'say "hi"'),
                  (true, 0, 1e15::DOUBLE, 1.00::DECIMAL(9,2), NULL, NULL, ' sp '),
                  (true, 0, 1e16::DOUBLE, 1.00::DECIMAL(9,2), NULL, NULL, 'x'),
                  (true, 0, 1e-5::DOUBLE, 1.00::DECIMAL(9,2), NULL, NULL, 'x'),
                  (true, 0, 0.0001::DOUBLE, 1.00::DECIMAL(9,2), NULL, NULL, 'x'),
                  (true, 0, 1234567890123456789::DOUBLE, 1.00::DECIMAL(9,2), NULL, NULL, 'x'),
                  (true, 0, 'nan'::DOUBLE, 1.00::DECIMAL(9,2), NULL, NULL, 'x'),
                  (true, 0, '-inf'::DOUBLE, 1.00::DECIMAL(9,2), NULL, NULL, 'x'),
                  (true, 0, -0.0::DOUBLE, 1.00::DECIMAL(9,2), NULL, NULL, 'x'),
                  (true, 0, 123456.789::DOUBLE, 1.00::DECIMAL(9,2), NULL, NULL, 'x'),
                  (true, 0, 5e-324::DOUBLE, 1.00::DECIMAL(9,2), NULL, NULL, 'x'),
                  (true, 0, -1.7976931348623157e308::DOUBLE, 1.00::DECIMAL(9,2), NULL, NULL, 'x')
                ) t(b, i, f, d, dt, ts, s)""";
        DuckDbTables.execute("COPY (" + query + ") TO '" + theirs + "' (FORMAT csv, HEADER)");
        CsvOptions types = CsvOptions.builder().columnTypes(Map.of("b", DataType.BOOLEAN, "i", DataType.INT32,
                "f", DataType.FLOAT64, "d", DataType.decimal(9, 2), "dt", DataType.DATE, "ts", DataType.TIMESTAMP,
                "s", DataType.VARCHAR)).build();
        try (CsvTable t = CsvTable.open("t", theirs, pool, types)) {
            try (CsvWriter w = CsvWriter.create(ours, t.schema(), CsvOptions.defaults())) {
                w.write(new Batch(t.blocks().get(0).columns(), t.blocks().get(0).rowCount()));
            }
        }
        assertEquals(Files.readString(theirs), Files.readString(ours));
    }

    @Test
    void abortLeavesTheTargetAsItWas() throws Exception {
        Path file = dir.resolve("keep.csv");
        Files.writeString(file, "old contents\n");
        try (InMemoryTable t = randomTable(pool, 100, 3, 1)) {
            CsvWriter w = CsvWriter.create(file, ALL, CsvOptions.defaults());
            writeAll(t, w);
            assertEquals("old contents\n", Files.readString(file), "nothing visible before close");
            w.abort();
            w.close();
        }
        assertEquals("old contents\n", Files.readString(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left");
        }
        CsvWriter w = CsvWriter.create(file, ALL, CsvOptions.defaults());
        w.close();
        assertEquals("b,i32,i64,f64,d,dt,ts,s\n", Files.readString(file));
        assertThrows(IllegalStateException.class, () -> w.write(new Batch(List.of(), 0)));
        assertFalse(Files.exists(dir.resolve("no/such/dir/x.csv")));
        assertThrows(java.io.UncheckedIOException.class,
                () -> CsvWriter.create(dir.resolve("no/such/dir/x.csv"), ALL, CsvOptions.defaults()));
    }

    public static void assertSameValues(InMemoryTable expected, io.blueshift.storage.Table actual) {
        assertEquals(expected.rowCount(), actual.rowCount());
        List<Object[]> a = rows(expected);
        List<Object[]> b = rows(actual);
        for (int i = 0; i < a.size(); i++) {
            for (int c = 0; c < a.get(i).length; c++) {
                Object x = a.get(i)[c];
                Object y = b.get(i)[c];
                if (x instanceof Double dx && y instanceof Double dy) {
                    assertEquals(Double.doubleToLongBits(dx), Double.doubleToLongBits(dy), "row " + i + " col " + c + ": " + dx + " vs " + dy);
                } else {
                    assertEquals(x, y, "row " + i + " col " + c);
                }
            }
        }
    }

    static List<Object[]> rows(io.blueshift.storage.Table t) {
        List<Object[]> out = new ArrayList<>();
        for (TableBlock b : t.blocks()) {
            for (int r = 0; r < b.rowCount(); r++) {
                Object[] row = new Object[t.schema().size()];
                for (int c = 0; c < row.length; c++) {
                    row[c] = b.column(c).getObject(r);
                    if (row[c] instanceof LocalDate d) {
                        row[c] = d.toEpochDay();
                    } else if (row[c] instanceof BigDecimal d) {
                        row[c] = d.unscaledValue().longValueExact();
                    }
                }
                out.add(row);
            }
        }
        return out;
    }
}
