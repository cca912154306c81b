package io.blueshift.operators.order;

import io.blueshift.operators.MixedTable;
import io.blueshift.operators.OperatorTestBase;
import io.blueshift.operators.plan.PlanBuilder;
import io.blueshift.operators.plan.PlanNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static io.blueshift.operators.MixedTable.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ORDER BY: ASC puts NULLs last, DESC first; ties keep input order; LIMIT keeps a prefix. */
class OrderByTest extends OperatorTestBase {
    private MixedTable mixed;

    @BeforeEach
    void createTable() {
        mixed = MixedTable.create(pool, 700, 64, 5);
    }

    @AfterEach
    void dropTable() {
        mixed.table().close();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Comparator<Object[]> by(int column, boolean ascending) {
        Comparator<Object> values = (a, b) -> ((Comparable) a).compareTo(b);
        Comparator<Object> c = ascending ? Comparator.nullsLast(values) : Comparator.nullsFirst(values.reversed());
        return (x, y) -> c.compare(x[column], y[column]);
    }

    private List<Long> expectedIds(Comparator<Object[]> order, long limit) {
        List<Object[]> rows = new ArrayList<>(mixed.rows());
        rows.sort(order); // stable, as the engine's sort must be
        return rows.stream().limit(limit).map(r -> (Long) r[ID]).toList();
    }

    private List<Long> actualIds(PlanNode plan, int threads) {
        return run(plan, ctx(threads)).stream().map(r -> (Long) r.get(0)).toList();
    }

    @Test
    void singleKeyAscendingAndDescendingAreStable() {
        String[] names = {"id", "i32", "i64", "d", "dec", "f", "s"};
        for (int c : new int[] {I32, I64, DATE, DEC, F64, STR}) {
            for (boolean asc : new boolean[] {true, false}) {
                String key = names[c] + (asc ? "" : " DESC");
                PlanNode plan = PlanBuilder.scan(mixed.table(), "id", names[c]).orderBy(key).build();
                // one thread keeps the scan in id order, so ties must come out by id
                assertEquals(expectedIds(by(c, asc), Long.MAX_VALUE), actualIds(plan, 1), "ORDER BY " + key);
            }
        }
    }

    @Test
    void severalKeysAndLimitGiveTheSameRowsOnAnyThreadCount() {
        PlanNode plan = PlanBuilder.scan(mixed.table(), "id", "s", "dec", "d").orderBy("s DESC", "dec", "d DESC", "id").build();
        List<Long> want = expectedIds(by(STR, false).thenComparing(by(DEC, true)).thenComparing(by(DATE, false))
                .thenComparing(by(ID, true)), Long.MAX_VALUE);
        for (int threads : new int[] {1, 2, 4}) {
            assertEquals(want, actualIds(plan, threads), threads + " threads");
        }
        PlanNode top = PlanBuilder.scan(mixed.table(), "id", "f", "i32").orderBy("f DESC", "i32", "id").limit(17).build();
        List<Long> topWant = expectedIds(by(F64, false).thenComparing(by(I32, true)).thenComparing(by(ID, true)), 17);
        for (int threads : new int[] {1, 3}) {
            assertEquals(topWant, actualIds(top, threads), "top 17 on " + threads + " threads");
        }
        PlanNode none = PlanBuilder.scan(mixed.table(), "id").orderBy("id").limit(0).build();
        assertEquals(List.of(), actualIds(none, 2));
    }

    @Test
    void limitWithoutOrderKeepsThatManyRows() {
        PlanNode plan = PlanBuilder.scan(mixed.table(), "id").limit(100).build();
        for (int threads : new int[] {1, 2}) {
            List<Long> got = actualIds(plan, threads);
            assertEquals(100, got.size());
            assertEquals(100, got.stream().distinct().count());
            assertTrue(got.stream().allMatch(id -> id >= 0 && id < 700));
        }
        assertEquals(700, actualIds(PlanBuilder.scan(mixed.table(), "id").limit(5000).build(), 2).size());
    }
}
