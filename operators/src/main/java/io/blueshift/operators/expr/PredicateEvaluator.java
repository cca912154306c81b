package io.blueshift.operators.expr;

import io.blueshift.kernels.CompareOp;
import io.blueshift.kernels.FilterKernels;
import io.blueshift.kernels.KernelProvider;
import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.DataType.DecimalType;
import io.blueshift.memory.SelectionVector;
import io.blueshift.memory.StringViews;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.math.RoundingMode;

import java.util.List;

/**
 * Turns a predicate into the selection of rows for which it is TRUE (SQL three-valued logic:
 * NULL and FALSE both drop the row). Column-versus-constant comparisons and BETWEEN run as
 * filter kernels; AND refines the selection term by term; OR unions; NOT is pushed inward
 * (De Morgan, flipped comparisons), which preserves three-valued semantics.
 */
public final class PredicateEvaluator {
    private final KernelProvider kernels;
    private final ExpressionEvaluator values;

    public PredicateEvaluator(KernelProvider kernels, ExpressionEvaluator values) {
        this.kernels = kernels;
        this.values = values;
    }

    /**
     * Evaluates {@code predicate} over the batch's live rows and writes passing row ids to
     * {@code out} (room for {@code batch.rowCount()} ints); returns how many.
     */
    public int select(Expr predicate, Batch batch, MemorySegment out) {
        MemorySegment in = batch.selection() == null ? null : batch.selection().segment();
        return eval(predicate, batch, in, batch.liveCount(), out);
    }

    private int eval(Expr e, Batch b, MemorySegment in, int inCount, MemorySegment out) {
        if (inCount == 0) {
            return 0;
        }
        return switch (e) {
            case Expr.And and -> and(and, b, in, inCount, out);
            case Expr.Or or -> or(or, b, in, inCount, out);
            case Expr.Not not when negatable(not.term()) -> eval(negated(not), b, in, inCount, out);
            case Expr.Not not -> booleanValues(values.evaluate(not.term(), b), false, in, inCount, out);
            case Expr.Like like -> values.filterFor(like).select(values.evaluate(like.value(), b), in, inCount, out, kernels, values.scratch());
            case Expr.InList list -> values.filterFor(list).select(values.evaluate(list.value(), b), in, inCount, out, kernels, values.scratch());
            case Expr.Comparison c -> comparison(c, b, in, inCount, out);
            case Expr.Between between -> between(between, b, in, inCount, out);
            case Expr.IsNull isNull -> isNull(isNull, b, in, inCount, out);
            case Expr.Literal lit -> {
                if (lit.value() instanceof Boolean t && t) {
                    yield copyCandidates(in, inCount, out);
                }
                yield 0;
            }
            case Expr other when other.type() instanceof DataType.BooleanType ->
                    booleanValues(values.evaluate(other, b), true, in, inCount, out);
            default -> throw new UnsupportedOperationException("not supported: " + ExprPrinter.print(e) + " as a filter");
        };
    }

    /*
     * Compiled code (session 8): eval is one call per predicate node and batch; the AND/OR/IS NULL
     * bodies live in their own methods so that eval stays small and a recompile of it (its type
     * switch sees a new kind of node) is short.
     */

    /** Later terms see only the rows earlier ones kept. */
    private int and(Expr.And and, Batch b, MemorySegment in, int inCount, MemorySegment out) {
        if (in == null) {
            RangeConjunction ranges = ranges(and);
            if (ranges != null && matches(ranges, b)) {
                int n = ranges.empty() ? 0 : rangeRows(ranges, b, inCount, out);
                return n == 0 || ranges.rest().isEmpty() ? n : terms(ranges.rest(), b, out, n, out);
            }
        }
        return terms(and.terms(), b, in, inCount, out);
    }

    /** The range analysis of an AND, once per node (absent: fewer than two range terms). */
    private RangeConjunction ranges(Expr.And and) {
        if (rangeCache == null) {
            rangeCache = new java.util.IdentityHashMap<>();
        }
        java.util.Optional<RangeConjunction> r = rangeCache.get(and);
        if (r == null) {
            r = java.util.Optional.ofNullable(RangeConjunction.of(and));
            rangeCache.put(and, r);
        }
        return r.orElse(null);
    }

    private java.util.IdentityHashMap<Expr.And, java.util.Optional<RangeConjunction>> rangeCache;

    /** Whether the batch's vectors have the types the ranges were worked out for. */
    private static boolean matches(RangeConjunction ranges, Batch b) {
        for (int i = 0; i < ranges.columns().length; i++) {
            if (!b.column(ranges.columns()[i]).type().equals(ranges.types()[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Rows {@code [0, count)} inside every range: one range is one dense kernel straight into
     * row ids; several are one bitmap pass per column (a word a column emptied is not read by
     * the next) and one conversion of the bitmap.
     */
    private int rangeRows(RangeConjunction ranges, Batch b, int count, MemorySegment out) {
        FilterKernels f = kernels.filter();
        int[] columns = ranges.columns();
        if (columns.length == 1) {
            ColumnVector v = b.column(columns[0]);
            return ranges.wide()[0]
                    ? f.betweenInt64(v.data(), v.validity(), count, ranges.low()[0], ranges.high()[0], out)
                    : f.betweenInt32(v.data(), v.validity(), count, (int) ranges.low()[0], (int) ranges.high()[0], out);
        }
        MemorySegment bits = values.scratch().take(Math.max(8L, ((count + 63L) >>> 6) << 3));
        for (int i = 0; i < columns.length; i++) {
            ColumnVector v = b.column(columns[i]);
            if (ranges.wide()[i]) {
                f.rangeBitsInt64(v.data(), v.validity(), count, ranges.low()[i], ranges.high()[i], bits, i > 0);
            } else {
                f.rangeBitsInt32(v.data(), v.validity(), count, (int) ranges.low()[i], (int) ranges.high()[i], bits, i > 0);
            }
        }
        return kernels.selection().fromBitmap(bits, count, out);
    }

    /** The terms of an AND in order over the candidates {@code in}. */
    private int terms(List<Expr> terms, Batch b, MemorySegment in, int inCount, MemorySegment out) {
        MemorySegment cur = in;
        int n = inCount;
        Batch narrowed = b;
        for (Expr term : terms) {
            if (n < narrowed.liveCount() && computes(term)) {
                // later terms see only the rows earlier ones kept: no errors from rows already dropped
                MemorySegment rows = values.scratch().take(Math.max(4L, n * 4L));
                MemorySegment.copy(cur, 0, rows, 0, n * 4L);
                narrowed = b.withSelection(new SelectionVector(rows, n));
            }
            n = eval(term, narrowed, cur, n, out);
            cur = out;
            if (n == 0) {
                break;
            }
        }
        return n;
    }

    private int or(Expr.Or or, Batch b, MemorySegment in, int inCount, MemorySegment out) {
        MemorySegment acc = null;
        int accCount = 0;
        for (Expr term : or.terms()) {
            MemorySegment part = values.scratch().take((long) b.rowCount() * 4);
            int n = eval(term, b, in, inCount, part);
            if (acc == null) {
                acc = part;
                accCount = n;
            } else {
                MemorySegment merged = values.scratch().take((long) b.rowCount() * 4);
                accCount = kernels.selection().or(acc, accCount, part, n, merged);
                acc = merged;
            }
        }
        MemorySegment.copy(acc, 0, out, 0, accCount * 4L);
        return accCount;
    }

    private int isNull(Expr.IsNull isNull, Batch b, MemorySegment in, int inCount, MemorySegment out) {
        MemorySegment validity = values.evaluate(isNull.term(), b).validity();
        if (validity == null) {
            return isNull.negated() ? copyCandidates(in, inCount, out) : 0;
        }
        return validRows(validity, !isNull.negated(), in, inCount, out);
    }

    /** Candidates whose validity bit is not {@code nulls}' (valid rows, or null rows); a loop of its own for OSR. */
    private static int validRows(MemorySegment validity, boolean nulls, MemorySegment in, int inCount, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < inCount; i++) {
            int r = candidate(in, i);
            if (io.blueshift.memory.Validity.isValid(validity, r) != nulls) {
                out.setAtIndex(ValueLayout.JAVA_INT, k++, r);
            }
        }
        return k;
    }

    /** Rows of {@code in} where the BOOLEAN vector holds {@code wanted} (NULL never matches). */
    private static int booleanValues(ColumnVector v, boolean wanted, MemorySegment in, int inCount, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < inCount; i++) {
            int r = candidate(in, i);
            if (!v.isNull(r) && v.getBoolean(r) == wanted) {
                out.setAtIndex(ValueLayout.JAVA_INT, k++, r);
            }
        }
        return k;
    }

    /** Whether a term computes values that may fail on rows earlier conjuncts dropped. */
    private static boolean computes(Expr e) {
        return switch (e) {
            case Expr.ColumnRef c -> false;
            case Expr.Literal l -> false;
            case Expr.Comparison c -> computes(c.left()) || computes(c.right());
            case Expr.Between bt -> computes(bt.value()) || computes(bt.low()) || computes(bt.high());
            case Expr.IsNull n -> computes(n.term());
            case Expr.Like l -> computes(l.value());
            case Expr.InList l -> computes(l.value());
            case Expr.Not n -> computes(n.term());
            case Expr.And a -> a.terms().stream().anyMatch(PredicateEvaluator::computes);
            case Expr.Or o -> o.terms().stream().anyMatch(PredicateEvaluator::computes);
            default -> true;
        };
    }

    /** Whether {@link #negate} can push NOT into this term. */
    static boolean negatable(Expr e) {
        return switch (e) {
            case Expr.Not n -> true;
            // leaves NOT cannot enter stay wrapped in NOT (see negate) and are read as values
            case Expr.And a -> true;
            case Expr.Or o -> true;
            case Expr.Comparison c -> true;
            case Expr.Between b -> true;
            case Expr.IsNull n -> true;
            case Expr.Literal l -> true;
            case Expr.Like l -> true;
            case Expr.InList l -> true;
            default -> false;
        };
    }

    private static int candidate(MemorySegment in, int i) {
        return in == null ? i : in.getAtIndex(ValueLayout.JAVA_INT, i);
    }

    private static int copyCandidates(MemorySegment in, int n, MemorySegment out) {
        if (in == null) {
            for (int i = 0; i < n; i++) {
                out.setAtIndex(ValueLayout.JAVA_INT, i, i);
            }
        } else if (in != out) {
            MemorySegment.copy(in, 0, out, 0, n * 4L);
        }
        return n;
    }

    /** NOT pushed one level in; exact under three-valued logic. */
    static Expr negate(Expr e) {
        return switch (e) {
            case Expr.Not n -> n.term();
            case Expr.And a -> new Expr.Or(a.terms().stream().map(PredicateEvaluator::negate).toList());
            case Expr.Or o -> new Expr.And(o.terms().stream().map(PredicateEvaluator::negate).toList());
            case Expr.Comparison c -> new Expr.Comparison(switch (c.op()) {
                case EQ -> CompareOp.NE;
                case NE -> CompareOp.EQ;
                case LT -> CompareOp.GE;
                case LE -> CompareOp.GT;
                case GT -> CompareOp.LE;
                case GE -> CompareOp.LT;
            }, c.left(), c.right());
            case Expr.Between bt -> new Expr.Or(List.of(
                    new Expr.Comparison(CompareOp.LT, bt.value(), bt.low()),
                    new Expr.Comparison(CompareOp.GT, bt.value(), bt.high())));
            case Expr.IsNull n -> new Expr.IsNull(n.term(), !n.negated());
            case Expr.Literal l -> new Expr.Literal(l.value() == null ? null : !(Boolean) l.value(), DataType.BOOLEAN);
            case Expr.Like l -> new Expr.Like(l.value(), l.pattern(), l.escape(), !l.negated());
            case Expr.InList l -> new Expr.InList(l.value(), l.values(), !l.negated());
            case Expr other when other.type() instanceof DataType.BooleanType -> new Expr.Not(other);
            default -> throw new UnsupportedOperationException("not supported: NOT " + ExprPrinter.print(e));
        };
    }

    /*
     * A comparison or BETWEEN with constants is worked out once per node and column type (the
     * literal moved to the column's scale, BigDecimal arithmetic, the kernel chosen) and kept
     * across batches: per batch only the kernel call is left. Redone per batch, these type
     * tests were compiled for the types seen so far and trapped on the next (class_check).
     */

    /** What a node with constants runs for a column type: {@code kind} says which fields count. */
    private record ConstantTest(DataType type, Kind kind, CompareOp op, long low, long high, Boolean always,
                                double lowDouble, double highDouble, byte[] string) {
        enum Kind { NEVER, NON_NULL, INT32, INT64, STRING, FLOAT64, INT32_RANGE, INT64_RANGE, FLOAT64_RANGE, GENERIC }
    }

    private final java.util.IdentityHashMap<Expr, ConstantTest> constantTests = new java.util.IdentityHashMap<>();
    private final java.util.IdentityHashMap<Expr.Not, Expr> negated = new java.util.IdentityHashMap<>();

    /** NOT pushed in, one node per NOT across batches, so that the plans kept by node are found again. */
    private Expr negated(Expr.Not not) {
        return negated.computeIfAbsent(not, n -> negate(n.term()));
    }

    private ConstantTest constantTest(Expr node, DataType t, java.util.function.Function<DataType, ConstantTest> plan) {
        ConstantTest test = constantTests.get(node);
        if (test == null || (test.type() != t && !test.type().equals(t))) {
            if (constantTests.size() >= 4096) {
                constantTests.clear(); // should nodes be made per batch somewhere, they must not pile up
            }
            test = plan.apply(t);
            constantTests.put(node, test);
        }
        return test;
    }

    private static ConstantTest generic(DataType t) {
        return new ConstantTest(t, ConstantTest.Kind.GENERIC, null, 0, 0, null, 0, 0, null);
    }

    /**
     * A comparison's column side and constant side, the constant moved right (column null: no
     * constant), once per node: tested per batch, C2 compiled the test for the shapes seen so
     * far and trapped on the next (class_check).
     */
    private record ConstantSide(Expr column, Expr.Literal literal, CompareOp op) {}

    private final java.util.IdentityHashMap<Expr.Comparison, ConstantSide> constantSides = new java.util.IdentityHashMap<>();

    private static ConstantSide constantSide(Expr.Comparison c) {
        if (c.left() instanceof Expr.Literal l && !(c.right() instanceof Expr.Literal)) {
            return new ConstantSide(c.right(), l, c.op().flip());
        }
        if (c.right() instanceof Expr.Literal r) {
            return new ConstantSide(c.left(), r, c.op()); // two literals: the left one as a column
        }
        return new ConstantSide(null, null, c.op());
    }

    private int comparison(Expr.Comparison c, Batch b, MemorySegment in, int inCount, MemorySegment out) {
        ConstantSide side = constantSides.get(c);
        if (side == null) {
            if (constantSides.size() >= 4096) {
                constantSides.clear();
            }
            side = constantSide(c);
            constantSides.put(c, side);
        }
        if (side.column() == null) {
            return genericCompare(c, b, in, inCount, out);
        }
        Expr.Literal lit = side.literal();
        CompareOp op = side.op();
        if (lit.isNull()) {
            return 0; // comparison with NULL is never TRUE
        }
        Expr column = side.column();
        ColumnVector v = values.evaluate(column, b);
        ConstantTest test = constantTest(c, v.type(), t -> comparisonTest(op, lit, t));
        FilterKernels f = kernels.filter();
        return switch (test.kind()) {
            case NEVER -> 0;
            case NON_NULL -> selectNonNull(v, in, inCount, out);
            case INT32 -> compareIntegral(test.op(), test.low(), true, v, in, inCount, out);
            case INT64 -> compareIntegral(test.op(), test.low(), false, v, in, inCount, out);
            case STRING -> compareString(test.op(), v, test.string(), in, inCount, out);
            case FLOAT64 -> in == null
                    ? f.compareFloat64(test.op(), v.data(), v.validity(), inCount, test.lowDouble(), out)
                    : f.compareFloat64Selected(test.op(), v.data(), v.validity(), in, inCount, test.lowDouble(), out);
            default -> genericCompare(c, b, in, inCount, out);
        };
    }

    private static ConstantTest comparisonTest(CompareOp op, Expr.Literal lit, DataType t) {
        if (isIntegral(t) && (lit.value() instanceof Long || lit.value() instanceof Integer)) {
            Bound bound = integralBound(op, lit, scaleOf(t), scaleOf(lit.type()));
            Boolean always = bound.always();
            boolean four = t.byteWidth() == 4;
            if (always == null && four && (bound.value() > Integer.MAX_VALUE || bound.value() < Integer.MIN_VALUE)) {
                boolean above = bound.value() > 0;
                always = switch (bound.op()) {
                    case EQ -> false;
                    case NE -> true;
                    case LT, LE -> above;
                    case GT, GE -> !above;
                };
            }
            if (always != null) {
                return new ConstantTest(t, always ? ConstantTest.Kind.NON_NULL : ConstantTest.Kind.NEVER, null, 0, 0, null, 0, 0, null);
            }
            return new ConstantTest(t, four ? ConstantTest.Kind.INT32 : ConstantTest.Kind.INT64, bound.op(), bound.value(), 0, null, 0, 0, null);
        }
        if (t instanceof DataType.VarcharType && lit.value() instanceof String str) {
            return new ConstantTest(t, ConstantTest.Kind.STRING, op, 0, 0, null, 0, 0,
                    str.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (t instanceof DataType.Float64Type && lit.value() instanceof Number) {
            return new ConstantTest(t, ConstantTest.Kind.FLOAT64, op, 0, 0, null, asDouble(lit), 0, null);
        }
        return generic(t);
    }

    private static double asDouble(Expr.Literal lit) {
        Number num = (Number) lit.value();
        return lit.type() instanceof DecimalType d ? BigDecimal.valueOf(num.longValue(), d.scale()).doubleValue() : num.doubleValue();
    }

    private static int compareString(CompareOp op, ColumnVector v, byte[] constant,
                                     MemorySegment in, int inCount, MemorySegment out) {
        if (op == CompareOp.EQ || op == CompareOp.NE) {
            return equalString(op == CompareOp.EQ, v, constant, in, inCount, out);
        }
        int outcomes = outcomes(op);
        int k = 0;
        for (int i = 0; i < inCount; i++) {
            int r = candidate(in, i);
            if (v.isNull(r)) {
                continue;
            }
            if (passes(outcomes, java.util.Arrays.compareUnsigned(v.getStringBytes(r), constant))) {
                out.setAtIndex(ValueLayout.JAVA_INT, k++, r);
            }
        }
        return k;
    }

    /**
     * String (in)equality without copying: the constant is laid out as a view once, the first
     * 8 bytes of each view (length and prefix) decide most rows, strings of up to 12 bytes are
     * settled by the second word, longer ones by comparing the bytes in place.
     */
    private static int equalString(boolean eq, ColumnVector v, byte[] constant,
                                   MemorySegment in, int inCount, MemorySegment out) {
        MemorySegment constView = MemorySegment.ofArray(new long[2]);
        if (constant.length <= StringViews.INLINE_MAX) {
            StringViews.writeInline(constView, 0, constant, 0, constant.length);
        } else {
            StringViews.writeReference(constView, 0, constant, 0, constant.length, 0, 0);
        }
        long head = constView.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        long tail = constView.get(ValueLayout.JAVA_LONG_UNALIGNED, 8);
        boolean inline = constant.length <= StringViews.INLINE_MAX;
        MemorySegment constBytes = MemorySegment.ofArray(constant);
        // dense and selected rows in two loops: with "in == null" tested per row, C2 compiled the
        // loop for the case it had seen and trapped on the other (unstable_if, session 8)
        return in == null
                ? equalStringDense(eq, v.data(), v.validity(), v.varBuffers(), head, tail, inline, constBytes, inCount, out)
                : equalStringSelected(eq, v.data(), v.validity(), v.varBuffers(), head, tail, inline, constBytes, in, inCount, out);
    }

    private static int equalStringDense(boolean eq, MemorySegment views, MemorySegment validity, List<MemorySegment> buffers,
                                        long head, long tail, boolean inline, MemorySegment constBytes,
                                        int count, MemorySegment out) {
        int k = 0;
        for (int r = 0; r < count; r++) {
            if (validity != null && !io.blueshift.memory.Validity.isValid(validity, r)) {
                continue;
            }
            if (equalsView(views, buffers, r, head, tail, inline, constBytes) == eq) {
                out.setAtIndex(ValueLayout.JAVA_INT, k++, r);
            }
        }
        return k;
    }

    private static int equalStringSelected(boolean eq, MemorySegment views, MemorySegment validity, List<MemorySegment> buffers,
                                           long head, long tail, boolean inline, MemorySegment constBytes,
                                           MemorySegment in, int inCount, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < inCount; i++) {
            int r = in.getAtIndex(ValueLayout.JAVA_INT, i);
            if (validity != null && !io.blueshift.memory.Validity.isValid(validity, r)) {
                continue;
            }
            if (equalsView(views, buffers, r, head, tail, inline, constBytes) == eq) {
                out.setAtIndex(ValueLayout.JAVA_INT, k++, r);
            }
        }
        return k;
    }

    /** Whether row {@code r}'s string is the constant laid out as the view words {@code head}, {@code tail}. */
    private static boolean equalsView(MemorySegment views, List<MemorySegment> buffers, int r,
                                      long head, long tail, boolean inline, MemorySegment constBytes) {
        long base = (long) r << 4;
        if (views.get(ValueLayout.JAVA_LONG_UNALIGNED, base) != head) {
            return false;
        }
        if (inline) {
            return views.get(ValueLayout.JAVA_LONG_UNALIGNED, base + 8) == tail;
        }
        MemorySegment buf = buffers.get(views.get(ValueLayout.JAVA_INT_UNALIGNED, base + 8));
        long off = views.get(ValueLayout.JAVA_INT_UNALIGNED, base + 12);
        long len = constBytes.byteSize();
        return MemorySegment.mismatch(buf, off, off + len, constBytes, 0, len) == -1;
    }

    /** Result of moving a constant to a column's scale: the op/value to use, or a fixed outcome. */
    public record Bound(CompareOp op, long value, Boolean always) {}

    /**
     * {@code col(scale s) OP lit(scale ls)} as a comparison of unscaled values. A literal with
     * more fractional digits than the column rounds up or down by the operator (x < 6.5 is
     * x <= 6 for integers); one out of the column's range becomes always/never.
     */
    static Bound integralBound(CompareOp op, Expr.Literal lit, int colScale, int litScale) {
        BigDecimal value = BigDecimal.valueOf(lit.longValue(), litScale).movePointRight(colScale);
        boolean exact = value.stripTrailingZeros().scale() <= 0;
        BigDecimal floor = value.setScale(0, RoundingMode.FLOOR);
        BigDecimal ceil = value.setScale(0, RoundingMode.CEILING);
        CompareOp useOp = op;
        BigDecimal use;
        if (exact) {
            use = floor;
        } else {
            switch (op) {
                case EQ -> { return new Bound(op, 0, false); }
                case NE -> { return new Bound(op, 0, true); }
                case LT, GE -> use = ceil;   // x < 6.5 ⇔ x < 7 ; x >= 6.5 ⇔ x >= 7
                default -> use = floor;       // x <= 6.5 ⇔ x <= 6 ; x > 6.5 ⇔ x > 6
            }
        }
        if (use.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 || use.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0) {
            boolean above = use.signum() > 0;
            return new Bound(useOp, 0, switch (op) {
                case EQ -> false;
                case NE -> true;
                case LT, LE -> above;
                case GT, GE -> !above;
            });
        }
        return new Bound(useOp, use.longValueExact(), null);
    }

    /** An integral column against a constant: the kernel of the column's width (chosen with the plan). */
    private int compareIntegral(CompareOp op, long constant, boolean four, ColumnVector v,
                                MemorySegment in, int inCount, MemorySegment out) {
        FilterKernels f = kernels.filter();
        if (four) {
            return in == null
                    ? f.compareInt32(op, v.data(), v.validity(), inCount, (int) constant, out)
                    : f.compareInt32Selected(op, v.data(), v.validity(), in, inCount, (int) constant, out);
        }
        return in == null
                ? f.compareInt64(op, v.data(), v.validity(), inCount, constant, out)
                : f.compareInt64Selected(op, v.data(), v.validity(), in, inCount, constant, out);
    }

    private static int selectNonNull(ColumnVector v, MemorySegment in, int inCount, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < inCount; i++) {
            int r = candidate(in, i);
            if (!v.isNull(r)) {
                out.setAtIndex(ValueLayout.JAVA_INT, k++, r);
            }
        }
        return k;
    }

    private int between(Expr.Between bt, Batch b, MemorySegment in, int inCount, MemorySegment out) {
        if (bt.low() instanceof Expr.Literal lo && bt.high() instanceof Expr.Literal hi && !lo.isNull() && !hi.isNull()) {
            ColumnVector v = values.evaluate(bt.value(), b);
            ConstantTest test = constantTest(bt, v.type(), t -> rangeTest(lo, hi, t));
            FilterKernels f = kernels.filter();
            switch (test.kind()) {
                case NEVER -> { return 0; }
                case INT32_RANGE -> {
                    return in == null
                            ? f.betweenInt32(v.data(), v.validity(), inCount, (int) test.low(), (int) test.high(), out)
                            : f.betweenInt32Selected(v.data(), v.validity(), in, inCount, (int) test.low(), (int) test.high(), out);
                }
                case INT64_RANGE -> {
                    return in == null
                            ? f.betweenInt64(v.data(), v.validity(), inCount, test.low(), test.high(), out)
                            : f.betweenInt64Selected(v.data(), v.validity(), in, inCount, test.low(), test.high(), out);
                }
                case FLOAT64_RANGE -> {
                    return in == null
                            ? f.betweenFloat64(v.data(), v.validity(), inCount, test.lowDouble(), test.highDouble(), out)
                            : f.betweenFloat64Selected(v.data(), v.validity(), in, inCount, test.lowDouble(), test.highDouble(), out);
                }
                default -> { } // a bound out of the column's range, or no kernel: two comparisons
            }
        }
        Expr terms = betweenTerms.computeIfAbsent(bt, x -> new Expr.And(List.of(new Expr.Comparison(CompareOp.GE, x.value(), x.low()),
                new Expr.Comparison(CompareOp.LE, x.value(), x.high()))));
        return eval(terms, b, in, inCount, out);
    }

    /** BETWEEN as an AND of two comparisons, one node across batches. */
    private final java.util.IdentityHashMap<Expr.Between, Expr> betweenTerms = new java.util.IdentityHashMap<>();

    private static ConstantTest rangeTest(Expr.Literal lo, Expr.Literal hi, DataType t) {
        if (isIntegral(t) && lo.value() instanceof Long && hi.value() instanceof Long) {
            Bound low = integralBound(CompareOp.GE, lo, scaleOf(t), scaleOf(lo.type()));
            Bound high = integralBound(CompareOp.LE, hi, scaleOf(t), scaleOf(hi.type()));
            if (low.always() != null || high.always() != null) {
                return generic(t);
            }
            long l = low.value();
            long h = high.value();
            if (t.byteWidth() == 4) {
                if (l > Integer.MAX_VALUE || h < Integer.MIN_VALUE || l > h) {
                    return new ConstantTest(t, ConstantTest.Kind.NEVER, null, 0, 0, null, 0, 0, null);
                }
                return new ConstantTest(t, ConstantTest.Kind.INT32_RANGE, null, Math.max(l, Integer.MIN_VALUE),
                        Math.min(h, Integer.MAX_VALUE), null, 0, 0, null);
            }
            return new ConstantTest(t, ConstantTest.Kind.INT64_RANGE, null, l, h, null, 0, 0, null);
        }
        if (t instanceof DataType.Float64Type && lo.value() instanceof Number && hi.value() instanceof Number) {
            return new ConstantTest(t, ConstantTest.Kind.FLOAT64_RANGE, null, 0, 0, null, asDouble(lo), asDouble(hi), null);
        }
        return generic(t);
    }

    /**
     * How a comparison of two computed sides runs for the sides' types, once per node and pair
     * of types (decided per batch, the type tests were compiled for the types seen so far and
     * trapped on the next, class_check): {@code width} 4 or 8 for two integral columns of one
     * width and scale (one filter kernel), 0 for the row-at-a-time comparison.
     */
    private record ColumnsTest(DataType left, DataType right, int width) {}

    private final java.util.IdentityHashMap<Expr.Comparison, ColumnsTest> columnsTests = new java.util.IdentityHashMap<>();

    private ColumnsTest columnsTest(Expr.Comparison c, DataType lt, DataType rt) {
        ColumnsTest test = columnsTests.get(c);
        if (test == null || test.left() != lt || test.right() != rt) {
            if (columnsTests.size() >= 4096) {
                columnsTests.clear();
            }
            boolean kernel = isIntegral(lt) && isIntegral(rt) && scaleOf(lt) == scaleOf(rt) && lt.byteWidth() == rt.byteWidth()
                    && (lt.byteWidth() == 4 || lt.byteWidth() == 8);
            test = new ColumnsTest(lt, rt, kernel ? lt.byteWidth() : 0);
            columnsTests.put(c, test);
        }
        return test;
    }

    /** Row-at-a-time comparison of two values of comparable types (strings, mixed columns). */
    private int genericCompare(Expr.Comparison c, Batch b, MemorySegment in, int inCount, MemorySegment out) {
        ColumnVector l = values.evaluate(c.left(), b);
        ColumnVector r = values.evaluate(c.right(), b);
        int width = columnsTest(c, l.type(), r.type()).width();
        if (width != 0) {
            return compareIntegralColumns(c.op(), width == 8, l, r, in, inCount, out);
        }
        return compareRows(ValueComparator.of(l, r), outcomes(c.op()), l, r, in, inCount, out);
    }

    /**
     * The outcomes of a three-way compare that {@code op} passes, as bits (less: 1, equal: 2,
     * greater: 4), read by {@link #passes}: no switch on the operator inside a row loop, which
     * C2 compiled for the operators seen so far and recompiled for the next (session 8).
     */
    private static int outcomes(CompareOp op) {
        return switch (op) {
            case EQ -> 0b010;
            case NE -> 0b101;
            case LT -> 0b001;
            case LE -> 0b011;
            case GT -> 0b100;
            case GE -> 0b110;
        };
    }

    private static boolean passes(int outcomes, int cmp) {
        return ((outcomes >>> (Integer.signum(cmp) + 1)) & 1) != 0;
    }

    private static int compareRows(ValueComparator cmp, int outcomes, ColumnVector l, ColumnVector r,
                                   MemorySegment in, int inCount, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < inCount; i++) {
            int row = candidate(in, i);
            if (l.isNull(row) || r.isNull(row)) {
                continue;
            }
            if (passes(outcomes, cmp.compare(row, row))) {
                out.setAtIndex(ValueLayout.JAVA_INT, k++, row);
            }
        }
        return k;
    }

    /**
     * {@code l OP r} for two integral columns of one width and scale (TPC-H Q4, Q12, Q21:
     * {@code l_commitdate < l_receiptdate}): one filter kernel, SIMD over dense rows.
     */
    private int compareIntegralColumns(CompareOp op, boolean eight, ColumnVector l, ColumnVector r, MemorySegment in, int inCount, MemorySegment out) {
        FilterKernels f = kernels.filter();
        return eight
                ? f.compareColumnsInt64(op, l.data(), l.validity(), r.data(), r.validity(), in, inCount, out)
                : f.compareColumnsInt32(op, l.data(), l.validity(), r.data(), r.validity(), in, inCount, out);
    }

    static boolean isIntegral(DataType t) {
        return t instanceof DataType.Int32Type || t instanceof DataType.Int64Type || t instanceof DataType.DateType
                || t instanceof DataType.TimestampType || t instanceof DecimalType;
    }

    private static int scaleOf(DataType t) {
        return t instanceof DecimalType d ? d.scale() : 0;
    }

    /** Compares row a of one vector with row b of another; both non-null. */
    public interface ValueComparator {
        int compare(int a, int b);

        static ValueComparator of(ColumnVector l, ColumnVector r) {
            DataType lt = l.type();
            DataType rt = r.type();
            if (lt instanceof DataType.VarcharType && rt instanceof DataType.VarcharType) {
                return (a, b) -> StringViews.compare(l.data(), l.varBuffers(), a, r.data(), r.varBuffers(), b);
            }
            if (isIntegral(lt) && isIntegral(rt)) {
                int ls = scaleOf(lt);
                int rs = scaleOf(rt);
                if (ls == rs) {
                    return (a, b) -> Long.compare(integral(l, a), integral(r, b));
                }
                return (a, b) -> BigDecimal.valueOf(integral(l, a), ls).compareTo(BigDecimal.valueOf(integral(r, b), rs));
            }
            if (lt instanceof DataType.BooleanType && rt instanceof DataType.BooleanType) {
                return (a, b) -> Boolean.compare(l.getBoolean(a), r.getBoolean(b));
            }
            if (ExprTypes.isNumeric(lt) && ExprTypes.isNumeric(rt)) {
                return (a, b) -> Double.compare(asDouble(l, a), asDouble(r, b));
            }
            throw new IllegalArgumentException("cannot compare " + lt.sqlName() + " with " + rt.sqlName());
        }

        private static long integral(ColumnVector v, int row) {
            return v.byteWidth() == 4 ? v.getInt(row) : v.getLong(row);
        }

        private static double asDouble(ColumnVector v, int row) {
            return switch (v.type()) {
                case DataType.Float64Type f -> v.getDouble(row);
                case DecimalType d -> BigDecimal.valueOf(v.getLong(row), d.scale()).doubleValue();
                default -> integral(v, row);
            };
        }
    }

}
