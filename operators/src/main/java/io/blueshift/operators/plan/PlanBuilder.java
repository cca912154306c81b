package io.blueshift.operators.plan;

import io.blueshift.kernels.CompareOp;
import io.blueshift.memory.Schema;
import io.blueshift.operators.aggregate.AggregateCall;
import io.blueshift.operators.aggregate.AggregateFunction;
import io.blueshift.operators.expr.Expr;
import io.blueshift.operators.expr.ExprTypes;
import io.blueshift.operators.order.SortKey;
import io.blueshift.storage.Table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds physical plans by hand, naming columns instead of numbering them:
 * <pre>{@code
 * PlanNode q = PlanBuilder.scan(lineitem, "l_quantity", "l_shipdate")
 *     .filter(b -> b.lt(b.col("l_quantity"), Exprs.decimal("24")))
 *     .aggregate(List.of(), List.of(b -> b.sum(b.col("l_quantity"), "total")))
 *     .build();
 * }</pre>
 * Expression helpers ({@link #col}, {@link #mul}, ...) resolve names against the current
 * output and type their result by the engine's rules, so a bad name or type fails here.
 */
public final class PlanBuilder {
    private PlanNode node;

    private PlanBuilder(PlanNode node) {
        this.node = node;
    }

    public static PlanBuilder scan(Table table, String... columns) {
        Schema s = table.schema();
        int[] idx = columns.length == 0
                ? java.util.stream.IntStream.range(0, s.size()).toArray()
                : Arrays.stream(columns).mapToInt(s::require).toArray();
        return new PlanBuilder(new PlanNode.Scan(table, idx));
    }

    public static PlanBuilder from(PlanNode node) {
        return new PlanBuilder(node);
    }

    public Schema schema() { return node.schema(); }

    public PlanNode build() { return node; }

    // ---- expressions over the current output ----

    public Expr.ColumnRef col(String name) {
        int i = node.schema().require(name);
        return new Expr.ColumnRef(i, node.schema().type(i), node.schema().field(i).name());
    }

    public Expr add(Expr a, Expr b) { return arithmetic(Expr.ArithmeticOp.ADD, a, b); }
    public Expr sub(Expr a, Expr b) { return arithmetic(Expr.ArithmeticOp.SUBTRACT, a, b); }
    public Expr mul(Expr a, Expr b) { return arithmetic(Expr.ArithmeticOp.MULTIPLY, a, b); }
    public Expr div(Expr a, Expr b) { return arithmetic(Expr.ArithmeticOp.DIVIDE, a, b); }

    private static Expr arithmetic(Expr.ArithmeticOp op, Expr a, Expr b) {
        return new Expr.Arithmetic(op, a, b, ExprTypes.arithmetic(op, a.type(), b.type()));
    }

    public Expr eq(Expr a, Expr b) { return new Expr.Comparison(CompareOp.EQ, a, b); }
    public Expr ne(Expr a, Expr b) { return new Expr.Comparison(CompareOp.NE, a, b); }
    public Expr lt(Expr a, Expr b) { return new Expr.Comparison(CompareOp.LT, a, b); }
    public Expr le(Expr a, Expr b) { return new Expr.Comparison(CompareOp.LE, a, b); }
    public Expr gt(Expr a, Expr b) { return new Expr.Comparison(CompareOp.GT, a, b); }
    public Expr ge(Expr a, Expr b) { return new Expr.Comparison(CompareOp.GE, a, b); }
    public Expr between(Expr v, Expr lo, Expr hi) { return new Expr.Between(v, lo, hi); }
    public Expr and(Expr... terms) { return new Expr.And(List.of(terms)); }
    public Expr or(Expr... terms) { return new Expr.Or(List.of(terms)); }
    public Expr not(Expr term) { return new Expr.Not(term); }
    public Expr isNull(Expr term) { return new Expr.IsNull(term, false); }
    public Expr isNotNull(Expr term) { return new Expr.IsNull(term, true); }

    public AggregateCall sum(Expr.ColumnRef c, String name) { return call(AggregateFunction.SUM, c, name); }
    public AggregateCall avg(Expr.ColumnRef c, String name) { return call(AggregateFunction.AVG, c, name); }
    public AggregateCall min(Expr.ColumnRef c, String name) { return call(AggregateFunction.MIN, c, name); }
    public AggregateCall max(Expr.ColumnRef c, String name) { return call(AggregateFunction.MAX, c, name); }
    public AggregateCall count(Expr.ColumnRef c, String name) { return call(AggregateFunction.COUNT, c, name); }

    public AggregateCall countStar(String name) {
        return new AggregateCall(AggregateFunction.COUNT_STAR, -1, null, name);
    }

    private static AggregateCall call(AggregateFunction f, Expr.ColumnRef c, String name) {
        AggregateCall call = new AggregateCall(f, c.index(), c.type(), name);
        call.resultType(); // fails early for an unsupported input type
        return call;
    }

    // ---- operators ----

    public interface ExprFn { Expr apply(PlanBuilder b); }

    public interface AggFn { AggregateCall apply(PlanBuilder b); }

    public PlanBuilder filter(ExprFn predicate) {
        Expr p = predicate.apply(this);
        if (!(p.type() instanceof io.blueshift.memory.DataType.BooleanType)) {
            throw new IllegalArgumentException("filter needs a BOOLEAN predicate, got " + p.type().sqlName());
        }
        node = new PlanNode.Filter(node, p);
        return this;
    }

    /** Projects named expressions: pairs of (name, expression builder). */
    public PlanBuilder project(List<String> names, List<ExprFn> expressions) {
        if (names.size() != expressions.size()) {
            throw new IllegalArgumentException("project needs one name per expression");
        }
        List<Expr> exprs = new ArrayList<>();
        for (ExprFn f : expressions) {
            exprs.add(f.apply(this));
        }
        node = new PlanNode.Project(node, exprs, names);
        return this;
    }

    public PlanBuilder aggregate(List<String> groupBy, List<AggFn> aggregates) {
        int[] keys = groupBy.stream().mapToInt(n -> node.schema().require(n)).toArray();
        List<AggregateCall> calls = new ArrayList<>();
        for (AggFn f : aggregates) {
            calls.add(f.apply(this));
        }
        node = new PlanNode.Aggregate(node, keys, calls);
        return this;
    }

    /** ORDER BY: {@code "name"} ascending or {@code "name DESC"}. */
    public PlanBuilder orderBy(String... keys) {
        List<SortKey> sortKeys = new ArrayList<>();
        for (String k : keys) {
            String[] parts = k.trim().split("\\s+");
            int col = node.schema().require(parts[0]);
            boolean desc = parts.length > 1 && parts[1].equalsIgnoreCase("desc");
            sortKeys.add(desc ? SortKey.desc(col) : SortKey.asc(col));
        }
        node = new PlanNode.Sort(node, sortKeys, 0, Long.MAX_VALUE);
        return this;
    }

    /**
     * Hash join with {@code build} on {@code probeKeys[i] = buildKeys[i]} (column names of each
     * side); this plan is the probe side. {@code residual} (may be null) is built over the
     * joined row, probe columns then build columns, as {@link #joined} gives them.
     */
    public PlanBuilder join(PlanNode.JoinType type, PlanBuilder build, List<String> probeKeys, List<String> buildKeys,
                            ExprFn residual) {
        if (probeKeys.size() != buildKeys.size()) {
            throw new IllegalArgumentException("join needs as many probe keys as build keys");
        }
        int[] pk = probeKeys.stream().mapToInt(n -> node.schema().require(n)).toArray();
        int[] bk = buildKeys.stream().mapToInt(n -> build.schema().require(n)).toArray();
        Expr r = residual == null ? null : residual.apply(joined(node, build.node));
        node = new PlanNode.HashJoin(node, build.node, pk, bk, type, r);
        return this;
    }

    /** A builder over the columns of {@code probe} then {@code build}, for join conditions. */
    public static PlanBuilder joined(PlanNode probe, PlanNode build) {
        return new PlanBuilder(new PlanNode.NestedLoopJoin(probe, build, null, PlanNode.JoinType.INNER));
    }

    public PlanBuilder limit(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("LIMIT must be >= 0, got " + limit);
        }
        if (node instanceof PlanNode.Sort s && s.limit() == Long.MAX_VALUE) {
            node = new PlanNode.Sort(s.input(), s.keys(), s.offset(), limit);
        } else {
            node = new PlanNode.Limit(node, 0, limit);
        }
        return this;
    }
}
