package io.blueshift.sql;

import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

import java.util.ArrayList;
import java.util.List;

/**
 * Aggregates only the groups a join will keep. For {@code Aggregate(k; ..)(X) JOIN Y ON k = y}
 * (an inner join on a group key), the groups whose key has no partner in Y are dropped by the
 * join, and every row of a group shares its key, so X may first be cut to the rows whose key
 * is in Y: {@code Aggregate(X SEMI JOIN Y ON x.k = y)} gives the same join result. Decorrelated
 * scalar subqueries have this shape (TPC-H Q17: the average quantity of every part, then the
 * 200 parts of one brand and container kept), and so do hand-written per-key aggregates
 * joined to a selective side.
 *
 * <p>Y is then computed twice, so the rewrite is made only when it pays by our estimates: Y
 * keeps far fewer rows than the aggregate has groups (the semi-join filters), and reading Y's
 * tables costs less than reading X's (the work saved).
 */
final class AggregateJoinReduction {
    /** Y must have at most this share of the aggregate's groups. */
    private static final double MAX_KEPT_SHARE = 0.3;

    private AggregateJoinReduction() {}

    static RelNode apply(RelNode root) {
        return root.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(LogicalJoin join) {
                RelNode visited = super.visit(join);
                if (!(visited instanceof LogicalJoin j) || j.getJoinType() != JoinRelType.INNER) {
                    return visited;
                }
                RelNode left = reduce(j, true);
                RelNode right = reduce(j, false);
                if (left == j.getLeft() && right == j.getRight()) {
                    return j;
                }
                return j.copy(j.getTraitSet(), j.getCondition(), left, right, j.getJoinType(), j.isSemiJoinDone());
            }
        });
    }

    /** The join's {@code aggregateOnLeft} input with its aggregate's input cut by the other side, or the input unchanged. */
    private static RelNode reduce(LogicalJoin j, boolean aggregateOnLeft) {
        RelNode side = aggregateOnLeft ? j.getLeft() : j.getRight();
        RelNode other = aggregateOnLeft ? j.getRight() : j.getLeft();
        Project project = side instanceof Project p ? p : null;
        if (!((project == null ? side : project.getInput()) instanceof Aggregate agg) || agg.getGroupSets().size() != 1
                || agg.getGroupCount() == 0) {
            return side;
        }
        JoinInfo info = j.analyzeCondition();
        List<Integer> aggColumns = new ArrayList<>();   // columns of the aggregate's input
        List<Integer> otherColumns = new ArrayList<>();
        for (int i = 0; i < info.leftKeys.size(); i++) {
            int sideKey = aggregateOnLeft ? info.leftKeys.get(i) : info.rightKeys.get(i);
            int otherKey = aggregateOnLeft ? info.rightKeys.get(i) : info.leftKeys.get(i);
            int aggOut = sideKey;
            if (project != null) {
                if (!(project.getProjects().get(sideKey) instanceof RexInputRef ref)) {
                    continue;
                }
                aggOut = ref.getIndex();
            }
            if (aggOut < agg.getGroupCount()) {
                aggColumns.add(agg.getGroupSet().nth(aggOut));
                otherColumns.add(otherKey);
            }
        }
        if (aggColumns.isEmpty()) {
            return side;
        }
        RowEstimator est = new RowEstimator(j.getCluster().getMetadataQuery());
        double groups = est.rows(agg);
        double kept = est.rows(other);
        if (kept > groups * MAX_KEPT_SHARE || scanned(other) >= scanned(agg.getInput())) {
            return side;
        }
        RexBuilder b = j.getCluster().getRexBuilder();
        RelNode input = agg.getInput();
        int n = input.getRowType().getFieldCount();
        List<RexNode> terms = new ArrayList<>();
        for (int i = 0; i < aggColumns.size(); i++) {
            int a = aggColumns.get(i);
            int o = otherColumns.get(i);
            terms.add(b.makeCall(SqlStdOperatorTable.EQUALS,
                    new RexInputRef(a, input.getRowType().getFieldList().get(a).getType()),
                    new RexInputRef(n + o, other.getRowType().getFieldList().get(o).getType())));
        }
        RelNode cut = LogicalJoin.create(input, other, List.of(), RexUtil.composeConjunction(b, terms),
                java.util.Set.of(), JoinRelType.SEMI);
        RelNode newAgg = agg.copy(agg.getTraitSet(), List.of(cut));
        return project == null ? newAgg : project.copy(project.getTraitSet(), List.of(newAgg));
    }

    /** Rows of the tables read under {@code rel}: the cost of computing it, roughly. */
    private static double scanned(RelNode rel) {
        if (rel instanceof TableScan s) {
            return s.getTable().getRowCount();
        }
        double sum = 0;
        for (RelNode in : rel.getInputs()) {
            sum += scanned(in);
        }
        return sum;
    }
}
