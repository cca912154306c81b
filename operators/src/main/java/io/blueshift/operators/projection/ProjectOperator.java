package io.blueshift.operators.projection;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.Schema;
import io.blueshift.operators.exec.BatchConsumer;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.Operator;
import io.blueshift.operators.exec.OperatorState;
import io.blueshift.operators.expr.Expr;
import io.blueshift.operators.expr.ExprPrinter;
import io.blueshift.operators.expr.ExpressionEvaluator;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Computes output columns from input columns. Column references pass through without a copy;
 * computed columns are written at the live rows only, and the selection is kept.
 */
public final class ProjectOperator implements Operator {
    private final Schema schema;
    private final List<Expr> expressions;
    /** Per output column: the input column it passes on, or -1 when it is computed. */
    private final int[] passed;
    /** The computed expressions by output column (null where passed). */
    private final Expr[] computed;

    public ProjectOperator(Schema schema, List<Expr> expressions) {
        this.schema = schema;
        this.expressions = List.copyOf(expressions);
        // references are resolved here once, so a batch's work touches the evaluator (and its
        // switch over expression kinds) only for computed columns
        this.passed = new int[this.expressions.size()];
        this.computed = new Expr[passed.length];
        for (int i = 0; i < passed.length; i++) {
            Expr e = this.expressions.get(i);
            passed[i] = e instanceof Expr.ColumnRef r ? r.index() : -1;
            computed[i] = passed[i] < 0 ? e : null;
        }
    }

    public List<Expr> expressions() { return expressions; }

    @Override
    public Schema outputSchema() { return schema; }

    private record State(ExpressionEvaluator values) implements OperatorState {
        @Override
        public void close() {
            values.close();
        }
    }

    @Override
    public OperatorState createState(ExecutionContext ctx) {
        return new State(new ExpressionEvaluator(ctx.kernels(), ctx.pool()));
    }

    @Override
    public void process(Batch input, OperatorState state, BatchConsumer downstream) {
        ExpressionEvaluator values = ((State) state).values();
        values.reset();
        ColumnVector[] out = new ColumnVector[passed.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = passed[i] >= 0 ? input.column(passed[i]) : values.evaluate(computed[i], input);
        }
        downstream.accept(input.withColumns(java.util.Arrays.asList(out)));
    }

    @Override
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < expressions.size(); i++) {
            parts.add(ExprPrinter.print(expressions.get(i)) + " AS " + schema.field(i).name());
        }
        return "Project " + parts.stream().collect(Collectors.joining(", "));
    }
}
