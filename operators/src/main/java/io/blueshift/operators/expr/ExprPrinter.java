package io.blueshift.operators.expr;

import io.blueshift.memory.DataType;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.stream.Collectors;

/** SQL-like text of an expression, for EXPLAIN and error messages. */
public final class ExprPrinter {
    private ExprPrinter() {}

    public static String print(Expr e) {
        return switch (e) {
            case Expr.ColumnRef c -> c.name() != null ? c.name() : "#" + c.index();
            case Expr.Literal l -> literal(l);
            case Expr.Arithmetic a -> "(" + print(a.left()) + " " + a.op().symbol() + " " + print(a.right()) + ")";
            case Expr.Comparison c -> print(c.left()) + " " + c.op().symbol() + " " + print(c.right());
            case Expr.Between b -> print(b.value()) + " BETWEEN " + print(b.low()) + " AND " + print(b.high());
            case Expr.And a -> a.terms().stream().map(ExprPrinter::print).collect(Collectors.joining(" AND ", "(", ")"));
            case Expr.Or o -> o.terms().stream().map(ExprPrinter::print).collect(Collectors.joining(" OR ", "(", ")"));
            case Expr.Not n -> "NOT " + print(n.term());
            case Expr.IsNull n -> print(n.term()) + (n.negated() ? " IS NOT NULL" : " IS NULL");
            case Expr.Cast c -> "CAST(" + print(c.term()) + " AS " + c.type().sqlName() + ")";
        };
    }

    private static String literal(Expr.Literal l) {
        if (l.isNull()) {
            return "NULL";
        }
        return switch (l.type()) {
            case DataType.DecimalType d -> BigDecimal.valueOf(l.longValue(), d.scale()).toPlainString();
            case DataType.DateType d -> "DATE '" + LocalDate.ofEpochDay(l.longValue()) + "'";
            case DataType.VarcharType v -> "'" + l.value().toString().replace("'", "''") + "'";
            default -> String.valueOf(l.value());
        };
    }
}
