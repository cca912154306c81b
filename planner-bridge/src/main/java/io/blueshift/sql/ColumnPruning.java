package io.blueshift.sql;

import io.blueshift.memory.Schema;
import io.blueshift.operators.aggregate.AggregateCall;
import io.blueshift.operators.aggregate.AggregateFunction;
import io.blueshift.operators.expr.ColumnRefs;
import io.blueshift.operators.expr.Expr;
import io.blueshift.operators.order.SortKey;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.operators.window.WindowCall;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Drops the columns nothing above uses from the physical plan, so a hash join builds and
 * gathers only its keys and the build columns read above it. Calcite's field trimming keeps a
 * join's key columns in its output (a join emits all columns of both inputs); here a build
 * side that carries columns only its own filters or joins used gets a projection to what the
 * join needs, and every node above is rewritten to the narrower rows. Probe columns are not
 * cut (they pass through a probe without a copy); aggregates, windows, scans and unions keep
 * their outputs (a window's input is cut to the columns it and the nodes above use), and a
 * nested-loop join emits what its sides keep (each cut to the columns it and the nodes above
 * use). A scan reads only the columns used above it (at least one).
 */
final class ColumnPruning {
    private ColumnPruning() {}

    /** A rewritten node and where each of the old node's output columns went (-1: dropped). */
    private record Pruned(PlanNode node, int[] map) {}

    /**
     * False once a node's input was kept whole (a nested-loop join, a union, a window...) or an
     * aggregate computes a value nothing above uses or counts a column: there Calcite's field
     * trimming, before the translation, still changes what this pass leaves.
     */
    private boolean complete = true;

    static PlanNode apply(PlanNode root) {
        return new ColumnPruning().run(root);
    }

    /**
     * The pruned plan when this pass alone cuts every column nothing uses, so that Calcite's field
     * trimming of the logical plan could not narrow it further; null otherwise.
     */
    static PlanNode applyIfComplete(PlanNode root) {
        ColumnPruning pass = new ColumnPruning();
        PlanNode pruned = pass.run(root);
        return pass.complete ? pruned : null;
    }

    private PlanNode run(PlanNode root) {
        BitSet all = new BitSet();
        all.set(0, root.schema().size());
        return prune(root, all).node();
    }

    private Pruned prune(PlanNode node, BitSet need) {
        return switch (node) {
            case PlanNode.Filter f -> {
                BitSet in = copy(need);
                ColumnRefs.collect(f.predicate(), in);
                Pruned r = prune(f.input(), in);
                yield new Pruned(new PlanNode.Filter(r.node(), ColumnRefs.remap(f.predicate(), r.map())), r.map());
            }
            case PlanNode.Project p -> project(p, need);
            case PlanNode.Aggregate a -> {
                BitSet in = new BitSet();
                for (int k : a.keys()) {
                    in.set(k);
                }
                for (AggregateCall c : a.aggregates()) {
                    if (c.input() >= 0) {
                        in.set(c.input());
                    }
                }
                Pruned r = prune(a.input(), in);
                int[] keys = new int[a.keys().length];
                for (int i = 0; i < keys.length; i++) {
                    keys[i] = r.map()[a.keys()[i]];
                }
                for (int i = 0; i < a.aggregates().size(); i++) {
                    // a value computed for nothing (the trimmer drops the call), or a COUNT of a
                    // column (the trimmer's builder counts rows instead where the column has no NULLs)
                    if (!need.get(a.keys().length + i) || a.aggregates().get(i).function() == AggregateFunction.COUNT) {
                        complete = false;
                    }
                }
                List<AggregateCall> calls = new ArrayList<>();
                for (AggregateCall c : a.aggregates()) {
                    calls.add(c.input() < 0 ? c : new AggregateCall(c.function(), r.map()[c.input()], c.inputType(), c.name()));
                }
                yield identity(new PlanNode.Aggregate(r.node(), keys, calls));
            }
            case PlanNode.Sort s -> {
                BitSet in = copy(need);
                for (SortKey k : s.keys()) {
                    in.set(k.column());
                }
                Pruned r = prune(s.input(), in);
                List<SortKey> keys = new ArrayList<>();
                for (SortKey k : s.keys()) {
                    keys.add(new SortKey(r.map()[k.column()], k.ascending(), k.nullsFirst()));
                }
                yield new Pruned(new PlanNode.Sort(r.node(), keys, s.offset(), s.limit()), r.map());
            }
            case PlanNode.Limit l -> {
                Pruned r = prune(l.input(), need);
                yield new Pruned(new PlanNode.Limit(r.node(), l.offset(), l.limit()), r.map());
            }
            case PlanNode.HashJoin j -> hashJoin(j, need);
            case PlanNode.NestedLoopJoin j -> nestedLoopJoin(j, need);
            case PlanNode.UnionAll u -> {
                List<PlanNode> inputs = new ArrayList<>();
                for (PlanNode in : u.inputs()) {
                    inputs.add(whole(in));
                }
                yield identity(new PlanNode.UnionAll(inputs));
            }
            case PlanNode.RecursiveUnion r -> identity(new PlanNode.RecursiveUnion(whole(r.seed()), whole(r.step()), r.working(), r.all(), r.maxIterations()));
            case PlanNode.GroupAggregate g -> identity(new PlanNode.GroupAggregate(whole(g.input()), g.keys(), g.calls()));
            case PlanNode.Window w -> window(w, need);
            case PlanNode.Scan s -> scan(s, need);
            case PlanNode.Values v -> identity(v);
        };
    }

    /**
     * The scan of the columns {@code need} names; when it names none (a count of rows) the
     * narrowest column, so that a file scan decodes one column rather than every one.
     */
    private static Pruned scan(PlanNode.Scan s, BitSet need) {
        int n = s.columns().length;
        BitSet keep = new BitSet();
        for (int c = need.nextSetBit(0); c >= 0 && c < n; c = need.nextSetBit(c + 1)) {
            keep.set(c);
        }
        if (keep.cardinality() == n) {
            return identity(s);
        }
        if (keep.isEmpty()) {
            if (n == 0) {
                return identity(s);
            }
            int best = 0;
            for (int c = 1; c < n; c++) {
                if (width(s.schema().type(c)) < width(s.schema().type(best))) {
                    best = c;
                }
            }
            keep.set(best);
        }
        int[] columns = new int[keep.cardinality()];
        int[] map = new int[n];
        java.util.Arrays.fill(map, -1);
        int k = 0;
        for (int c = keep.nextSetBit(0); c >= 0; c = keep.nextSetBit(c + 1)) {
            map[c] = k;
            columns[k++] = s.columns()[c];
        }
        return new Pruned(new PlanNode.Scan(s.table(), columns), map);
    }

    /** Bytes a value of {@code type} takes in a scan (a boolean an eighth; a string its view and more). */
    private static double width(io.blueshift.memory.DataType type) {
        return switch (type) {
            case io.blueshift.memory.DataType.BooleanType b -> 0.125;
            case io.blueshift.memory.DataType.VarcharType v -> type.byteWidth() + 16;
            default -> type.byteWidth();
        };
    }

    /** {@code node} with every column kept. */
    private PlanNode whole(PlanNode node) {
        complete = false;
        BitSet all = new BitSet();
        all.set(0, node.schema().size());
        return prune(node, all).node();
    }

    private Pruned project(PlanNode.Project p, BitSet need) {
        List<Expr> exprs = p.expressions();
        BitSet keep = copy(need);
        if (keep.isEmpty() && !exprs.isEmpty()) {
            keep.set(0);   // a row count still needs a column
        }
        BitSet in = new BitSet();
        for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
            ColumnRefs.collect(exprs.get(i), in);
        }
        Pruned r = prune(p.input(), in);
        int[] map = new int[exprs.size()];
        List<Expr> out = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < exprs.size(); i++) {
            if (keep.get(i)) {
                map[i] = out.size();
                out.add(ColumnRefs.remap(exprs.get(i), r.map()));
                names.add(p.names().get(i));
            } else {
                map[i] = -1;
            }
        }
        if (isIdentity(out, names, r.node().schema())) {
            return new Pruned(r.node(), map);   // the same columns under the same names: nothing to project
        }
        return new Pruned(new PlanNode.Project(r.node(), out, names), map);
    }

    private static boolean isIdentity(List<Expr> exprs, List<String> names, Schema input) {
        if (exprs.size() != input.size()) {
            return false;
        }
        for (int i = 0; i < exprs.size(); i++) {
            if (!(exprs.get(i) instanceof Expr.ColumnRef ref) || ref.index() != i || !names.get(i).equals(input.field(i).name())) {
                return false;
            }
        }
        return true;
    }

    /** Each side cut to the columns used above and by the condition; the output is both sides' columns. */
    private Pruned nestedLoopJoin(PlanNode.NestedLoopJoin j, BitSet need) {
        int nLeft = j.left().schema().size();
        int nRight = j.right().schema().size();
        BitSet used = copy(need);
        if (j.condition() != null) {
            ColumnRefs.collect(j.condition(), used);
        }
        BitSet needLeft = new BitSet();
        BitSet needRight = new BitSet();
        for (int c = used.nextSetBit(0); c >= 0 && c < nLeft + nRight; c = used.nextSetBit(c + 1)) {
            (c < nLeft ? needLeft : needRight).set(c < nLeft ? c : c - nLeft);
        }
        Pruned l = prune(j.left(), needLeft);
        Pruned r = prune(j.right(), needRight);
        int leftWidth = l.node().schema().size();
        int[] map = new int[nLeft + nRight];
        for (int c = 0; c < nLeft; c++) {
            map[c] = l.map()[c];
        }
        for (int c = 0; c < nRight; c++) {
            map[nLeft + c] = r.map()[c] < 0 ? -1 : leftWidth + r.map()[c];
        }
        Expr condition = j.condition() == null ? null : ColumnRefs.remap(j.condition(), map);
        return new Pruned(new PlanNode.NestedLoopJoin(l.node(), r.node(), condition, j.type()), map);
    }

    private Pruned hashJoin(PlanNode.HashJoin j, BitSet need) {
        int probeWidth = j.probe().schema().size();
        int buildWidth = j.build().schema().size();
        PlanNode.JoinType type = j.type();
        boolean probeOut = type != PlanNode.JoinType.RIGHT_SEMI && type != PlanNode.JoinType.RIGHT_ANTI;
        boolean buildOut = switch (type) {
            case INNER, LEFT, SINGLE, RIGHT, RIGHT_SEMI, RIGHT_ANTI -> true;
            case SEMI, ANTI, MARK -> false;
        };
        int buildAt = probeOut ? probeWidth : 0;   // where build columns start in the output
        BitSet needProbe = new BitSet();
        BitSet needBuild = new BitSet();
        for (int k : j.probeKeys()) {
            needProbe.set(k);
        }
        for (int k : j.buildKeys()) {
            needBuild.set(k);
        }
        if (probeOut) {
            needProbe.or(need.get(0, probeWidth));
        }
        if (buildOut) {
            for (int c = 0; c < buildWidth; c++) {
                if (need.get(buildAt + c)) {
                    needBuild.set(c);
                }
            }
        }
        if (j.residual() != null) {
            BitSet r = new BitSet();
            ColumnRefs.collect(j.residual(), r);
            needProbe.or(r.get(0, probeWidth));
            for (int c = r.nextSetBit(probeWidth); c >= 0; c = r.nextSetBit(c + 1)) {
                needBuild.set(c - probeWidth);
            }
        }
        Pruned probe = prune(j.probe(), needProbe);
        if (type == PlanNode.JoinType.RIGHT) {
            // a RIGHT join collects its pairs before the unmatched build rows follow: columns
            // only its inputs read (a filtered string) would be copied for every pair
            probe = narrowed(probe, needProbe);
        }
        Pruned build = narrowed(prune(j.build(), needBuild), needBuild);
        int newProbeWidth = probe.node().schema().size();
        int[] pairMap = new int[probeWidth + buildWidth];
        for (int c = 0; c < probeWidth; c++) {
            pairMap[c] = probe.map()[c];
        }
        for (int c = 0; c < buildWidth; c++) {
            int to = build.map()[c];
            pairMap[probeWidth + c] = to < 0 ? -1 : newProbeWidth + to;
        }
        int[] probeKeys = new int[j.probeKeys().length];
        int[] buildKeys = new int[j.buildKeys().length];
        for (int i = 0; i < probeKeys.length; i++) {
            probeKeys[i] = probe.map()[j.probeKeys()[i]];
            buildKeys[i] = build.map()[j.buildKeys()[i]];
        }
        Expr residual = j.residual() == null ? null : ColumnRefs.remap(j.residual(), pairMap);
        PlanNode joined = new PlanNode.HashJoin(probe.node(), build.node(), probeKeys, buildKeys, type, residual);
        int oldWidth = j.schema().size();
        int[] map = new int[oldWidth];
        for (int c = 0; c < oldWidth; c++) {
            if (probeOut && c < probeWidth) {
                map[c] = probe.map()[c];
            } else if (buildOut && c >= buildAt && c < buildAt + buildWidth) {
                int to = build.map()[c - buildAt];
                map[c] = to < 0 ? -1 : (probeOut ? newProbeWidth : 0) + to;
            } else {
                map[c] = newProbeWidth;   // MARK's column, after the probe columns
            }
        }
        return new Pruned(joined, map);
    }

    /**
     * The window's input cut to the columns used above and by its partition, order and calls (it
     * keeps every row it buffers whole); its calls' columns follow the input's, all kept.
     */
    private Pruned window(PlanNode.Window w, BitSet need) {
        int width = w.input().schema().size();
        BitSet in = need.get(0, width);
        for (int k : w.partition()) {
            in.set(k);
        }
        for (SortKey k : w.order()) {
            in.set(k.column());
        }
        for (WindowCall c : w.calls()) {
            if (c.argument() >= 0) {
                in.set(c.argument());
            }
            if (c.defaultColumn() >= 0) {
                in.set(c.defaultColumn());
            }
        }
        Pruned r = narrowed(prune(w.input(), in), in);
        int[] partition = new int[w.partition().length];
        for (int i = 0; i < partition.length; i++) {
            partition[i] = r.map()[w.partition()[i]];
        }
        List<SortKey> order = new ArrayList<>();
        for (SortKey k : w.order()) {
            order.add(new SortKey(r.map()[k.column()], k.ascending(), k.nullsFirst()));
        }
        List<WindowCall> calls = new ArrayList<>();
        for (WindowCall c : w.calls()) {
            calls.add(new WindowCall(c.function(), c.argument() < 0 ? -1 : r.map()[c.argument()], c.constant(),
                    c.defaultColumn() < 0 ? -1 : r.map()[c.defaultColumn()], c.name(), c.type()));
        }
        int newWidth = r.node().schema().size();
        int[] map = new int[width + calls.size()];
        for (int c = 0; c < width; c++) {
            map[c] = r.map()[c];
        }
        for (int i = 0; i < calls.size(); i++) {
            map[width + i] = newWidth + i;
        }
        return new Pruned(new PlanNode.Window(r.node(), partition, order, w.frame(), calls), map);
    }

    /** {@code p} cut to the columns in {@code need} with a projection, where it has more. */
    private static Pruned narrowed(Pruned p, BitSet need) {
        Schema s = p.node().schema();
        int[] to = new int[p.map().length];
        BitSet keep = new BitSet();
        for (int c = need.nextSetBit(0); c >= 0; c = need.nextSetBit(c + 1)) {
            keep.set(p.map()[c]);
        }
        if (keep.cardinality() == s.size()) {
            return p;
        }
        List<Expr> refs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int[] position = new int[s.size()];
        for (int c = 0; c < s.size(); c++) {
            position[c] = -1;
            if (keep.get(c)) {
                position[c] = refs.size();
                refs.add(new Expr.ColumnRef(c, s.type(c), s.field(c).name()));
                names.add(s.field(c).name());
            }
        }
        for (int c = 0; c < to.length; c++) {
            to[c] = p.map()[c] < 0 ? -1 : position[p.map()[c]];
        }
        return new Pruned(new PlanNode.Project(p.node(), refs, names), to);
    }

    private static Pruned identity(PlanNode node) {
        int[] map = new int[node.schema().size()];
        for (int i = 0; i < map.length; i++) {
            map[i] = i;
        }
        return new Pruned(node, map);
    }

    private static BitSet copy(BitSet b) {
        return (BitSet) b.clone();
    }
}
