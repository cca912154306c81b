package io.blueshift.operators.filter;

import io.blueshift.kernels.KernelProvider;
import io.blueshift.memory.Allocation;
import io.blueshift.memory.Batch;
import io.blueshift.memory.Schema;
import io.blueshift.memory.SelectionVector;
import io.blueshift.operators.exec.BatchConsumer;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.Operator;
import io.blueshift.operators.exec.OperatorState;
import io.blueshift.operators.expr.Expr;
import io.blueshift.operators.expr.ExprPrinter;
import io.blueshift.operators.expr.ExpressionEvaluator;
import io.blueshift.operators.expr.PredicateEvaluator;
import io.blueshift.operators.expr.PredicateRewriter;

/**
 * Keeps the rows for which the predicate is TRUE by narrowing the batch's selection; the
 * columns are never copied. A batch where every row passes goes on unchanged, one where none
 * passes goes nowhere.
 */
public final class FilterOperator implements Operator {
    private final Schema schema;
    private final Expr predicate;

    public FilterOperator(Schema schema, Expr predicate) {
        this.schema = schema;
        this.predicate = PredicateRewriter.rewrite(predicate);
    }

    public Expr predicate() { return predicate; }

    @Override
    public Schema outputSchema() { return schema; }

    private static final class State implements OperatorState {
        final ExpressionEvaluator values;
        final PredicateEvaluator predicates;
        final ExecutionContext ctx;
        Allocation selection;

        State(ExecutionContext ctx) {
            KernelProvider k = ctx.kernels();
            this.ctx = ctx;
            this.values = new ExpressionEvaluator(k, ctx.pool());
            this.predicates = new PredicateEvaluator(k, values);
        }

        SelectionVector selectionFor(int rows) {
            if (selection == null || selection.byteSize() < rows * 4L) {
                if (selection != null) {
                    selection.close();
                }
                selection = ctx.pool().allocate(Math.max(rows, ctx.batchRows()) * 4L, "filter selection");
            }
            return new SelectionVector(selection.segment(), 0);
        }

        @Override
        public void close() {
            values.close();
            if (selection != null) {
                selection.close();
            }
        }
    }

    @Override
    public OperatorState createState(ExecutionContext ctx) {
        return new State(ctx);
    }

    @Override
    public void process(Batch input, OperatorState state, BatchConsumer downstream) {
        State s = (State) state;
        s.values.reset();
        SelectionVector sel = s.selectionFor(input.rowCount());
        int live = input.liveCount();
        int n = s.predicates.select(predicate, input, sel.segment());
        if (n == 0) {
            return;
        }
        if (n == live && input.selection() == null) {
            downstream.accept(input);
            return;
        }
        sel.setCount(n);
        downstream.accept(input.withSelection(sel));
    }

    @Override
    public String describe() {
        return "Filter " + ExprPrinter.print(predicate);
    }
}
