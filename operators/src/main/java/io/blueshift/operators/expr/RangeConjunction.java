package io.blueshift.operators.expr;

import io.blueshift.kernels.CompareOp;
import io.blueshift.memory.DataType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The conjuncts of an AND that are inclusive ranges of integer-like columns against constants
 * ({@code col OP literal} but {@code <>}, {@code col BETWEEN lit AND lit}), merged per column,
 * and the terms left over. Over a dense batch they run as one bitmap pass per column
 * ({@link io.blueshift.kernels.FilterKernels#rangeBitsInt32}) and one conversion to row ids,
 * instead of a selection vector per conjunct that the next one refines row by row.
 *
 * @param columns the column index of each range, in the order the terms name them
 * @param wide    whether the column is 8 bytes wide (else 4)
 * @param types   the column's type, checked against the batch's vector
 * @param empty   true when the ranges cannot all hold (then no row passes)
 */
record RangeConjunction(int[] columns, boolean[] wide, DataType[] types, long[] low, long[] high,
                        List<Expr> rest, boolean empty) {

    /** The ranges of {@code and}'s terms, or null when fewer than two terms are ranges. */
    static RangeConjunction of(Expr.And and) {
        Map<Integer, long[]> ranges = new LinkedHashMap<>();
        Map<Integer, Expr.ColumnRef> refs = new LinkedHashMap<>();
        List<Expr> rest = new ArrayList<>();
        int rangeTerms = 0;
        boolean empty = false;
        for (Expr t : and.terms()) {
            Expr.ColumnRef col = columnOf(t);
            long[] r = col == null ? null : range(t, col);
            if (r == null) {
                rest.add(t);
                continue;
            }
            rangeTerms++;
            refs.putIfAbsent(col.index(), col);
            long[] prev = ranges.get(col.index());
            ranges.put(col.index(), prev == null ? r : new long[] {Math.max(prev[0], r[0]), Math.min(prev[1], r[1])});
        }
        if (rangeTerms < 2) {
            return null;
        }
        int n = ranges.size();
        int[] columns = new int[n];
        boolean[] wide = new boolean[n];
        DataType[] types = new DataType[n];
        long[] low = new long[n];
        long[] high = new long[n];
        int i = 0;
        for (Map.Entry<Integer, long[]> e : ranges.entrySet()) {
            Expr.ColumnRef col = refs.get(e.getKey());
            columns[i] = col.index();
            types[i] = col.type();
            wide[i] = col.type().byteWidth() == 8;
            long lo = e.getValue()[0];
            long hi = e.getValue()[1];
            if (!wide[i]) {
                lo = Math.max(lo, Integer.MIN_VALUE);
                hi = Math.min(hi, Integer.MAX_VALUE);
            }
            empty |= lo > hi;
            low[i] = lo;
            high[i] = hi;
            i++;
        }
        return new RangeConjunction(columns, wide, types, low, high, List.copyOf(rest), empty);
    }

    private static Expr.ColumnRef columnOf(Expr t) {
        Expr.ColumnRef col = switch (t) {
            case Expr.Between b when b.value() instanceof Expr.ColumnRef c -> c;
            case Expr.Comparison c when c.op() != CompareOp.NE && c.left() instanceof Expr.ColumnRef l
                    && c.right() instanceof Expr.Literal -> l;
            case Expr.Comparison c when c.op() != CompareOp.NE && c.right() instanceof Expr.ColumnRef r
                    && c.left() instanceof Expr.Literal -> r;
            default -> null;
        };
        if (col == null || !PredicateEvaluator.isIntegral(col.type())) {
            return null;
        }
        int width = col.type().byteWidth();
        return width == 4 || width == 8 ? col : null;
    }

    /** The inclusive range of unscaled values {@code t} keeps ({@code low > high}: none), or null. */
    private static long[] range(Expr t, Expr.ColumnRef col) {
        return switch (t) {
            case Expr.Between b when b.low() instanceof Expr.Literal lo && b.high() instanceof Expr.Literal hi -> {
                long[] l = bound(CompareOp.GE, col, lo);
                long[] h = bound(CompareOp.LE, col, hi);
                yield l == null || h == null ? null : new long[] {Math.max(l[0], h[0]), Math.min(l[1], h[1])};
            }
            case Expr.Comparison c when c.right() instanceof Expr.Literal lit -> bound(c.op(), col, lit);
            case Expr.Comparison c when c.left() instanceof Expr.Literal lit -> bound(c.op().flip(), col, lit);
            default -> null;
        };
    }

    private static long[] bound(CompareOp op, Expr.ColumnRef col, Expr.Literal lit) {
        if (lit.isNull()) {
            // a comparison with NULL is never TRUE
            return new long[] {Long.MAX_VALUE, Long.MIN_VALUE};
        }
        if (!(lit.value() instanceof Long || lit.value() instanceof Integer)) {
            return null;
        }
        PredicateEvaluator.Bound b = PredicateEvaluator.integralBound(op, lit, scaleOf(col.type()), scaleOf(lit.type()));
        if (b.always() != null) {
            // true: every non-null row passes; false: none does
            return b.always() ? new long[] {Long.MIN_VALUE, Long.MAX_VALUE} : new long[] {Long.MAX_VALUE, Long.MIN_VALUE};
        }
        long v = b.value();
        return switch (b.op()) {
            case EQ -> new long[] {v, v};
            case GE -> new long[] {v, Long.MAX_VALUE};
            case GT -> v == Long.MAX_VALUE ? new long[] {Long.MAX_VALUE, Long.MIN_VALUE} : new long[] {v + 1, Long.MAX_VALUE};
            case LE -> new long[] {Long.MIN_VALUE, v};
            case LT -> v == Long.MIN_VALUE ? new long[] {Long.MAX_VALUE, Long.MIN_VALUE} : new long[] {Long.MIN_VALUE, v - 1};
            case NE -> null;
        };
    }

    private static int scaleOf(DataType t) {
        return t instanceof DataType.DecimalType d ? d.scale() : 0;
    }
}
