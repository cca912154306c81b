package io.blueshift.gpu.offload;

import io.blueshift.gpu.DevicePredicate;
import io.blueshift.gpu.ValueKind;
import io.blueshift.kernels.CompareOp;
import io.blueshift.memory.DataType;
import io.blueshift.operators.expr.Expr;
import io.blueshift.operators.expr.PredicateEvaluatorAccess;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A filter predicate as device terms, when every conjunct is {@code column OP constant},
 * {@code BETWEEN} or {@code IN} over an INT32/INT64/DATE/TIMESTAMP/DECIMAL/FLOAT64 column.
 * Constants are rescaled to the column's scale by the same rule as the CPU filter
 * ({@link PredicateEvaluatorAccess#bound}), so both paths select the same rows.
 * {@code columns} lists the input columns the device needs, in term order.
 */
public record PredicateTranslation(DevicePredicate predicate, int[] columns, List<DataType> types, String unsupported) {

    public boolean supported() {
        return unsupported == null;
    }

    static PredicateTranslation unsupported(String why) {
        return new PredicateTranslation(null, new int[0], List.of(), why);
    }

    public static PredicateTranslation of(Expr predicate) {
        List<Expr> conjuncts = new ArrayList<>();
        flatten(predicate, conjuncts);
        Map<Integer, Integer> slot = new LinkedHashMap<>();
        Map<Integer, DataType> types = new LinkedHashMap<>();
        List<DevicePredicate.Term> terms = new ArrayList<>();
        for (Expr e : conjuncts) {
            String why = term(e, slot, types, terms);
            if (why != null) return unsupported(why);
        }
        int[] cols = slot.keySet().stream().mapToInt(Integer::intValue).toArray();
        return new PredicateTranslation(new DevicePredicate(terms), cols, List.copyOf(types.values()), null);
    }

    private static void flatten(Expr e, List<Expr> out) {
        if (e instanceof Expr.And and) {
            for (Expr t : and.terms()) flatten(t, out);
        } else {
            out.add(e);
        }
    }

    private static int slotOf(Expr.ColumnRef c, Map<Integer, Integer> slot, Map<Integer, DataType> types) {
        types.putIfAbsent(c.index(), c.type());
        return slot.computeIfAbsent(c.index(), k -> slot.size());
    }

    private static int scale(DataType t) {
        return t instanceof DataType.DecimalType d ? d.scale() : 0;
    }

    private static String term(Expr e, Map<Integer, Integer> slot, Map<Integer, DataType> types, List<DevicePredicate.Term> out) {
        switch (e) {
            case Expr.Comparison c -> {
                CompareOp op = c.op();
                Expr l = c.left();
                Expr r = c.right();
                if (l instanceof Expr.Literal && r instanceof Expr.ColumnRef) {
                    Expr t = l;
                    l = r;
                    r = t;
                    op = op.flip();
                }
                if (!(l instanceof Expr.ColumnRef col) || !(r instanceof Expr.Literal lit)) {
                    return "predicate is not column-vs-constant";
                }
                var kind = ValueKind.of(col.type());
                if (kind.isEmpty()) return "column type " + col.type().sqlName() + " not supported on gpu";
                if (lit.isNull()) return "comparison with NULL";
                if (kind.get() == ValueKind.FLOAT64) {
                    if (!(lit.value() instanceof Number n)) return "non-numeric constant";
                    double v = lit.type() instanceof DataType.DecimalType d ? BigDecimal.valueOf(n.longValue(), d.scale()).doubleValue() : n.doubleValue();
                    out.add(DevicePredicate.Compare.ofDouble(slotOf(col, slot, types), op, v));
                    return null;
                }
                if (!(lit.value() instanceof Long)) return "non-integral constant for an integral column";
                var bound = PredicateEvaluatorAccess.bound(op, lit, scale(col.type()), scale(lit.type()));
                if (bound == null) return "constant-folded comparison";
                out.add(DevicePredicate.Compare.ofLong(slotOf(col, slot, types), bound.op(), bound.value()));
                return null;
            }
            case Expr.Between b -> {
                if (!(b.value() instanceof Expr.ColumnRef col) || !(b.low() instanceof Expr.Literal lo)
                        || !(b.high() instanceof Expr.Literal hi)) {
                    return "BETWEEN is not over a column and constants";
                }
                var kind = ValueKind.of(col.type());
                if (kind.isEmpty()) return "column type " + col.type().sqlName() + " not supported on gpu";
                if (lo.isNull() || hi.isNull()) return "BETWEEN with NULL";
                if (kind.get() == ValueKind.FLOAT64) {
                    if (!(lo.value() instanceof Number a) || !(hi.value() instanceof Number z)) return "non-numeric constant";
                    double dl = lo.type() instanceof DataType.DecimalType d ? BigDecimal.valueOf(a.longValue(), d.scale()).doubleValue() : a.doubleValue();
                    double dh = hi.type() instanceof DataType.DecimalType d ? BigDecimal.valueOf(z.longValue(), d.scale()).doubleValue() : z.doubleValue();
                    out.add(DevicePredicate.Between.ofDouble(slotOf(col, slot, types), dl, dh));
                    return null;
                }
                if (!(lo.value() instanceof Long) || !(hi.value() instanceof Long)) return "non-integral constant for an integral column";
                var low = PredicateEvaluatorAccess.bound(CompareOp.GE, lo, scale(col.type()), scale(lo.type()));
                var high = PredicateEvaluatorAccess.bound(CompareOp.LE, hi, scale(col.type()), scale(hi.type()));
                if (low == null || high == null) return "constant-folded BETWEEN";
                if (low.op() != CompareOp.GE && low.op() != CompareOp.GT || high.op() != CompareOp.LE && high.op() != CompareOp.LT) {
                    return "BETWEEN bound rewritten";
                }
                long l = low.op() == CompareOp.GT ? low.value() + 1 : low.value();
                long h = high.op() == CompareOp.LT ? high.value() - 1 : high.value();
                out.add(DevicePredicate.Between.ofLong(slotOf(col, slot, types), l, h));
                return null;
            }
            case Expr.InList in -> {
                if (in.negated()) return "NOT IN";
                if (!(in.value() instanceof Expr.ColumnRef col)) return "IN is not over a column";
                var kind = ValueKind.of(col.type());
                if (kind.isEmpty() || kind.get() == ValueKind.FLOAT64) {
                    return "IN over " + col.type().sqlName() + " not supported on gpu";
                }
                List<Long> values = new ArrayList<>();
                for (Expr.Literal lit : in.values()) {
                    if (lit.isNull()) continue; // x IN (..., NULL) is never TRUE because of the NULL alone
                    if (!(lit.value() instanceof Long)) return "non-integral IN constant";
                    var eq = PredicateEvaluatorAccess.bound(CompareOp.EQ, lit, scale(col.type()), scale(lit.type()));
                    if (eq != null && eq.op() == CompareOp.EQ) values.add(eq.value());
                }
                if (values.isEmpty()) return "IN list with no comparable constants";
                out.add(new DevicePredicate.In(slotOf(col, slot, types), values.stream().mapToLong(Long::longValue).toArray()));
                return null;
            }
            case Expr.Or or -> {
                // x = 1 OR x = 2 OR ... (how SQL's IN list reaches us) is an IN term
                List<Expr.Literal> values = new ArrayList<>();
                Expr.ColumnRef column = null;
                for (Expr t : or.terms()) {
                    if (!(t instanceof Expr.Comparison c) || c.op() != CompareOp.EQ) return "OR not supported on gpu";
                    Expr.ColumnRef col = c.left() instanceof Expr.ColumnRef l ? l : c.right() instanceof Expr.ColumnRef r ? r : null;
                    Expr other = col == c.left() ? c.right() : c.left();
                    if (col == null || !(other instanceof Expr.Literal lit)) return "OR not supported on gpu";
                    if (column != null && column.index() != col.index()) return "OR over several columns";
                    column = col;
                    values.add(lit);
                }
                return term(new Expr.InList(column, values, false), slot, types, out);
            }
            default -> {
                return e.getClass().getSimpleName() + " not supported on gpu";
            }
        }
    }
}
