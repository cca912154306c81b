package io.blueshift.sql;

import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.Schema;
import io.blueshift.operators.aggregate.AggregateCall;
import io.blueshift.operators.aggregate.AggregateFunction;
import io.blueshift.operators.expr.Expr;
import io.blueshift.operators.expr.ExprTypes;
import io.blueshift.operators.order.SortKey;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.storage.Catalog;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.util.ImmutableBitSet;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Optimized Calcite logical plans to our physical plans. Choices made here: scans read only
 * the columns used above them; a hash join builds on the smaller input by estimated rows
 * (INNER) or on the right input (LEFT, SEMI, ANTI); joins without equality keys become
 * nested-loop joins; Calcite types are replaced by ours.
 */
final class RelTranslator {
    private final Catalog catalog;

    RelTranslator(Catalog catalog) {
        this.catalog = catalog;
    }

    PlanNode translate(RelNode rel) {
        return switch (rel) {
            case TableScan s -> scan(s, IntStream.range(0, s.getRowType().getFieldCount()).toArray());
            case Project p -> project(p);
            case Filter f -> filter(f);
            case Aggregate a -> aggregate(a);
            case Join j -> join(j);
            case Sort s -> sort(s);
            case Union u -> union(u);
            case Values v -> values(v);
            case org.apache.calcite.rel.core.RepeatUnion r -> recursive(r);
            case org.apache.calcite.rel.core.Window w -> WindowTranslation.translate(w, translate(w.getInput()));
            case Correlate c -> throw new UnsupportedOperationException("not supported: a correlated subquery that could not be decorrelated");
            default -> throw new UnsupportedOperationException("not supported: " + rel.getRelTypeName());
        };
    }

    /** Iterations a recursive query may take before it is stopped with an error. */
    static final int MAX_RECURSION = 10_000;

    /** The working tables of the recursive queries being translated, by Calcite's name for them. */
    private final java.util.Map<String, io.blueshift.operators.set.WorkingTable> working = new java.util.HashMap<>();

    /**
     * WITH RECURSIVE: Calcite's RepeatUnion of the seed and the step, each under a spool that
     * names the working table the step scans. The column types are Calcite's (DuckDB's: the
     * seed's), the step's results cast to them.
     */
    private PlanNode recursive(org.apache.calcite.rel.core.RepeatUnion r) {
        RelNode seed = r.getSeedRel();
        RelNode step = r.getIterativeRel();
        String name = "recursive";
        if (seed instanceof org.apache.calcite.rel.core.Spool sp) {
            seed = sp.getInput();
        }
        if (step instanceof org.apache.calcite.rel.core.TableSpool sp) {
            name = String.join(".", sp.getTable().getQualifiedName());
            step = sp.getInput();
        }
        List<Field> fields = new ArrayList<>();
        for (var f : r.getRowType().getFieldList()) {
            fields.add(new Field(f.getName(), CalciteCatalog.fromCalcite(f.getType()), true));
        }
        Schema schema = new Schema(fields);
        io.blueshift.operators.set.WorkingTable table = new io.blueshift.operators.set.WorkingTable(name, schema);
        io.blueshift.operators.set.WorkingTable outer = working.put(name, table);
        try {
            PlanNode seedPlan = castTo(translate(seed), schema);
            PlanNode stepPlan = castTo(translate(step), schema);
            int limit = r.iterationLimit > 0 ? Math.min(r.iterationLimit, MAX_RECURSION) : MAX_RECURSION;
            return new PlanNode.RecursiveUnion(seedPlan, stepPlan, table, r.all, limit);
        } finally {
            if (outer != null) {
                working.put(name, outer);
            } else {
                working.remove(name);
            }
        }
    }

    /** {@code in} with {@code schema}'s column types (casts where they differ) and names. */
    private static PlanNode castTo(PlanNode in, Schema schema) {
        Schema s = in.schema();
        List<Expr> exprs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        boolean same = true;
        for (int c = 0; c < schema.size(); c++) {
            Expr ref = new Expr.ColumnRef(c, s.type(c), s.field(c).name());
            boolean cast = !s.type(c).equals(schema.type(c));
            same &= !cast && s.field(c).name().equals(schema.field(c).name());
            exprs.add(cast ? new Expr.Cast(ref, schema.type(c)) : ref);
            names.add(schema.field(c).name());
        }
        return same ? in : new PlanNode.Project(in, exprs, names);
    }

    private RexTranslator rex(RelNode rel) {
        return new RexTranslator(rel.getCluster().getRexBuilder());
    }

    private PlanNode.Scan scan(TableScan s, int[] columns) {
        CalciteCatalog.CalciteTable t = s.getTable().unwrap(CalciteCatalog.CalciteTable.class);
        io.blueshift.operators.set.WorkingTable w = working.get(String.join(".", s.getTable().getQualifiedName()));
        if (t == null && w != null) {
            return new PlanNode.Scan(w, columns);
        }
        if (t == null) {
            throw new UnsupportedOperationException("not supported: table " + s.getTable().getQualifiedName());
        }
        if (t.table instanceof FileTable files) {
            // only the columns used are read, when the query runs
            return new PlanNode.Scan(files.project(columns), IntStream.range(0, columns.length).toArray());
        }
        return new PlanNode.Scan(t.table, columns);
    }

    /** Columns of {@code fieldCount} referenced by the expressions. */
    private static int[] used(List<RexNode> exprs, int fieldCount) {
        ImmutableBitSet bits = RelOptUtilBits.inputs(exprs);
        int[] cols = bits.toArray();
        return cols.length == 0 && fieldCount > 0 ? new int[] {0} : cols;
    }

    private static List<RexNode> remap(List<RexNode> exprs, int[] columns, RexBuilder b) {
        int[] to = new int[Math.max(1, maxOf(columns) + 1)];
        java.util.Arrays.fill(to, -1);
        for (int i = 0; i < columns.length; i++) {
            to[columns[i]] = i;
        }
        RexShuttle shuttle = new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                return new RexInputRef(to[ref.getIndex()], ref.getType());
            }
        };
        List<RexNode> out = new ArrayList<>();
        for (RexNode e : exprs) {
            out.add(e.accept(shuttle));
        }
        return out;
    }

    private static int maxOf(int[] a) {
        int m = -1;
        for (int v : a) m = Math.max(m, v);
        return m;
    }

    private PlanNode project(Project p) {
        RelNode input = p.getInput();
        List<RexNode> exprs = p.getProjects();
        List<String> names = p.getRowType().getFieldNames();
        RexBuilder b = p.getCluster().getRexBuilder();
        PlanNode in;
        if (input instanceof TableScan s) {
            int[] cols = used(exprs, s.getRowType().getFieldCount());
            in = scan(s, cols);
            exprs = remap(exprs, cols, b);
        } else if (input instanceof Filter f && f.getInput() instanceof TableScan s) {
            List<RexNode> all = new ArrayList<>(exprs);
            all.add(f.getCondition());
            int[] cols = used(all, s.getRowType().getFieldCount());
            PlanNode scan = scan(s, cols);
            RexNode cond = remap(List.of(f.getCondition()), cols, b).getFirst();
            in = new PlanNode.Filter(scan, predicate(cond, scan.schema(), f));
            exprs = remap(exprs, cols, b);
        } else {
            in = translate(input);
        }
        if (isIdentity(exprs, in.schema().size())) {
            return renamed(in, names);
        }
        List<Expr> out = new ArrayList<>();
        RexTranslator t = rex(p);
        for (RexNode e : exprs) {
            out.add(t.translate(e, in.schema()));
        }
        return new PlanNode.Project(in, out, names);
    }

    private static boolean isIdentity(List<RexNode> exprs, int inputSize) {
        if (exprs.size() != inputSize) {
            return false;
        }
        for (int i = 0; i < exprs.size(); i++) {
            if (!(exprs.get(i) instanceof RexInputRef r) || r.getIndex() != i) {
                return false;
            }
        }
        return true;
    }

    /** Keeps a node but names its columns as the query does (a projection of plain refs). */
    private static PlanNode renamed(PlanNode in, List<String> names) {
        Schema s = in.schema();
        boolean same = true;
        for (int i = 0; i < names.size(); i++) {
            same &= s.field(i).name().equalsIgnoreCase(names.get(i));
        }
        if (same) {
            return in;
        }
        List<Expr> refs = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            refs.add(new Expr.ColumnRef(i, s.type(i), s.field(i).name()));
        }
        return new PlanNode.Project(in, refs, names);
    }

    private Expr predicate(RexNode cond, Schema schema, RelNode owner) {
        Expr e = rex(owner).translate(cond, schema);
        if (!(e.type() instanceof DataType.BooleanType)) {
            throw new IllegalArgumentException("a WHERE condition must be BOOLEAN, got " + e.type().sqlName());
        }
        return e;
    }

    private PlanNode filter(Filter f) {
        PlanNode in = translate(f.getInput());
        return new PlanNode.Filter(in, predicate(f.getCondition(), in.schema(), f));
    }

    private PlanNode aggregate(Aggregate a) {
        if (a.getGroupType() != Aggregate.Group.SIMPLE) {
            return groupingSets(a);
        }
        PlanNode in = translate(a.getInput());
        // AGG(x) FILTER (WHERE f) is AGG(CASE WHEN f THEN x END): a projection adds those columns
        java.util.Map<org.apache.calcite.rel.core.AggregateCall, Integer> filtered = new java.util.HashMap<>();
        if (a.getAggCallList().stream().anyMatch(c -> c.filterArg >= 0)) {
            Schema base = in.schema();
            List<Expr> exprs = new ArrayList<>();
            List<String> cols = new ArrayList<>();
            for (int i = 0; i < base.size(); i++) {
                exprs.add(new Expr.ColumnRef(i, base.type(i), base.field(i).name()));
                cols.add(base.field(i).name());
            }
            for (org.apache.calcite.rel.core.AggregateCall c : a.getAggCallList()) {
                if (c.filterArg < 0) {
                    continue;
                }
                Expr value = c.getArgList().isEmpty()
                        ? new Expr.Literal(1L, io.blueshift.memory.DataType.INT32)
                        : new Expr.ColumnRef(c.getArgList().getFirst(), base.type(c.getArgList().getFirst()), base.field(c.getArgList().getFirst()).name());
                Expr cond = new Expr.ColumnRef(c.filterArg, base.type(c.filterArg), base.field(c.filterArg).name());
                exprs.add(new Expr.Case(List.of(cond), List.of(value), new Expr.Literal(null, value.type()), value.type()));
                filtered.put(c, exprs.size() - 1);
                cols.add("$filtered" + filtered.size());
            }
            in = new PlanNode.Project(in, exprs, cols);
        }
        if (a.getAggCallList().stream().anyMatch(RelTranslator::needsGroupRows)) {
            return groupAggregate(a, in, filtered);
        }
        Schema inSchema = in.schema();
        int[] keys = a.getGroupSet().toArray();
        List<AggregateCall> calls = new ArrayList<>();
        List<String> names = a.getRowType().getFieldNames();
        int k = keys.length;
        // output position -> literal, for LITERAL_AGG calls (a constant per group)
        java.util.Map<Integer, Expr.Literal> literals = new java.util.HashMap<>();
        // SINGLE_VALUE(x) is MAX(x) checked by a COUNT(*) that must not exceed 1: aggregate position -> count call
        java.util.Map<Integer, Integer> singles = new java.util.HashMap<>();
        List<AggregateCall> rowCounts = new ArrayList<>();
        for (org.apache.calcite.rel.core.AggregateCall c : a.getAggCallList()) {
            String name = names.get(k++);
            if (c.getAggregation().getKind() == org.apache.calcite.sql.SqlKind.LITERAL_AGG) {
                literals.put(k - 1, RexTranslator.literal((RexLiteral) c.rexList.getFirst()));
                continue;
            }
            if (c.isDistinct()) {
                throw new UnsupportedOperationException("not supported: DISTINCT inside " + c.getAggregation().getName());
            }
            List<Integer> args = c.getArgList();
            if (c.filterArg >= 0) {
                args = List.of(filtered.get(c));
            }
            AggregateFunction f = switch (c.getAggregation().getKind()) {
                // COUNT(*) FILTER counts its CASE column; a COUNT of a column without NULLs counts rows (as Calcite's
                // field trimming writes it)
                case COUNT -> args.isEmpty() || (c.filterArg < 0 && args.size() == 1 && !a.getInput().getRowType().getFieldList()
                        .get(args.getFirst()).getType().isNullable()) ? AggregateFunction.COUNT_STAR : AggregateFunction.COUNT;
                case SUM, SUM0 -> AggregateFunction.SUM;
                case MIN -> AggregateFunction.MIN;
                case MAX -> AggregateFunction.MAX;
                case AVG -> AggregateFunction.AVG;
                case SINGLE_VALUE -> AggregateFunction.MAX;
                default -> throw new UnsupportedOperationException("not supported: aggregate " + c.getAggregation().getName());
            };
            if (f != AggregateFunction.COUNT_STAR && args.size() != 1) {
                throw new UnsupportedOperationException("not supported: " + c.getAggregation().getName() + " of " + args.size() + " arguments");
            }
            int arg = f == AggregateFunction.COUNT_STAR ? -1 : args.getFirst();
            if (c.getAggregation().getKind() == org.apache.calcite.sql.SqlKind.SINGLE_VALUE) {
                singles.put(keys.length + calls.size(), rowCounts.size());
                rowCounts.add(new AggregateCall(AggregateFunction.COUNT_STAR, -1, null, "$rows" + rowCounts.size()));
            }
            calls.add(new AggregateCall(f, arg, arg < 0 ? null : inSchema.type(arg), name));
        }
        int firstRowCount = keys.length + calls.size();
        calls.addAll(rowCounts);
        PlanNode agg = new PlanNode.Aggregate(in, keys, calls);
        if (!literals.isEmpty() || !singles.isEmpty()) {
            Schema s = agg.schema();
            List<Expr> exprs = new ArrayList<>();
            int from = 0;
            for (int out = 0; out < names.size(); out++) {
                Expr.Literal lit = literals.get(out);
                if (lit != null) {
                    exprs.add(lit);
                } else {
                    Expr value = new Expr.ColumnRef(from, s.type(from), s.field(from).name());
                    Integer rowCount = singles.get(from);
                    if (rowCount != null) {
                        int at = firstRowCount + rowCount;
                        value = new Expr.Call(Expr.Function.SINGLE_VALUE, List.of(value,
                                new Expr.ColumnRef(at, s.type(at), s.field(at).name())), value.type());
                    }
                    exprs.add(value);
                    from++;
                }
            }
            return new PlanNode.Project(agg, exprs, names);
        }
        // Calcite may name group keys differently from the input
        return renamed(agg, names);
    }

    /** Aggregates the hash aggregation does not keep, by their SQL names (BOOL_AND is a MIN in Calcite). */
    private static final java.util.Map<String, io.blueshift.operators.holistic.GroupCall.Function> GROUP_ROWS = java.util.Map.ofEntries(
            java.util.Map.entry("MEDIAN", io.blueshift.operators.holistic.GroupCall.Function.QUANTILE_CONT),
            java.util.Map.entry("QUANTILE_CONT", io.blueshift.operators.holistic.GroupCall.Function.QUANTILE_CONT),
            java.util.Map.entry("QUANTILE_DISC", io.blueshift.operators.holistic.GroupCall.Function.QUANTILE_DISC),
            java.util.Map.entry("QUANTILE", io.blueshift.operators.holistic.GroupCall.Function.QUANTILE_DISC),
            java.util.Map.entry("MODE", io.blueshift.operators.holistic.GroupCall.Function.MODE),
            java.util.Map.entry("STRING_AGG", io.blueshift.operators.holistic.GroupCall.Function.STRING_AGG),
            java.util.Map.entry("LISTAGG", io.blueshift.operators.holistic.GroupCall.Function.STRING_AGG),
            java.util.Map.entry("ARG_MIN", io.blueshift.operators.holistic.GroupCall.Function.ARG_MIN),
            java.util.Map.entry("MIN_BY", io.blueshift.operators.holistic.GroupCall.Function.ARG_MIN),
            java.util.Map.entry("ARG_MAX", io.blueshift.operators.holistic.GroupCall.Function.ARG_MAX),
            java.util.Map.entry("MAX_BY", io.blueshift.operators.holistic.GroupCall.Function.ARG_MAX),
            java.util.Map.entry("BOOL_AND", io.blueshift.operators.holistic.GroupCall.Function.BOOL_AND),
            java.util.Map.entry("BOOL_OR", io.blueshift.operators.holistic.GroupCall.Function.BOOL_OR));

    private static boolean needsGroupRows(org.apache.calcite.rel.core.AggregateCall c) {
        return GROUP_ROWS.containsKey(c.getAggregation().getName().toUpperCase(java.util.Locale.ROOT));
    }

    /**
     * A GROUP BY with an aggregate of {@link #GROUP_ROWS}: every aggregate of it computed from
     * each group's rows after a sort on the keys ({@code PlanNode.GroupAggregate}).
     */
    private PlanNode groupAggregate(Aggregate a, PlanNode in, java.util.Map<org.apache.calcite.rel.core.AggregateCall, Integer> filtered) {
        Schema inSchema = in.schema();
        int[] keys = a.getGroupSet().toArray();
        List<String> names = a.getRowType().getFieldNames();
        List<io.blueshift.operators.holistic.GroupCall> calls = new ArrayList<>();
        java.util.Map<Integer, Expr.Literal> literals = new java.util.HashMap<>();
        int k = keys.length;
        for (org.apache.calcite.rel.core.AggregateCall c : a.getAggCallList()) {
            String name = names.get(k++);
            String sqlName = c.getAggregation().getName().toUpperCase(java.util.Locale.ROOT);
            if (c.getAggregation().getKind() == org.apache.calcite.sql.SqlKind.LITERAL_AGG) {
                literals.put(k - 1, RexTranslator.literal((RexLiteral) c.rexList.getFirst()));
                continue;
            }
            if (c.isDistinct()) {
                throw new UnsupportedOperationException("not supported: DISTINCT inside " + sqlName);
            }
            List<Integer> args = new ArrayList<>(c.getArgList());
            if (c.filterArg >= 0 && !args.isEmpty()) {
                args.set(0, filtered.get(c));    // the first argument NULL where the filter fails
            }
            io.blueshift.operators.holistic.GroupCall.Function f = GROUP_ROWS.get(sqlName);
            if (f == null) {
                f = switch (c.getAggregation().getKind()) {
                    case COUNT -> args.isEmpty() ? io.blueshift.operators.holistic.GroupCall.Function.COUNT_STAR
                            : io.blueshift.operators.holistic.GroupCall.Function.COUNT;
                    case SUM, SUM0 -> io.blueshift.operators.holistic.GroupCall.Function.SUM;
                    case MIN -> io.blueshift.operators.holistic.GroupCall.Function.MIN;
                    case MAX -> io.blueshift.operators.holistic.GroupCall.Function.MAX;
                    case AVG -> io.blueshift.operators.holistic.GroupCall.Function.AVG;
                    default -> throw new UnsupportedOperationException("not supported: aggregate " + c.getAggregation().getName()
                            + " in a GROUP BY with " + String.join(", ", a.getAggCallList().stream().filter(RelTranslator::needsGroupRows)
                                    .map(x -> x.getAggregation().getName()).distinct().toList()));
                };
                if (c.filterArg >= 0 && args.isEmpty()) {
                    f = io.blueshift.operators.holistic.GroupCall.Function.COUNT;   // COUNT(*) FILTER counts its CASE column
                    args = List.of(filtered.get(c));
                }
            }
            int input = args.isEmpty() ? -1 : args.getFirst();
            int input2 = -1;
            Object constant = null;
            List<SortKey> order = sortKeys(c.collation);
            switch (f) {
                case STRING_AGG -> constant = args.size() > 1 ? constant(in, args.get(1), sqlName + "'s separator") : ",";
                case QUANTILE_CONT, QUANTILE_DISC -> {
                    Object q = sqlName.equals("MEDIAN") ? (Object) 0.5 : constant(in, args.get(1), sqlName + "'s fraction");
                    double v = q instanceof Number n ? n.doubleValue() : Double.NaN;
                    if (!(v >= 0 && v <= 1)) {
                        throw new IllegalArgumentException(sqlName + " needs a fraction between 0 and 1, got " + q);
                    }
                    constant = v;
                }
                case ARG_MIN, ARG_MAX -> input2 = args.get(1);
                default -> { }
            }
            if (f != io.blueshift.operators.holistic.GroupCall.Function.STRING_AGG && !order.isEmpty()) {
                throw new UnsupportedOperationException("not supported: ORDER BY inside " + sqlName);
            }
            DataType type = io.blueshift.operators.holistic.GroupCall.resultType(f, input < 0 ? null : inSchema.type(input));
            calls.add(new io.blueshift.operators.holistic.GroupCall(f, input, input2, constant, order, type, name));
        }
        PlanNode agg = new PlanNode.GroupAggregate(in, keys, calls);
        if (literals.isEmpty()) {
            return renamed(agg, names);
        }
        Schema s = agg.schema();
        List<Expr> exprs = new ArrayList<>();
        int from = 0;
        for (int out = 0; out < names.size(); out++) {
            Expr.Literal lit = literals.get(out);
            exprs.add(lit != null ? lit : new Expr.ColumnRef(from, s.type(from), s.field(from++).name()));
        }
        return new PlanNode.Project(agg, exprs, names);
    }

    /**
     * The constant value of column {@code column} of {@code node} (a literal projected below an
     * aggregate: STRING_AGG's separator, a quantile's fraction) as a Java value: String, Long,
     * Double, BigDecimal for decimals, null for NULL.
     */
    private static Object constant(PlanNode node, int column, String what) {
        switch (node) {
            case PlanNode.Project p -> {
                Expr e = p.expressions().get(column);
                if (e instanceof Expr.Literal l) {
                    if (l.isNull()) {
                        return null;
                    }
                    return l.type() instanceof DataType.DecimalType d ? java.math.BigDecimal.valueOf(l.longValue(), d.scale()) : l.value();
                }
                if (e instanceof Expr.Cast cast && cast.term() instanceof Expr.Literal l && l.isNull()) {
                    return null;
                }
                if (e instanceof Expr.ColumnRef r) {
                    return constant(p.input(), r.index(), what);
                }
            }
            case PlanNode.Filter f -> {
                return constant(f.input(), column, what);
            }
            default -> { }
        }
        throw new UnsupportedOperationException("not supported: " + what + " other than a constant");
    }

    /**
     * GROUPING SETS, ROLLUP and CUBE: one aggregation per grouping set over the same input,
     * keys outside the set NULL, GROUPING(...) a constant per set, the results concatenated.
     */
    private PlanNode groupingSets(Aggregate a) {
        Schema input = translate(a.getInput()).schema();
        List<Integer> allKeys = a.getGroupSet().asList();
        List<org.apache.calcite.rel.core.AggregateCall> plain = new ArrayList<>();
        for (org.apache.calcite.rel.core.AggregateCall c : a.getAggCallList()) {
            switch (c.getAggregation().getKind()) {
                case GROUPING, GROUPING_ID -> { }
                case GROUP_ID -> throw new UnsupportedOperationException("not supported: GROUP_ID()");
                default -> plain.add(c);
            }
        }
        List<String> names = a.getRowType().getFieldNames();
        List<PlanNode> branches = new ArrayList<>();
        for (org.apache.calcite.util.ImmutableBitSet set : a.getGroupSets()) {
            PlanNode one = aggregate(a.copy(a.getTraitSet(), a.getInput(), set, List.of(set), plain));
            Schema s = one.schema();
            List<Expr> exprs = new ArrayList<>();
            int k = 0;
            for (int key : allKeys) {
                exprs.add(set.get(key) ? new Expr.ColumnRef(k, s.type(k), s.field(k).name()) : io.blueshift.operators.plan.Exprs.nullOf(input.type(key)));
                if (set.get(key)) {
                    k++;
                }
            }
            int next = set.cardinality();
            for (org.apache.calcite.rel.core.AggregateCall c : a.getAggCallList()) {
                var kind = c.getAggregation().getKind();
                if (kind == org.apache.calcite.sql.SqlKind.GROUPING || kind == org.apache.calcite.sql.SqlKind.GROUPING_ID) {
                    long bits = 0;
                    for (int arg : c.getArgList()) {
                        bits = (bits << 1) | (set.get(arg) ? 0 : 1);
                    }
                    exprs.add(new Expr.Literal(bits, io.blueshift.memory.DataType.INT64));
                } else {
                    exprs.add(new Expr.ColumnRef(next, s.type(next), s.field(next).name()));
                    next++;
                }
            }
            branches.add(new PlanNode.Project(one, exprs, names));
        }
        return new PlanNode.UnionAll(alignTypes(branches, a));
    }

    /** ORDER BY keys of a collation; NULLs last ascending and first descending unless it says. */
    static List<SortKey> sortKeys(org.apache.calcite.rel.RelCollation collation) {
        List<SortKey> keys = new ArrayList<>();
        for (RelFieldCollation fc : collation.getFieldCollations()) {
            boolean asc = !fc.direction.isDescending();
            boolean nullsFirst = switch (fc.nullDirection) {
                case FIRST -> true;
                case LAST -> false;
                default -> !asc;
            };
            keys.add(new SortKey(fc.getFieldIndex(), asc, nullsFirst));
        }
        return keys;
    }

    private PlanNode sort(Sort s) {
        PlanNode in = translate(s.getInput());
        long offset = s.offset == null ? 0 : RexLiteral.longValue(s.offset);
        long fetch = s.fetch == null ? Long.MAX_VALUE : RexLiteral.longValue(s.fetch);
        List<SortKey> keys = sortKeys(s.getCollation());
        if (keys.isEmpty()) {
            return new PlanNode.Limit(in, offset, fetch);
        }
        return new PlanNode.Sort(in, keys, offset, fetch);
    }

    /**
     * BOOLEAN equalities are not hashed (a join table keys fixed-width integers, decimals and
     * strings): they move to the residual, and a join left without keys is a nested-loop join.
     */
    private static JoinInfo withoutBooleanKeys(JoinInfo info, Join j, RexBuilder b, List<RexNode> residualTerms) {
        List<org.apache.calcite.rel.type.RelDataTypeField> lf = j.getLeft().getRowType().getFieldList();
        List<org.apache.calcite.rel.type.RelDataTypeField> rf = j.getRight().getRowType().getFieldList();
        List<Integer> lk = new ArrayList<>();
        List<Integer> rk = new ArrayList<>();
        boolean moved = false;
        for (int i = 0; i < info.leftKeys.size(); i++) {
            int l = info.leftKeys.get(i);
            int r = info.rightKeys.get(i);
            if (lf.get(l).getType().getSqlTypeName() == org.apache.calcite.sql.type.SqlTypeName.BOOLEAN) {
                residualTerms.add(b.makeCall(org.apache.calcite.sql.fun.SqlStdOperatorTable.EQUALS,
                        b.makeInputRef(lf.get(l).getType(), l), b.makeInputRef(rf.get(r).getType(), lf.size() + r)));
                moved = true;
            } else {
                lk.add(l);
                rk.add(r);
            }
        }
        return moved ? JoinInfo.of(org.apache.calcite.util.ImmutableIntList.copyOf(lk), org.apache.calcite.util.ImmutableIntList.copyOf(rk))
                : info;
    }

    /**
     * True when an equality of the join condition compares an expression of one side with an
     * expression of the other and is not a plain column pair: {@code CAST(a.k AS BIGINT) = b.k}
     * (keys of different integer types), {@code a.x + 1 = b.y}. Such keys are hashed once they
     * are computed into columns below the join; left in the condition they would make the join
     * a nested loop (or, for SEMI/ANTI/RIGHT/FULL joins, not run at all).
     */
    private static boolean hasComputedEquiKey(Join j) {
        int nLeft = j.getLeft().getRowType().getFieldCount();
        ImmutableBitSet leftBits = ImmutableBitSet.range(0, nLeft);
        ImmutableBitSet rightBits = ImmutableBitSet.range(nLeft, nLeft + j.getRight().getRowType().getFieldCount());
        for (RexNode term : RelOptUtil.conjunctions(j.getCondition())) {
            if (!(term instanceof RexCall c) || c.getOperands().size() != 2
                    || (c.getKind() != org.apache.calcite.sql.SqlKind.EQUALS
                        && c.getKind() != org.apache.calcite.sql.SqlKind.IS_NOT_DISTINCT_FROM)) {
                continue;
            }
            RexNode a = c.getOperands().get(0);
            RexNode b = c.getOperands().get(1);
            if (a instanceof RexInputRef && b instanceof RexInputRef) {
                continue;
            }
            ImmutableBitSet ia = RelOptUtil.InputFinder.bits(a);
            ImmutableBitSet ib = RelOptUtil.InputFinder.bits(b);
            if (ia.isEmpty() || ib.isEmpty() || RexUtil.containsCorrelation(a) || RexUtil.containsCorrelation(b)
                    || !RexUtil.isDeterministic(a) || !RexUtil.isDeterministic(b)) {
                continue;
            }
            if (leftBits.contains(ia) && rightBits.contains(ib) || rightBits.contains(ia) && leftBits.contains(ib)) {
                return true;
            }
        }
        return false;
    }

    private PlanNode join(Join j) {
        if (hasComputedEquiKey(j)) {
            RelNode pushed = RelOptUtil.pushDownJoinConditions(j,
                    org.apache.calcite.rel.core.RelFactories.LOGICAL_BUILDER.create(j.getCluster(), null));
            if (pushed != j) {
                return translate(pushed);
            }
        }
        PlanNode left = translate(j.getLeft());
        PlanNode right = translate(j.getRight());
        int nLeft = left.schema().size();
        int nRight = right.schema().size();
        RexBuilder b = j.getCluster().getRexBuilder();
        List<RexNode> nullSafe = new ArrayList<>();
        RexNode condition = withoutNullSafe(j.getCondition(), b, nullSafe);
        JoinInfo info = nullSafe.isEmpty() ? j.analyzeCondition() : JoinInfo.of(j.getLeft(), j.getRight(), condition);
        if (info.leftKeys.isEmpty()) {
            // (a = b AND x) OR (a = b AND y): pull the common equality out so it can be hashed
            RexNode factored = RexUtil.pullFactors(b, condition);
            info = JoinInfo.of(j.getLeft(), j.getRight(), factored);
        }
        List<RexNode> residualTerms = new ArrayList<>(info.nonEquiConditions);
        residualTerms.addAll(nullSafe);
        info = withoutBooleanKeys(info, j, b, residualTerms);
        RexNode residualRex = residualTerms.isEmpty() ? null : RexUtil.composeConjunction(b, residualTerms);
        List<Field> both = new ArrayList<>(left.schema().fields());
        both.addAll(right.schema().fields());
        Schema pair = new Schema(both);
        RexTranslator t = rex(j);
        if (info.leftKeys.isEmpty() && (j.getJoinType() == JoinRelType.INNER || j.getJoinType() == JoinRelType.LEFT)) {
            Expr cond = residualRex == null ? null : t.translate(residualRex, pair);
            PlanNode.JoinType type = j.getJoinType() == JoinRelType.INNER ? PlanNode.JoinType.INNER : PlanNode.JoinType.LEFT;
            return new PlanNode.NestedLoopJoin(left, right, cond, type);
        }
        // no keys and another type (EXISTS / NOT EXISTS on a non-equality, RIGHT and FULL joins on
        // one): a hash join without keys, whose every build row is a candidate checked by the residual
        int[] lk = info.leftKeys.toIntArray();
        int[] rk = info.rightKeys.toIntArray();
        switch (j.getJoinType()) {
            case INNER -> {
                RowEstimator estimator = new RowEstimator(j.getCluster().getMetadataQuery());
                double leftRows = estimator.rows(j.getLeft());
                double rightRows = estimator.rows(j.getRight());
                if (leftRows < rightRows) {
                    // build on the left: probe = right; the output is right ++ left, put back in order
                    Expr residual = residualRex == null ? null
                            : t.translate(swapSides(residualRex, nLeft, nRight, b), swapped(pair, nLeft));
                    PlanNode joined = new PlanNode.HashJoin(right, left, rk, lk, PlanNode.JoinType.INNER, residual);
                    return reorder(joined, nLeft, nRight);
                }
                Expr residual = residualRex == null ? null : t.translate(residualRex, pair);
                return new PlanNode.HashJoin(left, right, lk, rk, PlanNode.JoinType.INNER, residual);
            }
            case LEFT, SEMI, ANTI -> {
                RowEstimator estimator = new RowEstimator(j.getCluster().getMetadataQuery());
                if (estimator.rows(j.getLeft()) < estimator.rows(j.getRight())) {
                    // the preserved side is the smaller: build it, flag its rows that match
                    // while the right side probes, then emit the flagged (or unflagged) ones
                    Expr residual = residualRex == null ? null
                            : t.translate(swapSides(residualRex, nLeft, nRight, b), swapped(pair, nLeft));
                    PlanNode.JoinType type = switch (j.getJoinType()) {
                        case LEFT -> PlanNode.JoinType.RIGHT;
                        case SEMI -> PlanNode.JoinType.RIGHT_SEMI;
                        default -> PlanNode.JoinType.RIGHT_ANTI;
                    };
                    PlanNode joined = new PlanNode.HashJoin(right, left, rk, lk, type, residual);
                    return type == PlanNode.JoinType.RIGHT ? reorder(joined, nLeft, nRight) : joined;
                }
                Expr residual = residualRex == null ? null : t.translate(residualRex, pair);
                PlanNode.JoinType type = switch (j.getJoinType()) {
                    case LEFT -> PlanNode.JoinType.LEFT;
                    case SEMI -> PlanNode.JoinType.SEMI;
                    default -> PlanNode.JoinType.ANTI;
                };
                return new PlanNode.HashJoin(left, right, lk, rk, type, residual);
            }
            case RIGHT -> {
                RowEstimator estimator = new RowEstimator(j.getCluster().getMetadataQuery());
                if (estimator.rows(j.getRight()) < estimator.rows(j.getLeft())) {
                    Expr residual = residualRex == null ? null : t.translate(residualRex, pair);
                    return new PlanNode.HashJoin(left, right, lk, rk, PlanNode.JoinType.RIGHT, residual);
                }
                Expr residual = residualRex == null ? null
                        : t.translate(swapSides(residualRex, nLeft, nRight, b), swapped(pair, nLeft));
                PlanNode joined = new PlanNode.HashJoin(right, left, rk, lk, PlanNode.JoinType.LEFT, residual);
                return reorder(joined, nLeft, nRight);
            }
            case FULL -> {
                // FULL = LEFT join, plus the right rows that match nothing (an anti join the
                // other way round) with NULL left columns
                Expr residual = residualRex == null ? null : t.translate(residualRex, pair);
                PlanNode leftJoin = new PlanNode.HashJoin(left, right, lk, rk, PlanNode.JoinType.LEFT, residual);
                Expr swappedResidual = residualRex == null ? null
                        : t.translate(swapSides(residualRex, nLeft, nRight, b), swapped(pair, nLeft));
                PlanNode rightOnly = new PlanNode.HashJoin(right, left, rk, lk, PlanNode.JoinType.ANTI, swappedResidual);
                List<Expr> exprs = new ArrayList<>();
                List<String> names = new ArrayList<>();
                for (int c = 0; c < nLeft; c++) {
                    exprs.add(io.blueshift.operators.plan.Exprs.nullOf(left.schema().type(c)));
                    names.add(left.schema().field(c).name());
                }
                for (int c = 0; c < nRight; c++) {
                    exprs.add(new Expr.ColumnRef(c, right.schema().type(c), right.schema().field(c).name()));
                    names.add(right.schema().field(c).name());
                }
                return new PlanNode.UnionAll(List.of(leftJoin, new PlanNode.Project(rightOnly, exprs, names)));
            }
            default -> throw new UnsupportedOperationException("not supported: " + j.getJoinType() + " join");
        }
    }

    /**
     * Our hash keys never match NULL, so {@code a IS NOT DISTINCT FROM b} over nullable columns
     * (Calcite joins expanded DISTINCT aggregates on their group keys this way) becomes the
     * residual {@code a = b OR (a IS NULL AND b IS NULL)}, added to {@code nullSafe}; returns the
     * rest of the condition. (Calcite would read that OR back as a key, so it stays apart.)
     */
    private static RexNode withoutNullSafe(RexNode condition, RexBuilder b, List<RexNode> nullSafe) {
        List<RexNode> terms = RelOptUtil.conjunctions(condition);
        List<RexNode> out = new ArrayList<>(terms.size());
        boolean changed = false;
        for (RexNode term : terms) {
            if (term.getKind() == org.apache.calcite.sql.SqlKind.IS_NOT_DISTINCT_FROM && term instanceof RexCall call
                    && (call.getOperands().get(0).getType().isNullable() || call.getOperands().get(1).getType().isNullable())) {
                RexNode x = call.getOperands().get(0);
                RexNode y = call.getOperands().get(1);
                nullSafe.add(b.makeCall(org.apache.calcite.sql.fun.SqlStdOperatorTable.OR,
                        b.makeCall(org.apache.calcite.sql.fun.SqlStdOperatorTable.EQUALS, x, y),
                        b.makeCall(org.apache.calcite.sql.fun.SqlStdOperatorTable.AND,
                                b.makeCall(org.apache.calcite.sql.fun.SqlStdOperatorTable.IS_NULL, x),
                                b.makeCall(org.apache.calcite.sql.fun.SqlStdOperatorTable.IS_NULL, y))));
                changed = true;
            } else {
                out.add(term);
            }
        }
        return changed ? RexUtil.composeConjunction(b, out) : condition;
    }

    /** References to (left ++ right) rewritten as references to (right ++ left). */
    private static RexNode swapSides(RexNode e, int nLeft, int nRight, RexBuilder b) {
        return e.accept(new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                int i = ref.getIndex();
                return new RexInputRef(i < nLeft ? i + nRight : i - nLeft, ref.getType());
            }
        });
    }

    private static Schema swapped(Schema pair, int nLeft) {
        List<Field> f = new ArrayList<>(pair.fields().subList(nLeft, pair.size()));
        f.addAll(pair.fields().subList(0, nLeft));
        return new Schema(f);
    }

    /** A (right ++ left) join output projected back to (left ++ right). */
    private static PlanNode reorder(PlanNode joined, int nLeft, int nRight) {
        Schema s = joined.schema();
        List<Expr> refs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < nLeft; i++) {
            int at = nRight + i;
            refs.add(new Expr.ColumnRef(at, s.type(at), s.field(at).name()));
            names.add(s.field(at).name());
        }
        for (int i = 0; i < nRight; i++) {
            refs.add(new Expr.ColumnRef(i, s.type(i), s.field(i).name()));
            names.add(s.field(i).name());
        }
        return new PlanNode.Project(joined, refs, names);
    }

    private PlanNode union(Union u) {
        List<PlanNode> inputs = new ArrayList<>();
        for (RelNode in : u.getInputs()) {
            inputs.add(translate(in));
        }
        inputs = alignTypes(inputs, u);
        PlanNode all = new PlanNode.UnionAll(inputs);
        if (u.all) {
            return all;
        }
        int[] keys = IntStream.range(0, all.schema().size()).toArray();
        return new PlanNode.Aggregate(all, keys, List.of());
    }

    /**
     * The inputs of a set operation cast to one type per column: our expression types can be
     * wider than Calcite's (INT32 * INT32 is INT64 here), so the common type is taken from
     * the inputs, and Calcite's where they have none.
     */
    private static List<PlanNode> alignTypes(List<PlanNode> inputs, RelNode set) {
        int cols = inputs.getFirst().schema().size();
        DataType[] target = new DataType[cols];
        boolean differ = false;
        for (int c = 0; c < cols; c++) {
            DataType t = inputs.getFirst().schema().type(c);
            for (PlanNode in : inputs) {
                DataType next = ExprTypes.common(t, in.schema().type(c));
                t = next != null ? next : CalciteCatalog.fromCalcite(set.getRowType().getFieldList().get(c).getType());
            }
            target[c] = t;
            for (PlanNode in : inputs) {
                differ |= !in.schema().type(c).equals(t);
            }
        }
        if (!differ) {
            return inputs;
        }
        List<PlanNode> out = new ArrayList<>();
        for (PlanNode in : inputs) {
            Schema s = in.schema();
            List<Expr> exprs = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (int c = 0; c < cols; c++) {
                Expr ref = new Expr.ColumnRef(c, s.type(c), s.field(c).name());
                exprs.add(s.type(c).equals(target[c]) ? ref : new Expr.Cast(ref, target[c]));
                names.add(s.field(c).name());
            }
            out.add(new PlanNode.Project(in, exprs, names));
        }
        return out;
    }

    private PlanNode values(Values v) {
        List<Field> fields = new ArrayList<>();
        for (var f : v.getRowType().getFieldList()) {
            fields.add(new Field(f.getName(), CalciteCatalog.fromCalcite(f.getType()), true));
        }
        List<List<Object>> rows = new ArrayList<>();
        for (var tuple : v.getTuples()) {
            List<Object> row = new ArrayList<>();
            for (RexLiteral lit : tuple) {
                row.add(RexTranslator.literal(lit).value());
            }
            rows.add(row);
        }
        return new PlanNode.Values(new Schema(fields), rows);
    }
}
