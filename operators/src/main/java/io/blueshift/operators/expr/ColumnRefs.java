package io.blueshift.operators.expr;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Function;

/** The columns an expression reads, and the same expression reading them from other positions. */
public final class ColumnRefs {
    private ColumnRefs() {}

    /** Adds the columns {@code e} reads to {@code out}. */
    public static void collect(Expr e, BitSet out) {
        switch (e) {
            case Expr.ColumnRef c -> out.set(c.index());
            case Expr.Literal l -> { }
            case Expr.Arithmetic a -> {
                collect(a.left(), out);
                collect(a.right(), out);
            }
            case Expr.Comparison c -> {
                collect(c.left(), out);
                collect(c.right(), out);
            }
            case Expr.Between b -> {
                collect(b.value(), out);
                collect(b.low(), out);
                collect(b.high(), out);
            }
            case Expr.And a -> a.terms().forEach(t -> collect(t, out));
            case Expr.Or o -> o.terms().forEach(t -> collect(t, out));
            case Expr.Not n -> collect(n.term(), out);
            case Expr.IsNull n -> collect(n.term(), out);
            case Expr.Cast c -> collect(c.term(), out);
            case Expr.Case c -> {
                c.conditions().forEach(t -> collect(t, out));
                c.results().forEach(t -> collect(t, out));
                collect(c.elseResult(), out);
            }
            case Expr.Like l -> collect(l.value(), out);
            case Expr.InList i -> collect(i.value(), out);
            case Expr.Call c -> c.args().forEach(t -> collect(t, out));
        }
    }

    /** {@code e} with column i read from column {@code map[i]}. */
    public static Expr remap(Expr e, int[] map) {
        return replace(e, c -> {
            int to = map[c.index()];
            if (to < 0) {
                throw new IllegalStateException("column " + c.name() + " was pruned but is read");
            }
            return to == c.index() ? c : new Expr.ColumnRef(to, c.type(), c.name());
        });
    }

    /** {@code e} with each column reference replaced by what {@code f} gives for it. */
    public static Expr replace(Expr e, Function<Expr.ColumnRef, Expr> f) {
        return switch (e) {
            case Expr.ColumnRef c -> f.apply(c);
            case Expr.Literal l -> l;
            case Expr.Arithmetic a -> new Expr.Arithmetic(a.op(), replace(a.left(), f), replace(a.right(), f), a.type());
            case Expr.Comparison c -> new Expr.Comparison(c.op(), replace(c.left(), f), replace(c.right(), f));
            case Expr.Between b -> new Expr.Between(replace(b.value(), f), replace(b.low(), f), replace(b.high(), f));
            case Expr.And a -> new Expr.And(replaceAll(a.terms(), f));
            case Expr.Or o -> new Expr.Or(replaceAll(o.terms(), f));
            case Expr.Not n -> new Expr.Not(replace(n.term(), f));
            case Expr.IsNull n -> new Expr.IsNull(replace(n.term(), f), n.negated());
            case Expr.Cast c -> new Expr.Cast(replace(c.term(), f), c.type());
            case Expr.Case c -> new Expr.Case(replaceAll(c.conditions(), f), replaceAll(c.results(), f),
                    replace(c.elseResult(), f), c.type());
            case Expr.Like l -> new Expr.Like(replace(l.value(), f), l.pattern(), l.escape(), l.negated());
            case Expr.InList i -> new Expr.InList(replace(i.value(), f), i.values(), i.negated());
            case Expr.Call c -> new Expr.Call(c.function(), replaceAll(c.args(), f), c.type());
        };
    }

    private static List<Expr> replaceAll(List<Expr> exprs, Function<Expr.ColumnRef, Expr> f) {
        List<Expr> out = new ArrayList<>(exprs.size());
        for (Expr e : exprs) {
            out.add(replace(e, f));
        }
        return out;
    }
}
