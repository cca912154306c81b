package io.blueshift.sql;

import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rel.logical.LogicalCorrelate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalWindow;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.rex.RexWindowBounds;
import org.apache.calcite.rex.RexWindowExclusion;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableBitSet;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A correlated MIN or MAX subquery over tables and predicates the outer block already has,
 * computed as a window function over the outer block's own rows instead of a second join
 * (subquery coalescing; TPC-H Q2 joined partsupp, supplier, nation and region twice).
 *
 * <p>Shape: {@code Filter(outer conjuncts AND conjuncts on s) <- Correlate(LEFT, L, [Project T] <-
 * Aggregate({}; MIN/MAX calls) <- [Projects P] <- Filter(c) <- R)}, s the subquery's value. L and R
 * are flattened into leaves (the inputs of their inner joins and filters) and conjuncts. Rewritten
 * when every leaf of R maps to a distinct leaf of L with the same digest, and with that mapping:
 * <ul>
 *   <li>each conjunct of c that reads the correlation is {@code outer column = inner column} (a key),
 *       and the outer block equates the two (or they are the same column and cannot be NULL);</li>
 *   <li>every other conjunct of R and c is one of the outer block's (so the outer rows' R part is a
 *       subquery row, in the group of its own outer row: the group is never empty);</li>
 *   <li>every outer conjunct that is not one of R's reads only the leaves R does not map to and the
 *       inner key columns.</li>
 * </ul>
 * The outer rows of one key are then exactly the subquery's rows of that key, each paired with the
 * same set of rows of the other leaves: MIN and MAX over them (duplicate-insensitive) equal the
 * subquery's value. The result is {@code Filter(conjuncts on s) <- Project(L, T(w)) <-
 * Window(w: MIN/MAX(P(arg)) OVER (PARTITION BY keys)) <- Filter(outer conjuncts) <- L}. SUM, COUNT
 * and AVG, or anything else, are left to the other rewrites.
 */
final class SubqueryCoalescing {
    private SubqueryCoalescing() {}

    static RelNode apply(RelNode root) {
        return root.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(LogicalFilter filter) {
                RelNode visited = super.visit(filter);
                if (visited instanceof LogicalFilter f && f.getInput() instanceof LogicalCorrelate c && c.getJoinType() == JoinRelType.LEFT) {
                    RelNode rewritten = rewrite(f, c);
                    if (rewritten != null) {
                        return rewritten;
                    }
                }
                return visited;
            }
        });
    }

    /** Keys whose equality is identity (not floating point, where 0.0 = -0.0 are two partitions). */
    private static final Set<SqlTypeName> KEY_TYPES = EnumSet.of(SqlTypeName.TINYINT, SqlTypeName.SMALLINT, SqlTypeName.INTEGER,
            SqlTypeName.BIGINT, SqlTypeName.DECIMAL, SqlTypeName.DATE, SqlTypeName.TIME, SqlTypeName.TIMESTAMP,
            SqlTypeName.BOOLEAN, SqlTypeName.VARCHAR);

    /** Most leaf mappings tried (self-joins give several). */
    private static final int MAX_MAPPINGS = 64;

    /** A join tree as its leaves (inputs in field order) and the conjuncts over their concatenated fields. */
    private record Flat(List<RelNode> leaves, List<Integer> offsets, List<RexNode> conjuncts, int width, List<RelDataTypeField> fieldTypes) {}

    private static Flat flatten(RelNode rel) {
        List<RelNode> leaves = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        List<RexNode> conjuncts = new ArrayList<>();
        int width = flatten(rel, 0, leaves, offsets, conjuncts);
        return new Flat(leaves, offsets, conjuncts, width, rel.getRowType().getFieldList());
    }

    private static int flatten(RelNode rel, int offset, List<RelNode> leaves, List<Integer> offsets, List<RexNode> conjuncts) {
        if (rel instanceof Join j && j.getJoinType() == JoinRelType.INNER && j.getSystemFieldList().isEmpty()) {
            int left = flatten(j.getLeft(), offset, leaves, offsets, conjuncts);
            int right = flatten(j.getRight(), offset + left, leaves, offsets, conjuncts);
            addConjuncts(j.getCondition(), offset, conjuncts);
            return left + right;
        }
        if (rel instanceof Filter f) {
            int width = flatten(f.getInput(), offset, leaves, offsets, conjuncts);
            addConjuncts(f.getCondition(), offset, conjuncts);
            return width;
        }
        leaves.add(rel);
        offsets.add(offset);
        return rel.getRowType().getFieldCount();
    }

    private static void addConjuncts(RexNode condition, int offset, List<RexNode> conjuncts) {
        for (RexNode term : RelOptUtil.conjunctions(condition)) {
            if (!term.isAlwaysTrue()) {
                conjuncts.add(offset == 0 ? term : RexUtil.shift(term, offset));
            }
        }
    }

    private static RelNode rewrite(LogicalFilter filter, LogicalCorrelate c) {
        CorrelationId id = c.getCorrelationId();
        ScalarSubqueryToJoin.AggregateSubquery sub = ScalarSubqueryToJoin.aggregateSubquery(c);
        if (sub == null || !sub.midDeterministic()) {
            return null;
        }
        Project top = sub.top();
        Aggregate agg = sub.agg();
        for (AggregateCall call : agg.getAggCallList()) {
            SqlKind kind = call.getAggregation().getKind();
            if ((kind != SqlKind.MIN && kind != SqlKind.MAX) || call.hasFilter() || call.getArgList().size() != 1
                    || !call.getCollation().getFieldCollations().isEmpty()) {
                return null;
            }
        }
        List<RexNode> mid = sub.mid();
        Filter innerFilter = sub.filter();
        RelNode outerInput = c.getLeft();
        int nLeft = outerInput.getRowType().getFieldCount();
        // the filter's conjuncts: on L alone, or reading the subquery's value
        List<RexNode> outerTerms = new ArrayList<>();
        List<RexNode> valueTerms = new ArrayList<>();
        for (RexNode term : RelOptUtil.conjunctions(filter.getCondition())) {
            if (!RexUtil.isDeterministic(term) || RexUtil.containsCorrelation(term)) {
                return null;
            }
            ImmutableBitSet bits = RelOptUtil.InputFinder.bits(term);
            (bits.nextSetBit(nLeft) >= 0 ? valueTerms : outerTerms).add(term);
        }
        if (valueTerms.isEmpty()) {
            return null;
        }
        Flat outer = flatten(outerInput);
        List<RexNode> outerConjuncts = new ArrayList<>(outer.conjuncts());
        outerConjuncts.addAll(outerTerms);
        Flat inner = flatten(innerFilter.getInput());
        List<RexNode> innerConjuncts = new ArrayList<>(inner.conjuncts());
        List<RexNode> correlated = new ArrayList<>();
        for (RexNode term : RelOptUtil.conjunctions(innerFilter.getCondition())) {
            if (RexUtil.containsCorrelation(term)) {
                correlated.add(term);
            } else if (!term.isAlwaysTrue()) {
                innerConjuncts.add(term);
            }
        }
        if (correlated.isEmpty() || inner.leaves().size() > outer.leaves().size()
                || !allDeterministic(outerConjuncts) || !allDeterministic(innerConjuncts)) {
            return null;
        }
        Map<RelNode, String> digests = new IdentityHashMap<>();
        for (RelNode leaf : outer.leaves()) {
            if (!TotalsFromGroups.deterministicTree(leaf)) {
                return null;
            }
        }
        // every inner leaf has an outer one (so the search below never backtracks without a complete mapping)
        Map<String, Integer> unmatched = new HashMap<>();
        for (RelNode leaf : outer.leaves()) {
            unmatched.merge(digest(leaf, digests), 1, Integer::sum);
        }
        for (RelNode leaf : inner.leaves()) {
            if (unmatched.merge(digest(leaf, digests), -1, Integer::sum) < 0) {
                return null;
            }
        }
        Set<String> outerSet = new HashSet<>();
        for (RexNode term : outerConjuncts) {
            outerSet.add(canonical(term));
        }
        int[] assigned = new int[inner.leaves().size()];
        boolean[] used = new boolean[outer.leaves().size()];
        int[] tries = {0};
        Match match = search(0, assigned, used, tries, outer, inner, digests, outerConjuncts, outerSet, innerConjuncts, correlated, id, nLeft);
        if (match == null) {
            return null;
        }
        return rebuild(filter, c, top, agg, mid, outerInput, outerTerms, valueTerms, match);
    }

    /** A leaf mapping that passes the checks: inner field i is outer field {@code fields[i]}; the partition keys. */
    private record Match(int[] fields, List<Integer> keys) {}

    private static Match search(int next, int[] assigned, boolean[] used, int[] tries, Flat outer, Flat inner,
                                Map<RelNode, String> digests, List<RexNode> outerConjuncts, Set<String> outerSet,
                                List<RexNode> innerConjuncts, List<RexNode> correlated, CorrelationId id, int nLeft) {
        if (next == assigned.length) {
            if (++tries[0] > MAX_MAPPINGS) {
                return null;
            }
            return check(assigned, outer, inner, outerConjuncts, outerSet, innerConjuncts, correlated, id, nLeft);
        }
        String digest = digest(inner.leaves().get(next), digests);
        for (int o = 0; o < used.length && tries[0] <= MAX_MAPPINGS; o++) {
            if (!used[o] && digest(outer.leaves().get(o), digests).equals(digest)) {
                used[o] = true;
                assigned[next] = o;
                Match m = search(next + 1, assigned, used, tries, outer, inner, digests, outerConjuncts, outerSet, innerConjuncts,
                        correlated, id, nLeft);
                used[o] = false;
                if (m != null) {
                    return m;
                }
            }
        }
        return null;
    }

    private static Match check(int[] assigned, Flat outer, Flat inner, List<RexNode> outerConjuncts, Set<String> outerSet,
                               List<RexNode> innerConjuncts, List<RexNode> correlated, CorrelationId id, int nLeft) {
        List<RelDataTypeField> outerTypes = outer.fieldTypes();
        int[] fields = new int[inner.width()];
        ImmutableBitSet.Builder mapped = ImmutableBitSet.builder();
        for (int i = 0; i < assigned.length; i++) {
            int from = inner.offsets().get(i);
            int to = outer.offsets().get(assigned[i]);
            int n = inner.leaves().get(i).getRowType().getFieldCount();
            for (int k = 0; k < n; k++) {
                fields[from + k] = to + k;
                mapped.set(to + k);
            }
        }
        // the keys: outer column = inner column, equated by the outer block too
        List<Integer> keys = new ArrayList<>();
        for (RexNode term : correlated) {
            if (term.getKind() != SqlKind.EQUALS || !(term instanceof RexCall eq)) {
                return null;
            }
            int outerField = correlatedField(eq.getOperands().get(0), id);
            RexNode other = eq.getOperands().get(1);
            if (outerField < 0) {
                outerField = correlatedField(eq.getOperands().get(1), id);
                other = eq.getOperands().get(0);
            }
            if (outerField < 0 || outerField >= nLeft || !(other instanceof RexInputRef innerRef)) {
                return null;
            }
            int key = fields[innerRef.getIndex()];
            RelDataType type = outerTypes.get(key).getType();
            RelDataType outerType = outerTypes.get(outerField).getType();
            if (!KEY_TYPES.contains(type.getSqlTypeName()) || type.getSqlTypeName() != outerType.getSqlTypeName()
                    || type.getPrecision() != outerType.getPrecision() || type.getScale() != outerType.getScale()) {
                return null;
            }
            // the same column: its rows meet their own group unless the key is NULL (no group: the value is NULL)
            boolean equated = key == outerField ? !type.isNullable() : outerSet.contains(equality(outerField, key));
            if (!equated) {
                return null;
            }
            keys.add(key);
        }
        // the subquery's other conjuncts are the outer block's
        Set<String> innerSet = new HashSet<>();
        for (RexNode term : innerConjuncts) {
            String s = canonical(mapped(term, fields));
            if (!outerSet.contains(s)) {
                return null;
            }
            innerSet.add(s);
        }
        // and the outer block's others read only the other leaves and the keys
        ImmutableBitSet keySet = ImmutableBitSet.of(keys);
        for (RexNode term : outerConjuncts) {
            if (innerSet.contains(canonical(term))) {
                continue;
            }
            for (int f : RelOptUtil.InputFinder.bits(term)) {
                if (mapped.get(f) && !keySet.get(f)) {
                    return null;
                }
            }
        }
        return new Match(fields, keys);
    }

    /** The outer field a {@code $cor.field} reference reads, or -1. */
    private static int correlatedField(RexNode e, CorrelationId id) {
        if (e instanceof RexFieldAccess a && a.getReferenceExpr() instanceof RexCorrelVariable v && v.id.equals(id)) {
            return a.getField().getIndex();
        }
        return -1;
    }

    private static RexNode mapped(RexNode e, int[] fields) {
        return e.accept(new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                return new RexInputRef(fields[ref.getIndex()], ref.getType());
            }
        });
    }

    /** A conjunct's text, an equality of two columns with its columns in order (a = b is b = a). */
    private static String canonical(RexNode term) {
        if (term.getKind() == SqlKind.EQUALS && term instanceof RexCall eq
                && eq.getOperands().get(0) instanceof RexInputRef a && eq.getOperands().get(1) instanceof RexInputRef b) {
            return equality(a.getIndex(), b.getIndex());
        }
        return term.toString();
    }

    private static String equality(int a, int b) {
        return "=($" + Math.min(a, b) + ", $" + Math.max(a, b) + ")";
    }

    private static boolean allDeterministic(List<RexNode> terms) {
        return terms.stream().allMatch(RexUtil::isDeterministic);
    }

    private static String digest(RelNode rel, Map<RelNode, String> digests) {
        return digests.computeIfAbsent(rel, r -> RelOptUtil.toString(r, SqlExplainLevel.DIGEST_ATTRIBUTES));
    }

    private static RelNode rebuild(LogicalFilter filter, LogicalCorrelate c, Project top, Aggregate agg, List<RexNode> mid,
                                   RelNode outerInput, List<RexNode> outerTerms, List<RexNode> valueTerms, Match match) {
        RexBuilder rex = c.getCluster().getRexBuilder();
        int nLeft = outerInput.getRowType().getFieldCount();
        RelNode input = outerTerms.isEmpty() ? outerInput : LogicalFilter.create(outerInput, RexUtil.composeConjunction(rex, outerTerms));
        // the calls' arguments as columns of the outer rows
        List<RexNode> columns = new ArrayList<>();
        for (RelDataTypeField f : input.getRowType().getFieldList()) {
            columns.add(new RexInputRef(f.getIndex(), f.getType()));
        }
        List<Integer> args = new ArrayList<>();
        for (AggregateCall call : agg.getAggCallList()) {
            int arg = call.getArgList().get(0);
            RexNode e = mid == null ? new RexInputRef(arg, agg.getInput().getRowType().getFieldList().get(arg).getType()) : mid.get(arg);
            RexNode outerArg = mapped(e, match.fields());
            int at = columns.indexOf(outerArg);
            if (at < 0) {
                at = columns.size();
                columns.add(outerArg);
            }
            args.add(at);
        }
        if (columns.size() > nLeft) {
            input = LogicalProject.create(input, List.of(), columns, (List<String>) null, Set.of());
        }
        List<Window.RexWinAggCall> calls = new ArrayList<>();
        var typeBuilder = rex.getTypeFactory().builder().addAll(input.getRowType().getFieldList());
        for (int i = 0; i < agg.getAggCallList().size(); i++) {
            AggregateCall call = agg.getAggCallList().get(i);
            int arg = args.get(i);
            calls.add(new Window.RexWinAggCall((SqlAggFunction) call.getAggregation(), call.getType(),
                    List.of(new RexInputRef(arg, input.getRowType().getFieldList().get(arg).getType())), i, false, false));
            typeBuilder.add("$w" + i, call.getType());
        }
        Window.Group group = new Window.Group(ImmutableBitSet.of(match.keys()), false, RexWindowBounds.UNBOUNDED_PRECEDING,
                RexWindowBounds.UNBOUNDED_FOLLOWING, RexWindowExclusion.EXCLUDE_NO_OTHER, RelCollations.EMPTY, calls);
        int width = input.getRowType().getFieldCount();
        RelNode window = LogicalWindow.create(input.getTraitSet(), input, List.of(), typeBuilder.build(), List.of(group));
        // L's columns and the subquery's value (T over the window's values), in the correlate's types
        var windowFields = window.getRowType().getFieldList();
        List<RexNode> values = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            values.add(new RexInputRef(width + i, windowFields.get(width + i).getType()));
        }
        RelNode projected = ScalarSubqueryToJoin.correlateRow(c, window, nLeft, top, values);
        if (projected == null) {
            return null;
        }
        return LogicalFilter.create(projected, RexUtil.composeConjunction(rex, valueTerms));
    }
}
