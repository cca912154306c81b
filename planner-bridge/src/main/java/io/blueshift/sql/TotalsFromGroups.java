package io.blueshift.sql;

import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.ImmutableBitSet;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A total over the same rows a GROUP BY of the same query already aggregates is taken from its
 * groups. For {@code Aggregate({}; SUM(e))(R)} (a scalar subquery's value: TPC-H Q11's
 * {@code HAVING sum(x) > (SELECT sum(x) * c FROM <the same FROM and WHERE>)}) where the plan also
 * holds {@code Aggregate(K; ..., SUM(e), ...)(R)} over an equal R, the total is
 * {@code Aggregate({}; SUM(s))} over that grouped aggregate, s its SUM(e) column: every row of R
 * is in exactly one group (NULL keys form a group too), so the sum of the group sums is the sum,
 * and both are NULL when R is empty. The same holds for $SUM0, MIN and MAX. Both references are
 * then one and the same aggregate node, which the executor computes once ({@code SharedResults});
 * the total reads the groups instead of joining and scanning R again.
 *
 * <p>Only plain calls qualify (no DISTINCT, FILTER or WITHIN GROUP), R must be deterministic, the
 * grouped aggregate a single grouping set whose calls the total all uses (so trimming unused
 * columns leaves both references equal), and the new calls must keep the old calls' types.
 */
final class TotalsFromGroups {
    private TotalsFromGroups() {}

    static RelNode apply(RelNode root) {
        List<LogicalAggregate> grouped = new ArrayList<>();
        boolean[] total = new boolean[1];
        collect(root, grouped, total, new IdentityHashMap<>());
        if (grouped.isEmpty() || !total[0]) {
            return root;
        }
        Map<RelNode, String> digests = new IdentityHashMap<>();
        return root.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(LogicalAggregate aggregate) {
                RelNode visited = super.visit(aggregate);
                if (visited instanceof LogicalAggregate a && a.getGroupSet().isEmpty() && a.getGroupSets().size() == 1) {
                    for (LogicalAggregate g : grouped) {
                        RelNode rewritten = fromGroups(a, g, digests);
                        if (rewritten != null) {
                            return rewritten;
                        }
                    }
                }
                return visited;
            }
        });
    }

    private static void collect(RelNode rel, List<LogicalAggregate> grouped, boolean[] total, Map<RelNode, Boolean> seen) {
        if (seen.put(rel, Boolean.TRUE) != null) {
            return;
        }
        if (rel instanceof LogicalAggregate a && a.getGroupSets().size() == 1) {
            if (a.getGroupSet().isEmpty()) {
                total[0] = true;
            } else if (!a.getAggCallList().isEmpty()) {
                grouped.add(a);
            }
        }
        for (RelNode in : rel.getInputs()) {
            collect(in, grouped, total, seen);
        }
    }

    /** {@code total} computed from {@code groups}' calls, or null when it cannot be. */
    private static RelNode fromGroups(LogicalAggregate total, LogicalAggregate groups, Map<RelNode, String> digests) {
        RelNode totalBase = base(total.getInput());
        RelNode groupBase = base(groups.getInput());
        if (totalBase.getRowType().getFieldCount() != groupBase.getRowType().getFieldCount()) {
            return null;
        }
        List<RexNode> totalExprs = expressions(total.getInput());
        List<RexNode> groupExprs = expressions(groups.getInput());
        int groupCount = groups.getGroupCount();
        boolean[] used = new boolean[groups.getAggCallList().size()];
        List<AggregateCall> calls = new ArrayList<>();
        for (AggregateCall c : total.getAggCallList()) {
            int found = matching(c, totalExprs, groups.getAggCallList(), groupExprs);
            if (found < 0) {
                return null;
            }
            used[found] = true;
            AggregateCall call = AggregateCall.create(c.getAggregation(), false, false, false, List.of(),
                    List.of(groupCount + found), -1, null, org.apache.calcite.rel.RelCollations.EMPTY, 0, groups,
                    null, c.getName());
            if (!call.getType().equals(c.getType())) {
                return null;
            }
            calls.add(call);
        }
        for (boolean u : used) {
            if (!u) {
                return null;
            }
        }
        if (!deterministic(totalExprs) || !deterministicTree(groupBase)
                || !digest(totalBase, digests).equals(digest(groupBase, digests))) {
            return null;
        }
        return LogicalAggregate.create(groups, total.getHints(), ImmutableBitSet.of(), null, calls);
    }

    /** The index of the call of {@code groupCalls} that {@code c} can be summed from, or -1. */
    private static int matching(AggregateCall c, List<RexNode> exprs, List<AggregateCall> groupCalls, List<RexNode> groupExprs) {
        SqlKind kind = c.getAggregation().getKind();
        if (!plain(c) || !(kind == SqlKind.SUM || kind == SqlKind.SUM0 || kind == SqlKind.MIN || kind == SqlKind.MAX)) {
            return -1;
        }
        RexNode arg = exprs.get(c.getArgList().get(0));
        for (int i = 0; i < groupCalls.size(); i++) {
            AggregateCall g = groupCalls.get(i);
            if (plain(g) && g.getAggregation().getKind() == kind && groupExprs.get(g.getArgList().get(0)).equals(arg)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean plain(AggregateCall c) {
        return !c.isDistinct() && !c.isApproximate() && c.filterArg < 0 && c.getArgList().size() == 1
                && c.getCollation().getFieldCollations().isEmpty() && c.rexList.isEmpty();
    }

    /** The rows under a projection (the aggregate's arguments are computed there). */
    private static RelNode base(RelNode input) {
        return input instanceof Project p ? p.getInput() : input;
    }

    /** The input's columns as expressions over {@link #base}. */
    private static List<RexNode> expressions(RelNode input) {
        if (input instanceof Project p) {
            return p.getProjects();
        }
        List<RexNode> refs = new ArrayList<>();
        var rex = input.getCluster().getRexBuilder();
        for (int i = 0; i < input.getRowType().getFieldCount(); i++) {
            refs.add(rex.makeInputRef(input, i));
        }
        return refs;
    }

    private static String digest(RelNode rel, Map<RelNode, String> digests) {
        return digests.computeIfAbsent(rel, r -> RelOptUtil.toString(r, SqlExplainLevel.DIGEST_ATTRIBUTES));
    }

    private static boolean deterministic(List<RexNode> exprs) {
        for (RexNode e : exprs) {
            if (!org.apache.calcite.rex.RexUtil.isDeterministic(e)) {
                return false;
            }
        }
        return true;
    }

    /** Whether no expression anywhere in the tree calls a non-deterministic function. */
    static boolean deterministicTree(RelNode rel) {
        boolean[] ok = {true};
        RexShuttle check = new RexShuttle() {
            @Override
            public RexNode visitCall(RexCall call) {
                if (!call.getOperator().isDeterministic() || call.getOperator().isDynamicFunction()) {
                    ok[0] = false;
                }
                return super.visitCall(call);
            }
        };
        rel.accept(new RelShuttleImpl() {
            @Override
            protected RelNode visitChild(RelNode parent, int i, RelNode child) {
                child.accept(check);
                return super.visitChild(parent, i, child);
            }
        });
        rel.accept(check);
        return ok[0];
    }
}
