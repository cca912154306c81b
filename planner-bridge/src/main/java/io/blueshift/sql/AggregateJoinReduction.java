package io.blueshift.sql;

import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Join;
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
 * tables costs less than reading X's (the work saved). When Y costs too much, the part of Y
 * its keys come from (through inner joins) may do: its keys include all of Y's (TPC-H Q2: the
 * minimum supply cost of every part in a region, joined to the parts of one size and type;
 * the semi-join reads only the filtered parts). The semi-join goes as low in X as its key
 * columns can be followed, so the rows it drops are not joined first.
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
        // the semi-join keeps X's rows whose key values Y has: what counts is how many distinct
        // values the join columns have in X, not all the groups (a unique Y on a foreign key,
        // like all customers against the orders' customer keys, filters nothing); several join
        // columns have at most the product of their distinct counts (TPC-H Q20's part and
        // supplier keys: far more pairs than either alone)
        double in = est.rows(agg.getInput());
        double keyValues = 1;
        for (int c : aggColumns) {
            keyValues *= Math.max(1, est.ndv(agg.getInput(), c, in));
        }
        groups = Math.min(groups, keyValues);
        double aggScanned = scanned(agg.getInput());
        // Y itself, else the part of Y its key columns come from (Y's keys are a subset of that
        // part's): the first that keeps few rows and costs less to read than the aggregate's input
        Keys keys = new Keys(other, otherColumns);
        while (keys != null && (est.rows(keys.rel()) > groups * MAX_KEPT_SHARE || scanned(keys.rel()) >= aggScanned)) {
            keys = keys.source();
        }
        if (keys == null) {
            return side;
        }
        RelNode cut = semiJoin(agg.getInput(), aggColumns, keys);
        RelNode newAgg = agg.copy(agg.getTraitSet(), List.of(cut));
        return project == null ? newAgg : project.copy(project.getTraitSet(), List.of(newAgg));
    }

    /** Columns {@code columns} of {@code rel}: the values a semi-join keeps rows by. */
    private record Keys(RelNode rel, List<Integer> columns) {
        /**
         * The input of {@code rel} that all the key columns come from, through projections of
         * columns and inner joins, or null; its key values include every one of {@code rel}'s.
         */
        Keys source() {
            List<Integer> cols = new ArrayList<>();
            switch (rel) {
                case Project p -> {
                    for (int c : columns) {
                        if (!(p.getProjects().get(c) instanceof RexInputRef ref)) {
                            return null;
                        }
                        cols.add(ref.getIndex());
                    }
                    return new Keys(p.getInput(), cols);
                }
                case Join j when j.getJoinType() == JoinRelType.INNER -> {
                    int leftCount = j.getLeft().getRowType().getFieldCount();
                    boolean left = columns.stream().allMatch(c -> c < leftCount);
                    boolean right = columns.stream().allMatch(c -> c >= leftCount);
                    if (!left && !right) {
                        return null;
                    }
                    for (int c : columns) {
                        cols.add(left ? c : c - leftCount);
                    }
                    return new Keys(left ? j.getLeft() : j.getRight(), cols);
                }
                default -> {
                    return null;
                }
            }
        }
    }

    /**
     * {@code input SEMI JOIN keys ON input.columns = keys.columns}, placed as low in
     * {@code input} as the columns can be followed through projections of columns and inner
     * joins, so the rows it drops are not joined first. It stays above filters (cheaper, and
     * they drop rows first) and above the projection that picks a scan's columns (the scan
     * would read them all).
     */
    private static RelNode semiJoin(RelNode input, List<Integer> columns, Keys keys) {
        switch (input) {
            case Project p when !(p.getInput() instanceof TableScan)
                    && columns.stream().allMatch(c -> p.getProjects().get(c) instanceof RexInputRef) -> {
                List<Integer> cols = columns.stream().map(c -> ((RexInputRef) p.getProjects().get(c)).getIndex()).toList();
                return p.copy(p.getTraitSet(), List.of(semiJoin(p.getInput(), cols, keys)));
            }
            case Join j when j.getJoinType() == JoinRelType.INNER -> {
                int leftCount = j.getLeft().getRowType().getFieldCount();
                if (columns.stream().allMatch(c -> c < leftCount)) {
                    return j.copy(j.getTraitSet(), List.of(semiJoin(j.getLeft(), columns, keys), j.getRight()));
                }
                if (columns.stream().allMatch(c -> c >= leftCount)) {
                    List<Integer> cols = columns.stream().map(c -> c - leftCount).toList();
                    return j.copy(j.getTraitSet(), List.of(j.getLeft(), semiJoin(j.getRight(), cols, keys)));
                }
            }
            default -> { }
        }
        RexBuilder b = input.getCluster().getRexBuilder();
        int n = input.getRowType().getFieldCount();
        List<RexNode> terms = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            int a = columns.get(i);
            int o = keys.columns().get(i);
            terms.add(b.makeCall(SqlStdOperatorTable.EQUALS,
                    new RexInputRef(a, input.getRowType().getFieldList().get(a).getType()),
                    new RexInputRef(n + o, keys.rel().getRowType().getFieldList().get(o).getType())));
        }
        return LogicalJoin.create(input, keys.rel(), List.of(), RexUtil.composeConjunction(b, terms), java.util.Set.of(), JoinRelType.SEMI);
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
