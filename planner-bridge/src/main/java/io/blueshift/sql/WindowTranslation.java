package io.blueshift.sql;

import io.blueshift.memory.DataType;
import io.blueshift.memory.Schema;
import io.blueshift.operators.aggregate.AggregateFunction;
import io.blueshift.operators.expr.Expr;
import io.blueshift.operators.order.SortKey;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.operators.window.WindowCall;
import io.blueshift.operators.window.WindowFrame;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexWindowBound;

import java.util.ArrayList;
import java.util.List;

/**
 * Calcite's {@link Window} (the OVER clauses of a query, grouped by window) as a chain of our
 * {@link PlanNode.Window} nodes, one per group, each adding its functions' columns. Constant
 * arguments that must be columns (a LAG default) are projected in first and dropped after.
 */
final class WindowTranslation {
    private WindowTranslation() {}

    static PlanNode translate(Window w, PlanNode input) {
        int inputCols = input.schema().size();
        List<RexLiteral> constants = w.constants;
        List<String> outNames = w.getRowType().getFieldNames();
        PlanNode current = input;
        int out = inputCols;
        for (Window.Group g : w.groups) {
            // constant defaults become extra columns after the ones produced so far
            int base = current.schema().size();
            List<Expr> extra = new ArrayList<>();
            List<WindowCall> calls = new ArrayList<>();
            for (Window.RexWinAggCall call : g.aggCalls) {
                calls.add(call(call, current, inputCols, constants, base, extra, outNames.get(out++)));
            }
            if (!extra.isEmpty()) {
                current = withColumns(current, extra);
            }
            int[] partition = g.keys.toArray();
            List<SortKey> order = RelTranslator.sortKeys(g.orderKeys);
            WindowFrame frame = new WindowFrame(g.isRows, bound(g.lowerBound, constants, inputCols, true),
                    bound(g.upperBound, constants, inputCols, false));
            current = new PlanNode.Window(current, partition, order, frame, calls);
            if (!extra.isEmpty()) {
                current = dropColumns(current, base, extra.size());
            }
        }
        return current;
    }

    private static WindowCall call(Window.RexWinAggCall call, PlanNode current, int inputCols, List<RexLiteral> constants,
                                   int base, List<Expr> extra, String name) {
        if (call.distinct) {
            throw new UnsupportedOperationException("not supported: DISTINCT in a window function");
        }
        Schema schema = current.schema();
        List<RexNode> ops = call.getOperands();
        String op = call.getOperator().getName().toUpperCase();
        WindowCall.Function f = switch (call.getOperator().getKind()) {
            case ROW_NUMBER -> WindowCall.Function.ROW_NUMBER;
            case RANK -> WindowCall.Function.RANK;
            case DENSE_RANK -> WindowCall.Function.DENSE_RANK;
            case PERCENT_RANK -> WindowCall.Function.PERCENT_RANK;
            case CUME_DIST -> WindowCall.Function.CUME_DIST;
            case NTILE -> WindowCall.Function.NTILE;
            case COUNT -> ops.isEmpty() ? WindowCall.Function.COUNT_STAR : WindowCall.Function.COUNT;
            case SUM, SUM0 -> WindowCall.Function.SUM;
            case AVG -> WindowCall.Function.AVG;
            case MIN -> WindowCall.Function.MIN;
            case MAX -> WindowCall.Function.MAX;
            case LAG -> WindowCall.Function.LAG;
            case LEAD -> WindowCall.Function.LEAD;
            case FIRST_VALUE -> WindowCall.Function.FIRST_VALUE;
            case LAST_VALUE -> WindowCall.Function.LAST_VALUE;
            default -> throw new UnsupportedOperationException("not supported: window function " + op);
        };
        if (f == WindowCall.Function.COUNT && ops.size() > 1) {
            throw new UnsupportedOperationException("not supported: COUNT of several arguments in a window");
        }
        int arg = -1;
        long constant = 1;
        int defaultColumn = -1;
        if (f == WindowCall.Function.NTILE) {
            constant = constantValue(ops.getFirst(), constants, inputCols, "NTILE's number of buckets");
        } else if (!ops.isEmpty()) {
            arg = column(ops.getFirst(), inputCols, "the argument of " + op);
            if ((f == WindowCall.Function.LAG || f == WindowCall.Function.LEAD) && ops.size() > 1) {
                constant = constantValue(ops.get(1), constants, inputCols, op + "'s offset");
                if (constant < 0) {
                    throw new IllegalArgumentException(op + "'s offset must not be negative, got " + constant);
                }
                if (ops.size() > 2) {
                    // the default as a column of the argument's type: the column itself, or one projected in
                    RexNode d = ops.get(2);
                    DataType want = schema.type(arg);
                    Expr value;
                    if (d instanceof RexInputRef ref && ref.getIndex() < inputCols) {
                        value = new Expr.ColumnRef(ref.getIndex(), schema.type(ref.getIndex()), schema.field(ref.getIndex()).name());
                    } else if (d instanceof RexInputRef ref) {
                        value = RexTranslator.literal(constants.get(ref.getIndex() - inputCols));
                    } else if (d instanceof RexLiteral l) {
                        value = RexTranslator.literal(l);
                    } else {
                        throw new UnsupportedOperationException("not supported: an expression as " + op + "'s default");
                    }
                    if (value instanceof Expr.ColumnRef c && c.type().equals(want)) {
                        defaultColumn = c.index();
                    } else {
                        extra.add(value.type().equals(want) ? value : new Expr.Cast(value, want));
                        defaultColumn = base + extra.size() - 1;
                    }
                }
            }
        }
        DataType argType = arg < 0 ? null : schema.type(arg);
        DataType type = switch (f) {
            case ROW_NUMBER, RANK, DENSE_RANK, NTILE, COUNT, COUNT_STAR -> DataType.INT64;
            case PERCENT_RANK, CUME_DIST, AVG -> DataType.FLOAT64;
            case SUM -> AggregateFunction.SUM.resultType(argType);
            default -> argType;
        };
        if (f == WindowCall.Function.AVG && !io.blueshift.operators.expr.ExprTypes.isNumeric(argType)) {
            throw new IllegalArgumentException("AVG is not defined for " + argType.sqlName());
        }
        return new WindowCall(f, arg, constant, defaultColumn, name, type);
    }

    private static int column(RexNode n, int inputCols, String what) {
        if (n instanceof RexInputRef ref && ref.getIndex() < inputCols) {
            return ref.getIndex();
        }
        throw new UnsupportedOperationException("not supported: a constant or expression as " + what);
    }

    private static long constantValue(RexNode n, List<RexLiteral> constants, int inputCols, String what) {
        RexLiteral lit = n instanceof RexLiteral l ? l
                : n instanceof RexInputRef ref && ref.getIndex() >= inputCols ? constants.get(ref.getIndex() - inputCols) : null;
        if (lit == null || lit.isNull()) {
            throw new UnsupportedOperationException("not supported: a non-constant value as " + what);
        }
        return lit.getValueAs(Long.class);
    }

    private static long bound(RexWindowBound b, List<RexLiteral> constants, int inputCols, boolean lower) {
        if (b.isUnbounded()) {
            return b.isPreceding() ? WindowFrame.UNBOUNDED_PRECEDING : WindowFrame.UNBOUNDED_FOLLOWING;
        }
        if (b.isCurrentRow()) {
            return 0;
        }
        long n = constantValue(b.getOffset(), constants, inputCols, "a window frame offset");
        if (n < 0) {
            throw new IllegalArgumentException("a window frame offset must not be negative, got " + n);
        }
        return b.isPreceding() ? -n : n;
    }

    private static PlanNode withColumns(PlanNode in, List<Expr> extra) {
        Schema s = in.schema();
        List<Expr> exprs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int c = 0; c < s.size(); c++) {
            exprs.add(new Expr.ColumnRef(c, s.type(c), s.field(c).name()));
            names.add(s.field(c).name());
        }
        for (int i = 0; i < extra.size(); i++) {
            exprs.add(extra.get(i));
            names.add("$default" + i);
        }
        return new PlanNode.Project(in, exprs, names);
    }

    private static PlanNode dropColumns(PlanNode in, int from, int count) {
        Schema s = in.schema();
        List<Expr> exprs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int c = 0; c < s.size(); c++) {
            if (c >= from && c < from + count) {
                continue;
            }
            exprs.add(new Expr.ColumnRef(c, s.type(c), s.field(c).name()));
            names.add(s.field(c).name());
        }
        return new PlanNode.Project(in, exprs, names);
    }
}
