package io.blueshift.sql;

import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * DuckDB's {@code date_add(d, INTERVAL ...)} is {@code d + INTERVAL ...} (a TIMESTAMP where the
 * user sees it, as {@link IntervalResults} types every such sum): the call becomes the sum
 * before validation. Other argument counts are left to the validator's "no match" error.
 */
final class DateAddCalls {
    private DateAddCalls() {
    }

    static void rewrite(SqlNode parsed) {
        parsed.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlCall call) {
                if (call instanceof SqlBasicCall b && b.operandCount() == 2 && b.getOperator() instanceof SqlFunction f
                        && f.getName().equalsIgnoreCase("date_add")) {
                    b.setOperator(SqlStdOperatorTable.PLUS);
                }
                return super.visit(call);
            }
        });
    }
}
