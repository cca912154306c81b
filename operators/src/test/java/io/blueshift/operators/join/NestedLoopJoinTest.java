package io.blueshift.operators.join;

import io.blueshift.operators.MixedTable;
import io.blueshift.operators.OperatorTestBase;
import io.blueshift.operators.expr.Expr;
import io.blueshift.operators.plan.Exprs;
import io.blueshift.operators.plan.PlanBuilder;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.operators.plan.PlanNode.JoinType;
import io.blueshift.storage.InMemoryTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Nested-loop joins (INNER, LEFT, SINGLE) against small right sides, checked by nested loops. */
class NestedLoopJoinTest extends OperatorTestBase {
    private List<Object[]> leftRows;
    private List<Object[]> rightRows;
    private InMemoryTable left;
    private InMemoryTable right;

    @BeforeEach
    void createTables() {
        Random rnd = new Random(11);
        leftRows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            leftRows.add(new Object[] {(long) i, rnd.nextInt(10) == 0 ? null : rnd.nextInt(40), "a string well over twelve bytes #" + (i % 7),
                    rnd.nextInt(10) == 0 ? null : (long) rnd.nextInt(100), LocalDate.of(1996, 1, 1).plusDays(i % 30)});
        }
        rightRows = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rightRows.add(new Object[] {(long) i, i, "s" + i, i == 3 ? null : (long) (i * 20), BigDecimal.valueOf(i, 2)});
        }
        left = MixedTable.build(pool, "left", HashJoinTest.PROBE, leftRows, 64);
        right = MixedTable.build(pool, "right", HashJoinTest.BUILD, rightRows, 64);
    }

    @AfterEach
    void dropTables() {
        left.close();
        right.close();
    }

    private PlanNode rightWhereIdBelow(long n) {
        return PlanBuilder.scan(right).filter(b -> b.lt(b.col("bid"), Exprs.bigint(n))).build();
    }

    private void check(PlanNode r, List<Object[]> rRows, JoinType type, Expr condition, NaiveJoin.Residual naive) {
        List<List<Object>> expected = NaiveJoin.join(leftRows, rRows, new int[0], new int[0], type, naive, HashJoinTest.BUILD.size());
        for (int threads : new int[] {1, 2, 4}) {
            PlanNode plan = new PlanNode.NestedLoopJoin(PlanBuilder.scan(left).build(), r, condition, type);
            assertEquals(HashJoinTest.canonical(expected), HashJoinTest.canonical(run(plan, ctx(threads))),
                    type + " " + condition + " on " + threads + " threads");
        }
    }

    @Test
    void innerAndLeftWithAndWithoutCondition() {
        for (JoinType type : List.of(JoinType.INNER, JoinType.LEFT)) {
            check(rightWhereIdBelow(6), rightRows, type, null, null);
            check(rightWhereIdBelow(6), rightRows, type, HashJoinTest.lessResidual(), HashJoinTest::less);
            check(rightWhereIdBelow(6), rightRows, type, HashJoinTest.orResidual(), HashJoinTest::lessOrNull);
            check(rightWhereIdBelow(0), List.of(), type, HashJoinTest.lessResidual(), HashJoinTest::less);
        }
    }

    @Test
    void singleRowSubquery() {
        check(rightWhereIdBelow(1), rightRows.subList(0, 1), JoinType.SINGLE, null, null);
        check(rightWhereIdBelow(0), List.of(), JoinType.SINGLE, null, null);
        // several rows, but at most one passes the condition for each left row
        Expr oneOf = new Expr.Comparison(io.blueshift.kernels.CompareOp.EQ,
                new Expr.ColumnRef(1, io.blueshift.memory.DataType.INT32, "pk"),
                new Expr.ColumnRef(HashJoinTest.PROBE_WIDTH + 1, io.blueshift.memory.DataType.INT32, "bk"));
        check(rightWhereIdBelow(6), rightRows, JoinType.SINGLE, oneOf,
                (p, b) -> p[1] == null ? null : p[1].equals(b[1]));
    }

    @Test
    void singleWithTwoRowsFails() {
        PlanNode plan = new PlanNode.NestedLoopJoin(PlanBuilder.scan(left).build(), rightWhereIdBelow(2), null, JoinType.SINGLE);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> run(plan, ctx(1)));
        assertEquals("more than one row returned by a subquery used as an expression", e.getMessage());
    }
}
