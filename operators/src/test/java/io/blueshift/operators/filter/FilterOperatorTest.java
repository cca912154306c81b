package io.blueshift.operators.filter;

import io.blueshift.kernels.CompareOp;
import io.blueshift.memory.DataType;
import io.blueshift.operators.MixedTable;
import io.blueshift.operators.OperatorTestBase;
import io.blueshift.operators.expr.Expr;
import io.blueshift.operators.plan.Exprs;
import io.blueshift.operators.plan.PlanBuilder;
import io.blueshift.operators.plan.PlanNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static io.blueshift.operators.MixedTable.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Filters over every comparable type, with NULLs, checked against three-valued logic
 * evaluated naively over the same rows: NULL never passes, and neither does NOT of a
 * comparison with NULL.
 */
class FilterOperatorTest extends OperatorTestBase {
    private MixedTable mixed;

    @BeforeEach
    void createTable() {
        mixed = MixedTable.create(pool, 1000, 64, 42);
    }

    @AfterEach
    void dropTable() {
        mixed.table().close();
    }

    /** A three-valued predicate over a row: TRUE, FALSE or null for UNKNOWN. */
    interface Tri extends Function<Object[], Boolean> {}

    private static final String[] NAMES = {"id", "i32", "i64", "d", "dec", "f", "s", "sorted"};

    /** The value of the literal for each column's tests: a value present in the data. */
    private Object sample(int column) {
        for (int i = mixed.rows().size() / 2; ; i++) {
            Object v = mixed.rows().get(i)[column];
            if (v != null) {
                return v;
            }
        }
    }

    static Expr.Literal literal(Object v) {
        return switch (v) {
            case Integer i -> Exprs.integer(i);
            case Long l -> Exprs.bigint(l);
            case LocalDate d -> Exprs.date(d);
            case BigDecimal d -> Exprs.decimal(d.toPlainString());
            case Double d -> Exprs.float64(d);
            case String s -> Exprs.string(s);
            default -> throw new IllegalArgumentException(v.toString());
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return decimal(x).compareTo(decimal(y));
        }
        return ((Comparable) a).compareTo(b);
    }

    private static BigDecimal decimal(Number n) {
        return n instanceof BigDecimal d ? d : n instanceof Double d ? new BigDecimal(d) : BigDecimal.valueOf(n.longValue());
    }

    static Tri cmp(CompareOp op, int column, Object value) {
        return r -> r[column] == null || value == null ? null : op.test(compare(r[column], value));
    }

    static Tri not(Tri t) {
        return r -> { Boolean v = t.apply(r); return v == null ? null : !v; };
    }

    static Tri and(Tri a, Tri b) {
        return r -> {
            Boolean x = a.apply(r), y = b.apply(r);
            if (Boolean.FALSE.equals(x) || Boolean.FALSE.equals(y)) return false;
            return x == null || y == null ? null : true;
        };
    }

    static Tri or(Tri a, Tri b) {
        return r -> {
            Boolean x = a.apply(r), y = b.apply(r);
            if (Boolean.TRUE.equals(x) || Boolean.TRUE.equals(y)) return true;
            return x == null || y == null ? null : false;
        };
    }

    private List<Long> expected(Tri t) {
        List<Long> out = new ArrayList<>();
        for (Object[] r : mixed.rows()) {
            if (Boolean.TRUE.equals(t.apply(r))) {
                out.add((Long) r[ID]);
            }
        }
        return out;
    }

    private List<Long> actual(PlanBuilder.ExprFn predicate, int threads) {
        PlanNode plan = PlanBuilder.scan(mixed.table(), "id", "i32", "i64", "d", "dec", "f", "s").filter(predicate).build();
        return ids(run(plan, ctx(threads)));
    }

    private void check(String what, Tri expected, PlanBuilder.ExprFn predicate) {
        List<Long> want = expected(expected);
        assertEquals(want, actual(predicate, 1), what);
        assertEquals(want, actual(predicate, 3), what + " (3 threads)");
    }

    @ParameterizedTest
    @ValueSource(ints = {I32, I64, DATE, DEC, F64, STR})
    void everyCompareOpOnEveryType(int column) {
        Object value = sample(column);
        String name = NAMES[column];
        for (CompareOp op : CompareOp.values()) {
            String what = name + " " + op.symbol() + " " + value;
            check(what, cmp(op, column, value),
                    b -> new Expr.Comparison(op, b.col(name), literal(value)));
            check("literal first: " + what, cmp(op, column, value),
                    b -> new Expr.Comparison(op.flip(), literal(value), b.col(name)));
            check("NOT " + what, not(cmp(op, column, value)),
                    b -> b.not(new Expr.Comparison(op, b.col(name), literal(value))));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {I32, I64, DATE, DEC, F64, STR})
    void comparisonWithNullLiteralPassesNothing(int column) {
        String name = NAMES[column];
        DataType type = SCHEMA.type(column);
        for (CompareOp op : CompareOp.values()) {
            assertEquals(List.of(), actual(b -> new Expr.Comparison(op, b.col(name), Exprs.nullOf(type)), 1), name + " " + op);
            assertEquals(List.of(), actual(b -> b.not(new Expr.Comparison(op, b.col(name), Exprs.nullOf(type))), 1),
                    "NOT " + name + " " + op);
        }
    }

    @Test
    void decimalLiteralWithMoreDigitsThanTheColumnRoundsByOperator() {
        for (String lit : List.of("0.065", "-0.065", "0.07", "0.070", "0.0650", "0.2", "5", "-0.205", "0.201", "123456789.125")) {
            BigDecimal v = new BigDecimal(lit);
            for (CompareOp op : CompareOp.values()) {
                String what = "dec " + op.symbol() + " " + lit;
                check(what, cmp(op, DEC, v), b -> new Expr.Comparison(op, b.col("dec"), Exprs.decimal(lit)));
                check("NOT " + what, not(cmp(op, DEC, v)), b -> b.not(new Expr.Comparison(op, b.col("dec"), Exprs.decimal(lit))));
            }
        }
    }

    @Test
    void integerColumnAgainstFractionalDecimalLiteral() {
        for (String lit : List.of("6.5", "-6.5", "7.0", "0.001", "-50.5")) {
            BigDecimal v = new BigDecimal(lit);
            for (CompareOp op : CompareOp.values()) {
                check("i32 " + op.symbol() + " " + lit, cmp(op, I32, v), b -> new Expr.Comparison(op, b.col("i32"), Exprs.decimal(lit)));
                check("i64 " + op.symbol() + " " + lit, cmp(op, I64, v), b -> new Expr.Comparison(op, b.col("i64"), Exprs.decimal(lit)));
            }
        }
    }

    @Test
    void floatColumnAgainstDecimalAndIntegerLiterals() {
        for (CompareOp op : CompareOp.values()) {
            check("f " + op.symbol() + " 2.25", cmp(op, F64, new BigDecimal("2.25")), b -> new Expr.Comparison(op, b.col("f"), Exprs.decimal("2.25")));
            check("f " + op.symbol() + " 3", cmp(op, F64, 3), b -> new Expr.Comparison(op, b.col("f"), Exprs.integer(3)));
        }
    }

    @Test
    void columnAgainstColumn() {
        for (CompareOp op : CompareOp.values()) {
            Tri i32VsDec = r -> r[I32] == null || r[DEC] == null ? null : op.test(compare(r[I32], r[DEC]));
            check("i32 " + op.symbol() + " dec", i32VsDec, b -> new Expr.Comparison(op, b.col("i32"), b.col("dec")));
            Tri i32VsId = r -> r[I32] == null ? null : op.test(compare(r[I32], r[ID]));
            check("i32 " + op.symbol() + " id", i32VsId, b -> new Expr.Comparison(op, b.col("i32"), b.col("id")));
        }
    }

    @Test
    void between() {
        Tri i32 = r -> r[I32] == null ? null : (Integer) r[I32] >= -10 && (Integer) r[I32] <= 10;
        check("i32 BETWEEN -10 AND 10", i32, b -> b.between(b.col("i32"), Exprs.integer(-10), Exprs.integer(10)));
        check("NOT i32 BETWEEN -10 AND 10", not(i32), b -> b.not(b.between(b.col("i32"), Exprs.integer(-10), Exprs.integer(10))));

        Tri dec = and(cmp(CompareOp.GE, DEC, new BigDecimal("0.055")), cmp(CompareOp.LE, DEC, new BigDecimal("0.105")));
        check("dec BETWEEN 0.055 AND 0.105", dec, b -> b.between(b.col("dec"), Exprs.decimal("0.055"), Exprs.decimal("0.105")));
        check("NOT dec BETWEEN 0.055 AND 0.105", not(dec), b -> b.not(b.between(b.col("dec"), Exprs.decimal("0.055"), Exprs.decimal("0.105"))));

        LocalDate lo = LocalDate.of(1995, 3, 1), hi = LocalDate.of(1995, 6, 30);
        Tri d = and(cmp(CompareOp.GE, DATE, lo), cmp(CompareOp.LE, DATE, hi));
        check("d BETWEEN", d, b -> b.between(b.col("d"), Exprs.date(lo), Exprs.date(hi)));

        Tri f = and(cmp(CompareOp.GE, F64, -1.5), cmp(CompareOp.LE, F64, 2.25));
        check("f BETWEEN", f, b -> b.between(b.col("f"), Exprs.float64(-1.5), Exprs.float64(2.25)));

        check("empty range", r -> r[I32] == null ? null : false, b -> b.between(b.col("i32"), Exprs.integer(10), Exprs.integer(-10)));
    }

    @Test
    void andOrNotFollowThreeValuedLogic() {
        Tri pos = cmp(CompareOp.GT, I32, 0);
        Tri neg = cmp(CompareOp.LT, DEC, BigDecimal.ZERO);
        Tri isA = cmp(CompareOp.EQ, STR, "a");
        Tri early = cmp(CompareOp.LT, DATE, LocalDate.of(1995, 6, 1));
        check("i32 > 0 OR dec < 0", or(pos, neg),
                b -> b.or(b.gt(b.col("i32"), Exprs.integer(0)), b.lt(b.col("dec"), Exprs.decimal("0"))));
        check("NOT (i32 > 0 OR dec < 0)", not(or(pos, neg)),
                b -> b.not(b.or(b.gt(b.col("i32"), Exprs.integer(0)), b.lt(b.col("dec"), Exprs.decimal("0")))));
        check("NOT (i32 > 0 AND dec < 0)", not(and(pos, neg)),
                b -> b.not(b.and(b.gt(b.col("i32"), Exprs.integer(0)), b.lt(b.col("dec"), Exprs.decimal("0")))));
        check("(i32 > 0 OR dec < 0) AND NOT s = 'a' AND d < 1995-06-01", and(and(or(pos, neg), not(isA)), early),
                b -> b.and(b.or(b.gt(b.col("i32"), Exprs.integer(0)), b.lt(b.col("dec"), Exprs.decimal("0"))),
                        b.not(b.eq(b.col("s"), Exprs.string("a"))),
                        b.lt(b.col("d"), Exprs.date("1995-06-01"))));
        check("NOT NOT i32 > 0", pos, b -> b.not(b.not(b.gt(b.col("i32"), Exprs.integer(0)))));
        check("s = 'a' OR s = 'b' OR f > 10", or(or(isA, cmp(CompareOp.EQ, STR, "b")), cmp(CompareOp.GT, F64, 10.0)),
                b -> b.or(b.eq(b.col("s"), Exprs.string("a")), b.eq(b.col("s"), Exprs.string("b")), b.gt(b.col("f"), Exprs.float64(10))));
    }

    @ParameterizedTest
    @ValueSource(ints = {I32, I64, DATE, DEC, F64, STR})
    void isNullAndIsNotNull(int column) {
        String name = NAMES[column];
        Tri isNull = r -> r[column] == null;
        check(name + " IS NULL", isNull, b -> b.isNull(b.col(name)));
        check(name + " IS NOT NULL", not(isNull), b -> b.isNotNull(b.col(name)));
        check("NOT " + name + " IS NULL", not(isNull), b -> b.not(b.isNull(b.col(name))));
        assertFalse(expected(isNull).isEmpty(), "the fixture has NULLs in " + name);
    }

    @Test
    void longStringsSharingATwelveBytePrefix() {
        String s = "a string well over twelve bytes #1";
        for (CompareOp op : CompareOp.values()) {
            check("s " + op.symbol() + " '" + s + "'", cmp(op, STR, s), b -> new Expr.Comparison(op, b.col("s"), Exprs.string(s)));
        }
        String prefix = "twelve bytes";
        check("s > 'twelve bytes'", cmp(CompareOp.GT, STR, prefix), b -> b.gt(b.col("s"), Exprs.string(prefix)));
    }
}
