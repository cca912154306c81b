package io.blueshift.storage.parquet;

import io.blueshift.kernels.Kernels;
import io.blueshift.memory.MemoryPool;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.plan.Exprs;
import io.blueshift.operators.plan.PlanBuilder;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.operators.plan.QueryExecutor;
import io.blueshift.storage.InMemoryTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Page-index pruning inside row groups: fewer pages decoded, the same rows as a full read and as DuckDB. */
class ParquetPageIndexTest {
    private static final String[] COLUMNS = {"b", "i32", "i64", "id", "f64", "dt", "d15", "ts", "s_dict", "s_plain"};

    @TempDir
    Path dir;
    MemoryPool pool;

    @BeforeEach
    void open() { pool = MemoryPool.root("page index test", 1L << 30); }

    @AfterEach
    void close() { pool.close(); }

    /** 20,000 rows with nulls, 6,000-row groups; pages cut by bytes, so each column has its own page boundaries. */
    private Path write(boolean pageIndex) {
        Path file = dir.resolve(pageIndex ? "indexed.parquet" : "plain.parquet");
        try (InMemoryTable source = ParquetWriterTest.table(pool, 20_000, ParquetWriterTest.Nulls.SOME, 1024)) {
            ParquetWriteOptions o = ParquetWriteOptions.defaults().withRowGroupRows(6000).withPageRows(700).withPageBytes(1500);
            ParquetWriter.write(source, file, new ParquetWriteOptions(o.codec(), o.dictionary(), o.rowGroupRows(), o.rowGroupBytes(),
                    o.pageBytes(), o.pageRows(), o.maxDictionaryBytes(), o.zstdLevel(), pageIndex));
        }
        return file;
    }

    private List<List<Object>> rows(ParquetTable t, UnaryOperator<PlanBuilder> filter, int threads) {
        PlanNode plan = filter.apply(PlanBuilder.scan(t, COLUMNS)).build();
        try (MemoryPool q = pool.child("query");
             MaterializedResult r = new QueryExecutor(new ExecutionContext(q, Kernels.provider(), 512, threads)).execute(plan)) {
            List<List<Object>> out = new java.util.ArrayList<>(r.rows());
            out.sort(java.util.Comparator.comparing(row -> String.valueOf(row.get(3)) + "/" + row));
            return out; // closing q checks every morsel was freed

        }
    }

    @Test
    void selectiveFilterOnASortedColumnDecodesFewerPagesAndKeepsEveryMatchingRow() throws Exception {
        Path indexed = write(true);
        Path plain = write(false);
        List<UnaryOperator<PlanBuilder>> filters = List.of(
                p -> p.filter(b -> b.and(b.ge(b.col("id"), Exprs.integer(2222)), b.lt(b.col("id"), Exprs.integer(2800)))),
                // a range across a row-group boundary, cut by a second column's pages too
                p -> p.filter(b -> b.and(b.ge(b.col("id"), Exprs.integer(5990)), b.lt(b.col("dt"), Exprs.integer(-3990)))),
                // rules out every page of row group 0 but the last few rows
                p -> p.filter(b -> b.gt(b.col("id"), Exprs.integer(5998))));
        String[] duckWhere = {"id >= 2222 AND id < 2800", "id >= 5990 AND dt < DATE '1970-01-01' + (-3990)", "id > 5998"};
        for (int f = 0; f < filters.size(); f++) {
            try (ParquetTable lazy = ParquetTable.openLazy(indexed, pool);
                 ParquetTable noIndex = ParquetTable.openLazy(plain, pool);
                 ParquetTable eager = ParquetTable.open(indexed, pool)) {
                for (int threads : new int[] {1, 2}) {
                    List<List<Object>> expected = rows(eager, filters.get(f), threads);
                    assertEquals(expected, rows(lazy, filters.get(f), threads), "filter " + f + ", pruned by the page index");
                    assertEquals(expected, rows(noIndex, filters.get(f), threads), "filter " + f + ", no page index");
                    assertTrue(!expected.isEmpty());
                    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                         ResultSet rs = s.executeQuery("SELECT count(*), count(b), sum(i64), sum(d15), max(s_plain) FROM read_parquet('"
                                 + indexed + "') WHERE " + duckWhere[f])) {
                        rs.next();
                        assertEquals(rs.getLong(1), expected.size(), "filter " + f);
                        assertEquals(rs.getLong(2), expected.stream().filter(r -> r.get(0) != null).count());
                        assertEquals(rs.getBigDecimal(3).longValueExact(),
                                expected.stream().filter(r -> r.get(2) != null).mapToLong(r -> ((Number) r.get(2)).longValue()).sum());
                        assertEquals(0, rs.getBigDecimal(4).compareTo(expected.stream().filter(r -> r.get(6) != null)
                                .map(r -> (java.math.BigDecimal) r.get(6)).reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add)));
                        assertEquals(rs.getString(5), expected.stream().map(r -> (String) r.get(9)).filter(java.util.Objects::nonNull)
                                .max(String::compareTo).orElse(null));
                    }
                }
                assertTrue(lazy.pagesSkipped() > 0, "filter " + f + ": pages skipped " + lazy.pagesSkipped());
                assertEquals(0, noIndex.pagesSkipped());
            }
        }
    }
}
