package io.blueshift.operators.plan;

import io.blueshift.memory.Schema;
import io.blueshift.operators.expr.ColumnRefs;
import io.blueshift.operators.expr.Expr;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Filters a plan evaluates more than once over the same table, evaluated once. A subquery or a
 * self-join that repeats a table's filter (TPC-H Q20: part's {@code p_name LIKE 'forest%'} under
 * both sides of a join) gives two filtered scans of that table that may differ only in the
 * columns read above them. This pass makes them one subtree:
 * {@code Project(needed)(Filter(Scan(table, union of columns)))}, the needed columns being the
 * union of what each reference reads, and each reference a projection of it; the executor then
 * computes the subtree once ({@link SharedResults}) and feeds every reference from its rows.
 *
 * <p>Only a predicate that is not cheap on every row ({@link QueryExecutor#cheap}: string matching,
 * functions, CASE) is worth it: a SIMD comparison of dense columns costs less per input row than
 * copying a row out and the pipelines that sharing adds, so such filters are left to run again. Plans are deterministic, so two
 * evaluations of an equal predicate over the same table keep the same rows.
 */
public final class CommonSubplans {
    private CommonSubplans() {}

    /** A filtered scan worth computing once where it occurs twice: its predicate costly on every row, its table not small. */
    static boolean shareable(PlanNode node) {
        return node instanceof PlanNode.Filter f && f.input() instanceof PlanNode.Scan s && costlyOnEveryRow(f.predicate())
                && s.table().rowCount() >= MIN_ROWS;
    }

    /**
     * Whether every row pays for more than a cheap comparison: an AND evaluates its terms in order,
     * each over the rows the ones before kept, so only its first term meets every row (TPC-H Q2's
     * {@code p_size = 15 AND p_type LIKE '%BRASS'} is a comparison per row and a LIKE per 50th).
     */
    private static boolean costlyOnEveryRow(Expr predicate) {
        return !QueryExecutor.cheap(predicate instanceof Expr.And a ? a.terms().getFirst() : predicate);
    }

    /** Below this many rows a filter costs less than the pipelines that sharing it adds (tens of microseconds). */
    private static final long MIN_ROWS = 10_000;

    /** {@code root} with the filtered scans of equal table and predicate made one subtree. */
    public static PlanNode unify(PlanNode root) {
        List<Site> sites = new ArrayList<>();
        collect(root, sites);
        Map<PlanNode, PlanNode> replace = new IdentityHashMap<>();
        for (List<Site> group : SharedResults.groups(sites, Site::sameFilter)) {
            if (group.size() > 1) {
                merge(group, replace);
            }
        }
        return replace.isEmpty() ? root : replaced(root, replace);
    }

    /**
     * A filtered scan in the plan: {@code node} is the filter or the projection above it;
     * {@code predicate} reads table columns (the scan's positions mapped to the table's).
     */
    private record Site(PlanNode node, PlanNode.Scan scan, Expr predicate) {
        static Site of(PlanNode node) {
            PlanNode.Filter f = (PlanNode.Filter) (node instanceof PlanNode.Project p ? p.input() : node);
            PlanNode.Scan s = (PlanNode.Scan) f.input();
            return new Site(node, s, tableColumns(f.predicate(), s));
        }

        boolean sameFilter(Site o) {
            return scan.table().equals(o.scan.table()) && predicate.equals(o.predicate);
        }

        /** The table columns read above the filter. */
        BitSet needed() {
            BitSet out = new BitSet();
            if (node instanceof PlanNode.Project p) {
                BitSet scanCols = new BitSet();
                p.expressions().forEach(e -> ColumnRefs.collect(e, scanCols));
                scanCols.stream().forEach(i -> out.set(scan.columns()[i]));
            } else {
                for (int c : scan.columns()) {
                    out.set(c);
                }
            }
            return out;
        }

        /** The expressions this site outputs, over the table's columns, and their names. */
        List<Expr> outputs() {
            if (node instanceof PlanNode.Project p) {
                return p.expressions().stream().map(e -> tableColumns(e, scan)).toList();
            }
            Schema s = scan.schema();
            List<Expr> out = new ArrayList<>();
            for (int i = 0; i < s.size(); i++) {
                out.add(new Expr.ColumnRef(scan.columns()[i], s.type(i), s.field(i).name()));
            }
            return out;
        }

        List<String> names() {
            return node.schema().fields().stream().map(io.blueshift.memory.Field::name).toList();
        }
    }

    private static void collect(PlanNode node, List<Site> out) {
        if (node instanceof PlanNode.RecursiveUnion) {
            return;   // its step runs again on each iteration's new rows
        }
        if (shareable(node) || node instanceof PlanNode.Project p && shareable(p.input())) {
            out.add(Site.of(node));
            return;
        }
        for (PlanNode in : node.inputs()) {
            collect(in, out);
        }
    }

    /** {@code e} over a scan's columns, reading the table's columns (named as the table names them). */
    private static Expr tableColumns(Expr e, PlanNode.Scan scan) {
        Schema table = scan.table().schema();
        return ColumnRefs.replace(e, c -> {
            int t = scan.columns()[c.index()];
            return new Expr.ColumnRef(t, c.type(), table.field(t).name());
        });
    }

    /**
     * One subtree for the sites of {@code group}: the table read once with the union of the
     * columns, filtered, cut to the columns read above; each site a projection of it.
     */
    private static void merge(List<Site> group, Map<PlanNode, PlanNode> replace) {
        Site first = group.getFirst();
        BitSet needed = new BitSet();
        group.forEach(s -> needed.or(s.needed()));
        BitSet read = (BitSet) needed.clone();
        ColumnRefs.collect(first.predicate(), read);
        int[] scanCols = read.stream().toArray();
        Schema table = first.scan().table().schema();
        int[] toScan = positions(scanCols, table.size());
        PlanNode.Scan scan = new PlanNode.Scan(first.scan().table(), scanCols);
        PlanNode shared = new PlanNode.Filter(scan, ColumnRefs.remap(first.predicate(), toScan));
        int[] kept = needed.stream().toArray();
        if (kept.length < scanCols.length) {
            List<Expr> refs = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (int c : kept) {
                refs.add(new Expr.ColumnRef(toScan[c], table.type(c), table.field(c).name()));
                names.add(table.field(c).name());
            }
            shared = new PlanNode.Project(shared, refs, names);
        }
        int[] toShared = positions(kept, table.size());
        for (Site s : group) {
            List<Expr> exprs = s.outputs().stream().map(e -> ColumnRefs.remap(e, toShared)).toList();
            PlanNode.Project p = new PlanNode.Project(shared, exprs, s.names());
            replace.put(s.node(), identity(p) ? shared : p);
        }
    }

    /** {@code positions[c]}: where table column c is among {@code columns} (-1: not there). */
    private static int[] positions(int[] columns, int width) {
        int[] at = new int[width];
        java.util.Arrays.fill(at, -1);
        for (int i = 0; i < columns.length; i++) {
            at[columns[i]] = i;
        }
        return at;
    }

    /** A projection that gives its input's columns in order, named as they are. */
    private static boolean identity(PlanNode.Project p) {
        Schema in = p.input().schema();
        if (p.expressions().size() != in.size()) {
            return false;
        }
        for (int i = 0; i < in.size(); i++) {
            if (!(p.expressions().get(i) instanceof Expr.ColumnRef r) || r.index() != i
                    || !p.names().get(i).equals(in.field(i).name()) || !in.field(i).nullable()) {
                return false;
            }
        }
        return true;
    }

    /** {@code node} with the subtrees in {@code replace} replaced. */
    private static PlanNode replaced(PlanNode node, Map<PlanNode, PlanNode> replace) {
        PlanNode to = replace.get(node);
        if (to != null) {
            return to;
        }
        return switch (node) {
            case PlanNode.Scan s -> s;
            case PlanNode.Values v -> v;
            case PlanNode.RecursiveUnion r -> r;
            case PlanNode.Filter f -> new PlanNode.Filter(replaced(f.input(), replace), f.predicate());
            case PlanNode.Project p -> new PlanNode.Project(replaced(p.input(), replace), p.expressions(), p.names());
            case PlanNode.Aggregate a -> new PlanNode.Aggregate(replaced(a.input(), replace), a.keys(), a.aggregates());
            case PlanNode.Sort s -> new PlanNode.Sort(replaced(s.input(), replace), s.keys(), s.offset(), s.limit());
            case PlanNode.Limit l -> new PlanNode.Limit(replaced(l.input(), replace), l.offset(), l.limit());
            case PlanNode.Window w -> new PlanNode.Window(replaced(w.input(), replace), w.partition(), w.order(), w.frame(), w.calls());
            case PlanNode.GroupAggregate g -> new PlanNode.GroupAggregate(replaced(g.input(), replace), g.keys(), g.calls());
            case PlanNode.HashJoin j -> new PlanNode.HashJoin(replaced(j.probe(), replace), replaced(j.build(), replace),
                    j.probeKeys(), j.buildKeys(), j.type(), j.residual());
            case PlanNode.NestedLoopJoin j -> new PlanNode.NestedLoopJoin(replaced(j.left(), replace), replaced(j.right(), replace),
                    j.condition(), j.type());
            case PlanNode.UnionAll u -> new PlanNode.UnionAll(u.inputs().stream().map(i -> replaced(i, replace)).toList());
        };
    }
}
