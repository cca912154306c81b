package io.blueshift.operators.expr;

import io.blueshift.kernels.KernelProvider;
import io.blueshift.kernels.Kernels;
import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.SelectionVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Expressions evaluated directly over hand-made batches, with both kernel providers; the pool
 * is closed after each test, so every test is also a leak check.
 */
abstract class ExprTestBase {
    protected MemoryPool pool;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void openPool() {
        pool = MemoryPool.unbounded(getClass().getSimpleName());
    }

    @AfterEach
    void closePool() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        pool.close();
    }

    static List<KernelProvider> providers() {
        List<KernelProvider> p = new ArrayList<>(List.of(Kernels.scalar()));
        Kernels.vectorized().ifPresent(p::add);
        return p;
    }

    /** A column of Java values (null = SQL NULL): Integer, Long, Double, BigDecimal, LocalDate, String, Boolean. */
    protected ColumnVector column(DataType type, Object... values) {
        ColumnVector v = ColumnVector.allocate(pool, type, Math.max(values.length, 1), true, "test column");
        open.add(v);
        for (int i = 0; i < values.length; i++) {
            Object x = values[i];
            if (x == null) {
                v.setNull(i);
                continue;
            }
            switch (type) {
                case DataType.BooleanType t -> v.setBoolean(i, (Boolean) x);
                case DataType.Int32Type t -> v.setInt(i, ((Number) x).intValue());
                case DataType.Int64Type t -> v.setLong(i, ((Number) x).longValue());
                case DataType.Float64Type t -> v.setDouble(i, ((Number) x).doubleValue());
                case DataType.DateType t -> v.setInt(i, (int) (x instanceof LocalDate d ? d.toEpochDay() : LocalDate.parse(x.toString()).toEpochDay()));
                case DataType.TimestampType t -> v.setLong(i, ((Number) x).longValue());
                case DataType.DecimalType t -> v.setLong(i, new BigDecimal(x.toString()).setScale(t.scale()).unscaledValue().longValueExact());
                case DataType.VarcharType t -> v.setString(i, (String) x);
            }
        }
        return v;
    }

    protected static Batch batch(ColumnVector... columns) {
        return new Batch(Arrays.asList(columns), columns.length == 0 ? 0 : columns[0].capacity());
    }

    /** The batch with only {@code live} rows selected. */
    protected SelectionVector selection(int... live) {
        io.blueshift.memory.Allocation a = pool.allocate(Math.max(4L, live.length * 4L), "test selection");
        open.add(a);
        MemorySegment s = a.segment();
        SelectionVector sel = new SelectionVector(s, live.length);
        for (int i = 0; i < live.length; i++) {
            s.setAtIndex(ValueLayout.JAVA_INT, i, live[i]);
        }
        return sel;
    }

    protected ExpressionEvaluator evaluator(KernelProvider kernels) {
        ExpressionEvaluator e = new ExpressionEvaluator(kernels, pool);
        open.add(e);
        return e;
    }

    /** Values of {@code e} at the live rows, as Java objects (see ColumnVector.getObject). */
    protected static List<Object> values(ExpressionEvaluator ev, Expr e, Batch b) {
        ev.reset();
        ColumnVector v = ev.evaluate(e, b);
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < b.liveCount(); i++) {
            out.add(v.getObject(b.liveRow(i)));
        }
        return out;
    }

    /** Live rows (positions in the live list) for which {@code e} is TRUE as a filter. */
    protected List<Integer> selected(ExpressionEvaluator ev, Expr e, Batch b) {
        ev.reset();
        PredicateEvaluator p = new PredicateEvaluator(ev.kernels(), ev);
        MemorySegment out = ev.scratch().take(Math.max(4L, b.rowCount() * 4L));
        int n = p.select(e, b, out);
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(out.getAtIndex(ValueLayout.JAVA_INT, i));
        }
        return rows;
    }

    static Expr.ColumnRef col(int i, DataType t) {
        return new Expr.ColumnRef(i, t, "c" + i);
    }

    static List<Object> list(Object... xs) {
        return Arrays.asList(xs);
    }
}
