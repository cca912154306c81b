package io.blueshift.sql;

import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalCorrelate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableBitSet;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Scalar aggregate subqueries correlated only by equalities, straight to a LEFT join with a
 * grouped aggregate, before Calcite's decorrelator sees them (its general algorithm runs two
 * internal rewrite passes over the whole plan: a fifth of TPC-H Q2's planning).
 *
 * <p>Shape rewritten: {@code Correlate(LEFT, L, [Project T] <- Aggregate({}; calls) <-
 * [Projects P] <- Filter(c) <- R)} (P: any chain of projections, composed) where every conjunct of {@code c} that reads the correlation
 * is {@code inner = outer}, {@code inner} an expression over R and {@code outer} one over the
 * correlated row alone, and nothing else (R, P, T, the other conjuncts) reads it. It becomes
 * {@code Project(L, T') <- Join(LEFT, L, Aggregate(inner keys; calls) <- Project(P, inner keys)
 * <- Filter(rest of c) <- R, outer = key)}: grouped by the keys, each outer row meets at most one
 * group; a row with no group (no inner row, or a NULL key) gets the empty aggregate's values,
 * which is why only calls whose empty value is NULL (SUM, MIN, MAX, AVG, ANY_VALUE) or zero
 * (COUNT, $SUM0: COALESCE(v, 0) in T') are taken, and only keys whose equality is identity
 * (integers, decimals, dates and times, booleans, VARCHAR; not floating point, where 0.0 = -0.0
 * would meet two groups). A filter above that rejects NULL values turns the join into an inner
 * one later, in the rewrite pass. Anything else is left to the decorrelator.
 */
final class ScalarSubqueryToJoin {
    private ScalarSubqueryToJoin() {}

    static RelNode apply(RelNode root) {
        return root.accept(new Shuttle());
    }

    private static final Set<SqlKind> NULL_WHEN_EMPTY = EnumSet.of(SqlKind.SUM, SqlKind.MIN, SqlKind.MAX, SqlKind.AVG, SqlKind.ANY_VALUE);
    private static final Set<SqlKind> ZERO_WHEN_EMPTY = EnumSet.of(SqlKind.COUNT, SqlKind.SUM0);

    private static final Set<SqlTypeName> KEY_TYPES = EnumSet.of(SqlTypeName.TINYINT, SqlTypeName.SMALLINT, SqlTypeName.INTEGER,
            SqlTypeName.BIGINT, SqlTypeName.DECIMAL, SqlTypeName.DATE, SqlTypeName.TIME, SqlTypeName.TIMESTAMP,
            SqlTypeName.BOOLEAN, SqlTypeName.VARCHAR);

    private static final class Shuttle extends RelShuttleImpl {
        @Override
        public RelNode visit(LogicalCorrelate correlate) {
            RelNode visited = super.visit(correlate);
            if (visited instanceof LogicalCorrelate c && c.getJoinType() == JoinRelType.LEFT) {
                RelNode rewritten = rewrite(c);
                if (rewritten != null) {
                    return rewritten;
                }
            }
            return visited;
        }
    }

    /**
     * The right side of a correlate that computes one row of aggregates: {@code [Project top] <-
     * Aggregate({}; calls) <- [Projects, composed into mid] <- Filter <- R}, where only the filter's
     * condition reads the correlation and {@code top} is deterministic. {@code midDeterministic}:
     * every expression of every projection between the aggregate and the filter is (the composed
     * {@code mid} may have dropped some). Shared with {@link SubqueryCoalescing}.
     */
    record AggregateSubquery(Project top, Aggregate agg, List<RexNode> mid, List<String> midNames, boolean midDeterministic,
                             Filter filter) {}

    /** {@code c}'s right side as an {@link AggregateSubquery}, or null when it has another shape. */
    static AggregateSubquery aggregateSubquery(LogicalCorrelate c) {
        RelNode right = c.getRight();
        Project top = null;
        if (right instanceof Project p) {
            top = p;
            right = p.getInput();
        }
        if (!(right instanceof Aggregate agg) || agg.getGroupCount() != 0 || agg.getGroupSets().size() != 1
                || agg.getAggCallList().isEmpty()) {
            return null;
        }
        // the projections between the aggregate and the filter, composed into one
        RelNode below = agg.getInput();
        List<RexNode> mid = null;
        List<String> midNames = null;
        boolean midDeterministic = true;
        while (below instanceof Project p) {
            if (p.getProjects().stream().anyMatch(RexUtil::containsCorrelation)) {
                return null;
            }
            midDeterministic &= p.getProjects().stream().allMatch(RexUtil::isDeterministic);
            if (mid == null) {
                mid = new ArrayList<>(p.getProjects());
                midNames = p.getRowType().getFieldNames();
            } else {
                mid = RelOptUtil.pushPastProject(mid, p);
            }
            below = p.getInput();
        }
        if (!(below instanceof Filter filter) || !RelOptUtil.getVariablesUsed(filter.getInput()).isEmpty()
                || (top != null && top.getProjects().stream().anyMatch(e -> RexUtil.containsCorrelation(e) || !RexUtil.isDeterministic(e)))) {
            return null;
        }
        return new AggregateSubquery(top, agg, mid, midNames, midDeterministic, filter);
    }

    private static RelNode rewrite(LogicalCorrelate c) {
        CorrelationId id = c.getCorrelationId();
        AggregateSubquery sub = aggregateSubquery(c);
        if (sub == null) {
            return null;
        }
        Project top = sub.top();
        Aggregate agg = sub.agg();
        for (AggregateCall call : agg.getAggCallList()) {
            SqlKind kind = call.getAggregation().getKind();
            if (!NULL_WHEN_EMPTY.contains(kind) && !ZERO_WHEN_EMPTY.contains(kind)) {
                return null;
            }
        }
        List<RexNode> mid = sub.mid();
        List<String> midNames = sub.midNames();
        Filter filter = sub.filter();
        RelNode inner = filter.getInput();
        int nLeft = c.getLeft().getRowType().getFieldCount();
        List<RexNode> innerKeys = new ArrayList<>();
        List<RexNode> outerKeys = new ArrayList<>();
        List<RexNode> rest = new ArrayList<>();
        for (RexNode term : RelOptUtil.conjunctions(filter.getCondition())) {
            if (!RexUtil.containsCorrelation(term)) {
                rest.add(term);
                continue;
            }
            if (term.getKind() != SqlKind.EQUALS || !(term instanceof RexCall eq)) {
                return null;
            }
            RexNode a = eq.getOperands().get(0);
            RexNode b = eq.getOperands().get(1);
            RexNode outer = outerSide(b, id);
            RexNode innerSide = a;
            if (outer == null || RexUtil.containsCorrelation(a)) {
                outer = outerSide(a, id);
                innerSide = b;
                if (outer == null || RexUtil.containsCorrelation(b)) {
                    return null;
                }
            }
            if (!KEY_TYPES.contains(innerSide.getType().getSqlTypeName()) || !KEY_TYPES.contains(outer.getType().getSqlTypeName())
                    || !RexUtil.isDeterministic(innerSide)) {
                return null;
            }
            innerKeys.add(innerSide);
            outerKeys.add(outer);
        }
        if (innerKeys.isEmpty()) {
            return null;
        }
        RexBuilder rex = c.getCluster().getRexBuilder();
        // inner: Filter(rest) <- R, then P's columns and the keys, grouped by the keys
        RelNode input = rest.isEmpty() ? inner : LogicalFilter.create(inner, RexUtil.composeConjunction(rex, rest));
        List<RexNode> columns = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (mid != null) {
            columns.addAll(mid);
            names.addAll(midNames);
        } else {
            for (var f : input.getRowType().getFieldList()) {
                columns.add(new RexInputRef(f.getIndex(), f.getType()));
                names.add(f.getName());
            }
        }
        int nColumns = columns.size();
        for (int i = 0; i < innerKeys.size(); i++) {
            columns.add(innerKeys.get(i));
            names.add("$key" + i);
        }
        RelNode projected = LogicalProject.create(input, List.of(), columns, RexUtil.createStructType(rex.getTypeFactory(), columns, names, null),
                Set.of());
        int nKeys = innerKeys.size();
        List<AggregateCall> calls = new ArrayList<>();
        for (AggregateCall call : agg.getAggCallList()) {
            calls.add(call.adaptTo(projected, call.getArgList(), call.filterArg, 0, nKeys));
        }
        RelNode grouped = LogicalAggregate.create(projected, List.of(), ImmutableBitSet.range(nColumns, nColumns + nKeys), null, calls);
        // the join: outer key = group key, all of them
        List<RexNode> on = new ArrayList<>();
        for (int i = 0; i < nKeys; i++) {
            RexNode key = new RexInputRef(nLeft + i, grouped.getRowType().getFieldList().get(i).getType());
            on.add(rex.makeCall(SqlStdOperatorTable.EQUALS, outerKeys.get(i), key));
        }
        RelNode join = LogicalJoin.create(c.getLeft(), grouped, List.of(), RexUtil.composeConjunction(rex, on), Set.of(), JoinRelType.LEFT);
        // the subquery's value: T over the calls' values, COUNT's and $SUM0's NULL (no group) as 0
        var joinFields = join.getRowType().getFieldList();
        List<RexNode> values = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            RexNode ref = new RexInputRef(nLeft + nKeys + i, joinFields.get(nLeft + nKeys + i).getType());
            RelDataType was = agg.getRowType().getFieldList().get(i).getType();
            if (ZERO_WHEN_EMPTY.contains(calls.get(i).getAggregation().getKind())) {
                ref = rex.makeCall(was, SqlStdOperatorTable.COALESCE, List.of(ref, rex.makeZeroLiteral(was)));
            }
            values.add(rex.ensureType(was, ref, true));
        }
        return correlateRow(c, join, nLeft, top, values);
    }

    /**
     * The correlate's row over {@code input} (whose first {@code nLeft} fields are the correlate's
     * left side): those fields, then {@code top}'s expressions over the subquery's {@code values}
     * (or the values themselves), each cast to the correlate's type where it differs (its parents'
     * references carry it, nullability included); null when the widths do not agree. Shared with
     * {@link SubqueryCoalescing}.
     */
    static RelNode correlateRow(org.apache.calcite.rel.core.Correlate c, RelNode input, int nLeft, Project top, List<RexNode> values) {
        RexBuilder rex = c.getCluster().getRexBuilder();
        var inputFields = input.getRowType().getFieldList();
        List<RexNode> out = new ArrayList<>();
        for (int i = 0; i < nLeft; i++) {
            out.add(new RexInputRef(i, inputFields.get(i).getType()));
        }
        if (top == null) {
            out.addAll(values);
        } else {
            for (RexNode e : top.getProjects()) {
                out.add(e.accept(new RexShuttle() {
                    @Override
                    public RexNode visitInputRef(RexInputRef ref) {
                        return values.get(ref.getIndex());
                    }
                }));
            }
        }
        var fields = c.getRowType().getFieldList();
        if (out.size() != fields.size()) {
            return null;
        }
        for (int i = nLeft; i < out.size(); i++) {
            if (!out.get(i).getType().equals(fields.get(i).getType())) {
                out.set(i, rex.makeAbstractCast(fields.get(i).getType(), out.get(i), false));
            }
        }
        return LogicalProject.create(input, List.of(), out, c.getRowType(), Set.of());
    }

    /** {@code e} with the correlated row's fields as input references, or null when it reads anything else. */
    private static RexNode outerSide(RexNode e, CorrelationId id) {
        RexNode bound = ExistsToSemiJoin.bindCorrelation(e, id, -1);
        return bound == null || !RexUtil.isDeterministic(e) || !RexUtil.containsCorrelation(e) ? null : bound;
    }
}
