package io.blueshift.operators.plan;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Schema;
import io.blueshift.operators.exec.BatchConsumer;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.exec.Operator;
import io.blueshift.operators.exec.OperatorState;
import io.blueshift.operators.expr.Expr;
import io.blueshift.operators.filter.FilterOperator;
import io.blueshift.operators.projection.ProjectOperator;

import java.util.ArrayList;
import java.util.List;

/**
 * An inner nested loop join whose right side is one row by construction (a scalar subquery's
 * value: an aggregate without GROUP BY under projections; TPC-H Q11's
 * {@code sum(...) > (SELECT sum(...) * 0.0001 ...)}, Q22's {@code c_acctbal > (SELECT avg(...))}):
 * that row is computed first, its values become constants of the condition, and the left side
 * streams through a filter and a projection that appends them. No join table, no pairs: the
 * condition runs as an ordinary predicate against literals.
 */
final class SingleRowJoin {
    private SingleRowJoin() {}

    /** Whether {@code node} yields exactly one row whatever its input (projections of an ungrouped aggregate). */
    static boolean oneRow(PlanNode node) {
        PlanNode n = node;
        while (n instanceof PlanNode.Project p) {
            n = p.input();
        }
        return n instanceof PlanNode.Aggregate a && a.keys().length == 0;
    }

    /**
     * Whether every conjunct of {@code condition} reads a left column (index below
     * {@code leftWidth}): a conjunct of constants only is left to the join.
     */
    static boolean readsLeftInEveryTerm(Expr condition, int leftWidth) {
        if (condition == null) {
            return true;
        }
        List<Expr> terms = condition instanceof Expr.And and ? and.terms() : List.of(condition);
        for (Expr t : terms) {
            if (!readsBelow(t, leftWidth)) {
                return false;
            }
        }
        return true;
    }

    private static boolean readsBelow(Expr e, int width) {
        return switch (e) {
            case Expr.ColumnRef c -> c.index() < width;
            case Expr.Literal l -> false;
            case Expr.Arithmetic a -> readsBelow(a.left(), width) || readsBelow(a.right(), width);
            case Expr.Comparison c -> readsBelow(c.left(), width) || readsBelow(c.right(), width);
            case Expr.Between b -> readsBelow(b.value(), width) || readsBelow(b.low(), width) || readsBelow(b.high(), width);
            case Expr.And a -> a.terms().stream().anyMatch(t -> readsBelow(t, width));
            case Expr.Or o -> o.terms().stream().anyMatch(t -> readsBelow(t, width));
            case Expr.Not n -> readsBelow(n.term(), width);
            case Expr.IsNull n -> readsBelow(n.term(), width);
            case Expr.Cast c -> readsBelow(c.term(), width);
            case Expr.Case c -> c.conditions().stream().anyMatch(t -> readsBelow(t, width))
                    || c.results().stream().anyMatch(t -> readsBelow(t, width)) || readsBelow(c.elseResult(), width);
            case Expr.Like l -> readsBelow(l.value(), width);
            case Expr.InList i -> readsBelow(i.value(), width);
            case Expr.Call c -> c.args().stream().anyMatch(t -> readsBelow(t, width));
        };
    }

    /** The only row of {@code result} as literals of {@code schema}'s types, or null when it has not exactly one row. */
    static List<Expr.Literal> row(MaterializedResult result, Schema schema) {
        if (result.rowCount() != 1) {
            return null;
        }
        for (Batch b : result.batches()) {
            if (b.liveCount() == 0) {
                continue;
            }
            int r = b.liveRow(0);
            List<Expr.Literal> row = new ArrayList<>(schema.size());
            for (int c = 0; c < schema.size(); c++) {
                row.add(literal(b.column(c), r, schema.type(c)));
            }
            return row;
        }
        return null;
    }

    /** A value as a literal in {@link Expr.Literal}'s representation for its type. */
    static Expr.Literal literal(ColumnVector v, int r, DataType type) {
        if (v.isNull(r)) {
            return new Expr.Literal(null, type);
        }
        Object value = switch (type) {
            case DataType.BooleanType t -> v.getBoolean(r);
            case DataType.Int32Type t -> (long) v.getInt(r);
            case DataType.DateType t -> (long) v.getInt(r);
            case DataType.Int64Type t -> v.getLong(r);
            case DataType.TimestampType t -> v.getLong(r);
            case DataType.DecimalType t -> v.getLong(r);   // unscaled
            case DataType.Float64Type t -> v.getDouble(r);
            case DataType.VarcharType t -> v.getString(r);
        };
        return new Expr.Literal(value, type);
    }

    /**
     * The join as one streaming operator over the left side: the condition with the right
     * columns replaced by {@code row}'s values, then the left columns and those values.
     */
    static Operator operator(Schema schema, Schema leftSchema, Expr condition, List<Expr.Literal> row) {
        int width = leftSchema.size();
        Operator filter = condition == null ? null : new FilterOperator(leftSchema, substitute(condition, width, row));
        List<Expr> columns = new ArrayList<>(schema.size());
        for (int c = 0; c < width; c++) {
            columns.add(new Expr.ColumnRef(c, leftSchema.type(c), leftSchema.field(c).name()));
        }
        columns.addAll(row);
        Operator project = new ProjectOperator(schema, columns);
        return new Operator() {
            @Override
            public Schema outputSchema() {
                return schema;
            }

            @Override
            public OperatorState createState(ExecutionContext ctx) {
                OperatorState f = filter == null ? OperatorState.NONE : filter.createState(ctx);
                OperatorState p;
                try {
                    p = project.createState(ctx);
                } catch (RuntimeException e) {
                    f.close();
                    throw e;
                }
                return new Pair(f, p);
            }

            @Override
            public void process(Batch input, OperatorState state, BatchConsumer downstream) {
                Pair s = (Pair) state;
                if (filter == null) {
                    project.process(input, s.project, downstream);
                } else {
                    filter.process(input, s.filter, b -> project.process(b, s.project, downstream));
                }
            }

            @Override
            public String name() {
                return "NestedLoopJoin";
            }

            @Override
            public String describe() {
                return "NestedLoopJoin (one-row side as constants)";
            }
        };
    }

    private record Pair(OperatorState filter, OperatorState project) implements OperatorState {
        @Override
        public void close() {
            try {
                filter.close();
            } finally {
                project.close();
            }
        }
    }

    /** {@code e} with column {@code width + i} replaced by {@code row.get(i)}. */
    static Expr substitute(Expr e, int width, List<Expr.Literal> row) {
        return switch (e) {
            case Expr.ColumnRef c -> c.index() < width ? c : row.get(c.index() - width);
            case Expr.Literal l -> l;
            case Expr.Arithmetic a -> new Expr.Arithmetic(a.op(), substitute(a.left(), width, row), substitute(a.right(), width, row), a.type());
            case Expr.Comparison c -> new Expr.Comparison(c.op(), substitute(c.left(), width, row), substitute(c.right(), width, row));
            case Expr.Between b -> new Expr.Between(substitute(b.value(), width, row), substitute(b.low(), width, row),
                    substitute(b.high(), width, row));
            case Expr.And a -> new Expr.And(all(a.terms(), width, row));
            case Expr.Or o -> new Expr.Or(all(o.terms(), width, row));
            case Expr.Not n -> new Expr.Not(substitute(n.term(), width, row));
            case Expr.IsNull n -> new Expr.IsNull(substitute(n.term(), width, row), n.negated());
            case Expr.Cast c -> folded(new Expr.Cast(substitute(c.term(), width, row), c.type()));
            case Expr.Case c -> new Expr.Case(all(c.conditions(), width, row), all(c.results(), width, row),
                    substitute(c.elseResult(), width, row), c.type());
            case Expr.Like l -> new Expr.Like(substitute(l.value(), width, row), l.pattern(), l.escape(), l.negated());
            case Expr.InList i -> new Expr.InList(substitute(i.value(), width, row), i.values(), i.negated());
            case Expr.Call c -> new Expr.Call(c.function(), all(c.args(), width, row), c.type());
        };
    }

    /**
     * A cast of a constant to DECIMAL done once here, as the evaluator would do it per row
     * (HALF_UP to the target scale); kept as a cast when the value does not fit (the evaluator
     * then reports it) or for other types.
     */
    static Expr folded(Expr.Cast cast) {
        if (!(cast.term() instanceof Expr.Literal lit) || !(cast.type() instanceof DataType.DecimalType d)) {
            return cast;
        }
        int fromScale;
        switch (lit.type()) {
            case DataType.DecimalType from -> fromScale = from.scale();
            case DataType.Int32Type t -> fromScale = 0;
            case DataType.Int64Type t -> fromScale = 0;
            default -> {
                return cast;
            }
        }
        if (lit.isNull()) {
            return new Expr.Literal(null, d);
        }
        java.math.BigDecimal v = java.math.BigDecimal.valueOf(lit.longValue(), fromScale).setScale(d.scale(), java.math.RoundingMode.HALF_UP);
        if (v.precision() - v.scale() > d.precision() - d.scale() || v.unscaledValue().bitLength() > 63) {
            return cast;
        }
        return new Expr.Literal(v.unscaledValue().longValueExact(), d);
    }

    private static List<Expr> all(List<Expr> exprs, int width, List<Expr.Literal> row) {
        List<Expr> out = new ArrayList<>(exprs.size());
        for (Expr e : exprs) {
            out.add(substitute(e, width, row));
        }
        return out;
    }
}
