package io.blueshift.operators.order;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Schema;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.exec.MaterializedResults;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Sorts a materialized result by several keys (stable) and returns it densely in the new
 * order, optionally keeping only {@code limit} rows after {@code offset}. Meant for the
 * results at the top of a plan. From {@link #PARALLEL_MIN_ROWS} rows the sort runs on the
 * query's workers (runs sorted in parallel, then merged); top-N and the copy stay on one thread.
 */
public final class OrderBy {
    private OrderBy() {}

    public static MaterializedResult sort(MaterializedResult input, List<SortKey> keys, long offset, long limit,
                                          ExecutionContext ctx) {
        List<Batch> batches = input.batches();
        int total = Math.toIntExact(input.rowCount());
        // (batch index, row) packed into a long: row ids stay small
        long[] refs = new long[total];
        int k = 0;
        for (int b = 0; b < batches.size(); b++) {
            Batch batch = batches.get(b);
            for (int i = 0; i < batch.liveCount(); i++) {
                refs[k++] = ((long) b << 32) | batch.liveRow(i);
            }
        }
        // rows are sorted as their positions in refs, compared through RowOrder's arrays
        Comparator<Long> base = keys.isEmpty() ? (x, y) -> 0 : new RowOrder(batches, refs, keys, input.schema());
        Comparator<Long> order = cancellable(base, ctx);
        long wanted = limit > Long.MAX_VALUE - offset ? Long.MAX_VALUE : offset + limit;
        Long[] boxed;
        if (!keys.isEmpty() && wanted < total / 4) {
            long[] positions = new long[total];
            java.util.Arrays.setAll(positions, i -> i);
            boxed = topN(positions, (int) wanted, order);
        } else {
            boxed = new Long[total];
            java.util.Arrays.setAll(boxed, i -> (long) i);
            if (!keys.isEmpty() && ctx.threads() > 1 && total >= PARALLEL_MIN_ROWS) {
                boxed = parallelSort(boxed, base, ctx);
            } else if (!keys.isEmpty()) {
                Arrays.sort(boxed, order);
            }
        }
        for (int i = 0; i < boxed.length; i++) {
            boxed[i] = refs[(int) (long) boxed[i]];
        }
        int from = (int) Math.min(offset, boxed.length);
        int to = (int) Math.min(boxed.length, from + Math.min(limit, Integer.MAX_VALUE));
        int n = to - from;
        Schema schema = input.schema();
        List<ColumnVector> out = new ArrayList<>();
        try {
            for (int c = 0; c < schema.size(); c++) {
                DataType type = schema.type(c);
                ColumnVector v = ColumnVector.allocate(ctx.pool(), type, Math.max(n, 1), false, "sorted " + schema.field(c).name());
                out.add(v);
                for (int i = 0; i < n; i++) {
                    if ((i & CHECK_MASK) == 0) {
                        ctx.checkCancelled();
                    }
                    long ref = boxed[from + i];
                    ColumnVector src = batches.get((int) (ref >>> 32)).column(c);
                    copyValue(src, (int) ref, v, i);
                }
            }
        } catch (RuntimeException e) {
            out.forEach(ColumnVector::close);
            throw e;
        }
        return MaterializedResults.chunked(schema, out, n, ctx.batchRows());
    }

    /** Below this many rows one thread sorts: splitting and merging would cost more than it saves. */
    static final int PARALLEL_MIN_ROWS = 1 << 17;

    /**
     * Stable sort on the query's workers: each sorts one contiguous run (in input order), then
     * runs are merged pairwise, taking from the earlier run on ties.
     */
    private static Long[] parallelSort(Long[] refs, Comparator<Long> base, ExecutionContext ctx) {
        int parts = Math.min(ctx.threads(), Math.max(1, refs.length / (PARALLEL_MIN_ROWS / 2)));
        int[] bounds = new int[parts + 1];
        for (int p = 0; p <= parts; p++) {
            bounds[p] = (int) ((long) refs.length * p / parts);
        }
        io.blueshift.operators.exec.ParallelTasks.run(ctx, parts,
                p -> Arrays.sort(refs, bounds[p], bounds[p + 1], cancellable(base, ctx)));
        Long[] from = refs;
        Long[] to = new Long[refs.length];
        Comparator<Long> order = cancellable(base, ctx);
        int runs = parts;
        int[] b = bounds;
        while (runs > 1) {
            int next = (runs + 1) / 2;
            int[] nb = new int[next + 1];
            for (int r = 0; r < runs; r += 2) {
                int lo = b[r];
                int mid = b[r + 1];
                int hi = r + 2 <= runs ? b[r + 2] : mid;
                merge(from, lo, mid, hi, to, order);
                nb[r / 2] = lo;
                nb[r / 2 + 1] = hi;
            }
            Long[] t = from;
            from = to;
            to = t;
            b = nb;
            runs = next;
        }
        return from;
    }

    private static void merge(Long[] src, int lo, int mid, int hi, Long[] dst, Comparator<Long> order) {
        int i = lo;
        int j = mid;
        int k = lo;
        while (i < mid && j < hi) {
            // <= keeps the earlier run's row first on ties: the sort stays stable
            dst[k++] = order.compare(src[i], src[j]) <= 0 ? src[i++] : src[j++];
        }
        while (i < mid) {
            dst[k++] = src[i++];
        }
        while (j < hi) {
            dst[k++] = src[j++];
        }
    }

    /** Rows (or comparisons) between checks of the query's stop flag. */
    private static final int CHECK_MASK = (1 << 16) - 1;

    /** {@code order}, checking the stop flag every 65,536 comparisons (one sort runs on one thread). */
    private static Comparator<Long> cancellable(Comparator<Long> order, ExecutionContext ctx) {
        int[] count = new int[1];
        return (x, y) -> {
            if ((++count[0] & CHECK_MASK) == 0) {
                ctx.checkCancelled();
            }
            return order.compare(x, y);
        };
    }

    /**
     * Top-N: the first {@code n} refs in order, kept in a bounded max-heap while scanning, so
     * {@code ORDER BY ... LIMIT n} costs O(rows log n) and n entries of memory. Ties keep
     * input order as the full stable sort would (the ref itself breaks ties).
     */
    private static Long[] topN(long[] refs, int n, Comparator<Long> order) {
        Comparator<Long> stable = order.thenComparingLong(r -> r);
        java.util.PriorityQueue<Long> heap = new java.util.PriorityQueue<>(Math.max(n, 1), stable.reversed());
        for (long r : refs) {
            if (heap.size() < n) {
                heap.add(r);
            } else if (n > 0 && stable.compare(r, heap.peek()) < 0) {
                heap.poll();
                heap.add(r);
            }
        }
        Long[] out = heap.toArray(new Long[0]);
        Arrays.sort(out, stable);
        return out;
    }

    /** Row {@code row} of {@code src} into row {@code i} of {@code dst}, a vector of the same type. */
    public static void copyValue(ColumnVector src, int row, ColumnVector dst, int i) {
        if (src.isNull(row)) {
            dst.setNull(i);
            return;
        }
        switch (src.type()) {
            case DataType.VarcharType t -> dst.setString(i, src.getStringBytes(row));
            case DataType.BooleanType t -> dst.setBoolean(i, src.getBoolean(row));
            case DataType.Float64Type t -> dst.setDouble(i, src.getDouble(row));
            default -> {
                if (src.type().byteWidth() == 4) dst.setInt(i, src.getInt(row));
                else dst.setLong(i, src.getLong(row));
            }
        }
    }
}
