package io.blueshift.operators.holistic;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Schema;
import io.blueshift.operators.aggregate.HeapAccount;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.order.OrderBy;
import io.blueshift.operators.order.SortKey;
import io.blueshift.operators.set.ConstantRows;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * GROUP BY with aggregates that need all of a group's values at once (MEDIAN and the other
 * quantiles, MODE, STRING_AGG in a given order) or more than one column (ARG_MIN, ARG_MAX),
 * apart from the hash aggregation: the materialized input is sorted by the group keys, then
 * each group's rows are read in one pass and every aggregate of the query (the plain ones
 * too, so one operator answers the GROUP BY) is computed from them. Meant for the queries that
 * ask for these functions; plain GROUP BYs keep the hash aggregation.
 *
 * <p>Values are handled as in {@code Expr.Literal}: Long for INT32, INT64, DATE days,
 * TIMESTAMP microseconds and DECIMAL unscaled values; Double; String; Boolean.
 */
public final class GroupAggregates {
    private GroupAggregates() {}

    private static final int CHECK_MASK = (1 << 14) - 1;

    public static MaterializedResult evaluate(MaterializedResult input, int[] keys, List<GroupCall> calls, Schema outSchema,
                                              ExecutionContext ctx) {
        List<SortKey> sortKeys = new ArrayList<>();
        for (int k : keys) {
            sortKeys.add(SortKey.asc(k));
        }
        try (MaterializedResult sorted = OrderBy.sort(input, sortKeys, 0, Long.MAX_VALUE, ctx);
             HeapBytes rowIndex = new HeapBytes(ctx, "holistic aggregate row index");
             HeapBytes groups = new HeapBytes(ctx, "holistic aggregate groups");
             HeapBytes values = new HeapBytes(ctx, "holistic aggregate values")) {
            rowIndex.atLeast(sorted.rowCount() * 8L);
            Rows rows = new Rows(sorted.batches(), Math.toIntExact(sorted.rowCount()));
            List<List<Object>> out = new ArrayList<>();
            long outBytes = 0;
            int start = 0;
            if (rows.count == 0 && keys.length == 0) {
                out.add(group(rows, 0, 0, keys, calls, input.schema()));
            }
            for (int i = 1; i <= rows.count; i++) {
                if ((i & CHECK_MASK) == 0) {
                    ctx.checkCancelled();
                }
                if (i == rows.count || !sameKeys(rows, i - 1, i, keys)) {
                    // a group's values are boxed on the heap while its aggregates are computed
                    values.atLeast((long) (i - start) * VALUE_BYTES);
                    List<Object> g = group(rows, start, i, keys, calls, input.schema());
                    out.add(g);
                    outBytes += heapBytes(g);
                    groups.atLeast(outBytes);
                    start = i;
                }
            }
            return ConstantRows.materialize(outSchema, out, ctx);
        }
    }

    /** Heap bytes of one boxed value in a group's value list: the reference, the box, a share of the list. */
    private static final long VALUE_BYTES = 32;

    /** About the heap bytes of an output row: the list and its boxed values (strings by their length). */
    private static long heapBytes(List<Object> row) {
        long bytes = 24 + 8L * row.size();
        for (Object o : row) {
            bytes += o instanceof String str ? 40 + 2L * str.length() : 24;
        }
        return bytes;
    }

    /**
     * Heap bytes accounted against the query's pool ({@link HeapAccount}), grown by half again
     * as they are needed, so a query past its memory limit fails with the pool's "memory limit
     * exceeded" error instead of exhausting the Java heap.
     */
    private static final class HeapBytes implements AutoCloseable {
        private final HeapAccount account;
        private long size;

        HeapBytes(ExecutionContext ctx, String owner) {
            this.account = new HeapAccount(ctx.pool(), owner);
        }

        void atLeast(long bytes) {
            if (bytes > size) {
                long next = Math.max(bytes, size + size / 2);
                account.resize(next);
                size = next;
            }
        }

        @Override
        public void close() {
            account.close();
        }
    }

    /** The sorted, dense input's row {@code i} as (batch, row). */
    private static final class Rows {
        final List<Batch> batches;
        final int[] batch;
        final int[] row;
        final int count;

        Rows(List<Batch> batches, int count) {
            this.batches = batches;
            this.count = count;
            this.batch = new int[count];
            this.row = new int[count];
            int k = 0;
            for (int b = 0; b < batches.size(); b++) {
                Batch bt = batches.get(b);
                for (int i = 0; i < bt.liveCount(); i++) {
                    batch[k] = b;
                    row[k] = bt.liveRow(i);
                    k++;
                }
            }
        }

        ColumnVector column(int i, int c) {
            return batches.get(batch[i]).column(c);
        }

        Object value(int i, int c) {
            return raw(column(i, c), row[i]);
        }

        boolean isNull(int i, int c) {
            return column(i, c).isNull(row[i]);
        }
    }

    /** A value as {@code Expr.Literal} holds it (see the class comment). */
    public static Object raw(ColumnVector v, int r) {
        if (v.isNull(r)) {
            return null;
        }
        return switch (v.type()) {
            case DataType.BooleanType t -> v.getBoolean(r);
            case DataType.Float64Type t -> v.getDouble(r);
            case DataType.VarcharType t -> v.getString(r);
            default -> v.byteWidth() == 4 ? (long) v.getInt(r) : v.getLong(r);
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Object a, Object b) {
        return ((Comparable) a).compareTo(b);
    }

    private static boolean sameKeys(Rows rows, int a, int b, int[] keys) {
        for (int k : keys) {
            ColumnVector x = rows.column(a, k);
            ColumnVector y = rows.column(b, k);
            boolean nx = x.isNull(rows.row[a]);
            boolean ny = y.isNull(rows.row[b]);
            if (nx != ny || (!nx && ColumnVector.compareValues(x, rows.row[a], y, rows.row[b]) != 0)) {
                return false;
            }
        }
        return true;
    }

    private static List<Object> group(Rows rows, int from, int to, int[] keys, List<GroupCall> calls, Schema in) {
        List<Object> out = new ArrayList<>(keys.length + calls.size());
        for (int k : keys) {
            out.add(rows.value(from, k));
        }
        for (GroupCall c : calls) {
            out.add(compute(c, rows, from, to, in));
        }
        return out;
    }

    /** The non-null values of the call's input in the group, in the call's order (else input order). */
    private static List<Object> values(GroupCall c, Rows rows, int from, int to) {
        Integer[] order = null;
        if (!c.order().isEmpty()) {
            order = new Integer[to - from];
            for (int i = from; i < to; i++) {
                order[i - from] = i;
            }
            Arrays.sort(order, (x, y) -> {
                for (SortKey k : c.order()) {
                    boolean nx = rows.isNull(x, k.column());
                    boolean ny = rows.isNull(y, k.column());
                    int cmp;
                    if (nx || ny) {
                        cmp = nx == ny ? 0 : (nx == k.nullsFirst() ? -1 : 1);
                    } else {
                        cmp = ColumnVector.compareValues(rows.column(x, k.column()), rows.row[x], rows.column(y, k.column()), rows.row[y]);
                        cmp = k.ascending() ? cmp : -cmp;
                    }
                    if (cmp != 0) {
                        return cmp;
                    }
                }
                return 0;
            });
        }
        List<Object> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            Object v = rows.value(order == null ? i : order[i - from], c.input());
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    private static Object compute(GroupCall c, Rows rows, int from, int to, Schema in) {
        if (c.function() == GroupCall.Function.COUNT_STAR) {
            return (long) (to - from);
        }
        if (c.function() == GroupCall.Function.ARG_MIN || c.function() == GroupCall.Function.ARG_MAX) {
            return argExtreme(c, rows, from, to);
        }
        DataType type = in.type(c.input());
        List<Object> v = values(c, rows, from, to);
        if (c.function() == GroupCall.Function.COUNT) {
            return (long) v.size();
        }
        if (v.isEmpty()) {
            return null;
        }
        return switch (c.function()) {
            case SUM -> sum(v);
            case AVG -> {
                if (type instanceof DataType.Float64Type) {
                    yield (Double) sum(v) / v.size();
                }
                double s = (double) (Long) sum(v);
                yield type instanceof DataType.DecimalType d ? s / v.size() / Math.pow(10, d.scale()) : s / v.size();
            }
            case MIN -> v.stream().min(GroupAggregates::compare).orElseThrow();
            case MAX -> v.stream().max(GroupAggregates::compare).orElseThrow();
            case BOOL_AND -> v.stream().allMatch(Boolean.TRUE::equals);
            case BOOL_OR -> v.stream().anyMatch(Boolean.TRUE::equals);
            case STRING_AGG -> {
                if (c.constant() == null) {
                    yield null;   // a NULL separator, as DuckDB
                }
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < v.size(); i++) {
                    sb.append(i == 0 ? "" : (String) c.constant()).append((String) v.get(i));
                }
                yield sb.toString();
            }
            case MODE -> mode(v);
            case QUANTILE_DISC -> {
                v.sort(GroupAggregates::compare);
                int n = v.size();
                double rn = n * ((Number) c.constant()).doubleValue();
                long index = Math.max(1, n - (long) Math.floor(n - rn)) - 1;
                yield v.get((int) Math.min(index, n - 1));
            }
            case QUANTILE_CONT -> quantile(v, ((Number) c.constant()).doubleValue(), type);
            default -> throw new IllegalStateException("not an aggregate of groups: " + c.function());
        };
    }

    private static Object sum(List<Object> v) {
        if (v.getFirst() instanceof Double) {
            double s = 0;
            for (Object x : v) {
                s += (Double) x;
            }
            return s;
        }
        long s = 0;
        for (Object x : v) {
            s = Math.addExact(s, (Long) x);
        }
        return s;
    }

    /** The most frequent value; of equally frequent ones the first seen. */
    private static Object mode(List<Object> v) {
        Map<Object, int[]> counts = new HashMap<>();
        Object best = null;
        int bestCount = 0;
        for (Object x : v) {
            int n = ++counts.computeIfAbsent(x, k -> new int[1])[0];
            if (n > bestCount) {
                best = x;
                bestCount = n;
            }
        }
        // a later value may have caught up only after the first reached that count: keep the first seen
        for (Object x : v) {
            if (counts.get(x)[0] == bestCount) {
                return x;
            }
        }
        return best;
    }

    /**
     * QUANTILE_CONT and MEDIAN: the value at (n - 1) * q of the sorted values, interpolated
     * between its neighbours for numbers, dates and timestamps as DuckDB does (doubles for
     * integers, the input's DECIMAL truncated toward zero, TIMESTAMP for dates); the lower
     * neighbour for other types.
     */
    private static Object quantile(List<Object> v, double q, DataType type) {
        v.sort(GroupAggregates::compare);
        double rn = (v.size() - 1) * q;
        int lo = (int) Math.floor(rn);
        int hi = (int) Math.ceil(rn);
        Object a = v.get(lo);
        Object b = v.get(hi);
        double d = rn - lo;
        return switch (type) {
            case DataType.Int32Type t -> lo == hi ? (double) (Long) a : (Long) a * (hi - rn) + (Long) b * d;
            case DataType.Int64Type t -> lo == hi ? (double) (Long) a : (Long) a * (hi - rn) + (Long) b * d;
            case DataType.Float64Type t -> lo == hi ? a : (Double) a * (hi - rn) + (Double) b * d;
            case DataType.DecimalType t -> interpolate((Long) a, (Long) b, d);
            case DataType.TimestampType t -> interpolate((Long) a, (Long) b, d);
            case DataType.DateType t -> interpolate((Long) a * 86_400_000_000L, (Long) b * 86_400_000_000L, d);
            default -> a;
        };
    }

    private static long interpolate(long a, long b, double d) {
        if (a == b || d == 0) {
            return a;
        }
        BigDecimal x = BigDecimal.valueOf(a).add(BigDecimal.valueOf(b).subtract(BigDecimal.valueOf(a)).multiply(new BigDecimal(d)));
        return x.setScale(0, RoundingMode.DOWN).longValueExact();
    }

    /** ARG_MIN/ARG_MAX: the input at the row with the least (greatest) second column; rows with either NULL skipped; the first on ties. */
    private static Object argExtreme(GroupCall c, Rows rows, int from, int to) {
        boolean min = c.function() == GroupCall.Function.ARG_MIN;
        Object best = null;
        Object bestKey = null;
        for (int i = from; i < to; i++) {
            Object key = rows.value(i, c.input2());
            if (key == null || rows.isNull(i, c.input())) {
                continue;
            }
            if (bestKey == null || (min ? compare(key, bestKey) < 0 : compare(key, bestKey) > 0)) {
                bestKey = key;
                best = rows.value(i, c.input());
            }
        }
        return best;
    }
}
