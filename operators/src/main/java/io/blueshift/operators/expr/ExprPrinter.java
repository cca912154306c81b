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
            case Expr.Case c -> {
                StringBuilder sb = new StringBuilder("CASE");
                for (int i = 0; i < c.conditions().size(); i++) {
                    sb.append(" WHEN ").append(print(c.conditions().get(i))).append(" THEN ").append(print(c.results().get(i)));
                }
                yield sb.append(" ELSE ").append(print(c.elseResult())).append(" END").toString();
            }
            case Expr.Like l -> print(l.value()) + (l.negated() ? " NOT LIKE '" : " LIKE '") + l.pattern().replace("'", "''") + "'"
                    + (l.escape() == null ? "" : " ESCAPE '" + l.escape() + "'");
            case Expr.InList in -> print(in.value()) + (in.negated() ? " NOT IN " : " IN ")
                    + in.values().stream().map(ExprPrinter::print).collect(Collectors.joining(", ", "(", ")"));
            case Expr.Call call -> switch (call.function()) {
                case NEGATE -> "-" + print(call.args().getFirst());
                case CONCAT -> call.args().stream().map(ExprPrinter::print).collect(Collectors.joining(" || ", "(", ")"));
                case EXTRACT_YEAR, EXTRACT_MONTH, EXTRACT_DAY -> "EXTRACT(" + call.function().name().substring(8) + " FROM " + print(call.args().getFirst()) + ")";
                case DATE_ADD_DAYS -> "(" + print(call.args().get(0)) + " + INTERVAL " + print(call.args().get(1)) + " DAY)";
                case DATE_ADD_MONTHS -> "(" + print(call.args().get(0)) + " + INTERVAL " + print(call.args().get(1)) + " MONTH)";
                default -> call.function().name() + call.args().stream().map(ExprPrinter::print).collect(Collectors.joining(", ", "(", ")"));
            };
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
