package io.blueshift.operators.projection;

import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.Schema;
import io.blueshift.operators.OperatorTestBase;
import io.blueshift.operators.plan.Exprs;
import io.blueshift.operators.plan.PlanBuilder;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.storage.InMemoryTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static io.blueshift.operators.MixedTable.build;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Projection arithmetic: exact DECIMAL results at the scale the type rules give, overflow as errors. */
class ProjectArithmeticTest extends OperatorTestBase {
    private static final Schema SCHEMA = Schema.of(
            Field.of("id", DataType.INT64),
            Field.of("price", DataType.decimal(15, 2)),
            Field.of("discount", DataType.decimal(15, 2)),
            Field.of("tax", DataType.decimal(15, 2)),
            Field.of("qty", DataType.INT32),
            Field.of("big", DataType.INT64));

    private InMemoryTable table;
    private final List<Object[]> rows = new ArrayList<>();

    @BeforeEach
    void createTable() {
        Random rnd = new Random(11);
        for (int i = 0; i < 700; i++) {
            rows.add(new Object[] {
                    (long) i,
                    BigDecimal.valueOf(rnd.nextLong(10_000_000_00L), 2),
                    rnd.nextInt(8) == 0 ? null : BigDecimal.valueOf(rnd.nextInt(11), 2),
                    BigDecimal.valueOf(rnd.nextInt(9), 2),
                    rnd.nextInt(8) == 0 ? null : rnd.nextInt(50) + 1,
                    i < 500 ? (long) i : Long.MAX_VALUE / 2 + i});
        }
        table = build(pool, "items", SCHEMA, rows, 64);
    }

    @AfterEach
    void dropTable() {
        table.close();
    }

    private void check(String what, PlanBuilder.ExprFn expr, DataType type, Function<Object[], Object> expected) {
        PlanNode plan = PlanBuilder.scan(table).project(List.of("id", "v"), List.of(b -> b.col("id"), expr)).build();
        assertEquals(type, plan.schema().type(1), what + " type");
        for (int threads : new int[] {1, 2}) {
            List<List<Object>> got = sorted(run(plan, ctx(threads)));
            assertEquals(rows.size(), got.size());
            for (List<Object> row : got) {
                Object[] r = rows.get((int) (long) (Long) row.get(0));
                assertEquals(expected.apply(r), row.get(1), what + " at id " + row.get(0));
            }
        }
    }

    private static BigDecimal dec(Object o) { return (BigDecimal) o; }

    @Test
    void priceTimesOneMinusDiscountIsExact() {
        check("price * (1 - discount)", b -> b.mul(b.col("price"), b.sub(Exprs.integer(1), b.col("discount"))),
                DataType.decimal(18, 4),
                r -> r[2] == null ? null : dec(r[1]).multiply(BigDecimal.ONE.subtract(dec(r[2]))).setScale(4));
        check("price * (1 - discount) * (1 + tax)",
                b -> b.mul(b.mul(b.col("price"), b.sub(Exprs.integer(1), b.col("discount"))), b.add(Exprs.integer(1), b.col("tax"))),
                DataType.decimal(18, 6),
                r -> r[2] == null ? null : dec(r[1]).multiply(BigDecimal.ONE.subtract(dec(r[2])))
                        .multiply(BigDecimal.ONE.add(dec(r[3]))).setScale(6));
    }

    /** {@code +,-} take the larger scale and one more integer digit than the wider operand. */
    @Test
    void additionAlignsScales() {
        check("price + qty", b -> b.add(b.col("price"), b.col("qty")), DataType.decimal(16, 2),
                r -> r[4] == null ? null : dec(r[1]).add(BigDecimal.valueOf((Integer) r[4])).setScale(2));
        check("qty - price", b -> b.sub(b.col("qty"), b.col("price")), DataType.decimal(16, 2),
                r -> r[4] == null ? null : BigDecimal.valueOf((Integer) r[4]).subtract(dec(r[1])).setScale(2));
        check("price - 0.125", b -> b.sub(b.col("price"), Exprs.decimal("0.125")), DataType.decimal(17, 3),
                r -> dec(r[1]).subtract(new BigDecimal("0.125")));
        check("0.5 - discount", b -> b.sub(Exprs.decimal("0.5"), b.col("discount")), DataType.decimal(16, 2),
                r -> r[2] == null ? null : new BigDecimal("0.50").subtract(dec(r[2])));
        check("qty * 3", b -> b.mul(b.col("qty"), Exprs.integer(3)), DataType.INT64,
                r -> r[4] == null ? null : (long) (Integer) r[4] * 3);
        check("discount * 100", b -> b.mul(b.col("discount"), Exprs.integer(100)), DataType.decimal(18, 2),
                r -> r[2] == null ? null : dec(r[2]).multiply(BigDecimal.valueOf(100)));
    }

    @Test
    void divisionGivesFloat64() {
        PlanNode plan = PlanBuilder.scan(table).project(List.of("id", "v"),
                List.of(b -> b.col("id"), b -> b.div(b.col("price"), b.col("qty")))).build();
        assertEquals(DataType.FLOAT64, plan.schema().type(1));
        for (List<Object> row : run(plan)) {
            Object[] r = rows.get((int) (long) (Long) row.get(0));
            if (r[4] == null) {
                assertEquals(null, row.get(1));
            } else {
                double want = dec(r[1]).doubleValue() / (Integer) r[4];
                assertEquals(want, (Double) row.get(1), Math.abs(want) * 1e-12, "at id " + row.get(0));
            }
        }
    }

    @Test
    void int64OverflowNamesTheExpression() {
        PlanNode square = PlanBuilder.scan(table).project(List.of("v"), List.of(b -> b.mul(b.col("big"), b.col("big")))).build();
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> run(square));
        assertTrue(e.getMessage().contains("big * big"), e.getMessage());

        PlanNode plus = PlanBuilder.scan(table).project(List.of("v"),
                List.of(b -> b.add(b.col("big"), Exprs.bigint(Long.MAX_VALUE)))).build();
        ArithmeticException e2 = assertThrows(ArithmeticException.class, () -> run(plus, ctx(2)));
        assertTrue(e2.getMessage().contains("big + " + Long.MAX_VALUE), e2.getMessage());
    }

    @Test
    void rowsTheFilterDroppedCannotOverflow() {
        PlanNode plan = PlanBuilder.scan(table, "id", "big")
                .filter(b -> b.lt(b.col("big"), Exprs.bigint(1000)))
                .project(List.of("id", "v"), List.of(b -> b.col("id"), b -> b.mul(b.col("big"), b.col("big"))))
                .build();
        List<List<Object>> got = sorted(run(plan, ctx(2)));
        assertEquals(500, got.size());
        for (List<Object> row : got) {
            long id = (Long) row.get(0);
            assertEquals(id * id, row.get(1));
        }
    }
}
