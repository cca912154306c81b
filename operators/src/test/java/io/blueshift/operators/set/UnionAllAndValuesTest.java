package io.blueshift.operators.set;

import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.Schema;
import io.blueshift.operators.MixedTable;
import io.blueshift.operators.OperatorTestBase;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.plan.Exprs;
import io.blueshift.operators.plan.PlanBuilder;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.operators.plan.QueryExecutor;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** VALUES over every type with NULLs, UNION ALL of scans and constants, and both feeding joins. */
class UnionAllAndValuesTest extends OperatorTestBase {
    static final Schema SCHEMA = Schema.of(Field.of("i", DataType.INT32), Field.of("l", DataType.INT64),
            Field.of("d", DataType.DATE), Field.of("dec", DataType.decimal(12, 2)), Field.of("f", DataType.FLOAT64),
            Field.of("s", DataType.VARCHAR), Field.of("b", DataType.BOOLEAN));

    private static List<Object> row(Object... v) {
        return Arrays.asList(v);
    }

    @Test
    void valuesOfEveryTypeWithNulls() {
        List<List<Object>> rows = List.of(
                row(1L, 2L, 9000L, 12345L, 1.5, "short", true),
                row(null, null, null, null, null, null, null),
                row(-7L, Long.MAX_VALUE, 0L, -1L, -0.25, "a string well over twelve bytes", false));
        List<List<Object>> out = run(new PlanNode.Values(SCHEMA, rows), ctx(2));
        assertEquals(List.of(
                row(1, 2L, LocalDate.ofEpochDay(9000), new BigDecimal("123.45"), 1.5, "short", true),
                row(null, null, null, null, null, null, null),
                row(-7, Long.MAX_VALUE, LocalDate.ofEpochDay(0), new BigDecimal("-0.01"), -0.25, "a string well over twelve bytes", false)),
                out);
    }

    @Test
    void valuesWithNoRowsAndManyRows() {
        assertEquals(List.of(), run(new PlanNode.Values(SCHEMA, List.of()), ctx(1)));
        Schema one = Schema.of(Field.of("n", DataType.INT64));
        List<List<Object>> rows = new ArrayList<>();
        for (long i = 0; i < 1000; i++) rows.add(row(i));
        try (MaterializedResult r = new QueryExecutor(ctx(4)).execute(new PlanNode.Values(one, rows))) {
            assertEquals(1000, r.rowCount());
            r.batches().forEach(b -> assertTrue(b.liveCount() <= BATCH_ROWS));
        }
        assertThrows(IllegalArgumentException.class, () -> run(new PlanNode.Values(one, List.of(row(1L, 2L))), ctx(1)));
    }

    @Test
    void unionAllOfScansAndValues() {
        MixedTable t = MixedTable.create(pool, 500, 64, 3);
        try {
            PlanNode low = PlanBuilder.scan(t.table(), "id", "s").filter(b -> b.lt(b.col("id"), Exprs.bigint(100))).build();
            PlanNode high = PlanBuilder.scan(t.table(), "id", "s").filter(b -> b.ge(b.col("id"), Exprs.bigint(450))).build();
            PlanNode consts = new PlanNode.Values(low.schema(), List.of(row(-1L, null), row(-2L, "a string well over twelve bytes")));
            PlanNode union = new PlanNode.UnionAll(List.of(low, high, consts, low));
            List<List<Object>> expected = new ArrayList<>();
            for (Object[] r : t.rows()) if ((Long) r[0] < 100) expected.add(row(r[0], r[MixedTable.STR]));
            for (Object[] r : t.rows()) if ((Long) r[0] >= 450) expected.add(row(r[0], r[MixedTable.STR]));
            expected.add(row(-1L, null));
            expected.add(row(-2L, "a string well over twelve bytes"));
            for (Object[] r : t.rows()) if ((Long) r[0] < 100) expected.add(row(r[0], r[MixedTable.STR]));
            for (int threads : new int[] {1, 2, 4}) {
                assertEquals(sorted(expected), sorted(run(union, ctx(threads))));
                // the union feeding a join's probe side, VALUES its build side
                PlanNode keys = new PlanNode.Values(Schema.of(Field.of("k", DataType.INT64)), List.of(row(-2L), row(5L), row(460L), row(1000L)));
                PlanNode semi = new PlanNode.HashJoin(union, keys, new int[] {0}, new int[] {0}, PlanNode.JoinType.SEMI, null);
                assertEquals(List.of(-2L, 5L, 5L, 460L), ids(run(semi, ctx(threads))));
            }
            PlanNode wrongTypes = new PlanNode.UnionAll(List.of(low, PlanBuilder.scan(t.table(), "id", "i32").build()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(wrongTypes, ctx(1)));
            assertTrue(e.getMessage().contains("UNION ALL column 2"), e.getMessage());
        } finally {
            t.table().close();
        }
    }
}
