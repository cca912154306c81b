package io.blueshift.sql;

import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.metadata.RelColumnOrigin;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.rules.MultiJoin;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.ImmutableBitSet;

import java.util.ArrayList;
import java.util.List;

/**
 * Orders the inputs of each inner {@link MultiJoin} greedily by estimated intermediate size:
 * start from the connected pair with the smallest estimated join, then add the connected input
 * that keeps the running result smallest (a cross product only when nothing is connected).
 * The same greedy runs from every other connected pair too, and an order whose estimated
 * intermediate results sum to less than half of the first one's replaces it.
 * A join of {@code A.x = B.y} is estimated as {@code |A| * |B| / max(ndv(A.x), ndv(B.y))} (with
 * several keys, the largest such divisor),
 * with distinct counts from the tables' statistics (capped by the inputs' estimated rows).
 * MultiJoins with outer joins are left for Calcite's own rule.
 */
final class GreedyJoinOrder {
    private GreedyJoinOrder() {}

    static RelNode apply(RelNode root) {
        return root.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(RelNode other) {
                RelNode visited = super.visit(other);
                if (visited instanceof MultiJoin mj && plainInner(mj)) {
                    return order(mj);
                }
                return visited;
            }
        });
    }

    private static boolean plainInner(MultiJoin mj) {
        if (mj.isFullOuterJoin()) {
            return false;
        }
        for (JoinRelType t : mj.getJoinTypes()) {
            if (t != JoinRelType.INNER) {
                return false;
            }
        }
        return true;
    }

    /** One equality between a column of input {@code a} and one of input {@code b}. */
    private record Edge(int a, int colA, int b, int colB) {}

    private static RelNode order(MultiJoin mj) {
        List<RelNode> inputs = new ArrayList<>(mj.getInputs());
        int n = inputs.size();
        RelMetadataQuery mq = mj.getCluster().getMetadataQuery();
        RexBuilder rex = mj.getCluster().getRexBuilder();
        int[] offset = new int[n + 1];
        for (int i = 0; i < n; i++) {
            offset[i + 1] = offset[i] + inputs.get(i).getRowType().getFieldCount();
        }
        pushDisjunctionFilters(mj, inputs, offset, rex);
        double[] rows = new double[n];
        RowEstimator estimator = new RowEstimator(mq);
        for (int i = 0; i < n; i++) {
            rows[i] = estimator.rows(inputs.get(i));
        }
        List<RexNode> conjuncts = new ArrayList<>(RelOptUtil.conjunctions(mj.getJoinFilter()));
        List<Edge> edges = new ArrayList<>();
        for (RexNode c : conjuncts) {
            if (c instanceof RexCall call && call.getKind() == SqlKind.EQUALS
                    && call.getOperands().get(0) instanceof RexInputRef l && call.getOperands().get(1) instanceof RexInputRef r) {
                int a = inputOf(l.getIndex(), offset);
                int b = inputOf(r.getIndex(), offset);
                if (a != b) {
                    edges.add(new Edge(a, l.getIndex() - offset[a], b, r.getIndex() - offset[b]));
                }
            }
        }
        if (edges.isEmpty()) {
            if (n == 2 && mq.getMaxRowCount(mj.getInputs().get(1)) instanceof Double max && max <= 1) {
                // a row joined with a single-row input (a scalar subquery's value): the order
                // Calcite's rule keeps, without its search
                return build(mj, mj.getInputs(), List.of(0, 1), offset, conjuncts, rex);
            }
            return mj; // nothing to order by; keep Calcite's
        }
        // each edge's distinct counts, once: a metadata query per look-up otherwise
        double[][] ndv = new double[edges.size()][];
        for (int i = 0; i < edges.size(); i++) {
            Edge e = edges.get(i);
            ndv[i] = new double[]{ndv(inputs.get(e.a()), e.colA(), rows[e.a()], mq), ndv(inputs.get(e.b()), e.colB(), rows[e.b()], mq)};
        }
        // the greedy order from the connected pair with the smallest estimated join, then from
        // every other connected pair: a small pair first (supplier and nation) can force the
        // largest input through a join that filters nothing before a selective one; the order
        // whose intermediate results sum to clearly less wins
        double[] pairRows = new double[edges.size()];
        int best = -1;
        for (int i = 0; i < edges.size(); i++) {
            Edge e = edges.get(i);
            pairRows[i] = joinRows(List.of(e.a()), rows[e.a()], e.b(), rows, edges, ndv);
            if (best < 0 || pairRows[i] < pairRows[best] || (pairRows[i] == pairRows[best]
                    && Math.min(rows[e.a()], rows[e.b()]) < Math.min(rows[edges.get(best).a()], rows[edges.get(best).b()]))) {
                best = i;
            }
        }
        Greedy chosen = greedy(edges.get(best).a(), edges.get(best).b(), pairRows[best], n, rows, edges, ndv);
        for (int i = 0; i < edges.size(); i++) {
            if (i == best) {
                continue;
            }
            Greedy other = greedy(edges.get(i).a(), edges.get(i).b(), pairRows[i], n, rows, edges, ndv);
            if (other.cost < 0.5 * chosen.cost) {
                chosen = other;
            }
        }
        List<Integer> sequence = chosen.sequence;
        return build(mj, inputs, sequence, offset, conjuncts, rex);
    }

    /** A join order and the sum of its estimated intermediate results (the last, the same for every order, left out). */
    private record Greedy(List<Integer> sequence, double cost) {}

    /** Starting with inputs {@code a} and {@code b} (estimated join {@code pairRows}), adds the connected input that keeps the result smallest. */
    private static Greedy greedy(int a, int b, double pairRows, int n, double[] rows, List<Edge> edges, double[][] ndv) {
        // the larger of the pair first: the smaller becomes the build side of the first join
        int first = rows[a] >= rows[b] ? a : b;
        int second = first == a ? b : a;
        List<Integer> sequence = new ArrayList<>(List.of(first, second));
        boolean[] in = new boolean[n];
        in[first] = true;
        in[second] = true;
        double current = pairRows;
        double cost = 0;
        while (sequence.size() < n) {
            cost += current;
            int pick = -1;
            double pickRows = Double.MAX_VALUE;
            boolean pickConnected = false;
            for (int k = 0; k < n; k++) {
                if (in[k]) {
                    continue;
                }
                boolean connected = connected(sequence, k, edges);
                double est = connected ? joinRows(sequence, current, k, rows, edges, ndv) : current * rows[k];
                if ((connected && !pickConnected) || (connected == pickConnected && est < pickRows)) {
                    pick = k;
                    pickRows = est;
                    pickConnected = connected;
                }
            }
            sequence.add(pick);
            in[pick] = true;
            current = pickRows;
        }
        return new Greedy(sequence, cost);
    }

    /**
     * From a disjunctive join condition such as {@code (n1 = 'A' AND n2 = 'B') OR (n1 = 'B'
     * AND n2 = 'A')}, derives for each input a filter it can apply on its own ({@code n1 IN
     * ('A','B')}): an input gets one when every branch constrains it. The full condition is
     * still applied at the join, so this only removes rows that could never match.
     */
    private static void pushDisjunctionFilters(MultiJoin mj, List<RelNode> inputs, int[] offset, RexBuilder rex) {
        for (RexNode c : RelOptUtil.conjunctions(mj.getJoinFilter())) {
            if (c.getKind() != SqlKind.OR) {
                continue;
            }
            List<RexNode> branches = RelOptUtil.disjunctions(c);
            for (int i = 0; i < inputs.size(); i++) {
                List<RexNode> perBranch = new ArrayList<>();
                for (RexNode branch : branches) {
                    List<RexNode> mine = new ArrayList<>();
                    for (RexNode term : RelOptUtil.conjunctions(branch)) {
                        ImmutableBitSet refs = RelOptUtil.InputFinder.bits(term);
                        if (!refs.isEmpty() && refs.nextSetBit(0) >= offset[i] && refs.length() <= offset[i + 1]) {
                            mine.add(term);
                        }
                    }
                    if (mine.isEmpty()) {
                        perBranch = null;
                        break;
                    }
                    perBranch.add(RexUtil.composeConjunction(rex, mine));
                }
                if (perBranch == null) {
                    continue;
                }
                int shift = offset[i];
                RexNode local = RexUtil.composeDisjunction(rex, perBranch).accept(new RexShuttle() {
                    @Override
                    public RexNode visitInputRef(RexInputRef ref) {
                        return new RexInputRef(ref.getIndex() - shift, ref.getType());
                    }
                });
                // simplified as a RelBuilder's filter would (n1 IN ('A','B')): the field trimmer after
                // the join order renumbers conditions without simplifying them again
                RexNode simplified = new org.apache.calcite.rex.RexSimplify(rex, org.apache.calcite.plan.RelOptPredicateList.EMPTY,
                        org.apache.calcite.util.Util.first(mj.getCluster().getPlanner().getExecutor(), RexUtil.EXECUTOR))
                        .simplifyFilterPredicates(List.of(local));
                inputs.set(i, org.apache.calcite.rel.logical.LogicalFilter.create(inputs.get(i), simplified == null ? local : simplified));
            }
        }
    }

    private static int inputOf(int field, int[] offset) {
        for (int i = 0; i + 1 < offset.length; i++) {
            if (field < offset[i + 1]) {
                return i;
            }
        }
        throw new IllegalStateException("field " + field + " outside the join");
    }

    private static boolean connected(List<Integer> set, int k, List<Edge> edges) {
        for (Edge e : edges) {
            if ((e.a() == k && set.contains(e.b())) || (e.b() == k && set.contains(e.a()))) {
                return true;
            }
        }
        return false;
    }

    /** Estimated rows of (set, with {@code setRows}) joined with input k over the edges between them. */
    private static double joinRows(List<Integer> set, double setRows, int k, double[] rows, List<Edge> edges, double[][] ndv) {
        // keys between the same inputs are usually correlated (a composite foreign key), so
        // only the most selective one divides: multiplying their selectivities would
        // underestimate such joins by orders of magnitude
        double divisor = 1;
        for (int i = 0; i < edges.size(); i++) {
            Edge e = edges.get(i);
            double ndvMine;
            double ndvTheirs;
            if (e.b() == k && set.contains(e.a())) {
                ndvMine = ndv[i][0];
                ndvTheirs = ndv[i][1];
            } else if (e.a() == k && set.contains(e.b())) {
                ndvMine = ndv[i][1];
                ndvTheirs = ndv[i][0];
            } else {
                continue;
            }
            divisor = Math.max(divisor, Math.max(Math.min(setRows, ndvMine), ndvTheirs));
        }
        return Math.max(1, setRows * rows[k] / divisor);
    }

    private static double ndv(RelNode input, int col, double rows, RelMetadataQuery mq) {
        RelColumnOrigin origin = mq.getColumnOrigin(input, col);
        if (origin != null && !origin.isDerived()) {
            CalciteCatalog.CalciteTable t = origin.getOriginTable().unwrap(CalciteCatalog.CalciteTable.class);
            if (t != null) {
                return Math.min(rows, t.table.distinctValues(origin.getOriginColumnOrdinal()));
            }
        }
        return rows;
    }

    /** Left-deep joins in {@code sequence} order, each with the conjuncts it can apply; original field order restored. */
    private static RelNode build(MultiJoin mj, List<RelNode> inputs, List<Integer> sequence, int[] offset,
                                 List<RexNode> conjuncts, RexBuilder rex) {
        int total = offset[offset.length - 1];
        int[] position = new int[total];   // global field -> position in the tree's row
        List<RexNode> pending = new ArrayList<>(conjuncts);
        java.util.BitSet joined = new java.util.BitSet();
        RelNode tree = null;
        int width = 0;
        for (int idx : sequence) {
            RelNode input = inputs.get(idx);
            for (int f = offset[idx]; f < offset[idx + 1]; f++) {
                position[f] = width + (f - offset[idx]);
            }
            width += input.getRowType().getFieldCount();
            for (int f = offset[idx]; f < offset[idx + 1]; f++) {
                joined.set(f);
            }
            if (tree == null) {
                tree = input;
                continue;
            }
            ImmutableBitSet have = ImmutableBitSet.fromBitSet(joined);
            List<RexNode> apply = new ArrayList<>();
            for (RexNode c : List.copyOf(pending)) {
                if (have.contains(RelOptUtil.InputFinder.bits(c))) {
                    apply.add(remap(c, position, mj));
                    pending.remove(c);
                }
            }
            RexNode condition = apply.isEmpty() ? rex.makeLiteral(true) : RexUtil.composeConjunction(rex, apply);
            tree = LogicalJoin.create(tree, input, List.of(), condition, java.util.Set.of(), JoinRelType.INNER);
        }
        // restore the MultiJoin's field order
        List<RexNode> projects = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int f = 0; f < total; f++) {
            projects.add(new RexInputRef(position[f], mj.getRowType().getFieldList().get(f).getType()));
            names.add(mj.getRowType().getFieldList().get(f).getName());
        }
        RelNode out = LogicalProject.create(tree, List.of(), projects, names, java.util.Set.of());
        if (!pending.isEmpty() || mj.getPostJoinFilter() != null) {
            List<RexNode> rest = new ArrayList<>(pending);
            if (mj.getPostJoinFilter() != null) {
                rest.add(mj.getPostJoinFilter());
            }
            out = org.apache.calcite.rel.logical.LogicalFilter.create(out, RexUtil.composeConjunction(rex, rest));
        }
        return out;
    }

    private static RexNode remap(RexNode c, int[] position, MultiJoin mj) {
        return c.accept(new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                return new RexInputRef(position[ref.getIndex()], ref.getType());
            }
        });
    }
}
