package io.blueshift.operators.plan;

import io.blueshift.operators.MixedTable;
import io.blueshift.operators.OperatorTestBase;
import io.blueshift.operators.exec.CollectSink;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.exec.Pipeline;
import io.blueshift.operators.exec.PipelineExecutor;
import io.blueshift.operators.filter.FilterOperator;
import io.blueshift.operators.scan.ScanPredicate;
import io.blueshift.operators.scan.TableScan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A filter over a sorted column lets the scan skip blocks by their zone maps; the rows must be
 * the same as scanning every block. {@code sorted} is id / 10, 64 rows a block, 16 blocks.
 */
class ZoneMapSkippingTest extends OperatorTestBase {
    private MixedTable mixed;

    @BeforeEach
    void createTable() {
        mixed = MixedTable.create(pool, 1000, 64, 7);
    }

    @AfterEach
    void dropTable() {
        mixed.table().close();
    }

    private record Outcome(List<Long> ids, long skipped) {}

    private Outcome scan(PlanNode.Filter filter, boolean skip, int threads) {
        PlanNode.Scan s = (PlanNode.Scan) filter.input();
        List<ScanPredicate> preds = skip ? QueryExecutor.zoneMapPredicates(filter.predicate(), s) : List.of();
        TableScan scan = new TableScan(s.table(), s.columns(), preds);
        List<io.blueshift.operators.exec.Operator> ops = new ArrayList<>(List.of(new FilterOperator(filter.schema(), filter.predicate())));
        try (MaterializedResult r = PipelineExecutor.run(new Pipeline(scan, ops, new CollectSink(filter.schema())), ctx(threads))) {
            return new Outcome(ids(r.rows()), scan.blocksSkipped());
        }
    }

    private void check(String what, PlanBuilder.ExprFn predicate, IntPredicate onSorted, long minSkipped) {
        PlanNode.Filter filter = (PlanNode.Filter) PlanBuilder.scan(mixed.table(), "id", "sorted").filter(predicate).build();
        List<Long> expected = new ArrayList<>();
        for (Object[] r : mixed.rows()) {
            if (onSorted.test((Integer) r[MixedTable.SORTED])) {
                expected.add((Long) r[MixedTable.ID]);
            }
        }
        for (int threads : new int[] {1, 2}) {
            Outcome all = scan(filter, false, threads);
            Outcome skipping = scan(filter, true, threads);
            assertEquals(0, all.skipped(), what);
            assertEquals(expected, all.ids(), what + " without skipping");
            assertEquals(expected, skipping.ids(), what + " with skipping");
            assertTrue(skipping.skipped() >= minSkipped, what + ": skipped " + skipping.skipped() + ", expected at least " + minSkipped);
            assertEquals(expected, ids(run(filter, ctx(threads))), what + " through QueryExecutor");
        }
    }

    @Test
    void rangeOnSortedColumnSkipsBlocks() {
        check("sorted BETWEEN 20 AND 29", b -> b.between(b.col("sorted"), Exprs.integer(20), Exprs.integer(29)),
                v -> v >= 20 && v <= 29, 13);
        check("sorted < 5", b -> b.lt(b.col("sorted"), Exprs.integer(5)), v -> v < 5, 14);
        check("sorted >= 95", b -> b.ge(b.col("sorted"), Exprs.integer(95)), v -> v >= 95, 14);
        check("sorted = 50", b -> b.eq(b.col("sorted"), Exprs.integer(50)), v -> v == 50, 14);
        check("7 > sorted", b -> b.gt(Exprs.integer(7), b.col("sorted")), v -> v < 7, 14);
        check("sorted > 99 (nothing)", b -> b.gt(b.col("sorted"), Exprs.integer(99)), v -> false, 16);
        check("sorted >= 30 AND sorted < 40 AND id >= 0", b -> b.and(b.ge(b.col("sorted"), Exprs.integer(30)),
                b.lt(b.col("sorted"), Exprs.integer(40)), b.ge(b.col("id"), Exprs.bigint(0))), v -> v >= 30 && v < 40, 13);
    }

    @Test
    void fractionalDecimalBoundsRoundTheRightWay() {
        check("sorted < 20.5", b -> b.lt(b.col("sorted"), Exprs.decimal("20.5")), v -> v <= 20, 12);
        check("sorted >= 20.5", b -> b.ge(b.col("sorted"), Exprs.decimal("20.5")), v -> v >= 21, 3);
        check("sorted <= 6.9", b -> b.le(b.col("sorted"), Exprs.decimal("6.9")), v -> v <= 6, 14);
        check("sorted > 6.1", b -> b.gt(b.col("sorted"), Exprs.decimal("6.1")), v -> v >= 7, 1);
        check("sorted = 6.5 (nothing)", b -> b.eq(b.col("sorted"), Exprs.decimal("6.5")), v -> false, 0);
        check("sorted BETWEEN 9.5 AND 12.5", b -> b.between(b.col("sorted"), Exprs.decimal("9.5"), Exprs.decimal("12.5")),
                v -> v >= 10 && v <= 12, 14);
    }

    @Test
    void predicatesThatCannotSkipKeepEveryBlock() {
        check("sorted < 5 OR sorted > 95", b -> b.or(b.lt(b.col("sorted"), Exprs.integer(5)), b.gt(b.col("sorted"), Exprs.integer(95))),
                v -> v < 5 || v > 95, 0);
        check("sorted <> 50", b -> b.ne(b.col("sorted"), Exprs.integer(50)), v -> v != 50, 0);
        check("NOT sorted < 50", b -> b.not(b.lt(b.col("sorted"), Exprs.integer(50))), v -> v >= 50, 0);
    }
}
