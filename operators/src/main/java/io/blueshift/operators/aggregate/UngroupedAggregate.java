package io.blueshift.operators.aggregate;

import io.blueshift.kernels.AggregateKernels;
import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.DataType.DecimalType;
import io.blueshift.memory.Field;
import io.blueshift.memory.Schema;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.exec.MaterializedResults;
import io.blueshift.operators.exec.Sink;
import io.blueshift.operators.exec.SinkState;

import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Aggregates without GROUP BY: one running value per aggregate and worker, updated by the
 * whole-batch kernels (SIMD sums, min/max), merged on combine. Always one output row: SUM,
 * MIN, MAX and AVG of no rows are NULL, COUNT is 0.
 */
public final class UngroupedAggregate implements Sink {
    private final Schema input;
    private final List<AggregateCall> calls;
    private final Schema schema;
    private final Local global;

    public UngroupedAggregate(Schema input, List<AggregateCall> calls) {
        this.input = input;
        this.calls = List.copyOf(calls);
        List<Field> fields = new ArrayList<>();
        for (AggregateCall c : calls) {
            fields.add(new Field(c.name(), c.resultType(), true));
        }
        this.schema = new Schema(fields);
        this.global = new Local(this.calls);
    }

    @Override
    public Schema outputSchema() { return schema; }

    private static final class Local implements SinkState {
        final long[] longs;       // sums of integers/decimals, min/max of integers
        final double[] doubles;   // sums and min/max of floats
        final long[] counts;      // non-null inputs (or rows for COUNT(*))
        final byte[][] strings;   // MIN/MAX of VARCHAR: best so far
        AggregateKernels kernels;

        Local(List<AggregateCall> calls) {
            int n = calls.size();
            longs = new long[n];
            doubles = new double[n];
            counts = new long[n];
            strings = new byte[n][];
            for (int i = 0; i < n; i++) {
                switch (calls.get(i).function()) {
                    case MIN -> { longs[i] = Long.MAX_VALUE; doubles[i] = Double.POSITIVE_INFINITY; }
                    case MAX -> { longs[i] = Long.MIN_VALUE; doubles[i] = Double.NEGATIVE_INFINITY; }
                    default -> { }
                }
            }
        }

        @Override
        public void close() {
        }
    }

    @Override
    public SinkState createLocalState(ExecutionContext ctx) {
        Local l = new Local(calls);
        l.kernels = ctx.kernels().aggregate();
        return l;
    }

    @Override
    public void sink(Batch batch, SinkState state) {
        Local l = (Local) state;
        AggregateKernels k = l.kernels;
        int n = batch.liveCount();
        if (n == 0) {
            return;
        }
        MemorySegment sel = batch.selection() == null ? null : batch.selection().segment();
        for (int a = 0; a < calls.size(); a++) {
            AggregateCall call = calls.get(a);
            if (call.function() == AggregateFunction.COUNT_STAR) {
                l.counts[a] += n;
                continue;
            }
            ColumnVector v = batch.column(call.input());
            MemorySegment data = v.data();
            MemorySegment validity = v.validity();
            long valid = validity == null ? n : k.countValid(validity, sel, n);
            l.counts[a] += valid;
            if (call.function() == AggregateFunction.COUNT || valid == 0) {
                continue;
            }
            DataType t = v.type();
            if (t instanceof DataType.VarcharType) {
                boolean min = call.function() == AggregateFunction.MIN;
                for (int i = 0; i < n; i++) {
                    int r = batch.liveRow(i);
                    if (!v.isNull(r)) {
                        l.strings[a] = better(min, v.getStringBytes(r), l.strings[a]);
                    }
                }
                continue;
            }
            boolean floating = t instanceof DataType.Float64Type;
            boolean narrow = t.byteWidth() == 4;
            switch (call.function()) {
                case SUM, AVG -> {
                    if (floating) {
                        l.doubles[a] += k.sumFloat64(data, validity, sel, n);
                    } else {
                        try {
                            long s = narrow ? k.sumInt32(data, validity, sel, n) : k.sumInt64(data, validity, sel, n);
                            l.longs[a] = Math.addExact(l.longs[a], s);
                        } catch (ArithmeticException e) {
                            throw new ArithmeticException("overflow in " + call.name() + ": the sum does not fit in 64 bits");
                        }
                    }
                }
                case MIN -> {
                    if (floating) l.doubles[a] = Math.min(l.doubles[a], k.minFloat64(data, validity, sel, n));
                    else l.longs[a] = Math.min(l.longs[a], narrow ? k.minInt32(data, validity, sel, n) : k.minInt64(data, validity, sel, n));
                }
                case MAX -> {
                    if (floating) l.doubles[a] = Math.max(l.doubles[a], k.maxFloat64(data, validity, sel, n));
                    else l.longs[a] = Math.max(l.longs[a], narrow ? k.maxInt32(data, validity, sel, n) : k.maxInt64(data, validity, sel, n));
                }
                default -> throw new IllegalStateException(call.function().name());
            }
        }
    }

    private static byte[] better(boolean min, byte[] candidate, byte[] current) {
        if (candidate == null) {
            return current;
        }
        if (current == null) {
            return candidate;
        }
        int cmp = java.util.Arrays.compareUnsigned(candidate, current);
        return (min ? cmp < 0 : cmp > 0) ? candidate : current;
    }

    @Override
    public synchronized void combine(SinkState state) {
        Local l = (Local) state;
        for (int a = 0; a < calls.size(); a++) {
            global.counts[a] += l.counts[a];
            if (l.strings[a] != null || global.strings[a] != null) {
                global.strings[a] = better(calls.get(a).function() == AggregateFunction.MIN, l.strings[a], global.strings[a]);
                continue;
            }
            switch (calls.get(a).function()) {
                case SUM, AVG -> {
                    global.doubles[a] += l.doubles[a];
                    global.longs[a] = Math.addExact(global.longs[a], l.longs[a]);
                }
                case MIN -> {
                    global.doubles[a] = Math.min(global.doubles[a], l.doubles[a]);
                    global.longs[a] = Math.min(global.longs[a], l.longs[a]);
                }
                case MAX -> {
                    global.doubles[a] = Math.max(global.doubles[a], l.doubles[a]);
                    global.longs[a] = Math.max(global.longs[a], l.longs[a]);
                }
                default -> { }
            }
        }
    }

    @Override
    public MaterializedResult finish(ExecutionContext ctx) {
        List<ColumnVector> columns = new ArrayList<>();
        try {
            for (int a = 0; a < calls.size(); a++) {
                AggregateCall call = calls.get(a);
                DataType type = call.resultType();
                ColumnVector v = ColumnVector.allocate(ctx.pool(), type, 1, false, call.name());
                columns.add(v);
                long count = global.counts[a];
                switch (call.function()) {
                    case COUNT_STAR, COUNT -> v.setLong(0, count);
                    default -> {
                        if (count == 0) {
                            v.setNull(0);
                        } else if (type instanceof DataType.VarcharType) {
                            v.setString(0, global.strings[a]);
                        } else if (call.function() == AggregateFunction.AVG) {
                            if (call.inputType() instanceof DataType.Float64Type) {
                                v.setDouble(0, global.doubles[a] / count);
                            } else {
                                int scale = call.inputType() instanceof DecimalType d ? d.scale() : 0;
                                v.setDouble(0, BigDecimal.valueOf(global.longs[a], scale)
                                        .divide(BigDecimal.valueOf(count), MathContext.DECIMAL128).doubleValue());
                            }
                        } else if (type instanceof DataType.Float64Type) {
                            v.setDouble(0, global.doubles[a]);
                        } else if (type.byteWidth() == 4) {
                            v.setInt(0, (int) global.longs[a]);
                        } else {
                            v.setLong(0, global.longs[a]);
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            columns.forEach(ColumnVector::close);
            throw e;
        }
        return MaterializedResults.chunked(schema, columns, 1, ctx.batchRows());
    }

    @Override
    public String describe() {
        List<String> aggs = new ArrayList<>();
        for (AggregateCall c : calls) {
            aggs.add(c.describe(c.input() < 0 ? "*" : input.field(c.input()).name()) + " AS " + c.name());
        }
        return "UngroupedAggregate " + aggs;
    }
}
