package io.blueshift.bench.duckdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blueshift.bench.tpch.TpchBenchHarness;
import io.blueshift.bench.tpch.TpchQueries;
import io.blueshift.memory.MemoryPool;
import io.blueshift.storage.Catalog;
import io.blueshift.tpch.TpchGenerator;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DuckDB loaded with our SF 0.01 data: types, values, the 22 queries, the harness. */
class DuckDbReferenceTest {
    private static MemoryPool pool;
    private static Catalog catalog;
    private static DuckDbReference duckdb;

    @BeforeAll
    static void load() {
        pool = MemoryPool.unbounded("duckdb-test");
        catalog = TpchGenerator.generate(0.01, pool, null);
        duckdb = new DuckDbReference();
        duckdb.setThreads(2);
        duckdb.load(catalog, null);
    }

    @AfterAll
    static void close() {
        duckdb.close();
        catalog.close();
        pool.close();
    }

    @Test
    void rowCountsAndTypes() {
        assertEquals(List.of(List.of(60_175L)), duckdb.query("SELECT count(*) FROM lineitem"));
        assertEquals(List.of(List.of(15_000L)), duckdb.query("SELECT count(*) FROM orders"));
        List<List<Object>> types = duckdb.query("SELECT typeof(l_orderkey), typeof(l_linenumber), typeof(l_quantity), "
                + "typeof(l_shipdate), typeof(l_comment) FROM lineitem LIMIT 1");
        assertEquals(List.of(List.of("BIGINT", "INTEGER", "DECIMAL(15,2)", "DATE", "VARCHAR")), types);
    }

    @Test
    void valuesAreNormalized() {
        List<List<Object>> rows = duckdb.query("SELECT l_orderkey, l_linenumber, l_quantity, l_discount, l_shipdate, "
                + "l_shipmode, CAST(l_tax AS DOUBLE), NULL FROM lineitem LIMIT 1");
        List<Object> r = rows.getFirst();
        assertEquals(1L, r.get(0));
        assertEquals(1, r.get(1));
        assertEquals(new BigDecimal("17.00"), r.get(2));
        assertEquals(new BigDecimal("0.04"), r.get(3));
        assertEquals(LocalDate.of(1996, 3, 13), r.get(4));
        assertEquals("TRUCK", r.get(5));
        assertEquals(0.02, r.get(6));
        assertEquals(null, r.get(7));
        // sum(BIGINT) is HUGEINT in DuckDB: presented as Long
        assertEquals(List.of(List.of(15_000L * 15_001 / 2)),
                duckdb.query("SELECT sum(x) FROM (SELECT row_number() OVER () AS x FROM orders)"));
        assertTrue(duckdb.timeQueryMillis("SELECT 1") >= 0);
    }

    @Test
    void queryOneMatchesThePublishedAnswer() {
        List<List<Object>> q1 = duckdb.query(TpchQueries.sql(1));
        assertEquals(4, q1.size());
        List<Object> af = q1.getFirst();
        assertEquals(List.of("A", "F"), af.subList(0, 2));
        assertEquals(new BigDecimal("380456.00"), af.get(2));
        assertEquals(new BigDecimal("532348211.65"), af.get(3));
        assertEquals(14876L, af.get(9));
    }

    @Test
    void allQueriesRun() {
        for (int q : TpchQueries.all()) {
            List<List<Object>> rows = duckdb.query(TpchQueries.sql(q));
            assertFalse(rows.isEmpty(), "q" + q);
        }
        assertThrows(IllegalArgumentException.class, () -> TpchQueries.sql(0));
        assertThrows(IllegalArgumentException.class, () -> TpchQueries.sql(23));
        assertTrue(TpchQueries.ordered(1));
        assertFalse(TpchQueries.ordered(6));
    }

    @Test
    void badSqlNamesTheStatement() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> duckdb.query("SELECT nope FROM lineitem"));
        assertTrue(e.getMessage().contains("SELECT nope FROM lineitem"), e.getMessage());
    }

    @Test
    void harnessVerifiesAndTimes(@TempDir Path dir) throws Exception {
        // DuckDB as "our" engine must verify against itself; a wrong answer must fail
        TpchBenchHarness self = new TpchBenchHarness(q -> duckdb.query(TpchQueries.sql(q)), duckdb, null);
        List<TpchBenchHarness.Verification> ok = self.verify(List.of(1, 6, 13));
        assertTrue(ok.stream().allMatch(TpchBenchHarness.Verification::verified), ok.toString());

        TpchBenchHarness wrong = new TpchBenchHarness(q -> {
            List<List<Object>> rows = new ArrayList<>(duckdb.query(TpchQueries.sql(q)));
            rows.removeLast();
            return rows;
        }, duckdb, null);
        TpchBenchHarness.Verification bad = wrong.verify(List.of(1)).getFirst();
        assertFalse(bad.verified());
        assertTrue(bad.message().contains("row count differs"), bad.message());

        TpchBenchHarness failing = new TpchBenchHarness(q -> {
            throw new UnsupportedOperationException("no joins yet");
        }, duckdb, null);
        assertTrue(failing.verify(List.of(3)).getFirst().message().contains("no joins yet"));

        List<TpchBenchHarness.Timing> timings = self.run(List.of(1, 6), 1, 3);
        assertEquals(2, timings.size());
        assertTrue(timings.stream().allMatch(t -> t.ok() && t.blueshiftMs() > 0 && t.duckdbMs() > 0));
        Path csv = dir.resolve("out/tpch.csv");
        self.writeCsv(csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("query,blueshift_ms,duckdb_ms,ratio", lines.getFirst());
        assertEquals(3, lines.size());
        assertTrue(lines.get(1).startsWith("1,"), lines.get(1));
        String table = TpchBenchHarness.format(timings);
        assertTrue(table.contains("geomean"), table);
        assertTrue(table.contains("q06"), table);

        List<TpchBenchHarness.Timing> failed = failing.run(List.of(6), 0, 1);
        assertFalse(failed.getFirst().ok());
        assertTrue(Double.isNaN(failed.getFirst().ratio()));
    }
}
