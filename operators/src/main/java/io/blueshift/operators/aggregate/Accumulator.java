package io.blueshift.operators.aggregate;

import io.blueshift.kernels.AggregateKernels;
import io.blueshift.memory.Allocation;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.DataType.DecimalType;
import io.blueshift.memory.MemoryPool;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The state of one aggregate for every group: a value slot (int64 or float64) and, once the
 * input has shown a NULL, a count of non-null inputs per group (until then it equals the
 * group's row count, kept by the table). Grows with the group count; memory from the pool.
 */
final class Accumulator implements AutoCloseable {
    private final AggregateCall call;
    private final MemoryPool pool;
    private final boolean floating;     // value slots hold doubles
    private final boolean wideInput;    // input values are 8-byte integers
    private Allocation values;
    private Allocation counts;          // non-null inputs per group, once nulls were seen
    private int capacity;
    /** MIN/MAX of VARCHAR: the best string so far per group (null = none yet), on the heap. */
    private byte[][] strings;

    Accumulator(AggregateCall call, MemoryPool pool, int capacity) {
        this.call = call;
        this.pool = pool;
        DataType in = call.inputType();
        this.floating = in instanceof DataType.Float64Type
                && call.function() != AggregateFunction.COUNT && call.function() != AggregateFunction.COUNT_STAR;
        this.wideInput = in != null && in.byteWidth() == 8 && !(in instanceof DataType.Float64Type);
        grow(capacity);
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
            case MIN -> floating ? Double.doubleToRawLongBits(Double.POSITIVE_INFINITY) : Long.MAX_VALUE;
            case MAX -> floating ? Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY) : Long.MIN_VALUE;
            default -> 0L;
        };
    }

    private boolean stringMinMax() {
        return call.inputType() instanceof DataType.VarcharType
                && (call.function() == AggregateFunction.MIN || call.function() == AggregateFunction.MAX);
    }

    void grow(int newCapacity) {
        if (newCapacity <= capacity) {
            return;
        }
        if (stringMinMax()) {
            strings = strings == null ? new byte[newCapacity][] : java.util.Arrays.copyOf(strings, newCapacity);
        }
        Allocation v = pool.allocateHeap(newCapacity * 8L, "aggregate " + call.name());
        long id = identity();
        if (values != null) {
            MemorySegment.copy(values.segment(), 0, v.segment(), 0, capacity * 8L);
            values.close();
        }
        if (id != 0) {
            for (int g = capacity; g < newCapacity; g++) {
                v.segment().setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, g, id);
            }
        }
        values = v;
        if (counts != null) {
            Allocation c = pool.allocateHeap(newCapacity * 8L, "aggregate " + call.name() + " counts");
            MemorySegment.copy(counts.segment(), 0, c.segment(), 0, capacity * 8L);
            counts.close();
            counts = c;
        }
        capacity = newCapacity;
    }

    /**
     * Folds one batch in: {@code groupIds[i]} is the group of the i-th live row.
     * {@code groupRows} holds each group's row count before this batch.
     */
    void update(AggregateKernels k, ColumnVector input, MemorySegment sel, int n, MemorySegment groupIds,
                MemorySegment groupRows, int groupCount) {
        AggregateFunction f = call.function();
        if (f == AggregateFunction.COUNT_STAR) {
            return; // the table's per-group row counts are the answer
        }
        if (strings != null) {
            boolean min = f == AggregateFunction.MIN;
            for (int i = 0; i < n; i++) {
                int r = sel == null ? i : sel.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
                if (input.isNull(r)) {
                    continue;
                }
                int g = groupIds.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
                byte[] v = input.getStringBytes(r);
                byte[] cur = strings[g];
                if (cur == null || (min ? java.util.Arrays.compareUnsigned(v, cur) < 0 : java.util.Arrays.compareUnsigned(v, cur) > 0)) {
                    strings[g] = v;
                }
            }
            return;
        }
        MemorySegment validity = input.validity();
        if (validity != null && counts == null && f != AggregateFunction.COUNT) {
            counts = pool.allocateHeap(capacity * 8L, "aggregate " + call.name() + " counts");
            MemorySegment.copy(groupRows, 0, counts.segment(), 0, groupCount * 8L);
        }
        if (counts != null && validity != null) {
            k.countGrouped(validity, sel, n, groupIds, counts.segment());
        } else if (counts != null) {
            k.countGrouped(null, sel, n, groupIds, counts.segment());
        }
        MemorySegment data = input.data();
        MemorySegment acc = values.segment();
        switch (f) {
            case COUNT -> k.countGrouped(validity, sel, n, groupIds, acc);
            case SUM, AVG -> {
                if (floating) {
                    k.sumFloat64Grouped(data, validity, sel, n, groupIds, acc);
                } else if (wideInput) {
                    try {
                        k.sumInt64Grouped(data, validity, sel, n, groupIds, acc);
                    } catch (ArithmeticException e) {
                        throw new ArithmeticException("overflow in " + call.name() + ": the sum does not fit in 64 bits");
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        int r = sel == null ? i : sel.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
                        if (!input.isNull(r)) {
                            int g = groupIds.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
                            acc.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, g,
                                    Math.addExact(acc.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, g), input.getInt(r)));
                        }
                    }
                }
            }
            case MIN, MAX -> {
                boolean min = f == AggregateFunction.MIN;
                if (wideInput) {
                    if (min) {
                        k.minInt64Grouped(data, validity, sel, n, groupIds, acc);
                    } else {
                        k.maxInt64Grouped(data, validity, sel, n, groupIds, acc);
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        int r = sel == null ? i : sel.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
                        if (input.isNull(r)) {
                            continue;
                        }
                        int g = groupIds.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
                        if (floating) {
                            double cur = acc.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, g);
                            double v = input.getDouble(r);
                            acc.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, g, min ? Math.min(cur, v) : Math.max(cur, v));
                        } else {
                            long cur = acc.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, g);
                            long v = input.getInt(r);
                            acc.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, g, min ? Math.min(cur, v) : Math.max(cur, v));
                        }
                    }
                }
            }
            default -> throw new IllegalStateException(f.name());
        }
    }

    private long nonNull(int g, MemorySegment groupRows) {
        return counts != null ? counts.segment().getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, g)
                : groupRows.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, g);
    }

    /** Folds group {@code from} of {@code other} (same call) into group {@code to} here. */
    void merge(Accumulator other, int from, MemorySegment otherRows, int to, MemorySegment myRows) {
        if (strings != null) {
            byte[] v = other.strings[from];
            byte[] cur = strings[to];
            boolean min = call.function() == AggregateFunction.MIN;
            if (v != null && (cur == null || (min ? java.util.Arrays.compareUnsigned(v, cur) < 0 : java.util.Arrays.compareUnsigned(v, cur) > 0))) {
                strings[to] = v;
            }
            return;
        }
        MemorySegment mine = values.segment();
        MemorySegment theirs = other.values.segment();
        if (other.counts != null && counts == null) {
            counts = pool.allocateHeap(capacity * 8L, "aggregate " + call.name() + " counts");
            MemorySegment.copy(myRows, 0, counts.segment(), 0, Math.min(capacity, myRows.byteSize() / 8) * 8L);
        }
        if (counts != null) {
            long add = other.nonNull(from, otherRows);
            counts.segment().setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, to, counts.segment().getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, to) + add);
        }
        switch (call.function()) {
            case COUNT_STAR -> { }
            case COUNT -> mine.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, to,
                    mine.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, to) + theirs.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, from));
            case SUM, AVG -> {
                if (floating) {
                    mine.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, to,
                            mine.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, to) + theirs.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, from));
                } else {
                    mine.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, to,
                            Math.addExact(mine.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, to), theirs.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, from)));
                }
            }
            case MIN, MAX -> {
                boolean min = call.function() == AggregateFunction.MIN;
                if (floating) {
                    double a = mine.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, to);
                    double b = theirs.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, from);
                    mine.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, to, min ? Math.min(a, b) : Math.max(a, b));
                } else {
                    long a = mine.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, to);
                    long b = theirs.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, from);
                    mine.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, to, min ? Math.min(a, b) : Math.max(a, b));
                }
            }
        }
    }

    /** Writes each group's final value into {@code out} (rows {@code [0, groups)}). */
    void finish(AggregateFunction f, ColumnVector out, int groups, MemorySegment groupRows) {
        if (strings != null) {
            for (int g = 0; g < groups; g++) {
                if (strings[g] == null) {
                    out.setNull(g);
                } else {
                    out.setString(g, strings[g]);
                }
            }
            return;
        }
        MemorySegment acc = values.segment();
        for (int g = 0; g < groups; g++) {
            if (f == AggregateFunction.COUNT_STAR) {
                out.setLong(g, groupRows.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, g));
                continue;
            }
            if (f == AggregateFunction.COUNT) {
                out.setLong(g, acc.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, g));
                continue;
            }
            long n = nonNull(g, groupRows);
            if (n == 0) {
                out.setNull(g);
                continue;
            }
            switch (f) {
                case AVG -> {
                    double avg;
                    if (floating) {
                        avg = acc.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, g) / n;
                    } else {
                        int scale = call.inputType() instanceof DecimalType d ? d.scale() : 0;
                        avg = BigDecimal.valueOf(acc.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, g), scale)
                                .divide(BigDecimal.valueOf(n), MathContext.DECIMAL128).doubleValue();
                    }
                    out.setDouble(g, avg);
                }
                default -> {
                    DataType t = out.type();
                    if (t instanceof DataType.Float64Type) {
                        out.setDouble(g, acc.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, g));
                    } else if (t.byteWidth() == 4) {
                        out.setInt(g, (int) acc.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, g));
                    } else {
                        out.setLong(g, acc.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, g));
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        values.close();
        if (counts != null) {
            counts.close();
        }
    }
}
