package io.blueshift.operators.order;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Schema;
import io.blueshift.memory.StringViews;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.exec.MaterializedResults;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sorts a materialized result by several keys (stable) and returns it densely in the new
 * order, optionally keeping only {@code limit} rows after {@code offset}. Meant for the
 * results at the top of a plan. From {@link #PARALLEL_MIN_ROWS} rows the sort runs on the
 * query's workers (runs sorted in parallel, then merged), and so does the copy (a column per
 * task); top-N stays on one thread.
 */
public final class OrderBy {
    private OrderBy() {}

    /*
     * Compiled code (session 8): each loop below is a small method of its own whose shape does not
     * depend on the query (the key types, nulls, selections are decided once per call, outside the
     * loops). When this method held the loops, C2 compiled it (and copyStrings, RowOrder's
     * constructor) as one large OSR unit that a later query's profile_predicate trap threw away:
     * compiles of 0.5-2.5 s, four times per six passes over TPC-H.
     */
    public static MaterializedResult sort(MaterializedResult input, List<SortKey> keys, long offset, long limit,
                                          ExecutionContext ctx) {
        List<Batch> batches = input.batches();
        int total = Math.toIntExact(input.rowCount());
        long[] refs = liveRefs(batches, total);
        long wanted = limit > Long.MAX_VALUE - offset ? Long.MAX_VALUE : offset + limit;
        int[] order = order(batches, refs, keys, input.schema(), wanted, ctx);
        int from = (int) Math.min(offset, order.length);
        int to = (int) Math.min(order.length, from + Math.min(limit, Integer.MAX_VALUE));
        long[] picked = pick(refs, order, from, to - from);
        return copyRows(batches, input.schema(), picked, ctx);
    }

    /** The live rows of the batches in order, as (batch index, row) packed into a long: row ids stay small. */
    private static long[] liveRefs(List<Batch> batches, int total) {
        long[] refs = new long[total];
        int k = 0;
        for (int b = 0; b < batches.size(); b++) {
            Batch batch = batches.get(b);
            k = batch.selection() == null
                    ? allRefs(refs, k, (long) b << 32, batch.rowCount())
                    : selectedRefs(refs, k, (long) b << 32, batch.selection().segment(), batch.selection().count());
        }
        return refs;
    }

    private static int allRefs(long[] refs, int k, long batchBits, int rows) {
        for (int i = 0; i < rows; i++) {
            refs[k + i] = batchBits | i;
        }
        return k + rows;
    }

    private static int selectedRefs(long[] refs, int k, long batchBits, java.lang.foreign.MemorySegment sel, int count) {
        for (int i = 0; i < count; i++) {
            refs[k + i] = batchBits | sel.getAtIndex(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, i);
        }
        return k + count;
    }

    /** Positions in {@code refs} in sort order (the first {@code wanted} of them at least). */
    private static int[] order(List<Batch> batches, long[] refs, List<SortKey> keys, Schema schema, long wanted,
                               ExecutionContext ctx) {
        int total = refs.length;
        if (keys.isEmpty()) {
            return identity((int) Math.min(total, wanted));
        }
        if (wanted >= total / 4 && PackedOrder.enabled()) {
            // a full sort: one long per row when the keys pack (PackedOrder), else the row sort
            int[] packed = PackedOrder.order(batches, refs, keys, schema, ctx);
            if (packed != null) {
                return packed;
            }
        }
        // rows are sorted as their positions in refs, compared through RowOrder's arrays
        RowOrder rows = new RowOrder(batches, refs, keys, schema);
        if (wanted < total / 4) {
            return topN(total, (int) wanted, rows, ctx);
        }
        int[] order = identity(total);
        if (ctx.threads() > 1 && total >= PARALLEL_MIN_ROWS) {
            return parallelSort(order, rows, ctx);
        }
        return sortRange(order, 0, total, rows, ctx);
    }

    private static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    private static long[] pick(long[] refs, int[] order, int from, int n) {
        long[] picked = new long[n];
        for (int i = 0; i < n; i++) {
            picked[i] = refs[order[from + i]];
        }
        return picked;
    }

    /**
     * The rows {@code picked} of every column, densely in that order; from {@link
     * #PARALLEL_MIN_ROWS} rows the columns are copied on the query's workers, one task each.
     */
    private static MaterializedResult copyRows(List<Batch> batches, Schema schema, long[] picked, ExecutionContext ctx) {
        int n = picked.length;
        List<ColumnVector> out = new ArrayList<>();
        try {
            for (int c = 0; c < schema.size(); c++) {
                DataType type = schema.type(c);
                out.add(ColumnVector.allocate(ctx.pool(), type, Math.max(n, 1), false, "sorted " + schema.field(c).name()));
            }
            if (ctx.threads() > 1 && out.size() > 1 && n >= PARALLEL_MIN_ROWS) {
                io.blueshift.operators.exec.ParallelTasks.run(ctx, out.size(), c -> copyColumn(batches, c, picked, out.get(c)));
            } else {
                for (int c = 0; c < out.size(); c++) {
                    ctx.checkCancelled();
                    copyColumn(batches, c, picked, out.get(c));
                }
            }
        } catch (RuntimeException e) {
            out.forEach(ColumnVector::close);
            throw e;
        }
        return MaterializedResults.chunked(schema, out, n, ctx.batchRows());
    }

    /**
     * Below this many rows one thread sorts and copies: splitting and merging would cost more
     * than it saves. At 16K rows a sort on several string keys takes milliseconds (TPC-H Q16's
     * 18K result rows), far more than a hand-off to a worker.
     */
    static final int PARALLEL_MIN_ROWS = 1 << 14;

    /**
     * Stable sort on the query's workers: each sorts one contiguous run (in input order), then
     * runs are merged pairwise, taking from the earlier run on ties.
     */
    private static int[] parallelSort(int[] positions, RowOrder rows, ExecutionContext ctx) {
        int parts = Math.min(ctx.threads(), Math.max(1, positions.length / (PARALLEL_MIN_ROWS / 2)));
        int[] bounds = new int[parts + 1];
        for (int p = 0; p <= parts; p++) {
            bounds[p] = (int) ((long) positions.length * p / parts);
        }
        int[][] sorted = new int[parts][];
        io.blueshift.operators.exec.ParallelTasks.run(ctx, parts,
                p -> sorted[p] = sortRange(positions, bounds[p], bounds[p + 1], rows, ctx));
        int[] from = positions;
        for (int p = 0; p < parts; p++) {
            System.arraycopy(sorted[p], 0, from, bounds[p], bounds[p + 1] - bounds[p]);
        }
        int[] to = new int[positions.length];
        int runs = parts;
        int[] b = bounds;
        while (runs > 1) {
            int next = (runs + 1) / 2;
            int[] nb = new int[next + 1];
            for (int r = 0; r < runs; r += 2) {
                int lo = b[r];
                int mid = b[r + 1];
                int hi = r + 2 <= runs ? b[r + 2] : mid;
                merge(from, lo, mid, hi, to, rows);
                nb[r / 2] = lo;
                nb[r / 2 + 1] = hi;
            }
            ctx.checkCancelled();
            int[] t = from;
            from = to;
            to = t;
            b = nb;
            runs = next;
        }
        return from;
    }

    /** Runs of this many positions are sorted by insertion before the merges. */
    private static final int INSERTION_RUN = 24;

    /**
     * {@code positions[from, to)} stably sorted by {@code rows}, as a new array: insertion sort
     * of short runs, then bottom-up merges between two arrays (no boxing, no comparator objects).
     */
    static int[] sortRange(int[] positions, int from, int to, RowOrder rows, ExecutionContext ctx) {
        int n = to - from;
        int[] a = Arrays.copyOfRange(positions, from, to);
        for (int lo = 0; lo < n; lo += INSERTION_RUN) {
            int hi = Math.min(n, lo + INSERTION_RUN);
            for (int i = lo + 1; i < hi; i++) {
                int x = a[i];
                int j = i - 1;
                while (j >= lo && rows.compare(a[j], x) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = x;
            }
        }
        if (n <= INSERTION_RUN) {
            return a;
        }
        int[] b = new int[n];
        long merged = 0;
        for (int width = INSERTION_RUN; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(n, lo + width);
                int hi = Math.min(n, lo + 2 * width);
                if (mid >= hi || rows.compare(a[mid - 1], a[mid]) <= 0) {
                    System.arraycopy(a, lo, b, lo, hi - lo);   // already in order
                } else {
                    merge(a, lo, mid, hi, b, rows);
                }
                merged += hi - lo;
                if (merged > CHECK_ROWS) {
                    ctx.checkCancelled();
                    merged = 0;
                }
            }
            int[] t = a;
            a = b;
            b = t;
        }
        return a;
    }

    private static void merge(int[] src, int lo, int mid, int hi, int[] dst, RowOrder rows) {
        int i = lo;
        int j = mid;
        int k = lo;
        while (i < mid && j < hi) {
            // <= keeps the earlier run's row first on ties: the sort stays stable
            dst[k++] = rows.compare(src[i], src[j]) <= 0 ? src[i++] : src[j++];
        }
        if (i < mid) {
            System.arraycopy(src, i, dst, k, mid - i);
        } else if (j < hi) {
            System.arraycopy(src, j, dst, k, hi - j);
        }
    }

    /** Rows between checks of the query's stop flag. */
    private static final int CHECK_ROWS = 1 << 16;

    /**
     * Top-N: the first {@code n} positions in order, kept in a bounded max-heap while scanning,
     * so {@code ORDER BY ... LIMIT n} costs O(rows log n) and n entries of memory. Ties keep
     * input order as the full stable sort would (the position itself breaks ties).
     */
    static int[] topN(int total, int n, RowOrder rows, ExecutionContext ctx) {
        if (n <= 0) {
            return new int[0];
        }
        int[] heap = new int[n];   // max-heap by compareStable: heap[0] is the worst kept row
        int size = 0;
        for (int r = 0; r < total; r++) {
            if ((r & (CHECK_ROWS - 1)) == 0) {
                ctx.checkCancelled();
            }
            if (size < n) {
                int i = size++;
                while (i > 0) {
                    int parent = (i - 1) >>> 1;
                    if (rows.compareStable(heap[parent], r) >= 0) {
                        break;
                    }
                    heap[i] = heap[parent];
                    i = parent;
                }
                heap[i] = r;
            } else if (rows.compareStable(r, heap[0]) < 0) {
                siftDown(heap, size, r, rows);
            }
        }
        int[] out = Arrays.copyOf(heap, size);
        Arrays.sort(out);   // input order first: the stable sort then keeps it among ties
        return sortRange(out, 0, size, rows, ctx);
    }

    /** Puts {@code x} at the root of a full max-heap and sifts it down. */
    private static void siftDown(int[] heap, int size, int x, RowOrder rows) {
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && rows.compareStable(heap[child + 1], heap[child]) > 0) {
                child++;
            }
            if (rows.compareStable(heap[child], x) <= 0) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = x;
    }

    /**
     * Column {@code c} of the rows {@code refs} (batch index, row) into {@code dst}, in that order:
     * strings as their views, with the out-of-line bytes gathered into one buffer of {@code dst}
     * (no array per string); fixed-width values by width. One loop per type and per "nulls or
     * not", each its own method.
     */
    static void copyColumn(List<Batch> batches, int c, long[] refs, ColumnVector dst) {
        ColumnVector[] src = new ColumnVector[batches.size()];
        boolean nulls = false;
        for (int b = 0; b < src.length; b++) {
            src[b] = batches.get(b).column(c);
            nulls |= src[b].mayHaveNulls();
        }
        switch (dst.type()) {
            case DataType.VarcharType t -> copyStrings(src, refs, dst, nulls);
            case DataType.BooleanType t -> copyBooleans(src, refs, dst);
            default -> {
                if (nulls) {
                    copyNulls(src, refs, dst);
                }
                if (dst.byteWidth() == 4) {
                    copyInts(src, refs, dst.data());
                } else {
                    copyLongs(src, refs, dst.data());
                }
            }
        }
    }

    private static final java.lang.foreign.ValueLayout.OfInt VIEW_INT = java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
    private static final java.lang.foreign.ValueLayout.OfLong VIEW_LONG = java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

    /** 4-byte values (INT32, DATE): a NULL row's slot gets whatever its source slot holds. */
    private static void copyInts(ColumnVector[] src, long[] refs, java.lang.foreign.MemorySegment out) {
        for (int i = 0; i < refs.length; i++) {
            long ref = refs[i];
            out.setAtIndex(VIEW_INT, i, src[(int) (ref >>> 32)].data().getAtIndex(VIEW_INT, (int) ref));
        }
    }

    /** 8-byte values (INT64, DECIMAL, TIMESTAMP, FLOAT64 as its bits). */
    private static void copyLongs(ColumnVector[] src, long[] refs, java.lang.foreign.MemorySegment out) {
        for (int i = 0; i < refs.length; i++) {
            long ref = refs[i];
            out.setAtIndex(VIEW_LONG, i, src[(int) (ref >>> 32)].data().getAtIndex(VIEW_LONG, (int) ref));
        }
    }

    private static void copyNulls(ColumnVector[] src, long[] refs, ColumnVector dst) {
        for (int i = 0; i < refs.length; i++) {
            long ref = refs[i];
            if (src[(int) (ref >>> 32)].isNull((int) ref)) {
                dst.setNull(i);
            }
        }
    }

    private static void copyBooleans(ColumnVector[] src, long[] refs, ColumnVector dst) {
        for (int i = 0; i < refs.length; i++) {
            long ref = refs[i];
            copyValue(src[(int) (ref >>> 32)], (int) ref, dst, i);
        }
    }

    private static void copyStrings(ColumnVector[] src, long[] refs, ColumnVector dst, boolean nulls) {
        long outOfLine = outOfLineBytes(src, refs);
        if (outOfLine > Integer.MAX_VALUE - 16) {
            for (int i = 0; i < refs.length; i++) {
                long ref = refs[i];
                copyValue(src[(int) (ref >>> 32)], (int) ref, dst, i);
            }
            return;
        }
        if (nulls) {
            copyNulls(src, refs, dst);
        }
        java.lang.foreign.MemorySegment out = dst.data();
        copyViews(src, refs, out);
        if (outOfLine == 0) {
            return;
        }
        byte[] bytes = new byte[(int) outOfLine];
        gatherOutOfLine(src, refs, out, bytes);
        int buffer = dst.addStringBuffer(bytes, 0, bytes.length);
        pointAt(out, refs.length, buffer);
    }

    /** Bytes of the strings longer than a view holds (NULL rows' views count as empty). */
    private static long outOfLineBytes(ColumnVector[] src, long[] refs) {
        long outOfLine = 0;
        for (long ref : refs) {
            ColumnVector v = src[(int) (ref >>> 32)];
            int r = (int) ref;
            int len = v.isNull(r) ? 0 : StringViews.length(v.data(), r);
            outOfLine += len > StringViews.INLINE_MAX ? len : 0;
        }
        return outOfLine;
    }

    /**
     * Each row's 16-byte view as it is (an inline view is self-contained and zero padded; a
     * reference view keeps its length and prefix, its buffer and offset are rewritten after);
     * a NULL row's view is zero (empty).
     */
    private static void copyViews(ColumnVector[] src, long[] refs, java.lang.foreign.MemorySegment out) {
        for (int i = 0; i < refs.length; i++) {
            long ref = refs[i];
            ColumnVector v = src[(int) (ref >>> 32)];
            int r = (int) ref;
            long base = (long) r * StringViews.VIEW_BYTES;
            java.lang.foreign.MemorySegment views = v.data();
            boolean isNull = v.isNull(r);
            out.set(VIEW_LONG, (long) i * StringViews.VIEW_BYTES, isNull ? 0 : views.get(VIEW_LONG, base));
            out.set(VIEW_LONG, (long) i * StringViews.VIEW_BYTES + 8, isNull ? 0 : views.get(VIEW_LONG, base + 8));
        }
    }

    /**
     * The out-of-line bytes of the rows in order into {@code bytes}; each such view's offset
     * becomes its place there (its buffer index is set by {@link #pointAt}).
     */
    private static void gatherOutOfLine(ColumnVector[] src, long[] refs, java.lang.foreign.MemorySegment out, byte[] bytes) {
        int at = 0;
        for (int i = 0; i < refs.length; i++) {
            long view = (long) i * StringViews.VIEW_BYTES;
            int len = out.get(VIEW_INT, view);
            if (len > StringViews.INLINE_MAX) {
                long ref = refs[i];
                ColumnVector v = src[(int) (ref >>> 32)];
                java.lang.foreign.MemorySegment buf = v.varBuffers().get(out.get(VIEW_INT, view + 8));
                java.lang.foreign.MemorySegment.copy(buf, java.lang.foreign.ValueLayout.JAVA_BYTE,
                        Integer.toUnsignedLong(out.get(VIEW_INT, view + 12)), bytes, at, len);
                out.set(VIEW_INT, view + 12, at);
                at += len;
            }
        }
    }

    private static void pointAt(java.lang.foreign.MemorySegment out, int n, int buffer) {
        for (int i = 0; i < n; i++) {
            long view = (long) i * StringViews.VIEW_BYTES;
            if (out.get(VIEW_INT, view) > StringViews.INLINE_MAX) {
                out.set(VIEW_INT, view + 8, buffer);
            }
        }
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
                if (src.byteWidth() == 4) dst.setInt(i, src.getInt(row));
                else dst.setLong(i, src.getLong(row));
            }
        }
    }
}
