package io.blueshift.sql;

import org.apache.calcite.plan.RelOptPredicateList;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.hep.HepRelVertex;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Exchange;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.rules.JoinPushTransitivePredicatesRule;
import org.apache.calcite.rel.rules.ReduceExpressionsRule;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.ImmutableBitSet;

import java.util.ArrayList;
import java.util.List;

/**
 * Which output fields of a plan the predicates Calcite pulls up from it ({@code RelMdPredicates})
 * can name: a cheap over-estimate from the filters, join conditions and constant projections
 * below, so that the rules using pulled-up predicates skip the inference when no predicate can
 * bear on what they simplify or move.
 *
 * <p>Pulling predicates up through a join tree infers, at every join, the transitive predicates
 * over all of its fields and simplifies them all again: in the main rewrite pass that was most of
 * the join and filter reductions' time (Q8: 87% of the join reduction's) and all of the
 * transitive-predicate rule's, and in TPC-H the predicates change a condition once in 22
 * queries. A filter on {@code r_name} does not bear on the join condition
 * {@code n_regionkey = r_regionkey}. A skip only leaves Calcite's rule out where it could not
 * change anything; the reduction without predicates still runs (constant folding, simplification).
 *
 * <p>{@code -Dblueshift.check.predicateFields=true} (tests): every skip also runs Calcite's
 * computation with the pulled-up predicates and fails when the results differ.
 */
final class PredicateFields {
    private PredicateFields() {}

    static volatile boolean check = Boolean.getBoolean("blueshift.check.predicateFields");

    /** {@code -Dblueshift.planner.calcitePredicates=true}: the rules always pull predicates up (for comparisons). */
    static final boolean OFF = Boolean.getBoolean("blueshift.planner.calcitePredicates");

    /**
     * Fields that predicates pulled up from a plan reference: {@code strong}, by any predicate
     * other than an equality of two columns that cannot be null; {@code equal}, by such
     * equalities (join keys). Calcite's simplification reads only the first kind (comparisons
     * with literals, constants, IS [NOT] NULL); the second only moves predicates along joins.
     */
    record Fields(ImmutableBitSet strong, ImmutableBitSet equal) {
        static final Fields NONE = new Fields(ImmutableBitSet.of(), ImmutableBitSet.of());

        Fields shift(int offset) {
            return new Fields(strong.shift(offset), equal.shift(offset));
        }

        Fields union(Fields o) {
            return new Fields(strong.union(o.strong), equal.union(o.equal));
        }

        /** The fields at output positions: position i reads input field {@code sources[i]} (or -1: a new value, strong). */
        Fields map(int[] sources) {
            ImmutableBitSet.Builder s = ImmutableBitSet.builder();
            ImmutableBitSet.Builder e = ImmutableBitSet.builder();
            for (int i = 0; i < sources.length; i++) {
                if (sources[i] < 0 || strong.get(sources[i])) {
                    s.set(i);
                }
                if (sources[i] >= 0 && equal.get(sources[i])) {
                    e.set(i);
                }
            }
            return new Fields(s.build(), e.build());
        }
    }

    /**
     * Over-estimated {@link Fields} of the predicates Calcite pulls up from {@code rel}; null when
     * not known (any field, or a predicate without fields such as FALSE).
     */
    static Fields of(RelNode rel) {
        while (rel instanceof HepRelVertex v) {
            rel = v.getCurrentRel();
        }
        switch (rel) {
            case TableScan scan -> {
                return scan.getTable().unwrap(BuiltInMetadata.Predicates.Handler.class) == null ? Fields.NONE : null;
            }
            case Filter filter -> {
                Fields in = of(filter.getInput());
                Conjuncts own = Conjuncts.of(filter.getCondition(), inputTypes(filter.getInput()));
                return in == null || own == null ? null : in.union(own.fields());
            }
            case Project project -> {
                Fields in = of(project.getInput());
                if (in == null) {
                    return null;
                }
                // an input field's predicates follow it; a constant gets one of its own;
                // any other expression is counted in, to be safe
                List<RexNode> exprs = project.getProjects();
                int[] sources = new int[exprs.size()];
                for (int i = 0; i < sources.length; i++) {
                    sources[i] = exprs.get(i) instanceof RexInputRef ref ? ref.getIndex() : -1;
                }
                return in.map(sources);
            }
            case Join join -> {
                Fields left = of(join.getLeft());
                Fields right = of(join.getRight());
                int nLeft = join.getLeft().getRowType().getFieldCount();
                // an outer or anti join passes up only its preserved side's predicates, as they are
                // (Calcite infers across the condition only onto the other side, and keeps that for pushing)
                switch (join.getJoinType()) {
                    case LEFT, ANTI -> {
                        return left;
                    }
                    case RIGHT -> {
                        return right == null ? null : right.shift(nLeft);
                    }
                    case FULL -> {
                        return Fields.NONE;
                    }
                    default -> { }
                }
                Conjuncts own = Conjuncts.of(join.getCondition(), inputTypes(join.getLeft(), join.getRight()));
                if (left == null || right == null || own == null) {
                    return null;
                }
                // predicates move along the condition's equalities (to a fixed point)
                java.util.BitSet strong = left.strong().union(right.strong().shift(nLeft)).union(own.strong()).toBitSet();
                java.util.BitSet equal = left.equal().union(right.equal().shift(nLeft)).union(own.equal()).toBitSet();
                for (boolean changed = true; changed; ) {
                    changed = false;
                    for (int[] pair : own.pairs()) {
                        changed |= spread(strong, pair) | spread(equal, pair);
                    }
                }
                Fields all = new Fields(ImmutableBitSet.fromBitSet(strong), ImmutableBitSet.fromBitSet(equal));
                if (join.getJoinType().projectsRight()) {
                    return all;
                }
                ImmutableBitSet leftFields = ImmutableBitSet.range(nLeft);
                return new Fields(all.strong().intersect(leftFields), all.equal().intersect(leftFields));
            }
            case Aggregate agg -> {
                Fields in = of(agg.getInput());
                if (in == null) {
                    return null;
                }
                // predicates on grouping keys only, at the keys' output positions
                return in.map(agg.getGroupSet().toArray());
            }
            case Sort sort -> {
                return of(sort.getInput());
            }
            case Exchange exchange -> {
                return of(exchange.getInput());
            }
            case SetOp set -> {
                Fields all = Fields.NONE;
                for (RelNode in : set.getInputs()) {
                    Fields f = of(in);
                    if (f == null) {
                        return null;
                    }
                    all = all.union(f);
                }
                return all;
            }
            default -> {
                return null;
            }
        }
    }

    private static boolean spread(java.util.BitSet set, int[] pair) {
        if (set.get(pair[0]) != set.get(pair[1])) {
            set.set(pair[0]);
            set.set(pair[1]);
            return true;
        }
        return false;
    }

    /**
     * A condition's conjuncts: the fields of equalities of two columns that cannot be null,
     * those of the others, and every equality of two columns (nullable ones too) as a pair.
     */
    private record Conjuncts(ImmutableBitSet strong, ImmutableBitSet equal, List<int[]> pairs) {
        Fields fields() {
            return new Fields(strong, equal);
        }

        /** Null when a conjunct reads no field (FALSE; TRUE alone has no conjuncts). */
        static Conjuncts of(RexNode condition, List<RelDataType> types) {
            ImmutableBitSet.Builder strong = ImmutableBitSet.builder();
            ImmutableBitSet.Builder equal = ImmutableBitSet.builder();
            List<int[]> pairs = new ArrayList<>();
            for (RexNode c : RelOptUtil.conjunctions(condition)) {
                int[] pair = columnEquality(c);
                if (pair != null) {
                    pairs.add(pair);
                    if (notNull(pair, types)) {
                        equal.set(pair[0]).set(pair[1]);
                        continue;
                    }
                }
                ImmutableBitSet f = RelOptUtil.InputFinder.bits(c);
                if (f.isEmpty()) {
                    return null;
                }
                strong.addAll(f);
            }
            return new Conjuncts(strong.build(), equal.build(), pairs);
        }
    }

    /** The two fields of {@code c} when it is an equality of two columns, else null. */
    private static int[] columnEquality(RexNode c) {
        if (c.getKind() == SqlKind.EQUALS && c instanceof RexCall eq
                && eq.getOperands().get(0) instanceof RexInputRef a && eq.getOperands().get(1) instanceof RexInputRef b
                && a.getIndex() != b.getIndex()) {
            return new int[] {a.getIndex(), b.getIndex()};
        }
        return null;
    }

    /**
     * Whether neither field of an equality can be null, by the inputs' field types (a
     * condition's references can say NOT NULL of a column that an outer join below made nullable).
     */
    private static boolean notNull(int[] pair, List<RelDataType> types) {
        return !types.get(pair[0]).isNullable() && !types.get(pair[1]).isNullable();
    }

    /** The field types of {@code inputs}, numbered across them. */
    private static List<RelDataType> inputTypes(RelNode... inputs) {
        List<RelDataType> types = new ArrayList<>();
        for (RelNode in : inputs) {
            for (var f : in.getRowType().getFieldList()) {
                types.add(f.getType());
            }
        }
        return types;
    }

    /** Whether no strong predicate pulled up from {@code inputs} (fields numbered across them) can reference {@code used}. */
    private static boolean disjoint(ImmutableBitSet used, RelNode... inputs) {
        int offset = 0;
        for (RelNode in : inputs) {
            Fields f = of(in);
            if (f == null || used.intersects(f.strong().shift(offset))) {
                return false;
            }
            offset += in.getRowType().getFieldCount();
        }
        return true;
    }

    /** Calcite's {@code ReduceExpressionsRule(Join)}, without the inputs' predicates where none can bear on the condition. */
    static final class JoinReduction extends ReduceExpressionsRule.JoinReduceExpressionsRule {
        static final JoinReduction INSTANCE = new JoinReduction();

        private JoinReduction() {
            super((JoinReduceExpressionsRuleConfig) ReduceExpressionsRule.JoinReduceExpressionsRule.JoinReduceExpressionsRuleConfig.DEFAULT
                    .withDescription("JoinReduction"));
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            Join join = call.rel(0);
            if (OFF || join instanceof org.apache.calcite.rel.logical.LogicalAsofJoin
                    || !disjoint(RelOptUtil.InputFinder.bits(join.getCondition()), join.getLeft(), join.getRight())) {
                super.onMatch(call);
                return;
            }
            List<RexNode> exprs = new ArrayList<>(List.of(join.getCondition()));
            boolean reduced = reduceExpressions(join, exprs, RelOptPredicateList.EMPTY, true, config.matchNullability(),
                    config.treatDynamicCallsAsConstant());
            if (check) {
                List<RexNode> full = new ArrayList<>(List.of(join.getCondition()));
                var mq = call.getMetadataQuery();
                var rex = join.getCluster().getRexBuilder();
                var preds = mq.getPulledUpPredicates(join.getLeft())
                        .union(rex, mq.getPulledUpPredicates(join.getRight()).shift(rex, join.getLeft().getRowType().getFieldCount()));
                boolean fullReduced = reduceExpressions(join, full, preds, true, config.matchNullability(), config.treatDynamicCallsAsConstant());
                same("join condition " + join.getCondition(), reduced, exprs.get(0), fullReduced, full.get(0));
            }
            if (!reduced) {
                return;
            }
            call.transformTo(join.copy(join.getTraitSet(), exprs.get(0), join.getLeft(), join.getRight(), join.getJoinType(),
                    join.isSemiJoinDone()));
            call.getPlanner().prune(join);
        }
    }

    /** Calcite's {@code ReduceExpressionsRule(Filter)}, without the input's predicates where none can bear on the condition. */
    static final class FilterReduction extends ReduceExpressionsRule.FilterReduceExpressionsRule {
        static final FilterReduction INSTANCE = new FilterReduction();

        private FilterReduction() {
            super((FilterReduceExpressionsRuleConfig) ReduceExpressionsRule.FilterReduceExpressionsRule.FilterReduceExpressionsRuleConfig.DEFAULT
                    .withDescription("FilterReduction"));
        }

        @Override
        public void onMatch(RelOptRuleCall call) {
            Filter filter = call.rel(0);
            if (OFF || !disjoint(RelOptUtil.InputFinder.bits(filter.getCondition()), filter.getInput())) {
                super.onMatch(call);
                return;
            }
            List<RexNode> exprs = new ArrayList<>(List.of(filter.getCondition()));
            boolean reduced = reduceExpressions(filter, exprs, RelOptPredicateList.EMPTY, true, config.matchNullability(),
                    config.treatDynamicCallsAsConstant());
            if (check) {
                List<RexNode> full = new ArrayList<>(List.of(filter.getCondition()));
                boolean fullReduced = reduceExpressions(filter, full, call.getMetadataQuery().getPulledUpPredicates(filter.getInput()), true,
                        config.matchNullability(), config.treatDynamicCallsAsConstant());
                same("filter " + filter.getCondition(), reduced, exprs.get(0), fullReduced, full.get(0));
            }
            // what Calcite's rule does with the reduced condition
            RexNode condition = reduced ? exprs.get(0) : filter.getCondition();
            if (condition.isAlwaysTrue()) {
                call.transformTo(filter.getInput());
            } else if (condition instanceof RexLiteral || RexUtil.isNullLiteral(condition, true)) {
                call.transformTo(createEmptyRelOrEquivalent(call, filter));
            } else if (reduced) {
                call.transformTo(call.builder().push(filter.getInput()).filter(condition).build());
            } else {
                notNullTest(call, filter, condition);
                return;
            }
            call.getPlanner().prune(filter);
        }

        /** IS [NOT] NULL of a column that cannot be null: no filter, or no rows (as Calcite's rule). */
        private void notNullTest(RelOptRuleCall call, Filter filter, RexNode condition) {
            if (!(condition instanceof RexCall c)) {
                return;
            }
            boolean reverse = c.getKind() == SqlKind.NOT;
            RexNode test = reverse ? c.getOperands().get(0) : c;
            boolean alwaysTrue;
            switch (test.getKind()) {
                case IS_NULL, IS_UNKNOWN -> alwaysTrue = false;
                case IS_NOT_NULL -> alwaysTrue = true;
                default -> {
                    return;
                }
            }
            if (reverse) {
                alwaysTrue = !alwaysTrue;
            }
            if (((RexCall) test).getOperands().get(0) instanceof RexInputRef ref && !ref.getType().isNullable()) {
                call.transformTo(alwaysTrue ? filter.getInput() : createEmptyRelOrEquivalent(call, filter));
            }
        }
    }

    /**
     * Whether Calcite's transitive-predicate rule can find nothing to push into {@code join}'s
     * inputs. It moves predicates along the condition's equalities of a left and a right
     * column, and infers IS NOT NULL of a column the condition reads: nothing moves when no
     * column the condition reads can be null, each key column is in one equality only, no
     * strong predicate (from the inputs or the condition) names it, and no equality pulled up
     * from one input names two of them. Inner and left joins only.
     */
    static boolean nothingToInfer(Join join) {
        // a left join moves only its left input's predicates, onto the right: fewer than an inner join
        if (OFF || join.getJoinType() != JoinRelType.INNER && join.getJoinType() != JoinRelType.LEFT) {
            return false;
        }
        int nLeft = join.getLeft().getRowType().getFieldCount();
        List<RelDataType> types = inputTypes(join.getLeft(), join.getRight());
        java.util.BitSet keys = new java.util.BitSet();
        ImmutableBitSet.Builder others = ImmutableBitSet.builder();
        for (RexNode c : RelOptUtil.conjunctions(join.getCondition())) {
            int[] pair = columnEquality(c);
            if (pair != null && (pair[0] < nLeft) != (pair[1] < nLeft) && notNull(pair, types)) {
                if (keys.get(pair[0]) || keys.get(pair[1])) {
                    return false;
                }
                keys.set(pair[0]);
                keys.set(pair[1]);
                continue;
            }
            ImmutableBitSet f = RelOptUtil.InputFinder.bits(c);
            if (f.isEmpty()) {
                return false;
            }
            for (int i : f) {
                // a condition on a column that can be null tells an inner join's input IS NOT NULL
                if (types.get(i).isNullable()) {
                    return false;
                }
            }
            others.addAll(f);
        }
        ImmutableBitSet k = ImmutableBitSet.fromBitSet(keys);
        Fields left = of(join.getLeft());
        Fields right = of(join.getRight());
        if (left == null || right == null || k.intersects(others.build())) {
            return false;
        }
        Fields both = left.union(right.shift(nLeft));
        return !k.intersects(both.strong()) && left.equal().intersect(k).cardinality() <= 1
                && right.equal().shift(nLeft).intersect(k).cardinality() <= 1;
    }

    /** Calcite's transitive-predicate rule, not tried where {@link #nothingToInfer} holds. */
    static final class TransitivePredicates extends JoinPushTransitivePredicatesRule {
        TransitivePredicates(JoinPushTransitivePredicatesRule.Config config) {
            super(config);
        }

        @Override
        public boolean matches(RelOptRuleCall call) {
            Join join = call.rel(0);
            if (!nothingToInfer(join)) {
                return true;
            }
            if (check) {
                var preds = call.getMetadataQuery().getPulledUpPredicates(join);
                if (!preds.leftInferredPredicates.isEmpty() || !preds.rightInferredPredicates.isEmpty()) {
                    throw new IllegalStateException("transitive predicates skipped on " + join.getCondition() + " over "
                            + join.getLeft().getRowType().getFullTypeString() + " and " + join.getRight().getRowType().getFullTypeString() + ": "
                            + preds.leftInferredPredicates + " / " + preds.rightInferredPredicates);
                }
            }
            return false;
        }
    }

    private static void same(String what, boolean reduced, RexNode ours, boolean fullReduced, RexNode full) {
        if (reduced != fullReduced || !ours.toString().equals(full.toString())) {
            throw new IllegalStateException("reduced without pulled-up predicates, " + what + " gave " + (reduced ? ours : "no change")
                    + ", with them " + (fullReduced ? full : "no change"));
        }
    }
}
