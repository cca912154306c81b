package io.blueshift.operators.order;

import io.blueshift.kernels.KeyHash;
import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Schema;
import io.blueshift.memory.StringViews;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.ParallelTasks;

import java.util.Arrays;
import java.util.List;

/**
 * A full ORDER BY as a sort of one long per row, when the keys fit: each key becomes a code
 * whose unsigned order is the key's (direction and NULL placement included) within the
 * span of the values present (numbers, dates, booleans by their value less the smallest;
 * strings by their rank among the key's distinct strings), the codes are packed one after
 * another into a long, most significant key first, and the row's position fills the low
 * bits, so equal keys keep input order (the sort is stable) and every long is unique.
 * A primitive sort of those longs replaces a merge sort whose every comparison walks the
 * keys' arrays with unpredictable branches (TPC-H Q16: 18K rows on four keys, two of them
 * strings). Gives up (null) when the codes and the position need more than 63 bits, a
 * string key has too many distinct values to rank cheaply, or a span of values overflows.
 */
final class PackedOrder {
    private PackedOrder() {}

    /** Distinct strings of one key past which ranking them would cost about what the row sort does. */
    static final int MIN_DISTINCT_CAP = 1024;
    /** From this many rows the packed longs are sorted in runs on the query's workers, then merged. */
    static final int PARALLEL_ROWS = 1 << 17;

    /** Whether the packed path is tried ({@code -Dblueshift.order.packed=false}: the row sort always; read per sort, for A/B runs). */
    static boolean enabled() {
        return !"false".equals(System.getProperty("blueshift.order.packed"));
    }

    /**
     * Positions of {@code refs} (rows as batch index and row, see {@link OrderBy}) in sort
     * order, all of them; null when the keys do not pack (see the class comment).
     */
    static int[] order(List<Batch> batches, long[] refs, List<SortKey> keys, Schema schema, ExecutionContext ctx) {
        int n = refs.length;
        int positionBits = n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
        int room = 63 - positionBits;
        int[] batchOf = new int[n];
        int[] rowOf = new int[n];
        RowOrder.split(refs, batchOf, rowOf);
        long[] packed = new long[n];
        for (SortKey key : keys) {
            ColumnVector[] cols = new ColumnVector[batches.size()];
            boolean mayHaveNulls = false;
            for (int b = 0; b < cols.length; b++) {
                cols[b] = batches.get(b).column(key.column());
                mayHaveNulls |= cols[b].mayHaveNulls();
            }
            boolean[] isNull = mayHaveNulls ? RowOrder.nullRows(cols, batchOf, rowOf) : null;
            long[] v = new long[n];
            DataType type = schema.type(key.column());
            switch (type) {
                case DataType.VarcharType t -> {
                    if (!StringRanks.rank(cols, batchOf, rowOf, isNull, v)) {
                        return null;
                    }
                }
                case DataType.Float64Type t -> RowOrder.doubles(cols, batchOf, rowOf, v);
                case DataType.BooleanType t -> RowOrder.booleans(cols, batchOf, rowOf, v);
                default -> {
                    if (type.byteWidth() == 4) {
                        RowOrder.ints(cols, batchOf, rowOf, v);
                    } else {
                        RowOrder.longs(cols, batchOf, rowOf, v);
                    }
                }
            }
            int bits = encode(v, isNull, key.ascending(), key.nullsFirst());
            if (bits < 0 || bits > room) {
                return null;
            }
            room -= bits;
            append(packed, v, bits);
        }
        append(packed, positions(n), positionBits);
        sort(packed, ctx);
        int[] order = new int[n];
        long mask = (1L << positionBits) - 1;
        for (int i = 0; i < n; i++) {
            order[i] = (int) (packed[i] & mask);
        }
        return order;
    }

    private static long[] positions(int n) {
        long[] p = new long[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    private static void append(long[] packed, long[] codes, int bits) {
        for (int i = 0; i < packed.length; i++) {
            packed[i] = (packed[i] << bits) | codes[i];
        }
    }

    /**
     * Turns signed-order values into codes in {@code [0, top]} whose unsigned order is the
     * key's: ascending {@code v - min}, descending {@code max - v}, NULLs at 0 (first) or
     * {@code top} (last) with the others shifted by one when first. Returns the bits of
     * {@code top}, or -1 when the span overflows a long.
     */
    static int encode(long[] v, boolean[] isNull, boolean ascending, boolean nullsFirst) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        boolean any = false;
        for (int i = 0; i < v.length; i++) {
            if (isNull == null || !isNull[i]) {
                min = Math.min(min, v[i]);
                max = Math.max(max, v[i]);
                any = true;
            }
        }
        if (!any) {
            min = 0;
            max = 0;
        }
        long span = max - min;
        if (span < 0 || (isNull != null && span == Long.MAX_VALUE)) {
            return -1;
        }
        long top = isNull == null ? span : span + 1;
        long shift = isNull != null && nullsFirst ? 1 : 0;
        long nullCode = nullsFirst ? 0 : top;
        for (int i = 0; i < v.length; i++) {
            if (isNull != null && isNull[i]) {
                v[i] = nullCode;
            } else {
                v[i] = (ascending ? v[i] - min : max - v[i]) + shift;
            }
        }
        return 64 - Long.numberOfLeadingZeros(top);
    }

    /** Sorts the (unique, non-negative) longs: in runs on the workers from {@link #PARALLEL_ROWS} rows, then merged. */
    private static void sort(long[] a, ExecutionContext ctx) {
        int n = a.length;
        int parts = ctx.threads() > 1 && n >= PARALLEL_ROWS ? Math.min(ctx.threads(), n / (PARALLEL_ROWS / 2)) : 1;
        if (parts <= 1) {
            Arrays.sort(a);
            return;
        }
        int[] bounds = new int[parts + 1];
        for (int p = 0; p <= parts; p++) {
            bounds[p] = (int) ((long) n * p / parts);
        }
        ParallelTasks.run(ctx, parts, p -> Arrays.sort(a, bounds[p], bounds[p + 1]));
        long[] from = a;
        long[] to = new long[n];
        int runs = parts;
        int[] b = bounds;
        while (runs > 1) {
            int next = (runs + 1) / 2;
            int[] nb = new int[next + 1];
            for (int r = 0; r < runs; r += 2) {
                int lo = b[r];
                int mid = b[r + 1];
                int hi = r + 2 <= runs ? b[r + 2] : mid;
                merge(from, lo, mid, hi, to);
                nb[r / 2] = lo;
                nb[r / 2 + 1] = hi;
            }
            ctx.checkCancelled();
            long[] t = from;
            from = to;
            to = t;
            b = nb;
            runs = next;
        }
        if (from != a) {
            System.arraycopy(from, 0, a, 0, n);
        }
    }

    private static void merge(long[] src, int lo, int mid, int hi, long[] dst) {
        int i = lo;
        int j = mid;
        int k = lo;
        while (i < mid && j < hi) {
            dst[k++] = src[i] <= src[j] ? src[i++] : src[j++];
        }
        if (i < mid) {
            System.arraycopy(src, i, dst, k, mid - i);
        } else if (j < hi) {
            System.arraycopy(src, j, dst, k, hi - j);
        }
    }

    /**
     * A string key's distinct values, found by hashing (KeyHash's string hash, as joins use), then sorted,
     * so each row's string becomes its rank.
     */
    static final class StringRanks {
        private final ColumnVector[] cols;
        private final int[] batchOf;
        private final int[] rowOf;
        private int[] slots = new int[1 << 10];     // id + 1, 0 empty
        private long[] hashes = new long[256];
        private int[] first = new int[256];         // a row (position) of each distinct string
        private int count;

        private StringRanks(ColumnVector[] cols, int[] batchOf, int[] rowOf) {
            this.cols = cols;
            this.batchOf = batchOf;
            this.rowOf = rowOf;
        }

        /** Writes each non-null row's rank into {@code v}; false when the distinct strings pass the cap. */
        static boolean rank(ColumnVector[] cols, int[] batchOf, int[] rowOf, boolean[] isNull, long[] v) {
            int n = v.length;
            int cap = Math.max(MIN_DISTINCT_CAP, n / 2);
            StringRanks d = new StringRanks(cols, batchOf, rowOf);
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) {
                if (isNull != null && isNull[i]) {
                    continue;
                }
                ids[i] = d.find(i);
                if (d.count > cap) {
                    return false;
                }
            }
            int[] rank = d.ranks();
            for (int i = 0; i < n; i++) {
                v[i] = isNull != null && isNull[i] ? 0 : rank[ids[i]];
            }
            return true;
        }

        private long hash(int i) {
            ColumnVector c = cols[batchOf[i]];
            return KeyHash.hashStringView(c.data(), c.varBuffers(), rowOf[i]);
        }

        private boolean same(int i, int j) {
            ColumnVector a = cols[batchOf[i]];
            ColumnVector b = cols[batchOf[j]];
            return StringViews.equals(a.data(), a.varBuffers(), rowOf[i], b.data(), b.varBuffers(), rowOf[j]);
        }

        /** The id of row {@code i}'s string, a new one when first seen. */
        private int find(int i) {
            long h = hash(i);
            int mask = slots.length - 1;
            int pos = (int) (h ^ (h >>> 32)) & mask;
            while (true) {
                int s = slots[pos];
                if (s == 0) {
                    break;
                }
                int id = s - 1;
                if (hashes[id] == h && same(first[id], i)) {
                    return id;
                }
                pos = (pos + 1) & mask;
            }
            int id = count++;
            if (id == hashes.length) {
                hashes = Arrays.copyOf(hashes, id * 2);
                first = Arrays.copyOf(first, id * 2);
            }
            hashes[id] = h;
            first[id] = i;
            slots[pos] = id + 1;
            if (count * 2 > slots.length) {
                grow();
            }
            return id;
        }

        private void grow() {
            int[] s = new int[slots.length * 2];
            int mask = s.length - 1;
            for (int id = 0; id < count; id++) {
                long h = hashes[id];
                int pos = (int) (h ^ (h >>> 32)) & mask;
                while (s[pos] != 0) {
                    pos = (pos + 1) & mask;
                }
                s[pos] = id + 1;
            }
            slots = s;
        }

        /** Each id's rank in unsigned byte order of the strings. */
        private int[] ranks() {
            Integer[] byOrder = new Integer[count];
            for (int id = 0; id < count; id++) {
                byOrder[id] = id;
            }
            Arrays.sort(byOrder, (x, y) -> {
                int i = first[x];
                int j = first[y];
                ColumnVector a = cols[batchOf[i]];
                ColumnVector b = cols[batchOf[j]];
                return StringViews.compare(a.data(), a.varBuffers(), rowOf[i], b.data(), b.varBuffers(), rowOf[j]);
            });
            int[] rank = new int[count];
            for (int r = 0; r < count; r++) {
                rank[byOrder[r]] = r;
            }
            return rank;
        }
    }
}
