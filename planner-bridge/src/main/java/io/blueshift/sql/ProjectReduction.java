package io.blueshift.sql;

import org.apache.calcite.plan.RelOptPredicateList;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.rules.ReduceExpressionsRule;
import org.apache.calcite.rex.RexNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Calcite's constant folding and simplification of a projection's expressions, without the
 * predicates pulled up from its input. Calcite's rule asks for them on every match, and through
 * joins that infers every transitive predicate of the join tree below (Q2 and Q11: a tenth of
 * their planning time), to turn a column known equal to a constant into that constant; filters
 * and join conditions keep doing that with predicates, and a projection emitting a column
 * instead of a literal computes the same rows.
 */
final class ProjectReduction extends ReduceExpressionsRule.ProjectReduceExpressionsRule {
    static final ProjectReduction INSTANCE = new ProjectReduction();

    private ProjectReduction() {
        // a description of its own: a planner refuses two rules with the same one
        super((ProjectReduceExpressionsRuleConfig) ProjectReduceExpressionsRuleConfig.DEFAULT.withDescription("ProjectReduction"));
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        Project project = call.rel(0);
        List<RexNode> exprs = new ArrayList<>(project.getProjects());
        if (reduceExpressions(project, exprs, RelOptPredicateList.EMPTY, false, config.matchNullability(),
                config.treatDynamicCallsAsConstant())) {
            call.transformTo(call.builder().push(project.getInput()).project(exprs, project.getRowType().getFieldNames()).build());
            call.getPlanner().prune(project);
        }
    }
}
