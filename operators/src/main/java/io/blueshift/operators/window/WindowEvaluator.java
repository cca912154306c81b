package io.blueshift.operators.window;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Schema;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.order.OrderBy;
import io.blueshift.operators.order.SortKey;

import java.util.ArrayList;
import java.util.List;

/**
 * Window functions over a materialized input: the rows are sorted by the partition keys and
 * the ORDER BY keys, partitions and peer groups (rows equal on the ORDER BY keys) found in
 * one pass, then each function is computed partition by partition into a new column. Sums
 * and counts use running totals (exact for integers and decimals); MIN/MAX keep a running
 * extreme when the frame starts at the partition's start and scan the frame otherwise.
 */
public final class WindowEvaluator {
    private WindowEvaluator() {}

    /** Rows between checks of the query's stop flag. */
    private static final int CHECK_MASK = (1 << 14) - 1;

    public static MaterializedResult evaluate(MaterializedResult input, int[] partition, List<SortKey> order, WindowFrame frame,
                                              List<WindowCall> calls, Schema outSchema, ExecutionContext ctx) {
        if (narrowEnabled() && input.rowCount() > 0) {
            MaterializedResult narrow = narrow(input, partition, order, frame, calls, outSchema, ctx);
            if (narrow != null) {
                return narrow;
            }
        }
        List<SortKey> keys = new ArrayList<>();
        for (int p : partition) {
            keys.add(SortKey.asc(p));
        }
        keys.addAll(order);
        MaterializedResult sorted = OrderBy.sort(input, keys, 0, Long.MAX_VALUE, ctx);
        List<ColumnVector> made = new ArrayList<>();
        try {
            Rows rows = new Rows(sorted.batches());
            int n = rows.count;
            Bounds bounds = Bounds.of(rows, partition, order, ctx);
            for (WindowCall call : calls) {
                ColumnVector out = ColumnVector.allocate(ctx.pool(), call.type(), Math.max(n, 1), true, "window " + call.name());
                made.add(out);
                compute(call, frame, rows, bounds.partitionStart(), bounds.partitionEnd(), bounds.peerStart(), bounds.peerEnd(), out, ctx);
            }
            List<Batch> batches = new ArrayList<>();
            int offset = 0;
            for (Batch b : sorted.batches()) {
                List<ColumnVector> cols = new ArrayList<>(b.columns());
                for (ColumnVector v : made) {
                    cols.add(v.slice(offset, b.rowCount()));
                }
                batches.add(new Batch(cols, b.rowCount()));
                offset += b.rowCount();
            }
            List<AutoCloseable> owned = new ArrayList<>(made);
            owned.add(sorted);
            return new MaterializedResult(outSchema, batches, owned);
        } catch (RuntimeException e) {
            made.forEach(ColumnVector::close);
            sorted.close();
            throw e;
        }
    }

    /** {@code -Dblueshift.window.narrow=false} sorts every column of the input, as before the narrow sort. */
    static boolean narrowEnabled() {
        return !"false".equals(System.getProperty("blueshift.window.narrow"));
    }

    /**
     * The window functions computed over a sort of only the columns they read (partition and
     * ORDER BY keys, arguments, LAG/LEAD defaults) and a reference to each row, their values
     * then written back to the rows' places: the other columns (a decorrelated subquery's
     * outer strings, say) are neither sorted nor copied, and the result keeps the input's
     * batches, in the input's row order, with the function columns added. Null when every
     * column is read (the whole-row sort costs the same).
     */
    private static MaterializedResult narrow(MaterializedResult input, int[] partition, List<SortKey> order, WindowFrame frame,
                                             List<WindowCall> calls, Schema outSchema, ExecutionContext ctx) {
        int width = input.schema().size();
        int[] map = new int[width];
        java.util.Arrays.fill(map, -1);
        List<Integer> read = new ArrayList<>();
        java.util.function.IntUnaryOperator use = c -> {
            if (c < 0) {
                return -1;
            }
            if (map[c] < 0) {
                map[c] = read.size();
                read.add(c);
            }
            return map[c];
        };
        int[] narrowPartition = new int[partition.length];
        for (int i = 0; i < partition.length; i++) {
            narrowPartition[i] = use.applyAsInt(partition[i]);
        }
        List<SortKey> narrowOrder = new ArrayList<>();
        for (SortKey k : order) {
            narrowOrder.add(new SortKey(use.applyAsInt(k.column()), k.ascending(), k.nullsFirst()));
        }
        List<WindowCall> narrowCalls = new ArrayList<>();
        for (WindowCall c : calls) {
            narrowCalls.add(new WindowCall(c.function(), use.applyAsInt(c.argument()), c.constant(),
                    use.applyAsInt(c.defaultColumn()), c.name(), c.type()));
        }
        if (read.size() >= width) {
            return null;
        }
        int refColumn = read.size();
        List<io.blueshift.memory.Field> fields = new ArrayList<>();
        for (int c : read) {
            fields.add(input.schema().field(c));
        }
        fields.add(new io.blueshift.memory.Field("$row", DataType.INT64, false));
        Schema narrowSchema = new Schema(fields);
        List<Batch> inBatches = input.batches();
        List<ColumnVector> refs = new ArrayList<>();
        List<ColumnVector> made = new ArrayList<>();
        MaterializedResult sorted = null;
        try {
            List<Batch> narrowBatches = new ArrayList<>();
            for (int b = 0; b < inBatches.size(); b++) {
                Batch batch = inBatches.get(b);
                ColumnVector ref = ColumnVector.allocate(ctx.pool(), DataType.INT64, Math.max(batch.rowCount(), 1), false, "window row");
                refs.add(ref);
                writeRefs(ref, (long) b << 32, batch.rowCount());
                List<ColumnVector> cols = new ArrayList<>();
                for (int c : read) {
                    cols.add(batch.column(c));
                }
                cols.add(ref);
                narrowBatches.add(new Batch(cols, batch.rowCount(), batch.selection()));
            }
            List<SortKey> keys = new ArrayList<>();
            for (int p : narrowPartition) {
                keys.add(SortKey.asc(p));
            }
            keys.addAll(narrowOrder);
            sorted = OrderBy.sort(new MaterializedResult(narrowSchema, narrowBatches, List.of()), keys, 0, Long.MAX_VALUE, ctx);
            Rows rows = new Rows(sorted.batches());
            int n = rows.count;
            Bounds bounds = Bounds.of(rows, narrowPartition, narrowOrder, ctx);
            // per call, one vector per input batch, filled at each row's own place
            List<List<ColumnVector>> outs = new ArrayList<>();
            for (WindowCall call : narrowCalls) {
                List<ColumnVector> perBatch = new ArrayList<>();
                for (Batch batch : inBatches) {
                    ColumnVector v = ColumnVector.allocate(ctx.pool(), call.type(), Math.max(batch.rowCount(), 1), true, "window " + call.name());
                    made.add(v);
                    perBatch.add(v);
                }
                outs.add(perBatch);
                try (ColumnVector inOrder = ColumnVector.allocate(ctx.pool(), call.type(), Math.max(n, 1), true, "window " + call.name())) {
                    compute(call, frame, rows, bounds.partitionStart(), bounds.partitionEnd(), bounds.peerStart(), bounds.peerEnd(), inOrder, ctx);
                    scatter(rows, refColumn, inOrder, perBatch, ctx);
                }
            }
            List<Batch> batches = new ArrayList<>();
            for (int b = 0; b < inBatches.size(); b++) {
                Batch batch = inBatches.get(b);
                List<ColumnVector> cols = new ArrayList<>(batch.columns());
                for (List<ColumnVector> perBatch : outs) {
                    cols.add(perBatch.get(b));
                }
                batches.add(new Batch(cols, batch.rowCount(), batch.selection()));
            }
            List<AutoCloseable> owned = new ArrayList<>(input.release());
            owned.addAll(made);
            return new MaterializedResult(outSchema, batches, owned);
        } catch (RuntimeException e) {
            made.forEach(ColumnVector::close);
            throw e;
        } finally {
            refs.forEach(ColumnVector::close);
            if (sorted != null) {
                sorted.close();
            }
        }
    }

    private static void writeRefs(ColumnVector ref, long batchBits, int rows) {
        for (int i = 0; i < rows; i++) {
            ref.setLong(i, batchBits | i);
        }
    }

    /** Row i of {@code inOrder} (the sorted rows' order) to its row's place in the input's batches. */
    private static void scatter(Rows rows, int refColumn, ColumnVector inOrder, List<ColumnVector> perBatch, ExecutionContext ctx) {
        int b = 0;
        for (int i = 0; i < rows.count; i++) {
            if ((i & CHECK_MASK) == 0) {
                ctx.checkCancelled();
            }
            while (i >= rows.start[b + 1]) {
                b++;
            }
            long ref = rows.column(b, refColumn).getLong(i - rows.start[b]);
            OrderBy.copyValue(inOrder, i, perBatch.get((int) (ref >>> 32)), (int) ref);
        }
    }

    /** Row {@code i} of the sorted, dense input as (batch, row). */
    private static final class Rows {
        final List<Batch> batches;
        final int[] start;
        final int count;

        Rows(List<Batch> batches) {
            this.batches = batches;
            this.start = new int[batches.size() + 1];
            for (int b = 0; b < batches.size(); b++) {
                start[b + 1] = start[b] + batches.get(b).rowCount();
            }
            this.count = start[batches.size()];
        }

        int batch(int i) {
            int b = java.util.Arrays.binarySearch(start, i);
            if (b < 0) {
                return -b - 2;
            }
            while (b + 1 < start.length && start[b + 1] == i) {
                b++; // skip empty batches
            }
            return b;
        }

        ColumnVector column(int b, int c) {
            return batches.get(b).column(c);
        }
    }

    /** Each sorted row's partition and peer group, as first and past-the-end row numbers. */
    private record Bounds(int[] partitionStart, int[] partitionEnd, int[] peerStart, int[] peerEnd) {
        static Bounds of(Rows rows, int[] partition, List<SortKey> order, ExecutionContext ctx) {
            int n = rows.count;
            Bounds b = new Bounds(new int[n], new int[n], new int[n], new int[n]);
            boundaries(rows, partition, order, b.partitionStart, b.partitionEnd, b.peerStart, b.peerEnd, ctx);
            return b;
        }
    }

    private static void boundaries(Rows rows, int[] partition, List<SortKey> order, int[] partitionStart, int[] partitionEnd,
                                   int[] peerStart, int[] peerEnd, ExecutionContext ctx) {
        int n = rows.count;
        int pStart = 0;
        int gStart = 0;
        int prevB = -1;
        int prevR = -1;
        int b = 0;
        for (int i = 0; i < n; i++) {
            if ((i & CHECK_MASK) == 0) {
                ctx.checkCancelled();
            }
            while (i >= rows.start[b + 1]) {
                b++;
            }
            int r = i - rows.start[b];
            if (i > 0) {
                boolean newPartition = false;
                for (int c : partition) {
                    if (!same(rows.column(prevB, c), prevR, rows.column(b, c), r)) {
                        newPartition = true;
                        break;
                    }
                }
                boolean newPeers = newPartition;
                if (!newPeers) {
                    for (SortKey k : order) {
                        if (!same(rows.column(prevB, k.column()), prevR, rows.column(b, k.column()), r)) {
                            newPeers = true;
                            break;
                        }
                    }
                }
                if (newPartition) {
                    java.util.Arrays.fill(partitionEnd, pStart, i, i);
                    pStart = i;
                }
                if (newPeers) {
                    java.util.Arrays.fill(peerEnd, gStart, i, i);
                    gStart = i;
                }
            }
            partitionStart[i] = pStart;
            peerStart[i] = gStart;
            prevB = b;
            prevR = r;
        }
        java.util.Arrays.fill(partitionEnd, pStart, n, n);
        java.util.Arrays.fill(peerEnd, gStart, n, n);
    }

    /** Equal values, NULL equal to NULL (as partitions and peers group them). */
    static boolean same(ColumnVector a, int ra, ColumnVector b, int rb) {
        boolean na = a.isNull(ra);
        boolean nb = b.isNull(rb);
        if (na || nb) {
            return na && nb;
        }
        return ColumnVector.compareValues(a, ra, b, rb) == 0;
    }

    private static void compute(WindowCall call, WindowFrame frame, Rows rows, int[] pStart, int[] pEnd, int[] gStart, int[] gEnd,
                                ColumnVector out, ExecutionContext ctx) {
        int n = rows.count;
        WindowCall.Function f = call.function();
        // running state, reset at each partition
        long count = 0;
        long sumLong = 0;
        double sumDouble = 0;
        long[] prefixCount = null;
        long[] prefixLong = null;
        double[] prefixDouble = null;
        boolean floating = call.argument() >= 0 && rows.count > 0
                && rows.column(0, call.argument()).type() instanceof DataType.Float64Type;
        int dense = 0;
        int extreme = -1;
        int extremeUpTo = -1;
        for (int i = 0; i < n; i++) {
            if ((i & CHECK_MASK) == 0) {
                ctx.checkCancelled();
            }
            int ps = pStart[i];
            int pe = pEnd[i];
            long size = pe - ps;
            if (i == ps) {
                dense = 0;
                extreme = -1;
                extremeUpTo = ps;
                if (!f.ranking() && f != WindowCall.Function.FIRST_VALUE && f != WindowCall.Function.LAST_VALUE) {
                    // running totals over the partition: prefix[k] = total of rows ps .. ps+k-1
                    prefixCount = new long[(int) size + 1];
                    prefixLong = floating ? null : new long[(int) size + 1];
                    prefixDouble = floating ? new double[(int) size + 1] : null;
                    count = 0;
                    sumLong = 0;
                    sumDouble = 0;
                    for (int k = ps; k < pe; k++) {
                        if (call.argument() >= 0) {
                            int b = rows.batch(k);
                            ColumnVector v = rows.column(b, call.argument());
                            int r = k - rows.start[b];
                            if (!v.isNull(r)) {
                                count++;
                                if (f == WindowCall.Function.SUM || f == WindowCall.Function.AVG) {
                                    if (floating) {
                                        sumDouble += v.getDouble(r);
                                    } else {
                                        sumLong = Math.addExact(sumLong, v.byteWidth() == 4 ? v.getInt(r) : v.getLong(r));
                                    }
                                }
                            }
                        } else {
                            count++;
                        }
                        prefixCount[k - ps + 1] = count;
                        if (floating) {
                            prefixDouble[k - ps + 1] = sumDouble;
                        } else {
                            prefixLong[k - ps + 1] = sumLong;
                        }
                    }
                }
            }
            if (i == gStart[i]) {
                dense++;
            }
            switch (f) {
                case ROW_NUMBER -> out.setLong(i, i - ps + 1);
                case RANK -> out.setLong(i, gStart[i] - ps + 1);
                case DENSE_RANK -> out.setLong(i, dense);
                case PERCENT_RANK -> out.setDouble(i, size <= 1 ? 0.0 : (double) (gStart[i] - ps) / (size - 1));
                case CUME_DIST -> out.setDouble(i, (double) (gEnd[i] - ps) / size);
                case NTILE -> out.setLong(i, ntile(i - ps, size, call.constant()));
                case LAG, LEAD -> {
                    long src = f == WindowCall.Function.LAG ? i - call.constant() : i + call.constant();
                    if (src >= ps && src < pe) {
                        copy(rows, (int) src, call.argument(), out, i);
                    } else if (call.defaultColumn() >= 0) {
                        copy(rows, i, call.defaultColumn(), out, i);
                    } else {
                        out.setNull(i);
                    }
                }
                default -> {
                    int fs = frameStart(frame, i, ps, gStart);
                    int fe = frameEnd(frame, i, pe, gEnd);
                    if (fs >= fe) {
                        if (f == WindowCall.Function.COUNT || f == WindowCall.Function.COUNT_STAR) {
                            out.setLong(i, 0);
                        } else {
                            out.setNull(i);
                        }
                        continue;
                    }
                    switch (f) {
                        case FIRST_VALUE -> copy(rows, fs, call.argument(), out, i);
                        case LAST_VALUE -> copy(rows, fe - 1, call.argument(), out, i);
                        case COUNT, COUNT_STAR -> out.setLong(i, prefixCount[fe - ps] - prefixCount[fs - ps]);
                        case SUM, AVG -> {
                            long c = prefixCount[fe - ps] - prefixCount[fs - ps];
                            if (c == 0) {
                                out.setNull(i);
                            } else if (floating) {
                                double s = fs == ps ? prefixDouble[fe - ps] : direct(rows, call.argument(), fs, fe);
                                out.setDouble(i, f == WindowCall.Function.AVG ? s / c : s);
                            } else {
                                long s = Math.subtractExact(prefixLong[fe - ps], prefixLong[fs - ps]);
                                if (f == WindowCall.Function.AVG) {
                                    out.setDouble(i, average(s, c, rows.column(0, call.argument()).type()));
                                } else {
                                    out.setLong(i, s);
                                }
                            }
                        }
                        case MIN, MAX -> {
                            int best;
                            if (fs == ps) {
                                // the frame only grows while it starts at the partition start
                                for (; extremeUpTo < fe; extremeUpTo++) {
                                    extreme = better(rows, call.argument(), extreme, extremeUpTo, f == WindowCall.Function.MAX);
                                }
                                best = extreme;
                            } else {
                                best = -1;
                                for (int k = fs; k < fe; k++) {
                                    best = better(rows, call.argument(), best, k, f == WindowCall.Function.MAX);
                                }
                            }
                            if (best < 0) {
                                out.setNull(i);
                            } else {
                                copy(rows, best, call.argument(), out, i);
                            }
                        }
                        default -> throw new IllegalStateException("window function " + f);
                    }
                }
            }
        }
    }

    private static double average(long sum, long count, DataType type) {
        double s = type instanceof DataType.DecimalType d ? java.math.BigDecimal.valueOf(sum, d.scale()).doubleValue() : sum;
        return s / count;
    }

    private static double direct(Rows rows, int column, int from, int to) {
        double s = 0;
        for (int k = from; k < to; k++) {
            int b = rows.batch(k);
            ColumnVector v = rows.column(b, column);
            int r = k - rows.start[b];
            if (!v.isNull(r)) {
                s += v.getDouble(r);
            }
        }
        return s;
    }

    /** {@code best} or row {@code k}, whichever is the better non-null value (-1: none yet). */
    private static int better(Rows rows, int column, int best, int k, boolean max) {
        int bk = rows.batch(k);
        ColumnVector v = rows.column(bk, column);
        int rk = k - rows.start[bk];
        if (v.isNull(rk)) {
            return best;
        }
        if (best < 0) {
            return k;
        }
        int bb = rows.batch(best);
        int c = ColumnVector.compareValues(v, rk, rows.column(bb, column), best - rows.start[bb]);
        return (max ? c > 0 : c < 0) ? k : best;
    }

    private static int frameStart(WindowFrame frame, int i, int ps, int[] gStart) {
        if (frame.lower() == WindowFrame.UNBOUNDED_PRECEDING) {
            return ps;
        }
        if (!frame.rows()) {
            return gStart[i];
        }
        long s = i + frame.lower();
        return (int) Math.max(ps, Math.min(s, Integer.MAX_VALUE));
    }

    private static int frameEnd(WindowFrame frame, int i, int pe, int[] gEnd) {
        if (frame.upper() == WindowFrame.UNBOUNDED_FOLLOWING) {
            return pe;
        }
        if (!frame.rows()) {
            return gEnd[i];
        }
        long e = (long) i + frame.upper() + 1;
        return (int) Math.max(Integer.MIN_VALUE, Math.min(pe, e));
    }

    /** NTILE(buckets) for the row at {@code index} of a partition of {@code size} rows: sizes differ by at most one, larger first. */
    static long ntile(long index, long size, long buckets) {
        if (buckets <= 0) {
            throw new IllegalArgumentException("NTILE needs a positive number of buckets, got " + buckets);
        }
        long per = size / buckets;
        long extra = size % buckets;
        long bigRows = extra * (per + 1);
        if (index < bigRows) {
            return index / (per + 1) + 1;
        }
        return extra + (index - bigRows) / Math.max(per, 1) + 1;
    }

    /** Row {@code k}'s value of {@code column} (of {@code out}'s type) into row {@code i} of {@code out}. */
    private static void copy(Rows rows, int k, int column, ColumnVector out, int i) {
        int b = rows.batch(k);
        OrderBy.copyValue(rows.column(b, column), k - rows.start[b], out, i);
    }
}
