package io.blueshift.sql;

import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.util.SqlBasicVisitor;

import java.util.List;
import java.util.function.UnaryOperator;

/** Replaces nodes of a parsed query in place, wherever a parent can take a new child. */
final class ParsedNodes {
    private ParsedNodes() {
    }

    /**
     * Gives every node to {@code replacement} (parents before their children) and puts what it
     * returns in the node's place; null keeps the node. The call of an OVER, FILTER or WITHIN
     * GROUP stays as it is when {@code keepWrapped} (an expression could not stand there).
     */
    static void replaceAll(SqlNode query, UnaryOperator<SqlNode> replacement, boolean keepWrapped) {
        query.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlCall call) {
                boolean wrapper = call.getKind() == SqlKind.OVER || call.getKind() == SqlKind.FILTER
                        || call.getKind() == SqlKind.WITHIN_GROUP || call.getKind() == SqlKind.WITHIN_DISTINCT;
                List<SqlNode> operands = call.getOperandList();
                for (int i = keepWrapped && wrapper ? 1 : 0; i < operands.size(); i++) {
                    SqlNode to = operands.get(i) == null ? null : replacement.apply(operands.get(i));
                    if (to != null && to != operands.get(i)) {
                        try {
                            call.setOperand(i, to);
                        } catch (UnsupportedOperationException e) {
                            // a node kind that takes no new operand: left as it is
                        }
                    }
                }
                return super.visit(call);
            }

            @Override
            public Void visit(SqlNodeList list) {
                for (int i = 0; i < list.size(); i++) {
                    SqlNode to = list.get(i) == null ? null : replacement.apply(list.get(i));
                    if (to != null && to != list.get(i)) {
                        list.set(i, to);
                    }
                }
                return super.visit(list);
            }
        });
    }
}
