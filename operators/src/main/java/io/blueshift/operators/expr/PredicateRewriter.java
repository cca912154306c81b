package io.blueshift.operators.expr;

import io.blueshift.kernels.CompareOp;
import io.blueshift.memory.DataType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts a filter predicate into the shape the kernels run fastest, without changing its
 * meaning: nested ANDs/ORs are flattened; within an AND, a lower and an upper bound on the
 * same integer-like column ({@code d >= a AND d < b}) become one BETWEEN, so one dense SIMD
 * pass replaces a dense pass plus a refinement; and conjuncts are ordered cheapest and most
 * selective first (equality, BETWEEN, other constant comparisons, then the rest), each
 * refining the selection the previous one left.
 */
public final class PredicateRewriter {
    private PredicateRewriter() {}

    public static Expr rewrite(Expr e) {
        return switch (e) {
            case Expr.And and -> rewriteAnd(flatten(and.terms(), true));
            case Expr.Or or -> {
                List<Expr> terms = new ArrayList<>();
                for (Expr t : flatten(or.terms(), false)) {
                    terms.add(rewrite(t));
                }
                yield terms.size() == 1 ? terms.getFirst() : new Expr.Or(terms);
            }
            default -> e;
        };
    }

    private static List<Expr> flatten(List<Expr> terms, boolean and) {
        List<Expr> out = new ArrayList<>();
        for (Expr t : terms) {
            if (and && t instanceof Expr.And a) {
                out.addAll(flatten(a.terms(), true));
            } else if (!and && t instanceof Expr.Or o) {
                out.addAll(flatten(o.terms(), false));
            } else {
                out.add(t);
            }
        }
        return out;
    }

    /** A one-sided inclusive bound on a column, in the column's unscaled units. */
    private record Range(Expr.ColumnRef column, Long low, Long high) {}

    private static Expr rewriteAnd(List<Expr> terms) {
        Map<Integer, Range> ranges = new LinkedHashMap<>();
        List<Expr> rest = new ArrayList<>();
        for (Expr t : terms) {
            Expr r = rewrite(t);
            Range range = asRange(r);
            if (range == null) {
                rest.add(r);
                continue;
            }
            Range prev = ranges.get(range.column().index());
            if (prev == null) {
                ranges.put(range.column().index(), range);
            } else {
                Long low = max(prev.low(), range.low());
                Long high = min(prev.high(), range.high());
                ranges.put(range.column().index(), new Range(prev.column(), low, high));
            }
        }
        List<Expr> out = new ArrayList<>();
        for (Range r : ranges.values()) {
            out.add(toExpr(r));
        }
        out.addAll(rest);
        out.sort(Comparator.comparingInt(PredicateRewriter::rank));
        return out.size() == 1 ? out.getFirst() : new Expr.And(out);
    }

    private static int rank(Expr e) {
        return switch (e) {
            case Expr.Comparison c when c.op() == CompareOp.EQ && isConstantComparison(c) -> 0;
            case Expr.Between b when b.low() instanceof Expr.Literal && b.high() instanceof Expr.Literal -> 1;
            case Expr.Comparison c when isConstantComparison(c) && c.op() != CompareOp.NE -> 2;
            case Expr.Comparison c when isConstantComparison(c) -> 3;
            case Expr.IsNull n -> 4;
            default -> 5;
        };
    }

    private static boolean isConstantComparison(Expr.Comparison c) {
        return (c.left() instanceof Expr.ColumnRef && c.right() instanceof Expr.Literal)
                || (c.right() instanceof Expr.ColumnRef && c.left() instanceof Expr.Literal);
    }

    private static Long max(Long a, Long b) {
        return a == null ? b : b == null ? a : Math.max(a, b);
    }

    private static Long min(Long a, Long b) {
        return a == null ? b : b == null ? a : Math.min(a, b);
    }

    private static boolean integral(DataType t) {
        return PredicateEvaluator.isIntegral(t);
    }

    private static int scaleOf(DataType t) {
        return t instanceof DataType.DecimalType d ? d.scale() : 0;
    }

    /** {@code col OP literal} with an exact integer bound, as an inclusive range; else null. */
    private static Range asRange(Expr e) {
        if (e instanceof Expr.Between b && b.value() instanceof Expr.ColumnRef col && integral(col.type())
                && b.low() instanceof Expr.Literal lo && b.high() instanceof Expr.Literal hi) {
            Range l = bound(CompareOp.GE, col, lo);
            Range h = bound(CompareOp.LE, col, hi);
            if (l == null || h == null) {
                return null;
            }
            return new Range(col, l.low(), h.high());
        }
        if (!(e instanceof Expr.Comparison c) || c.op() == CompareOp.EQ || c.op() == CompareOp.NE) {
            return null;
        }
        if (c.left() instanceof Expr.ColumnRef col && c.right() instanceof Expr.Literal lit && integral(col.type())) {
            return bound(c.op(), col, lit);
        }
        if (c.right() instanceof Expr.ColumnRef col && c.left() instanceof Expr.Literal lit && integral(col.type())) {
            return bound(c.op().flip(), col, lit);
        }
        return null;
    }

    private static Range bound(CompareOp op, Expr.ColumnRef col, Expr.Literal lit) {
        if (lit.isNull() || !(lit.value() instanceof Long)) {
            return null;
        }
        PredicateEvaluator.Bound b = PredicateEvaluator.integralBound(op, lit, scaleOf(col.type()), scaleOf(lit.type()));
        if (b.always() != null) {
            return null;
        }
        long v = b.value();
        return switch (b.op()) {
            case GE -> new Range(col, v, null);
            case GT -> v == Long.MAX_VALUE ? null : new Range(col, v + 1, null);
            case LE -> new Range(col, null, v);
            case LT -> v == Long.MIN_VALUE ? null : new Range(col, null, v - 1);
            default -> null;
        };
    }

    private static Expr toExpr(Range r) {
        Expr.ColumnRef col = r.column();
        DataType litType = col.type() instanceof DataType.DecimalType ? col.type() : DataType.INT64;
        if (col.type() instanceof DataType.DateType) {
            litType = DataType.DATE;
        }
        if (r.low() != null && r.high() != null) {
            return new Expr.Between(col, new Expr.Literal(r.low(), litType), new Expr.Literal(r.high(), litType));
        }
        if (r.low() != null) {
            return new Expr.Comparison(CompareOp.GE, col, new Expr.Literal(r.low(), litType));
        }
        return new Expr.Comparison(CompareOp.LE, col, new Expr.Literal(r.high(), litType));
    }
}
