package io.blueshift.sql;

import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;

/**
 * Whether a logical plan has nothing for Calcite's structured-type flattener to do: no node's
 * row has a ROW-typed column and no expression has a ROW type (a {@code ROW(..)} constructor, a
 * row comparison; arrays, multisets and maps likewise), in the plan and in its subqueries, and no
 * CAST that the flattener would rebuild differently. A correlation variable is a row, but one
 * of plain columns keeps its field numbers when flattened, so it does not count.
 */
final class FlatPlans {
    private FlatPlans() {}

    static boolean isFlat(RelNode rel) {
        if (!flatRow(rel.getRowType())) {
            return false;
        }
        Checker checker = new Checker();
        rel.accept(checker);
        if (!checker.flat) {
            return false;
        }
        for (RelNode in : rel.getInputs()) {
            if (!isFlat(in)) {
                return false;
            }
        }
        return true;
    }

    private static boolean flatRow(RelDataType row) {
        for (RelDataTypeField f : row.getFieldList()) {
            if (!plain(f.getType())) {
                return false;
            }
        }
        return true;
    }

    /** Not a row, array, multiset or map. */
    private static boolean plain(RelDataType type) {
        return !type.isStruct() && type.getComponentType() == null && type.getKeyType() == null;
    }

    /**
     * The flattener rebuilds every CAST with {@code RexBuilder.makeCast}, which folds a cast of a
     * literal and rewrites casts between BOOLEAN or INTERVAL and numbers; plans with such a cast
     * are flattened as before.
     */
    private static boolean castRebuiltByFlattening(RexCall call) {
        if (call.getKind() != org.apache.calcite.sql.SqlKind.CAST) {
            return false;
        }
        RexNode operand = call.getOperands().get(0);
        RelDataType from = operand.getType();
        RelDataType to = call.getType();
        return operand instanceof org.apache.calcite.rex.RexLiteral
                || from.getSqlTypeName() == org.apache.calcite.sql.type.SqlTypeName.BOOLEAN
                || to.getSqlTypeName() == org.apache.calcite.sql.type.SqlTypeName.BOOLEAN
                || org.apache.calcite.sql.type.SqlTypeUtil.isInterval(from)
                || org.apache.calcite.sql.type.SqlTypeUtil.isInterval(to);
    }

    /** Visits a node's expressions without changing them, noting any that is not flat. */
    private static final class Checker extends RexShuttle {
        boolean flat = true;

        @Override
        public RexNode visitCall(RexCall call) {
            if (!plain(call.getType()) || castRebuiltByFlattening(call)) {
                flat = false;
                return call;
            }
            return super.visitCall(call);
        }

        @Override
        public RexNode visitFieldAccess(RexFieldAccess access) {
            RexNode ref = access.getReferenceExpr();
            if (!plain(access.getType()) || !(ref instanceof RexCorrelVariable v) || !flatRow(v.getType())) {
                flat = false;
                return access;
            }
            return access;
        }

        @Override
        public RexNode visitCorrelVariable(RexCorrelVariable variable) {
            if (!flatRow(variable.getType())) {
                flat = false;
            }
            return variable;
        }

        @Override
        public RexNode visitSubQuery(RexSubQuery subQuery) {
            if (!plain(subQuery.getType()) || !isFlat(subQuery.rel)) {
                flat = false;
                return subQuery;
            }
            return super.visitSubQuery(subQuery);
        }

        @Override
        public RexNode visitInputRef(org.apache.calcite.rex.RexInputRef ref) {
            if (!plain(ref.getType())) {
                flat = false;
            }
            return ref;
        }

        @Override
        public RexNode visitLiteral(org.apache.calcite.rex.RexLiteral literal) {
            if (!plain(literal.getType())) {
                flat = false;
            }
            return literal;
        }
    }
}
