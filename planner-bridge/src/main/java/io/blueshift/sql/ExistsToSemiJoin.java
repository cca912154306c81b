package io.blueshift.sql;

import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.logical.LogicalCorrelate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.tools.RelBuilder;

import java.util.ArrayList;
import java.util.List;

/**
 * Correlated {@code EXISTS} and {@code NOT EXISTS} straight to semi and anti joins, before
 * Calcite's decorrelator sees them. Calcite turns {@code EXISTS (SELECT .. FROM r WHERE
 * r.k = outer.k AND r.x <> outer.x)} into a correlate over a distinct {@code TRUE} of the
 * filtered subquery; decorrelating that joins the subquery with every distinct outer key set
 * and aggregates (the outer side computed twice or more; TPC-H Q21 read lineitem six times).
 * When the correlation sits only in the subquery's top filter, the filter's condition, with
 * the outer references bound to the outer row, is exactly a semi-join (EXISTS) or anti-join
 * (NOT EXISTS) condition: equalities become hash keys and the rest a residual the join
 * checks per candidate pair.
 *
 * <p>Shapes rewritten: {@code Correlate(INNER, L, Aggregate(group {0}) <- Project(TRUE) <-
 * Filter(c) <- R)} (EXISTS) into {@code Project(L, TRUE) <- SemiJoin(L, R, c')}, and
 * {@code Filter(IS NULL(i) AND rest) <- Correlate(LEFT, L, same)} (NOT EXISTS) into
 * {@code Filter(rest) <- Project(L, NULL) <- AntiJoin(L, R, c')}. Anything else is left to
 * the decorrelator.
 */
final class ExistsToSemiJoin {
    private ExistsToSemiJoin() {}

    static RelNode apply(RelNode root, RelBuilder builder) {
        return root.accept(new Shuttle(builder));
    }

    /** The condition c' over (L ++ R) and R, or null when the subquery is not of the simple shape. */
    private record Exists(RexNode condition, RelNode inner) {}

    private static Exists match(LogicalCorrelate c) {
        if (!(c.getRight() instanceof Aggregate a) || !a.getAggCallList().isEmpty() || a.getGroupCount() != 1
                || a.getGroupSets().size() != 1 || a.getGroupSet().nth(0) != 0) {
            return null;
        }
        if (!(a.getInput() instanceof Project p) || p.getProjects().size() != 1 || !p.getProjects().get(0).isAlwaysTrue()) {
            return null;
        }
        if (!(p.getInput() instanceof Filter f)) {
            return null;
        }
        RelNode inner = f.getInput();
        CorrelationId id = c.getCorrelationId();
        if (RelOptUtil.getVariablesUsed(inner).contains(id)) {
            return null;
        }
        int nLeft = c.getLeft().getRowType().getFieldCount();
        RexNode condition = bindCorrelation(f.getCondition(), id, nLeft);
        if (condition == null || RexUtil.containsCorrelation(condition)) {
            return null;
        }
        // conjuncts on the subquery's columns alone filter it before the join
        List<RexNode> pair = new ArrayList<>();
        List<RexNode> innerOnly = new ArrayList<>();
        for (RexNode term : RelOptUtil.conjunctions(condition)) {
            var bits = RelOptUtil.InputFinder.bits(term);
            if (!bits.isEmpty() && bits.nextSetBit(0) >= nLeft) {
                innerOnly.add(RexUtil.shift(term, -nLeft));
            } else {
                pair.add(term);
            }
        }
        if (!innerOnly.isEmpty()) {
            RexBuilder rex = c.getCluster().getRexBuilder();
            inner = org.apache.calcite.rel.logical.LogicalFilter.create(inner, RexUtil.composeConjunction(rex, innerOnly));
            condition = RexUtil.composeConjunction(rex, pair);
        }
        return new Exists(condition, inner);
    }

    private static final class Shuttle extends RelShuttleImpl {
        private final RelBuilder builder;

        Shuttle(RelBuilder builder) {
            this.builder = builder;
        }

        @Override
        public RelNode visit(LogicalCorrelate correlate) {
            if (correlate.getJoinType() == JoinRelType.INNER) {
                Exists e = match(correlate);
                if (e != null) {
                    RelNode left = correlate.getLeft().accept(this);
                    RelNode inner = e.inner().accept(this);
                    builder.push(left).push(inner).semiJoin(e.condition());
                    List<RexNode> fields = new ArrayList<>(builder.fields());
                    fields.add(builder.literal(true));
                    return builder.project(fields, correlate.getRowType().getFieldNames(), true).build();
                }
            }
            return super.visit(correlate);
        }

        @Override
        public RelNode visit(LogicalFilter filter) {
            if (filter.getInput() instanceof LogicalCorrelate c && c.getJoinType() == JoinRelType.LEFT) {
                Exists e = match(c);
                int mark = c.getLeft().getRowType().getFieldCount();
                List<RexNode> rest = new ArrayList<>();
                int isNull = 0;
                boolean otherUse = false;
                for (RexNode term : RelOptUtil.conjunctions(filter.getCondition())) {
                    if (term.getKind() == SqlKind.IS_NULL && term instanceof RexCall call
                            && call.getOperands().get(0) instanceof RexInputRef r && r.getIndex() == mark) {
                        isNull++;
                    } else {
                        otherUse |= RelOptUtil.InputFinder.bits(term).get(mark);
                        rest.add(term);
                    }
                }
                if (e != null && isNull > 0 && !otherUse) {
                    RelNode left = c.getLeft().accept(this);
                    RelNode inner = e.inner().accept(this);
                    builder.push(left).push(inner).antiJoin(e.condition());
                    RexBuilder rex = filter.getCluster().getRexBuilder();
                    List<RexNode> fields = new ArrayList<>(builder.fields());
                    fields.add(rex.makeNullLiteral(c.getRowType().getFieldList().get(mark).getType()));
                    builder.project(fields, c.getRowType().getFieldNames(), true);
                    if (!rest.isEmpty()) {
                        builder.filter(rest);
                    }
                    return builder.build();
                }
            }
            return super.visit(filter);
        }
    }

    /**
     * {@code e} over the pair (the correlated row's fields first, as input references, then
     * {@code e}'s own inputs shifted by {@code inputShift}); null when it reads another
     * correlation or a subquery. With a negative {@code inputShift}, {@code e} may read the
     * correlated row only (its own inputs, or fields of anything else, make it null): the
     * outer side of an equality ({@link ScalarSubqueryToJoin}).
     */
    static RexNode bindCorrelation(RexNode e, CorrelationId id, int inputShift) {
        boolean[] foreign = {false};
        RexNode bound = e.accept(new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                if (inputShift < 0) {
                    foreign[0] = true;
                    return ref;
                }
                return new RexInputRef(ref.getIndex() + inputShift, ref.getType());
            }

            @Override
            public RexNode visitFieldAccess(RexFieldAccess access) {
                if (access.getReferenceExpr() instanceof RexCorrelVariable v && v.id.equals(id)) {
                    return new RexInputRef(access.getField().getIndex(), access.getType());
                }
                if (inputShift < 0) {
                    foreign[0] = true;
                    return access;
                }
                return super.visitFieldAccess(access);
            }

            @Override
            public RexNode visitCorrelVariable(RexCorrelVariable v) {
                foreign[0] = true;
                return v;
            }

            @Override
            public RexNode visitSubQuery(org.apache.calcite.rex.RexSubQuery subQuery) {
                foreign[0] = true;
                return subQuery;
            }
        });
        return foreign[0] ? null : bound;
    }
}
