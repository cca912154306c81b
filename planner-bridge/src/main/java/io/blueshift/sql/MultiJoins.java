package io.blueshift.sql;

import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.rules.MultiJoin;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.tools.RelBuilder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The {@link MultiJoin}s of a plan whose joins are inner, semi or anti joins, built in three
 * walks instead of a rewrite pass: what Calcite's pass of {@code JoinToMultiJoinRule},
 * {@code ProjectMultiJoinMergeRule} and {@code FilterMultiJoinMergeRule} (bottom up, each rule
 * to its fixed point in turn) makes of such a plan, as far as {@link GreedyJoinOrder} reads it:
 * the inputs, the join condition with its conjuncts in the same order, the row type and the
 * filter above. The pass copied the whole plan into a graph and tried the three rules on every
 * node for it (about 4% of planning time). A plan with an outer join gets null: the pass is
 * needed there (outer join conditions, Calcite's own join order).
 *
 * <p>What {@link GreedyJoinOrder} ignores is not rebuilt (the fields each input projects and
 * the reference counts Calcite's join order uses), so a MultiJoin of this class that our order
 * leaves to Calcite's rule must not reach it: the caller plans through the pass instead.
 */
final class MultiJoins {
    private MultiJoins() {}

    /** Tests: also build the MultiJoins through Calcite's pass and fail when the ordered plans differ. */
    static volatile boolean check = Boolean.getBoolean("blueshift.check.multiJoins");

    /** The plan with its MultiJoins, or null when a join is an outer join. */
    static RelNode build(RelNode root, RelBuilder builder) {
        RelNode joined;
        try {
            joined = joins(root);
        } catch (OuterJoin e) {
            return null;
        }
        RelNode projected = joined.accept(new Projects(builder));
        return projected.accept(new Filters());
    }

    private static final class OuterJoin extends RuntimeException {
        OuterJoin() {
            super(null, null, false, false);
        }
    }

    /**
     * {@code JoinToMultiJoinRule}: each tree of inner joins (nothing between them) as one
     * MultiJoin. Every node is copied, as the pass copies each into its graph: a node's row
     * type is derived again from its inputs' (a rewrite pass leaves the row types its nodes
     * had when they entered it, field names included, on the nodes above a replaced one).
     */
    private static RelNode joins(RelNode rel) {
        List<RelNode> inputs = rel.getInputs();
        if (inputs.isEmpty()) {
            return rel;
        }
        List<RelNode> copied = new ArrayList<>(inputs.size());
        for (RelNode in : inputs) {
            copied.add(joins(in));
        }
        if (!(rel instanceof LogicalJoin join) || join.getJoinType() != JoinRelType.INNER) {
            if (rel instanceof org.apache.calcite.rel.core.Join j && j.getJoinType().projectsRight()) {
                throw new OuterJoin();
            }
            // semi and anti joins are not the rule's
            return rel.copy(rel.getTraitSet(), copied);
        }
        RelNode left = copied.get(0);
        RelNode right = copied.get(1);
        RelDataType rowType = join.copy(join.getTraitSet(), copied).getRowType();
        RexBuilder rex = join.getCluster().getRexBuilder();
        List<RelNode> all = new ArrayList<>();
        List<RexNode> filters = new ArrayList<>();
        filters.add(join.getCondition());
        if (left instanceof MultiJoin l) {
            all.addAll(l.getInputs());
            filters.add(l.getJoinFilter());
        } else {
            all.add(left);
        }
        if (right instanceof MultiJoin r) {
            all.addAll(r.getInputs());
            int[] shift = new int[r.getRowType().getFieldCount()];
            Arrays.fill(shift, left.getRowType().getFieldCount());
            filters.add(r.getJoinFilter().accept(new RelOptUtil.RexInputConverter(rex, r.getRowType().getFieldList(),
                    rowType.getFieldList(), shift)));
        } else {
            all.add(right);
        }
        int n = all.size();
        return new MultiJoin(join.getCluster(), all, RexUtil.composeConjunction(rex, filters), rowType, false,
                Collections.nCopies(n, (RexNode) null), Collections.nCopies(n, JoinRelType.INNER),
                Collections.nCopies(n, null), com.google.common.collect.ImmutableMap.of(), null);
    }

    /** {@code ProjectMultiJoinMergeRule}: a projection over a MultiJoin built again by a RelBuilder (which drops an identity). */
    private static final class Projects extends RelShuttleImpl {
        private final RelBuilder builder;

        Projects(RelBuilder builder) {
            this.builder = builder;
        }

        @Override
        public RelNode visit(LogicalProject project) {
            RelNode visited = super.visit(project);
            if (visited instanceof LogicalProject p && p.getInput() instanceof MultiJoin mj) {
                return builder.push(mj).project(p.getProjects(), p.getRowType().getFieldNames()).build();
            }
            return visited;
        }
    }

    /** {@code FilterMultiJoinMergeRule}: a filter over a MultiJoin becomes its post-join filter. */
    private static final class Filters extends RelShuttleImpl {
        @Override
        public RelNode visit(LogicalFilter filter) {
            RelNode visited = super.visit(filter);
            if (visited instanceof LogicalFilter f && f.getInput() instanceof MultiJoin mj) {
                RexNode post = RexUtil.composeConjunction(mj.getCluster().getRexBuilder(),
                        Arrays.asList(f.getCondition(), mj.getPostJoinFilter()), true);
                return new MultiJoin(mj.getCluster(), mj.getInputs(), mj.getJoinFilter(), mj.getRowType(), mj.isFullOuterJoin(),
                        mj.getOuterJoinConditions(), mj.getJoinTypes(), mj.getProjFields(), mj.getJoinFieldRefCountsMap(), post);
            }
            return visited;
        }
    }
}
