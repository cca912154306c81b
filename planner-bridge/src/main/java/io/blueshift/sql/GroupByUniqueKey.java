package io.blueshift.sql;

import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.util.ImmutableBitSet;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Groups by a unique key before joining the columns it determines. For
 * {@code Aggregate(G; aggs)(T JOIN S ON t.x = s.k)} where S is unique on {@code k}, k (or x) is
 * a group key, the aggregates read only T, and every other group key from S is a function of
 * S's row: each T row meets at most one S row, and a group of the result is exactly one group
 * of T by {@code (G's T keys, x)} that has a partner in S. So
 * {@code Project(Aggregate(G_T, x; aggs)(T) JOIN S ON x = k)} gives the same rows, and the
 * aggregate no longer hashes and compares S's columns (often wide strings: TPC-H Q10 groups by
 * a customer's key, name, address, phone and comment), nor does a join build carry them for
 * every row of T.
 *
 * <p>S is found among the inputs of the inner join tree under the aggregate: a table the group
 * keys read but the aggregates do not (the root), plus the tables it joins through their unique
 * keys (many-to-one, so S stays unique on the root's key). Its inputs must be table scans,
 * filtered or projected, so the estimate below is trusted. The rewrite is made only when S
 * keeps most of T's rows by our estimates: when S filters T, joining first is cheaper.
 */
final class GroupByUniqueKey {
    /** The join of T and S must keep at least this share of T's estimated rows. */
    private static final double MIN_KEPT_SHARE = 0.5;

    private GroupByUniqueKey() {}

    static RelNode apply(RelNode root) {
        return root.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(LogicalAggregate aggregate) {
                RelNode visited = super.visit(aggregate);
                if (visited instanceof LogicalAggregate a) {
                    RelNode rewritten = rewrite(a);
                    return rewritten == null ? a : rewritten;
                }
                return visited;
            }
        });
    }

    /** The inputs of an inner join tree and its conditions, in the tree's field numbering. */
    private static final class Flat {
        final List<RelNode> leaves = new ArrayList<>();
        final List<Integer> offsets = new ArrayList<>();
        final List<RexNode> conjuncts = new ArrayList<>();

        void add(RelNode rel, int base) {
            if (rel instanceof LogicalJoin j && j.getJoinType() == JoinRelType.INNER) {
                add(j.getLeft(), base);
                add(j.getRight(), base + j.getLeft().getRowType().getFieldCount());
                for (RexNode c : RelOptUtil.conjunctions(j.getCondition())) {
                    conjuncts.add(RexUtil.shift(c, base));
                }
            } else {
                leaves.add(rel);
                offsets.add(base);
            }
        }

        int leafOf(int field) {
            for (int i = leaves.size() - 1; i >= 0; i--) {
                if (field >= offsets.get(i)) {
                    return i;
                }
            }
            throw new IllegalStateException("field " + field);
        }

        BitSet leavesOf(RexNode e) {
            BitSet b = new BitSet();
            for (int f : RelOptUtil.InputFinder.bits(e)) {
                b.set(leafOf(f));
            }
            return b;
        }
    }

    private static RelNode rewrite(LogicalAggregate agg) {
        if (agg.getGroupType() != Aggregate.Group.SIMPLE || agg.getGroupCount() == 0) {
            return null;
        }
        RelNode input = agg.getInput();
        RelNode joinRoot = input instanceof LogicalProject p ? p.getInput() : input;
        if (!(joinRoot instanceof LogicalJoin top) || top.getJoinType() != JoinRelType.INNER) {
            return null;
        }
        List<RexNode> exprs = input instanceof LogicalProject p ? p.getProjects() : identity(input);
        Flat flat = new Flat();
        flat.add(joinRoot, 0);
        int n = flat.leaves.size();
        for (RexNode c : flat.conjuncts) {
            if (!RexUtil.isDeterministic(c)) {
                return null;
            }
        }
        // tables the aggregates read
        BitSet aggLeaves = new BitSet();
        for (AggregateCall call : agg.getAggCallList()) {
            if (!call.collation.getFieldCollations().isEmpty() || call.distinctKeys != null || !call.rexList.isEmpty()) {
                return null;
            }
            List<Integer> fields = new ArrayList<>(call.getArgList());
            if (call.filterArg >= 0) {
                fields.add(call.filterArg);
            }
            for (int f : fields) {
                aggLeaves.or(flat.leavesOf(exprs.get(f)));
            }
        }
        List<Integer> groups = agg.getGroupSet().asList();
        BitSet groupLeaves = new BitSet();
        for (int g : groups) {
            if (!RexUtil.isDeterministic(exprs.get(g))) {
                return null;
            }
            groupLeaves.or(flat.leavesOf(exprs.get(g)));
        }
        RelMetadataQuery mq = agg.getCluster().getMetadataQuery();
        for (int root = 0; root < n; root++) {
            if (aggLeaves.get(root) || !groupLeaves.get(root) || !plainTable(flat.leaves.get(root))) {
                continue;
            }
            RelNode rewritten = split(agg, exprs, flat, root, aggLeaves, mq);
            if (rewritten != null) {
                return rewritten;
            }
        }
        return null;
    }

    /** The rewrite with S grown from input {@code root}, or null where it does not hold or pay. */
    private static RelNode split(LogicalAggregate agg, List<RexNode> exprs, Flat flat, int root, BitSet aggLeaves, RelMetadataQuery mq) {
        int n = flat.leaves.size();
        BitSet s = new BitSet();
        s.set(root);
        boolean grown = true;
        while (grown) {
            grown = false;
            for (int j = 0; j < n; j++) {
                if (s.get(j) || aggLeaves.get(j) || !plainTable(flat.leaves.get(j))) {
                    continue;
                }
                // j joins S on columns j is unique on: every S row meets at most one row of j
                List<Integer> jCols = new ArrayList<>();
                for (RexNode c : flat.conjuncts) {
                    int[] pair = equiPair(c, flat);
                    if (pair == null) {
                        continue;
                    }
                    int la = flat.leafOf(pair[0]);
                    int lb = flat.leafOf(pair[1]);
                    if (la == j && s.get(lb)) {
                        jCols.add(pair[0] - flat.offsets.get(j));
                    } else if (lb == j && s.get(la)) {
                        jCols.add(pair[1] - flat.offsets.get(j));
                    }
                }
                if (!jCols.isEmpty() && Boolean.TRUE.equals(mq.areColumnsUnique(flat.leaves.get(j), ImmutableBitSet.of(jCols)))) {
                    s.set(j);
                    grown = true;
                }
            }
        }
        BitSet t = new BitSet();
        t.set(0, n);
        t.andNot(s);
        if (t.isEmpty()) {
            return null;
        }
        // the conditions between T and S: t.x = root.k, with the root unique on the k's and
        // each pair's column a group key
        List<Integer> groups = agg.getGroupSet().asList();
        List<Integer> tKeys = new ArrayList<>();   // fields of the join tree
        List<Integer> sKeys = new ArrayList<>();
        List<RexNode> tConjuncts = new ArrayList<>();
        List<RexNode> sConjuncts = new ArrayList<>();
        for (RexNode c : flat.conjuncts) {
            BitSet leaves = flat.leavesOf(c);
            if (!leaves.intersects(s)) {
                tConjuncts.add(c);
            } else if (!leaves.intersects(t)) {
                sConjuncts.add(c);
            } else {
                int[] pair = equiPair(c, flat);
                if (pair == null) {
                    return null;
                }
                int a = pair[0];
                int b = pair[1];
                if (flat.leafOf(a) == root && t.get(flat.leafOf(b))) {
                    int x = a;
                    a = b;
                    b = x;
                } else if (!(flat.leafOf(b) == root && t.get(flat.leafOf(a)))) {
                    return null;
                }
                if (!isGroupKey(exprs, groups, a) && !isGroupKey(exprs, groups, b)) {
                    return null;
                }
                tKeys.add(a);
                sKeys.add(b);
            }
        }
        if (tKeys.isEmpty()) {
            return null;
        }
        List<Integer> rootCols = new ArrayList<>();
        for (int k : sKeys) {
            rootCols.add(k - flat.offsets.get(root));
        }
        if (!Boolean.TRUE.equals(mq.areColumnsUnique(flat.leaves.get(root), ImmutableBitSet.of(rootCols)))) {
            return null;
        }
        // every group key reads T only or S only
        List<Boolean> fromS = new ArrayList<>();
        for (int g : groups) {
            BitSet leaves = flat.leavesOf(exprs.get(g));
            if (leaves.intersects(s) && leaves.intersects(t)) {
                return null;
            }
            fromS.add(leaves.intersects(s));
        }

        RexBuilder rex = agg.getCluster().getRexBuilder();
        int fields = joinFields(flat);
        int[] tMap = new int[fields];
        int[] sMap = new int[fields];
        RelNode tRel = joinOf(flat, t, tConjuncts, tMap, rex);
        RelNode sRel = joinOf(flat, s, sConjuncts, sMap, rex);
        if (tRel == null || sRel == null) {
            return null;
        }
        int tFields = tRel.getRowType().getFieldCount();

        // does S keep most of T's rows?
        List<RexNode> crossTerms = new ArrayList<>();
        for (int i = 0; i < tKeys.size(); i++) {
            crossTerms.add(rex.makeCall(SqlStdOperatorTable.EQUALS,
                    rex.makeInputRef(tRel.getRowType().getFieldList().get(tMap[tKeys.get(i)]).getType(), tMap[tKeys.get(i)]),
                    rex.makeInputRef(sRel.getRowType().getFieldList().get(sMap[sKeys.get(i)]).getType(), tFields + sMap[sKeys.get(i)])));
        }
        RowEstimator est = new RowEstimator(mq);
        double tRows = est.rows(tRel);
        double joined = est.rows(LogicalJoin.create(tRel, sRel, List.of(), RexUtil.composeConjunction(rex, crossTerms),
                java.util.Set.of(), JoinRelType.INNER));
        if (joined < MIN_KEPT_SHARE * tRows) {
            return null;
        }

        // Aggregate(T's group keys, the T join keys; aggs)(T)
        List<RexNode> aggInput = new ArrayList<>();
        int[] groupOut = new int[groups.size()];     // where each T group key lands, -1 for S's
        for (int i = 0; i < groups.size(); i++) {
            groupOut[i] = -1;
            if (!fromS.get(i)) {
                groupOut[i] = indexOf(aggInput, remap(exprs.get(groups.get(i)), tMap, 0, flat, rex));
            }
        }
        int[] keyOut = new int[tKeys.size()];
        for (int i = 0; i < tKeys.size(); i++) {
            keyOut[i] = indexOf(aggInput, rex.makeInputRef(tRel, tMap[tKeys.get(i)]));
        }
        int groupCount = aggInput.size();
        List<AggregateCall> calls = new ArrayList<>();
        for (AggregateCall call : agg.getAggCallList()) {
            List<Integer> args = new ArrayList<>();
            for (int a : call.getArgList()) {
                args.add(aggInput.size());
                aggInput.add(remap(exprs.get(a), tMap, 0, flat, rex));
            }
            int filter = -1;
            if (call.filterArg >= 0) {
                filter = aggInput.size();
                aggInput.add(remap(exprs.get(call.filterArg), tMap, 0, flat, rex));
            }
            calls.add(call.copy(args, filter, null, call.collation));
        }
        RelNode project = LogicalProject.create(tRel, List.of(), aggInput, (List<String>) null, java.util.Set.of());
        RelNode grouped = LogicalAggregate.create(project, List.of(), ImmutableBitSet.range(groupCount), null, calls);
        int aggFields = grouped.getRowType().getFieldCount();

        // JOIN S ON the T keys = the root's keys, then the aggregate's columns in their order
        List<RexNode> on = new ArrayList<>();
        for (int i = 0; i < tKeys.size(); i++) {
            on.add(rex.makeCall(SqlStdOperatorTable.EQUALS, rex.makeInputRef(grouped, keyOut[i]),
                    rex.makeInputRef(sRel.getRowType().getFieldList().get(sMap[sKeys.get(i)]).getType(), aggFields + sMap[sKeys.get(i)])));
        }
        RelNode join = LogicalJoin.create(grouped, sRel, List.of(), RexUtil.composeConjunction(rex, on), java.util.Set.of(), JoinRelType.INNER);
        List<RexNode> out = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            out.add(fromS.get(i)
                    ? remap(exprs.get(groups.get(i)), sMap, aggFields, flat, rex)
                    : rex.makeInputRef(join, groupOut[i]));
        }
        for (int c = 0; c < calls.size(); c++) {
            out.add(rex.makeInputRef(join, groupCount + c));
        }
        RelNode result = LogicalProject.create(join, List.of(), out, agg.getRowType().getFieldNames(), java.util.Set.of());
        List<RelDataTypeField> want = agg.getRowType().getFieldList();
        List<RelDataTypeField> got = result.getRowType().getFieldList();
        for (int i = 0; i < want.size(); i++) {
            if (!want.get(i).getType().equals(got.get(i).getType())) {
                return null;
            }
        }
        return result;
    }

    private static List<RexNode> identity(RelNode rel) {
        List<RexNode> refs = new ArrayList<>();
        for (RelDataTypeField f : rel.getRowType().getFieldList()) {
            refs.add(new RexInputRef(f.getIndex(), f.getType()));
        }
        return refs;
    }

    /** A scan of a table, under filters and projections only: what our estimates know. */
    private static boolean plainTable(RelNode rel) {
        return switch (rel) {
            case TableScan s -> true;
            case Filter f -> plainTable(f.getInput());
            case Project p -> plainTable(p.getInput());
            default -> false;
        };
    }

    /** The two join-tree fields of {@code a = b} between two inputs, or null. */
    private static int[] equiPair(RexNode c, Flat flat) {
        if (c instanceof RexCall call && call.getKind() == SqlKind.EQUALS
                && call.getOperands().get(0) instanceof RexInputRef a && call.getOperands().get(1) instanceof RexInputRef b
                && flat.leafOf(a.getIndex()) != flat.leafOf(b.getIndex())) {
            return new int[] {a.getIndex(), b.getIndex()};
        }
        return null;
    }

    private static boolean isGroupKey(List<RexNode> exprs, List<Integer> groups, int field) {
        for (int g : groups) {
            if (exprs.get(g) instanceof RexInputRef r && r.getIndex() == field) {
                return true;
            }
        }
        return false;
    }

    private static int joinFields(Flat flat) {
        int last = flat.leaves.size() - 1;
        return flat.offsets.get(last) + flat.leaves.get(last).getRowType().getFieldCount();
    }

    /**
     * The inner join of the inputs in {@code members}, each added next to one it is joined
     * with where there is one; each condition on the first join that has all its columns.
     * {@code map} gets each join-tree field's position in the result.
     */
    private static RelNode joinOf(Flat flat, BitSet members, List<RexNode> conjuncts, int[] map, RexBuilder rex) {
        List<Integer> order = new ArrayList<>();
        BitSet in = new BitSet();
        int first = members.nextSetBit(0);
        order.add(first);
        in.set(first);
        while (order.size() < members.cardinality()) {
            int pick = -1;
            for (int j = members.nextSetBit(0); j >= 0 && pick < 0; j = members.nextSetBit(j + 1)) {
                if (in.get(j)) {
                    continue;
                }
                for (RexNode c : conjuncts) {
                    BitSet leaves = flat.leavesOf(c);
                    if (leaves.get(j) && leaves.intersects(in)) {
                        pick = j;
                        break;
                    }
                }
            }
            if (pick < 0) {
                return null;   // a cross product: leave the plan to the join orderer
            }
            order.add(pick);
            in.set(pick);
        }
        java.util.Arrays.fill(map, -1);
        List<RexNode> pending = new ArrayList<>(conjuncts);
        BitSet placed = new BitSet();
        RelNode rel = null;
        int width = 0;
        for (int leaf : order) {
            RelNode next = flat.leaves.get(leaf);
            int count = next.getRowType().getFieldCount();
            for (int f = 0; f < count; f++) {
                map[flat.offsets.get(leaf) + f] = width + f;
            }
            width += count;
            placed.set(leaf);
            List<RexNode> now = new ArrayList<>();
            for (var it = pending.iterator(); it.hasNext(); ) {
                RexNode c = it.next();
                BitSet leaves = flat.leavesOf(c);
                BitSet outside = (BitSet) leaves.clone();
                outside.andNot(placed);
                if (outside.isEmpty()) {
                    now.add(remap(c, map, 0, flat, rex));
                    it.remove();
                }
            }
            RexNode cond = RexUtil.composeConjunction(rex, now);
            if (rel == null) {
                rel = now.isEmpty() ? next : LogicalFilter.create(next, cond);
            } else {
                rel = LogicalJoin.create(rel, next, List.of(), cond, java.util.Set.of(), JoinRelType.INNER);
            }
        }
        return pending.isEmpty() ? rel : null;
    }

    /** {@code e} with each join-tree field {@code f} read from {@code map[f] + shift}. */
    private static RexNode remap(RexNode e, int[] map, int shift, Flat flat, RexBuilder rex) {
        return e.accept(new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                int to = map[ref.getIndex()];
                if (to < 0) {
                    throw new IllegalStateException("field " + ref.getIndex() + " is not on this side");
                }
                return rex.makeInputRef(ref.getType(), to + shift);
            }
        });
    }

    /** The position of {@code e} in {@code list}, added at the end if not there. */
    private static int indexOf(List<RexNode> list, RexNode e) {
        int i = list.indexOf(e);
        if (i >= 0) {
            return i;
        }
        list.add(e);
        return list.size() - 1;
    }
}
