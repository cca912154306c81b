package io.blueshift.sql;

import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;

import java.util.ArrayList;
import java.util.List;

/**
 * A VALUES list in FROM without column names gets DuckDB's ({@code col0}, {@code col1}, ...)
 * instead of Calcite's {@code EXPR$0}: {@code FROM (VALUES (1, 2)) t} reads as {@code FROM
 * (VALUES (1, 2)) t(col0, col1)}. Names the user gave are kept.
 */
final class ValuesNames {
    private ValuesNames() {
    }

    static void rewrite(SqlNode parsed) {
        parsed.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlCall call) {
                if (call instanceof SqlSelect select && select.getFrom() != null) {
                    select.setFrom(named(select.getFrom()));
                } else if (call instanceof SqlJoin join) {
                    join.setLeft(named(join.getLeft()));
                    join.setRight(named(join.getRight()));
                }
                return super.visit(call);
            }
        });
    }

    private static SqlNode named(SqlNode from) {
        List<SqlNode> operands = new ArrayList<>();
        SqlNode values;
        if (from.getKind() == SqlKind.VALUES) {
            values = from;
            operands.add(from);
            operands.add(new SqlIdentifier("values", SqlParserPos.ZERO));
        } else if (from.getKind() == SqlKind.AS && from instanceof SqlBasicCall as && as.operandCount() == 2
                && as.operand(0).getKind() == SqlKind.VALUES) {
            values = as.operand(0);
            operands.addAll(as.getOperandList());
        } else {
            return from;
        }
        int columns = values instanceof SqlCall v && v.operandCount() > 0 && v.operand(0) instanceof SqlCall row
                && row.getKind() == SqlKind.ROW ? row.operandCount() : -1;
        if (columns < 1) {
            return from;
        }
        for (int c = 0; c < columns; c++) {
            operands.add(new SqlIdentifier("col" + c, SqlParserPos.ZERO));
        }
        return SqlStdOperatorTable.AS.createCall(SqlParserPos.ZERO, operands);
    }
}
