package io.blueshift.sql;

import org.apache.calcite.plan.RelHintsPropagator;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptRuleOperand;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;

import java.util.Map;

/**
 * A filter over a tree of inner joins (the WHERE clause of a comma join) moved down to the
 * joins and inputs it reads before the rewrite pass: Calcite's own {@code FilterIntoJoinRule}
 * applied top-down, once per join level, without the pass's graph. In the pass each such step
 * was a rule firing after which the pass walked the plan again from its root, trying every rule
 * on every node (an eight-table join fired it seven times); the pass now finds these filters
 * in place. Only a filter directly over an inner join whose parent is not a filter (the pass
 * merges two filters first) is moved; everything else is left to the pass.
 */
final class FilterPlacement {
    private FilterPlacement() {}

    /**
     * The rewrite pass's rule, which does not simplify the filters it makes: the WHERE clause was
     * simplified by SQL-to-rel's builder, and each level of a comma join simplified all of its
     * remaining conjuncts again (8% of Q2's planning samples, 2.5% after); the pass's filter and
     * join reductions simplify what ends up where.
     */
    private static final RelOptRule RULE = SqlPlanner.FILTER_INTO_JOIN;

    /** Firings per plan before the rest is left to the pass (the pass's own limit is far above what a query needs). */
    private static final int LIMIT = 500;

    /** Tests: also run the rewrite pass on the plan as it was and fail when the results differ. */
    static volatile boolean check = Boolean.getBoolean("blueshift.check.filterPlacement");

    static RelNode apply(RelNode root) {
        return root.accept(new RelShuttleImpl() {
            private int fired;

            @Override
            public RelNode visit(LogicalFilter filter) {
                if (fired < LIMIT && filter.getInput() instanceof LogicalJoin join && join.getJoinType() == JoinRelType.INNER
                        && !(stack.peek() instanceof org.apache.calcite.rel.core.Filter)) {
                    RelNode moved = fire(filter, join);
                    if (moved != null) {
                        fired++;
                        // the joins below may now have filters of their own over them
                        return visitChildren(moved);
                    }
                }
                return super.visit(filter);
            }
        });
    }

    /** The rule's result on {@code filter} over {@code join}, or null when it does not apply. */
    private static RelNode fire(LogicalFilter filter, LogicalJoin join) {
        RelOptRuleOperand operand = RULE.getOperand();
        if (!operand.matches(filter) || operand.getChildOperands().size() != 1 || !operand.getChildOperands().get(0).matches(join)) {
            return null;
        }
        Call call = new Call(filter.getCluster().getPlanner(), operand, new RelNode[] {filter, join});
        if (!RULE.matches(call)) {
            return null;
        }
        RULE.onMatch(call);
        return call.result;
    }

    /** A rule call outside a planner: keeps what the rule transforms to. */
    private static final class Call extends RelOptRuleCall {
        RelNode result;

        Call(org.apache.calcite.plan.RelOptPlanner planner, RelOptRuleOperand operand, RelNode[] rels) {
            super(planner, operand, rels, Map.of());
        }

        @Override
        public void transformTo(RelNode rel, Map<RelNode, RelNode> equiv, RelHintsPropagator handler) {
            result = rel;
        }
    }
}
