package io.blueshift.sql;

import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * DuckDB types {@code date + INTERVAL ...} and {@code date - INTERVAL ...} as TIMESTAMP
 * (Calcite keeps DATE). Where the user sees the value (a select-list item, or the argument of
 * an aggregate that is one) the sum is cast to TIMESTAMP, so the column's type and text are
 * DuckDB's (also under a CAST, MIN or MAX there); a no-op when the left side is a TIMESTAMP already. Elsewhere (a WHERE comparison
 * such as TPC-H's {@code l_shipdate < DATE '1994-01-01' + INTERVAL '1' YEAR}) the DATE stays,
 * which gives the same rows and keeps the constant a DATE that filters compare natively.
 */
final class IntervalResults {
    private IntervalResults() {
    }

    /** Calls whose result has their argument's type (the argument is still unresolved here). */
    private static final java.util.Set<String> KEEPS_TYPE = java.util.Set.of("MIN", "MAX", "ANY_VALUE", "FIRST_VALUE", "LAST_VALUE");

    static void widen(SqlNode query) {
        query.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlCall call) {
                if (call instanceof SqlSelect select && select.getSelectList() != null) {
                    SqlNodeList items = select.getSelectList();
                    for (int i = 0; i < items.size(); i++) {
                        items.set(i, item(items.get(i)));
                    }
                }
                return super.visit(call);
            }
        });
    }

    private static SqlNode item(SqlNode item) {
        if (item.getKind() == SqlKind.AS && item instanceof SqlBasicCall as) {
            as.setOperand(0, item(as.operand(0)));
            return as;
        }
        if (isIntervalSum(item)) {
            return toTimestamp(item);
        }
        if (item instanceof SqlBasicCall call && call.operandCount() >= 1 && isIntervalSum(call.operand(0))
                && (call.getKind() == SqlKind.CAST || KEEPS_TYPE.contains(call.getOperator().getName().toUpperCase(java.util.Locale.ROOT)))) {
            call.setOperand(0, toTimestamp(call.operand(0)));
        }
        return item;
    }

    /** {@code x + INTERVAL ...}, {@code INTERVAL ... + x} or {@code x - INTERVAL ...}, x not an interval. */
    private static boolean isIntervalSum(SqlNode n) {
        if (!(n instanceof SqlBasicCall call) || call.operandCount() != 2) {
            return false;
        }
        SqlNode a = call.operand(0);
        SqlNode b = call.operand(1);
        return switch (call.getKind()) {
            case PLUS -> isInterval(a) != isInterval(b);
            case MINUS -> isInterval(b) && !isInterval(a);
            default -> false;
        };
    }

    /** {@code INTERVAL '3' DAY} or DuckDB's {@code INTERVAL 3 DAY}. */
    private static boolean isInterval(SqlNode n) {
        return n instanceof SqlIntervalLiteral || n.getKind() == SqlKind.INTERVAL;
    }

    private static SqlNode toTimestamp(SqlNode e) {
        SqlParserPos pos = e.getParserPosition();
        SqlDataTypeSpec timestamp = new SqlDataTypeSpec(new SqlBasicTypeNameSpec(SqlTypeName.TIMESTAMP, pos), pos);
        return SqlStdOperatorTable.CAST.createCall(pos, e, timestamp);
    }
}
