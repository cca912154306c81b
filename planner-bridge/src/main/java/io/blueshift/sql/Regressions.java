package io.blueshift.sql;

import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.fun.SqlCase;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;

import java.util.Locale;
import java.util.Set;

/**
 * DuckDB's CORR and REGR_* aggregates of a (y, x) pair, written before validation in terms of
 * aggregates we run (COUNT, AVG, VAR_POP, STDDEV_POP, COVAR_POP over the rows where both are
 * non-null), with DuckDB's answers where a variance is zero: CORR and REGR_SLOPE NaN (0/0),
 * REGR_INTERCEPT and REGR_R2 NULL when x does not vary, REGR_R2 1 when only y does not.
 * Calcite reserves these names, so {@link SqlFunctions#respell} quotes them first. Under OVER
 * or FILTER they stay calls (and are reported as unknown functions).
 */
final class Regressions {
    private Regressions() {
    }

    static final Set<String> NAMES = Set.of("corr", "regr_count", "regr_avgx", "regr_avgy", "regr_sxx", "regr_syy",
            "regr_sxy", "regr_slope", "regr_intercept", "regr_r2");

    static void expand(SqlNode query) {
        ParsedNodes.replaceAll(query, Regressions::expansion, true);
    }

    private static SqlNode expansion(SqlNode node) {
        if (!(node instanceof SqlBasicCall call) || call.operandCount() != 2 || call.getFunctionQuantifier() != null
                || !(call.getOperator() instanceof org.apache.calcite.sql.SqlFunction f)) {
            return null;
        }
        String name = f.getName().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(name)) {
            return null;
        }
        SqlParserPos pos = call.getParserPosition();
        SqlNode y = call.operand(0);
        SqlNode x = call.operand(1);
        // each side where the other is not null: the pairs both sides have
        SqlNode xp = when(notNull(y, pos), x, pos);
        SqlNode yp = when(notNull(x, pos), y, pos);
        SqlNode covar = SqlStdOperatorTable.COVAR_POP.createCall(pos, y, x);
        SqlNode varX = SqlStdOperatorTable.VAR_POP.createCall(pos, xp);
        SqlNode varY = SqlStdOperatorTable.VAR_POP.createCall(pos, yp);
        SqlNode count = SqlStdOperatorTable.COUNT.createCall(pos, xp);
        SqlNode slope = divide(covar, varX, pos);
        return switch (name) {
            case "regr_count" -> count;
            case "regr_avgx" -> SqlStdOperatorTable.AVG.createCall(pos, xp);
            case "regr_avgy" -> SqlStdOperatorTable.AVG.createCall(pos, yp);
            case "regr_sxx" -> times(count, varX, pos);
            case "regr_syy" -> times(count, varY, pos);
            case "regr_sxy" -> times(count, covar, pos);
            case "regr_slope" -> slope;
            case "regr_intercept" -> when(notZero(varX, pos), SqlStdOperatorTable.MINUS.createCall(pos,
                    SqlStdOperatorTable.AVG.createCall(pos, yp), times(slope, SqlStdOperatorTable.AVG.createCall(pos, xp), pos)), pos);
            case "regr_r2" -> {
                SqlNode corr = correlation(covar, xp, yp, pos);
                yield new SqlCase(pos, null,
                        SqlNodeList.of(SqlStdOperatorTable.EQUALS.createCall(pos, varX, zero(pos)),
                                SqlStdOperatorTable.EQUALS.createCall(pos, varY, zero(pos))),
                        SqlNodeList.of(SqlLiteral.createNull(pos), SqlLiteral.createExactNumeric("1.0", pos)),
                        times(corr, corr, pos));
            }
            default -> correlation(covar, xp, yp, pos);
        };
    }

    private static SqlNode correlation(SqlNode covar, SqlNode xp, SqlNode yp, SqlParserPos pos) {
        return divide(covar, times(SqlStdOperatorTable.STDDEV_POP.createCall(pos, xp),
                SqlStdOperatorTable.STDDEV_POP.createCall(pos, yp), pos), pos);
    }

    private static SqlNode when(SqlNode condition, SqlNode value, SqlParserPos pos) {
        return new SqlCase(pos, null, SqlNodeList.of(condition), SqlNodeList.of(value), SqlLiteral.createNull(pos));
    }

    private static SqlNode notNull(SqlNode e, SqlParserPos pos) {
        return SqlStdOperatorTable.IS_NOT_NULL.createCall(pos, e);
    }

    private static SqlNode notZero(SqlNode e, SqlParserPos pos) {
        return SqlStdOperatorTable.NOT_EQUALS.createCall(pos, e, zero(pos));
    }

    private static SqlNode zero(SqlParserPos pos) {
        return SqlLiteral.createExactNumeric("0", pos);
    }

    private static SqlNode times(SqlNode a, SqlNode b, SqlParserPos pos) {
        return SqlStdOperatorTable.MULTIPLY.createCall(pos, a, b);
    }

    /** a / b in DOUBLE, so that 0 / 0 is NaN as in DuckDB. */
    private static SqlNode divide(SqlNode a, SqlNode b, SqlParserPos pos) {
        return SqlStdOperatorTable.DIVIDE.createCall(pos, a, b);
    }
}
