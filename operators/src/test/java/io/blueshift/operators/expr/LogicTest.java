package io.blueshift.operators.expr;

import io.blueshift.kernels.CompareOp;
import io.blueshift.kernels.KernelProvider;
import io.blueshift.memory.Batch;
import io.blueshift.memory.DataType;
import io.blueshift.operators.plan.Exprs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Boolean expressions as values (three-valued), IN lists with NULLs, and CASE. */
class LogicTest extends ExprTestBase {
    static List<KernelProvider> kernels() {
        return providers();
    }

    private static final Boolean[] TRI = {true, false, null};

    private static Boolean and(Boolean a, Boolean b) {
        if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) return false;
        if (a == null || b == null) return null;
        return true;
    }

    private static Boolean or(Boolean a, Boolean b) {
        if (Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b)) return true;
        if (a == null || b == null) return null;
        return false;
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void truthTables(KernelProvider k) {
        List<Object> as = new ArrayList<>();
        List<Object> bs = new ArrayList<>();
        for (Boolean a : TRI) for (Boolean b : TRI) { as.add(a); bs.add(b); }
        Batch batch = batch(column(DataType.BOOLEAN, as.toArray()), column(DataType.BOOLEAN, bs.toArray()));
        ExpressionEvaluator ev = evaluator(k);
        Expr a = col(0, DataType.BOOLEAN);
        Expr b = col(1, DataType.BOOLEAN);
        List<Object> wantAnd = new ArrayList<>(), wantOr = new ArrayList<>(), wantNot = new ArrayList<>(), wantNotAnd = new ArrayList<>();
        for (int i = 0; i < as.size(); i++) {
            Boolean x = (Boolean) as.get(i), y = (Boolean) bs.get(i);
            wantAnd.add(and(x, y));
            wantOr.add(or(x, y));
            wantNot.add(x == null ? null : !x);
            Boolean n = and(x, y);
            wantNotAnd.add(n == null ? null : !n);
        }
        assertEquals(wantAnd, values(ev, new Expr.And(List.of(a, b)), batch));
        assertEquals(wantOr, values(ev, new Expr.Or(List.of(a, b)), batch));
        assertEquals(wantNot, values(ev, new Expr.Not(a), batch));
        assertEquals(wantNotAnd, values(ev, new Expr.Not(new Expr.And(List.of(a, b))), batch));
        // comparisons with NULL are NULL, and so is anything built on them
        Expr cmp = new Expr.Comparison(CompareOp.EQ, a, new Expr.Literal(true, DataType.BOOLEAN));
        assertEquals(as, values(ev, cmp, batch));
        List<Object> isNull = as.stream().map(x -> (Object) (x == null)).toList();
        assertEquals(isNull, values(ev, new Expr.IsNull(a, false), batch));
        assertEquals(as.stream().map(x -> (Object) (x != null)).toList(), values(ev, new Expr.IsNull(a, true), batch));
        // a boolean value as a filter: TRUE only
        assertEquals(List.of(0, 1, 2), selected(ev, a, batch));
        assertEquals(List.of(3, 4, 5), selected(ev, new Expr.Not(a), batch));
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void comparisonsAndBetweenAsValues(KernelProvider k) {
        Batch b = batch(column(DataType.INT32, 1, 5, null, 10), column(DataType.decimal(5, 2), "1.00", "4.99", "3.00", null));
        ExpressionEvaluator ev = evaluator(k);
        Expr x = col(0, DataType.INT32);
        Expr d = col(1, DataType.decimal(5, 2));
        assertEquals(list(false, true, null, true), values(ev, new Expr.Comparison(CompareOp.GT, x, Exprs.integer(3)), b));
        assertEquals(list(true, false, null, false), values(ev, new Expr.Between(x, Exprs.integer(0), Exprs.decimal("4.5")), b));
        assertEquals(list(false, true, null, null), values(ev, new Expr.Comparison(CompareOp.GT, x, d), b));
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void inLists(KernelProvider k) {
        Batch b = batch(column(DataType.INT32, 1, 2, 3, null),
                column(DataType.VARCHAR, "MAIL", "SHIP", "a long string over 12", null),
                column(DataType.decimal(6, 2), "1.00", "1.50", "7.25", null),
                column(DataType.FLOAT64, 1.0, 2.5, -0.0, null),
                column(DataType.DATE, "1995-01-01", "1996-02-29", "1997-03-01", null));
        ExpressionEvaluator ev = evaluator(k);
        Expr i = col(0, DataType.INT32);
        Expr nul = Exprs.nullOf(DataType.INT32);
        assertEquals(list(true, false, true, null), values(ev, new Expr.InList(i, List.of(Exprs.integer(1), Exprs.integer(3)), false), b));
        assertEquals(list(false, true, false, null), values(ev, new Expr.InList(i, List.of(Exprs.integer(1), Exprs.integer(3)), true), b));
        // x IN (1, NULL): TRUE when x = 1, else NULL; NOT IN is then never TRUE
        assertEquals(list(true, null, null, null), values(ev, new Expr.InList(i, List.of(Exprs.integer(1), (Expr.Literal) nul), false), b));
        assertEquals(list(false, null, null, null), values(ev, new Expr.InList(i, List.of(Exprs.integer(1), (Expr.Literal) nul), true), b));
        assertEquals(List.of(), selected(ev, new Expr.InList(i, List.of(Exprs.integer(5), (Expr.Literal) nul), true), b));
        assertEquals(List.of(0, 2), selected(ev, new Expr.InList(i, List.of(Exprs.bigint(1), Exprs.decimal("3.0"), Exprs.decimal("2.5")), false), b));
        Expr s = col(1, DataType.VARCHAR);
        assertEquals(list(true, false, true, null), values(ev, new Expr.InList(s, List.of(Exprs.string("MAIL"), Exprs.string("a long string over 12"), Exprs.string("MAI")), false), b));
        Expr d = col(2, DataType.decimal(6, 2));
        assertEquals(list(true, true, false, null), values(ev, new Expr.InList(d, List.of(Exprs.integer(1), Exprs.decimal("1.5"), Exprs.decimal("7.251")), false), b));
        Expr f = col(3, DataType.FLOAT64);
        assertEquals(list(false, true, true, null), values(ev, new Expr.InList(f, List.of(Exprs.float64(2.5), Exprs.integer(0)), false), b));
        Expr dt = col(4, DataType.DATE);
        assertEquals(list(false, true, false, null), values(ev, new Expr.InList(dt, List.of(Exprs.date("1996-02-29")), false), b));
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void caseWhen(KernelProvider k) {
        Batch b = batch(column(DataType.INT32, 1, 0, null, 4, -2),
                column(DataType.VARCHAR, "short", "a string longer than twelve", null, "x", "y"));
        ExpressionEvaluator ev = evaluator(k);
        Expr x = col(0, DataType.INT32);
        Expr s = col(1, DataType.VARCHAR);
        // NULL condition falls through to the next WHEN / ELSE
        Expr c = new Expr.Case(List.of(new Expr.Comparison(CompareOp.GT, x, Exprs.integer(0)), new Expr.IsNull(x, false)),
                List.of(s, Exprs.string("was null, and this is long")), Exprs.string("other"), DataType.VARCHAR);
        assertEquals(list("short", "other", "was null, and this is long", "x", "other"), values(ev, c, b));
        // missing ELSE is NULL; THEN with a different type is cast to the CASE's type
        Expr d = new Expr.Case(List.of(new Expr.Comparison(CompareOp.LT, x, Exprs.integer(2))), List.of(x),
                Exprs.nullOf(DataType.INT32), DataType.decimal(12, 2));
        assertEquals(list(new BigDecimal("1.00"), new BigDecimal("0.00"), null, null, new BigDecimal("-2.00")), values(ev, d, b));
        // a guarded division: the THEN runs only where x <> 0
        Expr g = new Expr.Case(List.of(new Expr.Comparison(CompareOp.NE, x, Exprs.integer(0))),
                List.of(new Expr.Arithmetic(Expr.ArithmeticOp.DIVIDE, Exprs.integer(8), x, DataType.FLOAT64)),
                Exprs.float64(-1), DataType.FLOAT64);
        assertEquals(list(8.0, -1.0, -1.0, 2.0, -4.0), values(ev, g, b));
        // a boolean CASE as a filter and under NOT
        Expr bc = new Expr.Case(List.of(new Expr.IsNull(x, false)), List.of(Exprs.nullOf(DataType.BOOLEAN)),
                new Expr.Comparison(CompareOp.GT, x, Exprs.integer(0)), DataType.BOOLEAN);
        assertEquals(list(true, false, null, true, false), values(ev, bc, b));
        assertEquals(List.of(0, 3), selected(ev, bc, b));
        assertEquals(List.of(1, 4), selected(ev, new Expr.Not(bc), b));
        assertEquals(List.of(0, 1, 3, 4), selected(ev, new Expr.Or(List.of(bc, new Expr.Not(bc))), b));
        // over a selection: only the live rows
        Batch sel = b.withSelection(selection(1, 3));
        assertEquals(list("other", "x"), values(ev, c, sel));
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void andGuardsLaterTerms(KernelProvider k) {
        Batch b = batch(column(DataType.INT64, Long.MAX_VALUE, 3, 0));
        ExpressionEvaluator ev = evaluator(k);
        Expr x = col(0, DataType.INT64);
        Expr guard = new Expr.Comparison(CompareOp.LT, x, Exprs.bigint(100));
        Expr product = new Expr.Comparison(CompareOp.GT, new Expr.Arithmetic(Expr.ArithmeticOp.MULTIPLY, x, Exprs.bigint(2), DataType.INT64), Exprs.bigint(1));
        assertEquals(List.of(1), selected(ev, new Expr.And(List.of(guard, product)), b));
    }
}
