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

    public ProjectOperator(Schema schema, List<Expr> expressions) {
        this.schema = schema;
        this.expressions = List.copyOf(expressions);
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
        List<ColumnVector> out = new ArrayList<>(expressions.size());
        for (Expr e : expressions) {
            out.add(values.evaluate(e, input));
        }
        downstream.accept(input.withColumns(out));
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
