package io.blueshift.operators.plan;

import io.blueshift.memory.DataType;
import io.blueshift.operators.expr.Expr;

import java.math.BigDecimal;
import java.time.LocalDate;

/** Typed literal constructors for hand-built plans. */
public final class Exprs {
    private Exprs() {}

    public static Expr.Literal integer(int v) {
        return new Expr.Literal((long) v, DataType.INT32);
    }

    public static Expr.Literal bigint(long v) {
        return new Expr.Literal(v, DataType.INT64);
    }

    public static Expr.Literal float64(double v) {
        return new Expr.Literal(v, DataType.FLOAT64);
    }

    public static Expr.Literal string(String v) {
        return new Expr.Literal(v, DataType.VARCHAR);
    }

    /** A DECIMAL literal typed by its digits: {@code "0.06"} is DECIMAL(2,2). */
    public static Expr.Literal decimal(String text) {
        BigDecimal d = new BigDecimal(text);
        int scale = Math.max(d.scale(), 0);
        d = d.setScale(scale);
        int precision = Math.max(d.precision(), Math.max(scale, 1));
        return new Expr.Literal(d.unscaledValue().longValueExact(), DataType.decimal(precision, scale));
    }

    public static Expr.Literal date(LocalDate d) {
        return new Expr.Literal(d.toEpochDay(), DataType.DATE);
    }

    public static Expr.Literal date(String iso) {
        return date(LocalDate.parse(iso));
    }

    public static Expr.Literal nullOf(DataType type) {
        return new Expr.Literal(null, type);
    }
}
