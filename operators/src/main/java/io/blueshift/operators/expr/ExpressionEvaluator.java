package io.blueshift.operators.expr;

import io.blueshift.kernels.ArithmeticKernels;
import io.blueshift.kernels.KernelProvider;
import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.DataType.DecimalType;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.SelectionVector;
import io.blueshift.memory.Validity;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Evaluates value expressions a batch at a time through the kernels. Results are vectors in
 * the input batch's row space: only live rows (the batch's selection) hold defined values.
 * Column references return the input vector itself; computed vectors live in per-thread
 * scratch memory until {@link #reset}, which the owning operator calls once per batch.
 */
public final class ExpressionEvaluator implements AutoCloseable {
    private final KernelProvider kernels;
    private final Scratch scratch;
    private final Functions functions = new Functions(this);
    private final Casts casts = new Casts(this);
    private final Map<Expr, MembershipFilter> compiled = new IdentityHashMap<>();
    /** NOT of each boolean value's expression, one node across batches (the predicate evaluator keys its plans by node). */
    private final Map<Expr, Expr> negations = new IdentityHashMap<>();
    private PredicateEvaluator predicates;

    public ExpressionEvaluator(KernelProvider kernels, MemoryPool pool) {
        this.kernels = kernels;
        this.scratch = new Scratch(pool, "expression scratch");
    }

    public void reset() {
        scratch.reset();
        shared.clear();
        sharedBatch = null;
    }

    /**
     * Arithmetic values computed for {@link #sharedBatch}, by canonical node (see
     * {@link #canonical}):
     * an operand that several expressions of one batch share, such as
     * {@code price * (1 - discount)} in both {@code SUM(price * (1 - discount))} and
     * {@code SUM(price * (1 - discount) * (1 + tax))}, is computed once. Only for the very batch
     * object it was computed on (a CASE branch's batch with fewer rows starts afresh), and only
     * until {@link #reset} (the scratch it lives in is reused). Computed vectors are never
     * written again, so a shared one stays right.
     */
    private final Map<Expr, ColumnVector> shared = new IdentityHashMap<>();
    /**
     * Each arithmetic node met so far, mapped to the first structurally equal node met: the one
     * deep equality lookup per node is paid once across batches, and each batch's lookups are by
     * identity.
     */
    private final Map<Expr, Expr> canonical = new IdentityHashMap<>();
    private final Map<Expr, Expr> canonicalByValue = new HashMap<>();
    private Batch sharedBatch;
    /** Whether arithmetic values are shared (off: -Dblueshift.expr.shared=false, for A/B). */
    private final boolean share = !"false".equals(System.getProperty("blueshift.expr.shared"));

    Scratch scratch() { return scratch; }

    KernelProvider kernels() { return kernels; }

    /** The predicate evaluator that computes this evaluator's boolean values and CASE conditions. */
    PredicateEvaluator predicates() {
        if (predicates == null) {
            predicates = new PredicateEvaluator(kernels, this);
        }
        return predicates;
    }

    /** The compiled LIKE pattern or IN set of an expression, kept across batches. */
    MembershipFilter filterFor(Expr e) {
        return compiled.computeIfAbsent(e, x -> switch (x) {
            case Expr.Like l -> new MembershipFilter.Like(l);
            case Expr.InList l -> new MembershipFilter.InList(l);
            default -> throw new IllegalArgumentException(ExprPrinter.print(x));
        });
    }

    /**
     * The value of {@code expr} at each live row of {@code batch}. Boolean expressions are
     * values too (TRUE, FALSE or NULL by three-valued logic); CASE and COALESCE evaluate each
     * branch or argument only at the rows that reach it.
     */
    public ColumnVector evaluate(Expr expr, Batch batch) {
        return switch (expr) {
            case Expr.ColumnRef ref -> batch.column(ref.index());
            case Expr.Literal lit -> broadcast(lit, batch.rowCount());
            case Expr.Arithmetic a -> share ? sharedArithmetic(a, batch) : arithmetic(a, batch);
            case Expr.Cast c -> cast(evaluate(c.term(), batch), c.type(), batch);
            case Expr.Comparison c -> booleanValue(c, batch);
            case Expr.Between b -> booleanValue(b, batch);
            case Expr.And a -> booleanValue(a, batch);
            case Expr.Or o -> booleanValue(o, batch);
            case Expr.Not n -> booleanValue(n, batch);
            case Expr.IsNull n -> booleanValue(n, batch);
            case Expr.Like l -> booleanValue(l, batch);
            case Expr.InList l -> booleanValue(l, batch);
            case Expr.Case c -> caseValue(c, batch);
            case Expr.Call c -> functions.evaluate(c, batch);
        };
    }

    private ColumnVector sharedArithmetic(Expr.Arithmetic a, Batch batch) {
        if (sharedBatch != batch) {
            shared.clear();
            sharedBatch = batch;
        }
        Expr key = canonical.get(a);
        if (key == null) {
            key = canonicalByValue.computeIfAbsent(a, x -> x);
            canonical.put(a, key);
        }
        ColumnVector v = shared.get(key);
        if (v == null) {
            v = arithmetic(a, batch);
            if (sharedBatch == batch) { // not cleared by a nested evaluation on another batch
                shared.put(key, v);
            }
        }
        return v;
    }

    /** {@code expr} evaluated and cast to {@code type} when its own type differs. */
    ColumnVector evaluateAs(Expr expr, DataType type, Batch batch) {
        if (expr instanceof Expr.Literal lit && lit.isNull()) {
            return broadcast(new Expr.Literal(null, type), batch.rowCount());
        }
        ColumnVector v = evaluate(expr, batch);
        return v.type().equals(type) ? v : cast(v, type, batch);
    }

    /** TRUE rows and FALSE rows (NOT pushed inward) as two selections; the rest are NULL. */
    private ColumnVector booleanValue(Expr e, Batch batch) {
        int rows = batch.rowCount();
        PredicateEvaluator p = predicates();
        MemorySegment t = scratch.take(Math.max(4L, rows * 4L));
        int nt = p.select(e, batch, t);
        MemorySegment f = scratch.take(Math.max(4L, rows * 4L));
        int nf = p.select(negations.computeIfAbsent(e, Expr.Not::new), batch, f);
        MemorySegment data = scratch.take(Validity.bytesFor(rows));
        Validity.setAll(data, false);
        for (int i = 0; i < nt; i++) {
            Validity.set(data, t.getAtIndex(ValueLayout.JAVA_INT, i), true);
        }
        MemorySegment validity = null;
        if (nt + nf < batch.liveCount()) {
            validity = scratch.take(Validity.bytesFor(rows));
            MemorySegment.copy(data, 0, validity, 0, validity.byteSize());
            for (int i = 0; i < nf; i++) {
                Validity.set(validity, f.getAtIndex(ValueLayout.JAVA_INT, i), true);
            }
        }
        return ColumnVector.wrap(DataType.BOOLEAN, rows, data, validity, null);
    }

    /** The live rows as a selection segment (the batch's own, or 0..n-1 in scratch). */
    MemorySegment liveRows(Batch batch) {
        if (batch.selection() != null) {
            return batch.selection().segment();
        }
        int n = batch.rowCount();
        MemorySegment rows = scratch.take(Math.max(4L, n * 4L));
        for (int i = 0; i < n; i++) {
            rows.setAtIndex(ValueLayout.JAVA_INT, i, i);
        }
        return rows;
    }

    /** Rows of ascending {@code a} not in ascending {@code b}. */
    static int except(MemorySegment a, int an, MemorySegment b, int bn, MemorySegment out) {
        int k = 0;
        int j = 0;
        for (int i = 0; i < an; i++) {
            int r = a.getAtIndex(ValueLayout.JAVA_INT, i);
            while (j < bn && b.getAtIndex(ValueLayout.JAVA_INT, j) < r) {
                j++;
            }
            if (j < bn && b.getAtIndex(ValueLayout.JAVA_INT, j) == r) {
                continue;
            }
            out.setAtIndex(ValueLayout.JAVA_INT, k++, r);
        }
        return k;
    }

    /**
     * Each WHEN runs as a filter over the rows no earlier WHEN took (NULL counts as not
     * taken); its THEN is evaluated at the rows it took only, so a THEN that would fail on
     * other rows (a division, an overflow, a bad cast) does not.
     */
    private ColumnVector caseValue(Expr.Case c, Batch batch) {
        int rows = batch.rowCount();
        VectorAssembler out = new VectorAssembler(scratch, c.type(), rows);
        MemorySegment remaining = liveRows(batch);
        int remCount = batch.liveCount();
        for (int i = 0; i < c.conditions().size() && remCount > 0; i++) {
            Batch rest = batch.withSelection(new SelectionVector(remaining, remCount));
            MemorySegment hit = scratch.take(Math.max(4L, remCount * 4L));
            int nh = predicates().select(c.conditions().get(i), rest, hit);
            if (nh == 0) {
                continue;
            }
            ColumnVector v = evaluateAs(c.results().get(i), c.type(), batch.withSelection(new SelectionVector(hit, nh)));
            out.copy(v, hit, nh);
            MemorySegment next = scratch.take(Math.max(4L, remCount * 4L));
            remCount = except(remaining, remCount, hit, nh, next);
            remaining = next;
        }
        if (remCount > 0) {
            ColumnVector v = evaluateAs(c.elseResult(), c.type(), batch.withSelection(new SelectionVector(remaining, remCount)));
            out.copy(v, remaining, remCount);
        }
        return out.finish();
    }

    private MemorySegment sel(Batch b) {
        return b.selection() == null ? null : b.selection().segment();
    }

    ColumnVector newVector(DataType type, int rows, MemorySegment validity) {
        // BOOLEAN (width 0) takes the bitmap's bytes; no test of the type's class, which C2
        // speculated on and trapped at each type not seen before
        long bytes = Math.max(Validity.bytesFor(rows), (long) rows * type.byteWidth());
        MemorySegment data = scratch.take(Math.max(8, bytes));
        return ColumnVector.wrap(type, rows, data, validity, null);
    }

    ColumnVector broadcast(Expr.Literal lit, int rows) {
        MemorySegment validity = null;
        if (lit.isNull()) {
            validity = scratch.take(Validity.bytesFor(rows));
            Validity.setAll(validity, false);
        }
        ColumnVector v = newVector(lit.type(), rows, validity);
        if (!lit.isNull()) {
            switch (lit.type()) {
                case DataType.Int32Type t -> fillInt(v, rows, (int) lit.longValue());
                case DataType.DateType t -> fillInt(v, rows, (int) lit.longValue());
                case DataType.Float64Type t -> { for (int i = 0; i < rows; i++) v.setDouble(i, lit.doubleValue()); }
                case DataType.Int64Type t -> fillLong(v, rows, lit.longValue());
                case DataType.TimestampType t -> fillLong(v, rows, lit.longValue());
                case DataType.DecimalType t -> fillLong(v, rows, lit.longValue());
                case DataType.BooleanType t -> Validity.setAll(v.data(), (Boolean) lit.value());
                case DataType.VarcharType t -> {
                    StringOutput out = new StringOutput(scratch, rows);
                    byte[] bytes = lit.value().toString().getBytes(StandardCharsets.UTF_8);
                    if (rows > 0) {
                        out.put(0, bytes);
                        for (int i = 1; i < rows; i++) {
                            out.copyRow(0, i);
                        }
                    }
                    return out.finish(validity);
                }
            }
        }
        return v;
    }

    private static void fillInt(ColumnVector v, int rows, int value) {
        for (int i = 0; i < rows; i++) v.setInt(i, value);
    }

    private static void fillLong(ColumnVector v, int rows, long value) {
        for (int i = 0; i < rows; i++) v.setLong(i, value);
    }

    /** AND of two validity bitmaps (either may be null = all valid). */
    /** Validity of the rows where every vector is non-null (null = all valid). */
    MemorySegment allValid(ColumnVector[] vectors, int rows) {
        MemorySegment v = null;
        for (ColumnVector a : vectors) {
            v = mergeValidity(v, a.validity(), rows);
        }
        return v;
    }

    MemorySegment mergeValidity(MemorySegment a, MemorySegment b, int rows) {
        if (a == null) return b;
        if (b == null) return a;
        long bytes = Validity.bytesFor(rows);
        MemorySegment out = scratch.take(bytes);
        for (long off = 0; off < bytes; off += 8) {
            out.set(ValueLayout.JAVA_LONG_UNALIGNED, off,
                    a.get(ValueLayout.JAVA_LONG_UNALIGNED, off) & b.get(ValueLayout.JAVA_LONG_UNALIGNED, off));
        }
        return out;
    }

    /**
     * An arithmetic node's shape, worked out once per node: which side is a constant, the
     * constant at the result's scale, each operand's widening and scaling. Tested per batch,
     * the type and side tests were compiled for the shapes seen so far and trapped on the next
     * (class_check, unstable_if), throwing away the compile of the operator that inlined them.
     */
    private record ArithmeticPlan(Shape shape, Operand left, Operand right, Expr.Literal literal, long constant,
                                  boolean constantOverflows) {
        enum Shape { FLOAT64, COLUMN_CONSTANT, CONSTANT_MINUS_COLUMN, COLUMNS }
    }

    /**
     * An int64 operand: {@code expr} evaluated, widened from 4 bytes when its type is
     * {@code type} and {@code widen} (another type, or {@code type} null, goes through
     * {@link #toInt64}), then scaled up by {@code digits}.
     */
    private record Operand(Expr expr, DataType type, boolean widen, int digits) {}

    private final Map<Expr.Arithmetic, ArithmeticPlan> arithmeticPlans = new IdentityHashMap<>();

    private ArithmeticPlan arithmeticPlan(Expr.Arithmetic a) {
        ArithmeticPlan plan = arithmeticPlans.get(a);
        if (plan == null) {
            if (arithmeticPlans.size() >= 4096) {
                arithmeticPlans.clear(); // should nodes be made per batch somewhere, they must not pile up
            }
            plan = planArithmetic(a);
            arithmeticPlans.put(a, plan);
        }
        return plan;
    }

    private static ArithmeticPlan planArithmetic(Expr.Arithmetic a) {
        DataType type = a.type();
        if (type instanceof DataType.Float64Type) {
            return new ArithmeticPlan(ArithmeticPlan.Shape.FLOAT64, null, null, null, 0, false);
        }
        // INT64 or DECIMAL: operands brought to the result's scale, then int64 kernels.
        int scale = scaleOf(type);
        Expr left = a.left();
        Expr right = a.right();
        Expr.ArithmeticOp op = a.op();
        if (left instanceof Expr.Literal && !(right instanceof Expr.Literal)
                && (op == Expr.ArithmeticOp.ADD || op == Expr.ArithmeticOp.MULTIPLY)) {
            Expr t = left; left = right; right = t;
        }
        if (right instanceof Expr.Literal lit && !(left instanceof Expr.Literal)) {
            return constantPlan(ArithmeticPlan.Shape.COLUMN_CONSTANT, operand(left, op, scale), lit, op, scale);
        }
        if (left instanceof Expr.Literal lit && op == Expr.ArithmeticOp.SUBTRACT) {
            return constantPlan(ArithmeticPlan.Shape.CONSTANT_MINUS_COLUMN, operand(right, op, scale), lit, op, scale);
        }
        return new ArithmeticPlan(ArithmeticPlan.Shape.COLUMNS, operand(left, op, scale), operand(right, op, scale), null, 0, false);
    }

    private static ArithmeticPlan constantPlan(ArithmeticPlan.Shape shape, Operand column, Expr.Literal lit,
                                               Expr.ArithmeticOp op, int scale) {
        long c = 0;
        boolean overflows = false;
        if (!lit.isNull()) {
            try {
                c = literalAt(lit, op, scale);
            } catch (ArithmeticException e) {
                overflows = true;
            }
        }
        return new ArithmeticPlan(shape, column, null, lit, c, overflows);
    }

    /** For * each operand keeps its own scale; for + and - both are brought to the result's. */
    private static Operand operand(Expr e, Expr.ArithmeticOp op, int resultScale) {
        DataType t = e.type();
        boolean widen = t instanceof DataType.Int32Type || t instanceof DataType.DateType;
        boolean wide = t instanceof DataType.Int64Type || t instanceof DataType.TimestampType || t instanceof DecimalType;
        int digits = op == Expr.ArithmeticOp.MULTIPLY ? 0 : resultScale - scaleOf(t);
        return new Operand(e, widen || wide ? t : null, widen, digits); // another type: toInt64 says why not
    }

    private ColumnVector arithmetic(Expr.Arithmetic a, Batch batch) {
        ArithmeticPlan plan = arithmeticPlan(a);
        try {
            return switch (plan.shape()) {
                case FLOAT64 -> floatArithmetic(a, batch);
                case COLUMN_CONSTANT -> columnConstant(a, plan, batch);
                case CONSTANT_MINUS_COLUMN -> constantMinusColumn(a, plan, batch);
                case COLUMNS -> columns(a, plan, batch);
            };
        } catch (ArithmeticException e) {
            throw new ArithmeticException("overflow in " + ExprPrinter.print(a) + " (result type " + a.type().sqlName() + ")");
        }
    }

    /**
     * A column and a constant: all NULL when the constant is NULL; an overflow when the constant
     * does not fit the result's scale; otherwise null (the kernel computes the column).
     */
    private ColumnVector constantDecides(Expr.Arithmetic a, ArithmeticPlan plan, int rows) {
        if (plan.literal().isNull()) {
            return broadcast(new Expr.Literal(null, a.type()), rows);
        }
        if (plan.constantOverflows()) {
            throw new ArithmeticException();
        }
        return null;
    }

    private ColumnVector columnConstant(Expr.Arithmetic a, ArithmeticPlan plan, Batch batch) {
        ColumnVector l = operandAt(plan.left(), batch);
        int rows = batch.rowCount();
        ColumnVector decided = constantDecides(a, plan, rows);
        if (decided != null) {
            return decided;
        }
        long c = plan.constant();
        ArithmeticKernels k = kernels.arithmetic();
        ColumnVector out = newVector(a.type(), rows, l.validity());
        switch (a.op()) {
            case ADD -> runLive(batch, (s, n) -> k.addInt64Constant(l.data(), l.validity(), c, s, n, out.data()));
            case SUBTRACT -> {
                long addend = Math.negateExact(c);
                runLive(batch, (s, n) -> k.addInt64Constant(l.data(), l.validity(), addend, s, n, out.data()));
            }
            case MULTIPLY -> runLive(batch, (s, n) -> k.multiplyInt64Constant(l.data(), l.validity(), c, s, n, out.data()));
            default -> throw new IllegalStateException(a.op().name());
        }
        return out;
    }

    private ColumnVector constantMinusColumn(Expr.Arithmetic a, ArithmeticPlan plan, Batch batch) {
        ColumnVector r = operandAt(plan.left(), batch);
        int rows = batch.rowCount();
        ColumnVector decided = constantDecides(a, plan, rows);
        if (decided != null) {
            return decided;
        }
        long c = plan.constant();
        ArithmeticKernels k = kernels.arithmetic();
        ColumnVector out = newVector(a.type(), rows, r.validity());
        runLive(batch, (s, n) -> k.subtractFromConstantInt64(c, r.data(), r.validity(), s, n, out.data()));
        return out;
    }

    private ColumnVector columns(Expr.Arithmetic a, ArithmeticPlan plan, Batch batch) {
        ColumnVector l = operandAt(plan.left(), batch);
        ColumnVector r = operandAt(plan.right(), batch);
        int rows = batch.rowCount();
        ArithmeticKernels k = kernels.arithmetic();
        ColumnVector out = newVector(a.type(), rows, mergeValidity(l.validity(), r.validity(), rows));
        switch (a.op()) {
            case ADD -> runLive(batch, (s, n) -> k.addInt64(l.data(), r.data(), l.validity(), r.validity(), s, n, out.data()));
            case SUBTRACT -> runLive(batch, (s, n) -> k.subtractInt64(l.data(), r.data(), l.validity(), r.validity(), s, n, out.data()));
            case MULTIPLY -> runLive(batch, (s, n) -> k.multiplyInt64(l.data(), r.data(), l.validity(), r.validity(), s, n, out.data()));
            default -> throw new IllegalStateException(a.op().name());
        }
        return out;
    }

    /** A kernel call over a set of rows: {@code sel} (null = dense) and how many. */
    @FunctionalInterface
    interface RowsKernel {
        void run(MemorySegment sel, int count);
    }

    /**
     * Runs a kernel over the batch's live rows. When most rows are live, the dense (SIMD)
     * form over all rows is faster than following the selection; rows outside the selection
     * are then computed too, so an overflow there is not an error: the kernel is re-run on
     * the live rows only, which throws only if a live row overflows.
     */
    static void runLive(Batch batch, RowsKernel kernel) {
        MemorySegment sel = batch.selection() == null ? null : batch.selection().segment();
        int live = batch.liveCount();
        if (sel == null) {
            kernel.run(null, live);
            return;
        }
        if ((long) live * 4 >= (long) batch.rowCount() * DENSE_QUARTERS) {
            try {
                kernel.run(null, batch.rowCount());
                return;
            } catch (ArithmeticException ignored) {
                // an unselected row overflowed; decide on the live rows alone
            }
        }
        kernel.run(sel, live);
    }

    /** Compute densely when at least this many quarters of the rows are live. */
    private static final int DENSE_QUARTERS = 3;

    /** An operand as int64 values at the scale the operation needs (for * each keeps its own). */
    private ColumnVector operandAt(Operand o, Batch batch) {
        ColumnVector v = evaluate(o.expr(), batch);
        ColumnVector wide;
        if (v.type() != o.type()) {
            wide = toInt64(v, batch);
        } else if (o.widen()) {
            wide = widen(v, batch);
        } else {
            wide = v;
        }
        if (o.digits() == 0) {
            return wide;
        }
        ColumnVector out = newVector(DataType.INT64, batch.rowCount(), wide.validity());
        int digits = o.digits();
        runLive(batch, (rs, n) -> kernels.arithmetic().scaleUpInt64(wide.data(), wide.validity(), digits, rs, n, out.data()));
        return out;
    }

    private static long literalAt(Expr.Literal lit, Expr.ArithmeticOp op, int resultScale) {
        long v = lit.longValue();
        if (op == Expr.ArithmeticOp.MULTIPLY) {
            return v;
        }
        return Math.multiplyExact(v, ExprTypes.pow10(resultScale - scaleOf(lit.type())));
    }

    private static int scaleOf(DataType t) {
        return t instanceof DecimalType d ? d.scale() : 0;
    }

    ColumnVector toInt64(ColumnVector v, Batch batch) {
        DataType t = v.type();
        if (t.byteWidth() == 8 && !(t instanceof DataType.Float64Type)) {
            return v;
        }
        if (t instanceof DataType.Int32Type || t instanceof DataType.DateType) {
            return widen(v, batch);
        }
        throw new IllegalArgumentException("expected an integer or decimal, got " + t.sqlName());
    }

    /** A 4-byte integral vector as int64 values at the live rows. */
    private ColumnVector widen(ColumnVector v, Batch batch) {
        ColumnVector out = newVector(DataType.INT64, batch.rowCount(), v.validity());
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            out.setLong(r, v.getInt(r));
        }
        return out;
    }

    ColumnVector toFloat64(ColumnVector v, Batch batch) {
        DataType t = v.type();
        int rows = batch.rowCount();
        switch (t) {
            case DataType.Float64Type f -> { return v; }
            case DecimalType d -> {
                ColumnVector out = newVector(DataType.FLOAT64, rows, v.validity());
                runLive(batch, (rs, n) -> kernels.arithmetic().decimalToFloat64(v.data(), d.scale(), rs, n, out.data()));
                return out;
            }
            default -> {
                ColumnVector wide = toInt64(v, batch);
                ColumnVector out = newVector(DataType.FLOAT64, rows, v.validity());
                for (int i = 0, n = batch.liveCount(); i < n; i++) {
                    int r = batch.liveRow(i);
                    out.setDouble(r, (double) wide.getLong(r));
                }
                return out;
            }
        }
    }

    private ColumnVector floatArithmetic(Expr.Arithmetic a, Batch batch) {
        ColumnVector l = toFloat64(evaluate(a.left(), batch), batch);
        ColumnVector r = toFloat64(evaluate(a.right(), batch), batch);
        int rows = batch.rowCount();
        ColumnVector out = newVector(DataType.FLOAT64, rows, mergeValidity(l.validity(), r.validity(), rows));
        switch (a.op()) {
            case ADD -> addFloats(l, r, batch, out);
            case SUBTRACT -> subtractFloats(l, r, batch, out);
            case MULTIPLY -> multiplyFloats(l, r, batch, out);
            case DIVIDE -> divideFloats(l, r, batch, out);   // x / 0 follows IEEE 754 (±Infinity, NaN for 0/0), as DuckDB 2.0 does
        }
        return out;
    }

    /*
     * The row loops of floatArithmetic, one per operator, each a small method of its own: with
     * the loop (switching on the operator per row) in floatArithmetic, C2 compiled the loop on
     * stack together with evaluate() and the casts around it, 1-2 s per compile (session 20).
     */

    private static void addFloats(ColumnVector l, ColumnVector r, Batch batch, ColumnVector out) {
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int row = batch.liveRow(i);
            out.setDouble(row, l.getDouble(row) + r.getDouble(row));
        }
    }

    private static void subtractFloats(ColumnVector l, ColumnVector r, Batch batch, ColumnVector out) {
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int row = batch.liveRow(i);
            out.setDouble(row, l.getDouble(row) - r.getDouble(row));
        }
    }

    private static void multiplyFloats(ColumnVector l, ColumnVector r, Batch batch, ColumnVector out) {
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int row = batch.liveRow(i);
            out.setDouble(row, l.getDouble(row) * r.getDouble(row));
        }
    }

    private static void divideFloats(ColumnVector l, ColumnVector r, Batch batch, ColumnVector out) {
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int row = batch.liveRow(i);
            out.setDouble(row, l.getDouble(row) / r.getDouble(row));
        }
    }

    /**
     * TRY_CAST: the batch cast at once; where some value does not convert, row by row, each
     * failing row NULL. A pair of types no cast joins is still an error.
     */
    ColumnVector tryCast(ColumnVector v, DataType target, Batch batch) {
        try {
            return cast(v, target, batch);
        } catch (ArithmeticException | IllegalArgumentException e) {
            if (v.type() instanceof DataType.BooleanType) {
                throw e;   // BOOLEAN converts to every type it casts to: not a value's fault
            }
        }
        long width = v.byteWidth();
        int rows = batch.rowCount();
        long vbytes = Validity.bytesFor(rows);
        MemorySegment validity = scratch.take(vbytes);
        validity.fill((byte) -1);
        ColumnVector out = newVector(target, rows, validity);
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (v.isNull(r)) {
                out.setNull(r);
                continue;
            }
            ColumnVector one;
            try {
                ColumnVector row = ColumnVector.wrap(v.type(), 1, v.data().asSlice(r * width, width), null, v.varBuffers());
                one = cast(row, target, new Batch(java.util.List.of(row), 1));
            } catch (ArithmeticException | IllegalArgumentException e) {
                out.setNull(r);
                continue;
            }
            if (one.isNull(0)) {
                out.setNull(r);
            } else if (target instanceof DataType.BooleanType) {
                out.setBoolean(r, one.getBoolean(0));
            } else if (target.byteWidth() == 4) {
                out.setInt(r, one.getInt(0));
            } else if (target.byteWidth() == 8) {
                out.setLong(r, one.getLong(0));
            } else {
                throw new UnsupportedOperationException("not supported: TRY_CAST to " + target.sqlName());
            }
        }
        return out;
    }

    ColumnVector cast(ColumnVector v, DataType target, Batch batch) {
        DataType from = v.type();
        if (from.equals(target)) {
            return v;
        }
        int rows = batch.rowCount();
        if (!ExprTypes.isNumeric(from) || !ExprTypes.isNumeric(target) || target instanceof DataType.Int32Type) {
            return casts.cast(v, target, batch);
        }
        switch (target) {
            case DataType.Float64Type f -> { return toFloat64(v, batch); }
            case DataType.Int64Type l when !(from instanceof DecimalType) && !(from instanceof DataType.Float64Type) -> {
                return toInt64(v, batch);
            }
            case DecimalType d -> {
                ColumnVector out = newVector(target, rows, v.validity());
                if (from instanceof DataType.Float64Type) {
                    for (int i = 0, n = batch.liveCount(); i < n; i++) {
                        int r = batch.liveRow(i);
                        if (!v.isNull(r)) {
                            out.setLong(r, checkedDecimal(BigDecimal.valueOf(v.getDouble(r)).setScale(d.scale(), RoundingMode.HALF_UP), d));
                        }
                    }
                    return out;
                }
                ColumnVector wide = toInt64(v, batch);
                int fromScale = scaleOf(from);
                int wholeDigits = from instanceof DecimalType fd ? fd.precision() - fd.scale() : from.byteWidth() == 4 ? 10 : 19;
                if (wholeDigits > d.precision() - d.scale()) {
                    // the source's range is wider than the target's: each value's whole part must fit
                    checkFits(wide, d.precision() - d.scale() + fromScale, fromScale, d, batch);
                }
                if (d.scale() >= fromScale) {
                    kernels.arithmetic().scaleUpInt64(wide.data(), wide.validity(), d.scale() - fromScale, sel(batch), batch.liveCount(), out.data());
                } else {
                    for (int i = 0, n = batch.liveCount(); i < n; i++) {
                        int r = batch.liveRow(i);
                        if (!wide.isNull(r)) {
                            out.setLong(r, checkedDecimal(BigDecimal.valueOf(wide.getLong(r), fromScale).setScale(d.scale(), RoundingMode.HALF_UP), d));
                        }
                    }
                }
                return out;
            }
            default -> { return casts.cast(v, target, batch); }
        }
    }

    /** Every live value (unscaled, {@code fromScale} decimals) under 10^{@code digits}, else an error naming it. */
    private static void checkFits(ColumnVector wide, int digits, int fromScale, DecimalType type, Batch batch) {
        if (digits >= 19) {
            return;
        }
        long limit = 1;
        for (int k = 0; k < digits; k++) {
            limit *= 10;
        }
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (!wide.isNull(r)) {
                long x = wide.getLong(r);
                if (x >= limit || x <= -limit) {
                    throw new ArithmeticException("value " + BigDecimal.valueOf(x, fromScale).toPlainString()
                            + " is out of range for " + type.sqlName());
                }
            }
        }
    }

    private static long checkedDecimal(BigDecimal value, DecimalType type) {
        if (value.precision() - value.scale() > type.precision() - type.scale()) {
            throw new ArithmeticException("value " + value + " does not fit in " + type.sqlName());
        }
        return value.unscaledValue().longValueExact();
    }

    @Override
    public void close() {
        scratch.close();
    }
}
