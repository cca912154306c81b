package io.blueshift.tpch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.storage.Catalog;
import io.blueshift.storage.Table;
import io.blueshift.storage.TableBlock;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TpchGeneratorTest {
    private static MemoryPool pool;
    private static Catalog catalog;

    @BeforeAll
    static void generate() {
        pool = MemoryPool.unbounded("tpch-test");
        catalog = TpchGenerator.generate(0.01, pool, null);
    }

    @AfterAll
    static void close() {
        catalog.close();
        pool.close(); // leak check
    }

    @Test
    void rowCountsAtScaleFactorOneHundredth() {
        Map<String, Long> expected = Map.of("region", 5L, "nation", 25L, "part", 2_000L, "supplier", 100L,
                "partsupp", 8_000L, "customer", 1_500L, "orders", 15_000L, "lineitem", 60_175L);
        for (String name : TpchGenerator.TABLES) {
            assertEquals(expected.get(name), catalog.table(name).rowCount(), name);
        }
        assertEquals(8, catalog.tables().size());
    }

    @Test
    void typesFollowTheSpecification() {
        Schema l = catalog.table("lineitem").schema();
        assertEquals(DataType.INT64, l.type(l.require("l_orderkey")));
        assertEquals(DataType.INT32, l.type(l.require("l_linenumber")));
        assertEquals(DataType.decimal(15, 2), l.type(l.require("l_quantity")));
        assertEquals(DataType.decimal(15, 2), l.type(l.require("l_extendedprice")));
        assertEquals(DataType.DATE, l.type(l.require("l_shipdate")));
        assertEquals(DataType.VARCHAR, l.type(l.require("l_returnflag")));
        Schema p = catalog.table("part").schema();
        assertEquals(DataType.INT32, p.type(p.require("p_size")));
        assertEquals(DataType.decimal(15, 2), p.type(p.require("p_retailprice")));
        Schema o = catalog.table("orders").schema();
        assertEquals(DataType.DATE, o.type(o.require("o_orderdate")));
        assertEquals(DataType.INT32, o.type(o.require("o_shippriority")));
        assertEquals(List.of("r_regionkey", "r_name", "r_comment"), catalog.table("region").schema().names());
        for (Table t : catalog.tables()) {
            assertEquals(TpchGenerator.schema(t.name()), t.schema());
            t.schema().fields().forEach(f -> assertFalse(f.nullable(), f.name()));
        }
    }

    @Test
    void knownValues() {
        assertEquals(List.of(0L, "AFRICA"), row(catalog.table("region"), 0).subList(0, 2));
        assertEquals(List.of(0L, "ALGERIA", 0L), row(catalog.table("nation"), 0).subList(0, 3));
        assertEquals(List.of(24L, "UNITED STATES", 1L), row(catalog.table("nation"), 24).subList(0, 3));

        // dbgen's first line item: 1|..|..|1|17|..|0.04|0.02|N|O|1996-03-13|1996-02-12|1996-03-22|DELIVER IN PERSON|TRUCK
        List<Object> li = row(catalog.table("lineitem"), 0);
        assertEquals(1L, li.get(0));
        assertEquals(1, li.get(3));
        assertEquals(new BigDecimal("17.00"), li.get(4));
        assertEquals(new BigDecimal("0.04"), li.get(6));
        assertEquals(new BigDecimal("0.02"), li.get(7));
        assertEquals("N", li.get(8));
        assertEquals("O", li.get(9));
        assertEquals(LocalDate.of(1996, 3, 13), li.get(10));
        assertEquals(LocalDate.of(1996, 2, 12), li.get(11));
        assertEquals(LocalDate.of(1996, 3, 22), li.get(12));
        assertEquals("DELIVER IN PERSON", li.get(13));
        assertEquals("TRUCK", li.get(14));
        // l_extendedprice = l_quantity * p_retailprice of its part (keys are 1-based and dense)
        long partKey = (Long) li.get(1);
        List<Object> part = row(catalog.table("part"), (int) partKey - 1);
        assertEquals(partKey, part.get(0));
        assertEquals(((BigDecimal) part.get(7)).multiply(new BigDecimal(17)), ((BigDecimal) li.get(5)).setScale(2));

        List<Object> order = row(catalog.table("orders"), 0);
        assertEquals(1L, order.get(0));
        assertEquals("O", order.get(2));
        assertEquals(LocalDate.of(1996, 1, 2), order.get(4));
        assertEquals("5-LOW", order.get(5));
    }

    /** TPC-H Q1 at SF 0.01 (the generator's published answer) computed straight off the blocks. */
    @Test
    void queryOneAnswer() {
        Table t = catalog.table("lineitem");
        Schema s = t.schema();
        int flag = s.require("l_returnflag");
        int status = s.require("l_linestatus");
        int qty = s.require("l_quantity");
        int price = s.require("l_extendedprice");
        int ship = s.require("l_shipdate");
        int cutoff = (int) LocalDate.of(1998, 12, 1).minusDays(90).toEpochDay();
        Map<String, long[]> groups = new TreeMap<>();
        for (TableBlock b : t.blocks()) {
            for (int i = 0; i < b.rowCount(); i++) {
                if (b.column(ship).getInt(i) > cutoff) {
                    continue;
                }
                long[] g = groups.computeIfAbsent(
                        b.column(flag).getString(i) + b.column(status).getString(i), k -> new long[3]);
                g[0] += b.column(qty).getLong(i);
                g[1] += b.column(price).getLong(i);
                g[2]++;
            }
        }
        assertEquals(List.of("AF", "NF", "NO", "RF"), new ArrayList<>(groups.keySet()));
        assertEquals(380456_00L, groups.get("AF")[0]);
        assertEquals(532348211_65L, groups.get("AF")[1]);
        assertEquals(14876L, groups.get("AF")[2]);
        assertEquals(348L, groups.get("NF")[2]);
        assertEquals(29181L, groups.get("NO")[2]);
        assertEquals(1041502841_45L, groups.get("NO")[1]);
        assertEquals(14902L, groups.get("RF")[2]);
    }

    @Test
    void partsAreJoinedInGeneratorOrder() {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        try (MemoryPool small = MemoryPool.unbounded("tpch-parts");
             Catalog split = TpchGenerator.generate(0.01, small, new PrintStream(progress, true, StandardCharsets.UTF_8), 3, 4000)) {
            for (String name : TpchGenerator.TABLES) {
                Table a = catalog.table(name);
                Table b = split.table(name);
                assertEquals(a.rowCount(), b.rowCount(), name);
                if (name.equals("lineitem") || name.equals("orders") || name.equals("partsupp")) {
                    assertTrue(b.blocks().size() > 1, name);
                    assertEquals(columnValues(a, 0), columnValues(b, 0), name);
                    assertEquals(columnValues(a, a.schema().size() - 1), columnValues(b, b.schema().size() - 1), name);
                }
            }
            String text = progress.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("tpch sf=0.01: 86,805 rows in 8 tables"), text);
        }
    }

    @Test
    void oneTableStreamsInPartsInGeneratorOrderWithBoundedMemory() {
        // lineitem at SF 0.01 is 60,175 rows: 4,000-row parts give 15 of them, two threads keep at most 4 in memory
        try (MemoryPool small = MemoryPool.unbounded("tpch-stream")) {
            List<Object> keys = new ArrayList<>();
            List<Object> comments = new ArrayList<>();
            long[] partPeak = {0};
            int[] parts = {0};
            long rows = TpchGenerator.generateTable("LINEITEM", 0.01, small, null, 2, part -> {
                parts[0]++;
                partPeak[0] = Math.max(partPeak[0], part.memoryBytes());
                keys.addAll(columnValues(part, 0));
                comments.addAll(columnValues(part, 15));
            }, 4000);
            Table whole = catalog.table("lineitem");
            assertEquals(whole.rowCount(), rows);
            assertEquals(15, parts[0]);
            assertEquals(columnValues(whole, 0), keys);
            assertEquals(columnValues(whole, 15), comments);
            assertEquals(0, small.reserved(), "every part is freed after the sink");
            assertTrue(small.peak() <= 5 * partPeak[0], "peak " + small.peak() + " vs part " + partPeak[0]);
        }
    }

    @Test
    void aFailingSinkFreesEveryPart() {
        try (MemoryPool small = MemoryPool.unbounded("tpch-stream-fail")) {
            int[] seen = {0};
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> TpchGenerator.generateTable("orders", 0.01, small, null, 2, part -> {
                        if (++seen[0] == 2) {
                            throw new IllegalStateException("disk full");
                        }
                    }, 2000));
            assertEquals("disk full", e.getMessage());
            assertEquals(0, small.reserved());
        }
        assertThrows(IllegalArgumentException.class, () -> TpchGenerator.generateTable("nope", 1, pool, null, 1, p -> { }));
    }

    @Test
    void rejectsBadScaleFactors() {
        for (double sf : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TpchGenerator.generate(sf, pool, null));
            assertTrue(e.getMessage().contains("scale factor"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> TpchGenerator.schema("nope"));
    }

    private static List<Object> row(Table t, int row) {
        for (TableBlock b : t.blocks()) {
            if (row < b.rowCount()) {
                List<Object> values = new ArrayList<>();
                for (int c = 0; c < t.schema().size(); c++) {
                    values.add(b.column(c).getObject(row));
                }
                return values;
            }
            row -= b.rowCount();
        }
        throw new IndexOutOfBoundsException(row);
    }

    private static List<Object> columnValues(Table t, int c) {
        List<Object> values = new ArrayList<>();
        for (TableBlock b : t.blocks()) {
            for (int i = 0; i < b.rowCount(); i++) {
                values.add(b.column(c).getObject(i));
            }
        }
        return values;
    }
}
