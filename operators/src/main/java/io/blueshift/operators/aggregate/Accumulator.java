package io.blueshift.operators.aggregate;

import io.blueshift.kernels.AggregateKernels;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.DataType.DecimalType;
import io.blueshift.memory.MemoryPool;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;

/**
 * The state of one aggregate for every group: a value slot (int64 or float64) and, once the
 * input has shown a NULL, a count of non-null inputs per group (until then it equals the
 * group's row count, kept by the table). Plain Java arrays (the grouped loops stay tight),
 * grown with the group count and accounted against the query's pool.
 */
final class Accumulator implements AutoCloseable {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    private final AggregateCall call;
    private final HeapAccount account;
    /** Where the state arrays are taken from and handed back to ({@link MemoryPool#newLongs}). */
    private final MemoryPool pool;
    private final boolean floating;     // value slots hold doubles
    private final boolean wideInput;    // input values are 8-byte integers
    private long[] values;              // integer state (null when floating)
    private double[] doubles;           // floating state
    private long[] counts;              // non-null inputs per group, once nulls were seen
    private int capacity;
    /** MIN/MAX of VARCHAR: the best string so far per group (null = none yet), on the heap. */
    private byte[][] strings;

    Accumulator(AggregateCall call, MemoryPool pool, int capacity) {
        this.call = call;
        this.pool = pool;
        this.account = new HeapAccount(pool, "aggregate " + call.name());
        DataType in = call.inputType();
        this.floating = in instanceof DataType.Float64Type
                && call.function() != AggregateFunction.COUNT && call.function() != AggregateFunction.COUNT_STAR;
        this.wideInput = in != null && in.byteWidth() == 8 && !(in instanceof DataType.Float64Type);
        try {
            grow(capacity);
        } catch (RuntimeException e) {
            account.close();
            throw e;
        }
    }

    AggregateCall call() { return call; }

    /**
     * Calls whose running state is the same share one accumulator: SUM(x) and AVG(x) both keep
     * the sum and non-null count of x; COUNT(*) keeps nothing of its own.
     */
    static String stateKey(AggregateCall c) {
        return switch (c.function()) {
            case SUM, AVG -> "sum:" + c.input();
            case COUNT_STAR -> "rows";
            default -> c.function() + ":" + c.input();
        };
    }

    private long identity() {
        return switch (call.function()) {
            case MIN -> Long.MAX_VALUE;
            case MAX -> Long.MIN_VALUE;
            default -> 0L;
        };
    }

    private boolean stringMinMax() {
        return call.inputType() instanceof DataType.VarcharType
                && (call.function() == AggregateFunction.MIN || call.function() == AggregateFunction.MAX);
    }

    private long bytesPerGroup() {
        return (call.function() == AggregateFunction.COUNT_STAR ? 0 : 8) + (counts != null ? 8 : 0) + (strings != null ? 8 : 0);
    }

    void grow(int newCapacity) {
        if (newCapacity <= capacity) {
            return;
        }
        if (stringMinMax() && strings == null) {
            strings = new byte[0][];
        }
        account.resize(bytesPerGroup() * newCapacity + laneBytes());
        if (strings != null) {
            strings = Arrays.copyOf(strings, newCapacity);
        }
        if (call.function() != AggregateFunction.COUNT_STAR) {
            if (floating) {
                doubles = doubles == null ? pool.newDoubles(newCapacity) : pool.resizeDoubles(doubles, newCapacity);
                double id = call.function() == AggregateFunction.MIN ? Double.POSITIVE_INFINITY
                        : call.function() == AggregateFunction.MAX ? Double.NEGATIVE_INFINITY : 0.0;
                Arrays.fill(doubles, capacity, newCapacity, id);
            } else {
                values = values == null ? pool.newLongs(newCapacity) : pool.resizeLongs(values, newCapacity);
                Arrays.fill(values, capacity, newCapacity, identity());
            }
        }
        if (counts != null) {
            counts = pool.resizeLongs(counts, newCapacity);
        }
        capacity = newCapacity;
    }

    /** Puts groups {@code [0, count)} back to their empty state (the table starts over). */
    void reset(int count) {
        if (strings != null) {
            Arrays.fill(strings, 0, count, null);
        }
        if (call.function() != AggregateFunction.COUNT_STAR) {
            if (floating) {
                double id = call.function() == AggregateFunction.MIN ? Double.POSITIVE_INFINITY
                        : call.function() == AggregateFunction.MAX ? Double.NEGATIVE_INFINITY : 0.0;
                Arrays.fill(doubles, 0, count, id);
            } else if (values != null) {
                Arrays.fill(values, 0, count, identity());
            }
        }
        if (counts != null) {
            Arrays.fill(counts, 0, count, 0L);
        }
    }

    /** Starts counting non-null inputs per group: until now every row of a group counted. */
    private void startCounts(long[] groupRows) {
        account.resize((bytesPerGroup() + 8) * capacity + laneBytes());
        long[] c = pool.newLongs(capacity);
        System.arraycopy(groupRows, 0, c, 0, Math.min(groupRows.length, capacity));
        counts = c;
    }

    /** Slots per group while the table has few groups (see {@code GroupTable.update}); a power of two. */
    static final int LANES = 4;
    /** The most groups whose rows are spread over lanes. */
    static final int SPREAD_MAX_GROUPS = 64;
    /** Lane slots: group g's lane l at {@code g * LANES + l}, at the identity between batches. */
    private long[] laneValues;
    private double[] laneDoubles;
    private long[] laneCounts;

    /**
     * Folds one batch in: {@code groupIds[i]} is the group of the i-th live row.
     * {@code groupRows} holds each group's row count before this batch. When {@code spreadIds}
     * is not null ({@code groups} groups, at most {@link #SPREAD_MAX_GROUPS}), it holds
     * {@code groupIds[i] * LANES + (i % LANES)}: the batch goes into lane slots by it, which are
     * then folded into the groups.
     */
    void update(AggregateKernels k, ColumnVector input, int[] rows, int n, int[] groupIds, long[] groupRows,
                int[] spreadIds, int groups) {
        AggregateFunction f = call.function();
        if (spreadIds == null || strings != null || f == AggregateFunction.COUNT_STAR) {
            updateDirect(k, input, rows, n, groupIds, groupRows);
            return;
        }
        if (input.validity() != null && counts == null && f != AggregateFunction.COUNT) {
            startCounts(groupRows);
        }
        if (laneValues == null && laneDoubles == null) {
            int slots = LANES * SPREAD_MAX_GROUPS;
            account.resize(bytesPerGroup() * capacity + 16L * slots);   // = laneBytes() once allocated
            if (floating) {
                laneDoubles = new double[slots];
                Arrays.fill(laneDoubles, doubleIdentity());
            } else {
                laneValues = new long[slots];
                Arrays.fill(laneValues, identity());
            }
            laneCounts = new long[slots];
        }
        long[] v = values;
        double[] d = doubles;
        long[] c = counts;
        values = floating ? null : laneValues;
        doubles = floating ? laneDoubles : null;
        counts = c == null ? null : laneCounts;
        try {
            updateDirect(k, input, rows, n, spreadIds, null);
        } finally {
            values = v;
            doubles = d;
            counts = c;
        }
        fold(f, groups);
    }

    /** Folds the lane slots of groups {@code [0, groups)} into their groups and resets them. */
    private void fold(AggregateFunction f, int groups) {
        if (counts != null) {
            long[] lc = laneCounts;
            for (int g = 0; g < groups; g++) {
                long sum = 0;
                for (int l = 0; l < LANES; l++) {
                    sum += lc[g * LANES + l];
                    lc[g * LANES + l] = 0;
                }
                counts[g] += sum;
            }
        }
        boolean min = f == AggregateFunction.MIN;
        if (floating) {
            double id = doubleIdentity();
            double[] ld = laneDoubles;
            for (int g = 0; g < groups; g++) {
                double acc = doubles[g];
                for (int l = 0; l < LANES; l++) {
                    double x = ld[g * LANES + l];
                    acc = switch (f) {
                        case MIN -> Math.min(acc, x);
                        case MAX -> Math.max(acc, x);
                        default -> acc + x;
                    };
                    ld[g * LANES + l] = id;
                }
                doubles[g] = acc;
            }
            return;
        }
        long id = identity();
        long[] lv = laneValues;
        for (int g = 0; g < groups; g++) {
            long acc = values[g];
            for (int l = 0; l < LANES; l++) {
                long x = lv[g * LANES + l];
                if (f == AggregateFunction.MIN || f == AggregateFunction.MAX) {
                    acc = min ? Math.min(acc, x) : Math.max(acc, x);
                } else {
                    try {
                        acc = Math.addExact(acc, x);
                    } catch (ArithmeticException e) {
                        throw new ArithmeticException("overflow in " + call.name() + ": the sum does not fit in 64 bits");
                    }
                }
                lv[g * LANES + l] = id;
            }
            values[g] = acc;
        }
    }

    /** Bytes of the lane slots (value and count per slot), once allocated. */
    private long laneBytes() {
        return laneCounts == null ? 0 : 16L * LANES * SPREAD_MAX_GROUPS;
    }

    private double doubleIdentity() {
        return call.function() == AggregateFunction.MIN ? Double.POSITIVE_INFINITY
                : call.function() == AggregateFunction.MAX ? Double.NEGATIVE_INFINITY : 0.0;
    }

    /**
     * Folds one batch in with the few-group kernels when this is an integer SUM, AVG or COUNT:
     * {@code rowGroups[r]} is row r's group (-1: not live) for rows {@code [0, span)}. Returns
     * false, having done nothing, for the other aggregates.
     */
    boolean updateFew(AggregateKernels k, ColumnVector input, int[] rowGroups, int span, int groups, long[] groupRows) {
        AggregateFunction f = call.function();
        if (f == AggregateFunction.COUNT_STAR) {
            return true; // the table's per-group row counts are the answer
        }
        boolean sum = (f == AggregateFunction.SUM || f == AggregateFunction.AVG) && wideInput && !floating;
        if (strings != null || !(sum || f == AggregateFunction.COUNT)) {
            return false;
        }
        MemorySegment validity = input.validity();
        if (f == AggregateFunction.COUNT) {
            k.countFewGroups(validity, rowGroups, span, groups, values);
            return true;
        }
        if (validity != null && counts == null) {
            startCounts(groupRows);
        }
        if (counts != null) {
            k.countFewGroups(validity, rowGroups, span, groups, counts);
        }
        try {
            k.sumInt64FewGroups(input.data(), validity, rowGroups, span, groups, values);
        } catch (ArithmeticException e) {
            throw new ArithmeticException("overflow in " + call.name() + ": the sum does not fit in 64 bits");
        }
        return true;
    }

    private void updateDirect(AggregateKernels k, ColumnVector input, int[] rows, int n, int[] groupIds, long[] groupRows) {
        AggregateFunction f = call.function();
        if (f == AggregateFunction.COUNT_STAR) {
            return; // the table's per-group row counts are the answer
        }
        if (strings != null) {
            boolean min = f == AggregateFunction.MIN;
            for (int i = 0; i < n; i++) {
                int r = rows == null ? i : rows[i];
                if (input.isNull(r)) {
                    continue;
                }
                int g = groupIds[i];
                byte[] v = input.getStringBytes(r);
                byte[] cur = strings[g];
                if (cur == null || (min ? Arrays.compareUnsigned(v, cur) < 0 : Arrays.compareUnsigned(v, cur) > 0)) {
                    strings[g] = v;
                }
            }
            return;
        }
        MemorySegment validity = input.validity();
        if (validity != null && counts == null && f != AggregateFunction.COUNT) {
            startCounts(groupRows);
        }
        if (counts != null) {
            k.countGrouped(validity, rows, n, groupIds, counts);
        }
        MemorySegment data = input.data();
        switch (f) {
            case COUNT -> k.countGrouped(validity, rows, n, groupIds, values);
            case SUM, AVG -> {
                if (floating) {
                    k.sumFloat64Grouped(data, validity, rows, n, groupIds, doubles);
                } else if (wideInput) {
                    try {
                        k.sumInt64Grouped(data, validity, rows, n, groupIds, values);
                    } catch (ArithmeticException e) {
                        throw new ArithmeticException("overflow in " + call.name() + ": the sum does not fit in 64 bits");
                    }
                } else {
                    long[] acc = values;
                    for (int i = 0; i < n; i++) {
                        int r = rows == null ? i : rows[i];
                        if (!input.isNull(r)) {
                            int g = groupIds[i];
                            acc[g] = Math.addExact(acc[g], data.getAtIndex(INT, r));
                        }
                    }
                }
            }
            case MIN, MAX -> {
                boolean min = f == AggregateFunction.MIN;
                if (wideInput) {
                    if (min) {
                        k.minInt64Grouped(data, validity, rows, n, groupIds, values);
                    } else {
                        k.maxInt64Grouped(data, validity, rows, n, groupIds, values);
                    }
                } else if (floating) {
                    double[] acc = doubles;
                    for (int i = 0; i < n; i++) {
                        int r = rows == null ? i : rows[i];
                        if (!input.isNull(r)) {
                            int g = groupIds[i];
                            double v = data.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, r);
                            acc[g] = min ? Math.min(acc[g], v) : Math.max(acc[g], v);
                        }
                    }
                } else {
                    long[] acc = values;
                    for (int i = 0; i < n; i++) {
                        int r = rows == null ? i : rows[i];
                        if (!input.isNull(r)) {
                            int g = groupIds[i];
                            long v = data.getAtIndex(INT, r);
                            acc[g] = min ? Math.min(acc[g], v) : Math.max(acc[g], v);
                        }
                    }
                }
            }
            default -> throw new IllegalStateException(f.name());
        }
    }

    private long nonNull(int g, long[] groupRows) {
        return counts != null ? counts[g] : groupRows[g];
    }

    /**
     * Folds groups {@code from[i]} of {@code other} (same call) into groups {@code to[i]} here,
     * {@code i < n}, as {@link #merge} per pair (with the rows of the groups {@code to} not yet
     * added to {@code myRows}), the function's case chosen once: one loop per state kind.
     */
    void mergeGroups(Accumulator other, int[] from, int[] to, int n, long[] otherRows, long[] myRows) {
        if (n == 0) {
            return;
        }
        if (strings != null) {
            for (int i = 0; i < n; i++) {
                merge(other, from[i], otherRows, to[i], myRows);
            }
            return;
        }
        if (other.counts != null && counts == null) {
            startCounts(myRows);
        }
        if (counts != null) {
            long[] c = counts;
            if (other.counts != null) {
                long[] oc = other.counts;
                for (int i = 0; i < n; i++) {
                    c[to[i]] += oc[from[i]];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    c[to[i]] += otherRows[from[i]];
                }
            }
        }
        boolean min = call.function() == AggregateFunction.MIN;
        switch (call.function()) {
            case COUNT_STAR -> { }
            case COUNT -> addLongs(other.values, from, to, n, values);
            case SUM, AVG -> {
                if (floating) {
                    double[] d = doubles;
                    double[] od = other.doubles;
                    for (int i = 0; i < n; i++) {
                        d[to[i]] += od[from[i]];
                    }
                } else {
                    addLongsExact(other.values, from, to, n, values);
                }
            }
            case MIN, MAX -> {
                if (floating) {
                    double[] d = doubles;
                    double[] od = other.doubles;
                    for (int i = 0; i < n; i++) {
                        int t = to[i];
                        d[t] = min ? Math.min(d[t], od[from[i]]) : Math.max(d[t], od[from[i]]);
                    }
                } else {
                    long[] v = values;
                    long[] ov = other.values;
                    for (int i = 0; i < n; i++) {
                        int t = to[i];
                        v[t] = min ? Math.min(v[t], ov[from[i]]) : Math.max(v[t], ov[from[i]]);
                    }
                }
            }
        }
    }

    private static void addLongs(long[] src, int[] from, int[] to, int n, long[] dst) {
        for (int i = 0; i < n; i++) {
            dst[to[i]] += src[from[i]];
        }
    }

    private static void addLongsExact(long[] src, int[] from, int[] to, int n, long[] dst) {
        for (int i = 0; i < n; i++) {
            dst[to[i]] = Math.addExact(dst[to[i]], src[from[i]]);
        }
    }

    /** Folds group {@code from} of {@code other} (same call) into group {@code to} here. */
    void merge(Accumulator other, int from, long[] otherRows, int to, long[] myRows) {
        if (strings != null) {
            byte[] v = other.strings[from];
            byte[] cur = strings[to];
            boolean min = call.function() == AggregateFunction.MIN;
            if (v != null && (cur == null || (min ? Arrays.compareUnsigned(v, cur) < 0 : Arrays.compareUnsigned(v, cur) > 0))) {
                strings[to] = v;
            }
            return;
        }
        if (other.counts != null && counts == null) {
            startCounts(myRows);
        }
        if (counts != null) {
            counts[to] += other.nonNull(from, otherRows);
        }
        switch (call.function()) {
            case COUNT_STAR -> { }
            case COUNT -> values[to] += other.values[from];
            case SUM, AVG -> {
                if (floating) {
                    doubles[to] += other.doubles[from];
                } else {
                    values[to] = Math.addExact(values[to], other.values[from]);
                }
            }
            case MIN, MAX -> {
                boolean min = call.function() == AggregateFunction.MIN;
                if (floating) {
                    doubles[to] = min ? Math.min(doubles[to], other.doubles[from]) : Math.max(doubles[to], other.doubles[from]);
                } else {
                    values[to] = min ? Math.min(values[to], other.values[from]) : Math.max(values[to], other.values[from]);
                }
            }
        }
    }

    /**
     * Writes each group's final value into {@code out} (rows {@code [0, groups)}). One small
     * loop per shape (strings, COUNT(*), COUNT, AVG, the value as it is): a single loop that
     * tested the function per group was compiled for the shapes the queries so far had used
     * and trapped (unstable_if) and was compiled again at each new one.
     */
    void finish(AggregateFunction f, ColumnVector out, int groups, long[] groupRows) {
        if (strings != null) {
            finishStrings(strings, out, groups);
        } else if (f == AggregateFunction.COUNT_STAR) {
            finishLongs(groupRows, out, groups);
        } else if (f == AggregateFunction.COUNT) {
            finishLongs(values, out, groups);
        } else {
            long[] nonNull = counts != null ? counts : groupRows;
            if (f == AggregateFunction.AVG) {
                if (floating) {
                    finishFloatingAvg(doubles, nonNull, out, groups);
                } else {
                    int scale = call.inputType() instanceof DecimalType d ? d.scale() : 0;
                    finishDecimalAvg(values, scale, nonNull, out, groups);
                }
            } else {
                DataType t = out.type();
                if (t instanceof DataType.Float64Type) {
                    if (floating) {
                        finishDoubles(doubles, nonNull, out, groups);
                    } else {
                        finishDoubleBits(values, nonNull, out, groups);
                    }
                } else if (t.byteWidth() == 4) {
                    finishInts(values, nonNull, out, groups);
                } else {
                    finishLongs(values, nonNull, out, groups);
                }
            }
        }
    }

    private static void finishStrings(byte[][] strings, ColumnVector out, int groups) {
        for (int g = 0; g < groups; g++) {
            if (strings[g] == null) {
                out.setNull(g);
            } else {
                out.setString(g, strings[g]);
            }
        }
    }

    /** COUNT(*) and COUNT: never NULL. */
    private static void finishLongs(long[] values, ColumnVector out, int groups) {
        for (int g = 0; g < groups; g++) {
            out.setLong(g, values[g]);
        }
    }

    private static void finishFloatingAvg(double[] sums, long[] nonNull, ColumnVector out, int groups) {
        for (int g = 0; g < groups; g++) {
            long n = nonNull[g];
            if (n == 0) {
                out.setNull(g);
            } else {
                out.setDouble(g, sums[g] / n);
            }
        }
    }

    private static void finishDecimalAvg(long[] sums, int scale, long[] nonNull, ColumnVector out, int groups) {
        for (int g = 0; g < groups; g++) {
            long n = nonNull[g];
            if (n == 0) {
                out.setNull(g);
            } else {
                out.setDouble(g, BigDecimal.valueOf(sums[g], scale)
                        .divide(BigDecimal.valueOf(n), MathContext.DECIMAL128).doubleValue());
            }
        }
    }

    private static void finishDoubles(double[] values, long[] nonNull, ColumnVector out, int groups) {
        for (int g = 0; g < groups; g++) {
            if (nonNull[g] == 0) {
                out.setNull(g);
            } else {
                out.setDouble(g, values[g]);
            }
        }
    }

    /** A floating result kept as the bits of a double in the integer slots. */
    private static void finishDoubleBits(long[] values, long[] nonNull, ColumnVector out, int groups) {
        for (int g = 0; g < groups; g++) {
            if (nonNull[g] == 0) {
                out.setNull(g);
            } else {
                out.setDouble(g, Double.longBitsToDouble(values[g]));
            }
        }
    }

    private static void finishInts(long[] values, long[] nonNull, ColumnVector out, int groups) {
        for (int g = 0; g < groups; g++) {
            if (nonNull[g] == 0) {
                out.setNull(g);
            } else {
                out.setInt(g, (int) values[g]);
            }
        }
    }

    private static void finishLongs(long[] values, long[] nonNull, ColumnVector out, int groups) {
        for (int g = 0; g < groups; g++) {
            if (nonNull[g] == 0) {
                out.setNull(g);
            } else {
                out.setLong(g, values[g]);
            }
        }
    }

    @Override
    public void close() {
        account.close();
        // the state arrays never leave the accumulator (finish copies them into vectors)
        pool.recycle(values);
        pool.recycle(doubles);
        pool.recycle(counts);
        values = null;
        doubles = null;
        counts = null;
        capacity = 0;
    }
}
