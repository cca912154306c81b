package io.blueshift.operators.expr;

import io.blueshift.kernels.KernelProvider;
import io.blueshift.memory.Batch;
import io.blueshift.memory.DataType;
import io.blueshift.operators.plan.Exprs;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scalar functions and casts, with NULLs and edge cases; expected values as DuckDB 2.0 gives them. */
class FunctionsTest extends ExprTestBase {
    private ExpressionEvaluator ev() {
        return evaluator(providers().getLast());
    }

    private static Expr call(Expr.Function f, DataType type, Expr... args) {
        return new Expr.Call(f, List.of(args), type);
    }

    private static final DataType V = DataType.VARCHAR;

    @Test
    void substring() {
        Batch b = batch(column(V, "hello", "", "héllo wörld, long enough", "日本語テキスト", null));
        ExpressionEvaluator ev = ev();
        Expr s = col(0, V);
        assertEquals(list("ell", "", "éll", "本語テ", null), values(ev, call(Expr.Function.SUBSTRING, V, s, Exprs.integer(2), Exprs.integer(3)), b));
        assertEquals(list("ello", "", "éllo wörld, long enough", "本語テキスト", null), values(ev, call(Expr.Function.SUBSTRING, V, s, Exprs.integer(2)), b));
        // DuckDB's edge cases: start 0, negative start, negative length, length 0, start past the end
        assertEquals(list("h", "", "h", "日", null), values(ev, call(Expr.Function.SUBSTRING, V, s, Exprs.integer(0), Exprs.integer(2)), b));
        assertEquals(list("o", "", "h", "ト", null), values(ev, call(Expr.Function.SUBSTRING, V, s, Exprs.integer(-1), Exprs.integer(3)), b));
        assertEquals(list("h", "", "h", "日", null), values(ev, call(Expr.Function.SUBSTRING, V, s, Exprs.integer(2), Exprs.integer(-1)), b));
        assertEquals(list("", "", "", "", null), values(ev, call(Expr.Function.SUBSTRING, V, s, Exprs.integer(2), Exprs.integer(0)), b));
        assertEquals(list("", "", "", "", null), values(ev, call(Expr.Function.SUBSTRING, V, s, Exprs.integer(99), Exprs.integer(2)), b));
        // a long piece of a long string points into the input's buffer
        assertEquals(list("llo", "", "llo wörld, long en", "語テキスト", null), values(ev, call(Expr.Function.SUBSTRING, V, s, Exprs.integer(3), Exprs.integer(18)), b));
        assertEquals(list(null, null, null, null, null), values(ev, call(Expr.Function.SUBSTRING, V, s, Exprs.nullOf(DataType.INT32)), b));
    }

    @Test
    void lengthUpperLowerConcat() {
        Batch b = batch(column(V, "hello", "", "Héllo Wörld, long enough", "日本", null), column(V, "X", "y", "", "語テキストです", "z"));
        ExpressionEvaluator ev = ev();
        Expr s = col(0, V);
        Expr t = col(1, V);
        assertEquals(list(5L, 0L, 24L, 2L, null), values(ev, call(Expr.Function.LENGTH, DataType.INT64, s), b));
        assertEquals(list("HELLO", "", "HÉLLO WÖRLD, LONG ENOUGH", "日本", null), values(ev, call(Expr.Function.UPPER, V, s), b));
        assertEquals(list("hello", "", "héllo wörld, long enough", "日本", null), values(ev, call(Expr.Function.LOWER, V, s), b));
        assertEquals(list("helloX", "y", "Héllo Wörld, long enough", "日本語テキストです", null), values(ev, call(Expr.Function.CONCAT, V, s, t), b));
        assertEquals(list("hello-1", "-1", "Héllo Wörld, long enough-1", "日本-1", null), values(ev, call(Expr.Function.CONCAT, V, s, Exprs.string("-"), Exprs.integer(1)), b));
    }

    @Test
    void extract() {
        Batch b = batch(column(DataType.DATE, "1992-03-04", "1970-01-01", "1969-12-31", "2000-02-29", "0001-01-01", null));
        ExpressionEvaluator ev = ev();
        Expr d = col(0, DataType.DATE);
        assertEquals(list(1992L, 1970L, 1969L, 2000L, 1L, null), values(ev, call(Expr.Function.EXTRACT_YEAR, DataType.INT64, d), b));
        assertEquals(list(3L, 1L, 12L, 2L, 1L, null), values(ev, call(Expr.Function.EXTRACT_MONTH, DataType.INT64, d), b));
        assertEquals(list(4L, 1L, 31L, 29L, 1L, null), values(ev, call(Expr.Function.EXTRACT_DAY, DataType.INT64, d), b));
        Random r = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            long days = r.nextInt(2_000_000) - 1_000_000;
            LocalDate want = LocalDate.ofEpochDay(days);
            long ymd = Functions.civil(days);
            assertEquals(want.getYear(), ymd / 10_000, want.toString());
            assertEquals(want.getMonthValue() * 100 + want.getDayOfMonth(), Math.abs(ymd % 10_000), want.toString());
        }
        // through the row loops: DATE and TIMESTAMP (microseconds), negative years and times before 1970 included
        Object[] dates = new Object[300];
        Object[] micros = new Object[300];
        for (int i = 0; i < dates.length; i++) {
            dates[i] = LocalDate.ofEpochDay(r.nextInt(2_000_000) - 1_000_000);
            micros[i] = r.nextLong(-200_000L * 86_400_000_000L, 200_000L * 86_400_000_000L);
        }
        dates[7] = null;
        micros[9] = null;
        Batch many = batch(column(DataType.DATE, dates), column(DataType.TIMESTAMP, micros));
        for (Expr.Function part : new Expr.Function[] {Expr.Function.EXTRACT_YEAR, Expr.Function.EXTRACT_MONTH, Expr.Function.EXTRACT_DAY}) {
            List<Object> fromDates = values(ev, call(part, DataType.INT64, col(0, DataType.DATE)), many);
            List<Object> fromTimestamps = values(ev, call(part, DataType.INT64, col(1, DataType.TIMESTAMP)), many);
            for (int i = 0; i < dates.length; i++) {
                LocalDate day = (LocalDate) dates[i];
                LocalDate tsDay = micros[i] == null ? null : LocalDate.ofEpochDay(Math.floorDiv((Long) micros[i], 86_400_000_000L));
                assertEquals(day == null ? null : (long) partOf(part, day), fromDates.get(i), part + " of " + day);
                assertEquals(tsDay == null ? null : (long) partOf(part, tsDay), fromTimestamps.get(i), part + " of " + micros[i]);
            }
        }
    }

    private static int partOf(Expr.Function part, LocalDate d) {
        return part == Expr.Function.EXTRACT_YEAR ? d.getYear() : part == Expr.Function.EXTRACT_MONTH ? d.getMonthValue() : d.getDayOfMonth();
    }

    @Test
    void coalesce() {
        Batch b = batch(column(DataType.INT32, 1, null, null, null), column(DataType.INT64, 10L, 20L, null, null),
                column(V, null, "a string longer than twelve", "b", null));
        ExpressionEvaluator ev = ev();
        assertEquals(list(1L, 20L, 7L, 7L), values(ev, call(Expr.Function.COALESCE, DataType.INT64, col(0, DataType.INT32), col(1, DataType.INT64), Exprs.bigint(7)), b));
        assertEquals(list(1L, 20L, null, null), values(ev, call(Expr.Function.COALESCE, DataType.INT64, col(0, DataType.INT32), col(1, DataType.INT64)), b));
        assertEquals(list("x", "a string longer than twelve", "b", "x"), values(ev, call(Expr.Function.COALESCE, V, col(2, V), Exprs.nullOf(V), Exprs.string("x")), b));
    }

    @Test
    void negateAbsRound() {
        DataType dec = DataType.decimal(10, 3);
        Batch b = batch(column(DataType.INT32, 5, -7, Integer.MIN_VALUE, null), column(dec, "2.345", "-2.345", "-0.500", null),
                column(DataType.FLOAT64, 2.5, -2.5, 1.5, null));
        ExpressionEvaluator ev = ev();
        Batch firstTwo = b.withSelection(selection(0, 1, 3));
        Expr i = col(0, DataType.INT32);
        assertEquals(list(-5, 7, null), values(ev, call(Expr.Function.NEGATE, DataType.INT32, i), firstTwo));
        assertEquals(list(5, 7, null), values(ev, call(Expr.Function.ABS, DataType.INT32, i), firstTwo));
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> values(ev, call(Expr.Function.ABS, DataType.INT32, i), b));
        assertTrue(e.getMessage().contains("ABS(c0)"), e.getMessage());
        assertEquals(list(5L, 7L, 2147483648L, null), values(ev, call(Expr.Function.ABS, DataType.INT64, i), b));
        Expr d = col(1, dec);
        assertEquals(list(new BigDecimal("-2.345"), new BigDecimal("2.345"), new BigDecimal("0.500"), null), values(ev, call(Expr.Function.NEGATE, dec, d), b));
        assertEquals(list(new BigDecimal("2.35"), new BigDecimal("-2.35"), new BigDecimal("-0.50"), null),
                values(ev, call(Expr.Function.ROUND, DataType.decimal(10, 2), d, Exprs.integer(2)), b));
        assertEquals(list(new BigDecimal("2"), new BigDecimal("-2"), new BigDecimal("-1"), null),
                values(ev, call(Expr.Function.ROUND, DataType.decimal(10, 0), d, Exprs.integer(0)), b));
        assertEquals(list(new BigDecimal("0"), new BigDecimal("0"), new BigDecimal("0"), null),
                values(ev, call(Expr.Function.ROUND, DataType.decimal(10, 0), d, Exprs.integer(-1)), b));
        assertEquals(list(new BigDecimal("2.345"), new BigDecimal("-2.345"), new BigDecimal("-0.500"), null),
                values(ev, call(Expr.Function.ROUND, dec, d, Exprs.integer(5)), b));
        Expr f = col(2, DataType.FLOAT64);
        assertEquals(list(3.0, -3.0, 2.0, null), values(ev, call(Expr.Function.ROUND, DataType.FLOAT64, f, Exprs.integer(0)), b));
        assertEquals(list(0.0, -0.0, 0.0, null), values(ev, call(Expr.Function.ROUND, DataType.FLOAT64, f, Exprs.integer(-1)), b));
        assertEquals(list(-2.5, 2.5, -1.5, null), values(ev, call(Expr.Function.NEGATE, DataType.FLOAT64, f), b));
    }

    @Test
    void divisionByZeroIsIeee() {
        Batch b = batch(column(DataType.FLOAT64, 1.0, -1.0, 0.0, null), column(DataType.INT32, 0, 0, 0, 0));
        ExpressionEvaluator ev = ev();
        Expr div = new Expr.Arithmetic(Expr.ArithmeticOp.DIVIDE, col(0, DataType.FLOAT64), col(1, DataType.INT32), DataType.FLOAT64);
        List<Object> got = values(ev, div, b);
        assertEquals(list(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, null), got);
    }

    @Test
    void casts() {
        DataType dec = DataType.decimal(8, 2);
        Batch b = batch(column(DataType.INT64, 300L, 3_000_000_000L, -1L, null), column(dec, "2.50", "-2.50", "123456.78", null),
                column(DataType.FLOAT64, 2.5, -2.5, 1e20, null), column(V, " 12 ", "1.5", "abc", null),
                column(DataType.DATE, "1992-01-05", "1970-01-01", "2024-02-29", null), column(DataType.BOOLEAN, true, false, true, null));
        ExpressionEvaluator ev = ev();
        Batch first = b.withSelection(selection(0, 3));
        assertEquals(list(300, null), values(ev, new Expr.Cast(col(0, DataType.INT64), DataType.INT32), first));
        ArithmeticException range = assertThrows(ArithmeticException.class, () -> values(ev, new Expr.Cast(col(0, DataType.INT64), DataType.INT32), b));
        assertTrue(range.getMessage().contains("3000000000"), range.getMessage());
        // DECIMAL rounds half away from zero, DOUBLE half to even (as DuckDB)
        assertEquals(list(3L, -3L, 123457L, null), values(ev, new Expr.Cast(col(1, dec), DataType.INT64), b));
        assertEquals(list(2, -2, null), values(ev, new Expr.Cast(col(2, DataType.FLOAT64), DataType.INT32), b.withSelection(selection(0, 1, 3))));
        assertEquals(list("300", "3000000000", "-1", null), values(ev, new Expr.Cast(col(0, DataType.INT64), V), b));
        assertEquals(list("2.50", "-2.50", "123456.78", null), values(ev, new Expr.Cast(col(1, dec), V), b));
        assertEquals(list("2.5", "-2.5", "1e+20", null), values(ev, new Expr.Cast(col(2, DataType.FLOAT64), V), b));
        assertEquals(list("1992-01-05", "1970-01-01", "2024-02-29", null), values(ev, new Expr.Cast(col(4, DataType.DATE), V), b));
        assertEquals(list("true", "false", "true", null), values(ev, new Expr.Cast(col(5, DataType.BOOLEAN), V), b));
        Batch parsable = b.withSelection(selection(0, 1, 3));
        assertEquals(list(12, 2, null), values(ev, new Expr.Cast(col(3, V), DataType.INT32), parsable));
        assertEquals(list(12.0, 1.5, null), values(ev, new Expr.Cast(col(3, V), DataType.FLOAT64), parsable));
        assertEquals(list(new BigDecimal("12.00"), new BigDecimal("1.50"), null), values(ev, new Expr.Cast(col(3, V), dec), parsable));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> values(ev, new Expr.Cast(col(3, V), DataType.INT64), b));
        assertEquals("could not convert string 'abc' to BIGINT", bad.getMessage());
        Batch dates = batch(column(V, "1992-1-5", "2024-02-29", "2023-02-29", null));
        assertEquals(list(LocalDate.of(1992, 1, 5), LocalDate.of(2024, 2, 29)), values(ev, new Expr.Cast(col(0, V), DataType.DATE), dates.withSelection(selection(0, 1))));
        assertThrows(IllegalArgumentException.class, () -> values(ev, new Expr.Cast(col(0, V), DataType.DATE), dates));
        assertEquals(list(1.0, 0.0, 1.0, null), values(ev, new Expr.Cast(col(5, DataType.BOOLEAN), DataType.FLOAT64), b));
    }

    @Test
    void doubleText() {
        String[][] cases = {{"1.0", "1.0"}, {"0.1", "0.1"}, {"100", "100.0"}, {"1e15", "1000000000000000.0"}, {"1e16", "1e+16"},
                {"1.25e17", "1.25e+17"}, {"0.0001", "0.0001"}, {"0.00012", "0.00012"}, {"1e-5", "1e-05"}, {"-1.5e-7", "-1.5e-07"},
                {"123456789.125", "123456789.125"}};
        for (String[] c : cases) {
            assertEquals(c[1], Casts.doubleText(Double.parseDouble(c[0])), c[0]);
        }
    }

    @Test
    void literalsBroadcast() {
        Batch b = batch(column(DataType.INT32, 1, 2, 3));
        ExpressionEvaluator ev = ev();
        assertEquals(list("a literal over twelve bytes", "a literal over twelve bytes", "a literal over twelve bytes"),
                values(ev, Exprs.string("a literal over twelve bytes"), b));
        assertEquals(list(true, true, true), values(ev, new Expr.Literal(true, DataType.BOOLEAN), b));
        assertEquals(list(null, null, null), values(ev, Exprs.nullOf(V), b));
        List<Object> many = new ArrayList<>();
        for (KernelProvider k : providers()) {
            many.add(values(evaluator(k), new Expr.Comparison(io.blueshift.kernels.CompareOp.EQ, Exprs.string("x"), Exprs.string("x")), b));
        }
        assertEquals(list(true, true, true), many.getFirst());
    }
}
