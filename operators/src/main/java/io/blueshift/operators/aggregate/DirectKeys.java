package io.blueshift.operators.aggregate;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * A cache in front of a {@link GroupTable} for a GROUP BY on one integer column (INT32, DATE,
 * INT64, DECIMAL, TIMESTAMP) whose values span a small range: an array indexed by value minus
 * the smallest value seen gives the group id, so a row costs a load of its key and one load
 * of the array, with no hashing and no probing (the "perfect hash" aggregation of analytic
 * engines, here learned from the data rather than from statistics). The range grows as
 * batches show smaller or larger keys, by pages added at either end (the array is paged, so
 * growing never copies it); only the first row of each key new to the array goes
 * through the table (hashed and found or inserted as usual), so the group ids are the
 * table's and the merge, partitions and finish do not know the cache exists. NULL keys have a
 * group of their own beside the array.
 * <p>
 * When the range would pass {@link #MAX_SPAN} values, or {@link #SPAN_PER_GROUP} times the
 * groups (sparse keys, where the array would be mostly empty and past the caches), the
 * cache turns off for good and the table (or {@link PackedKeys}) takes the rows.
 * Where the keys' groups are many and scattered (TPC-H Q13's 150K customers in order
 * order), the array of 4-byte ids stays in L2 where the table's 8-byte slots, hashes and keys
 * do not.
 */
final class DirectKeys implements AutoCloseable {
    /** Values the array spans at most (4 MiB of group ids). */
    static final int MAX_SPAN = 1 << 20;
    /**
     * The array may span this many values per group known or possible (the groups seen and the
     * batch's rows): sparser keys would leave it mostly empty and past the caches.
     */
    static final int SPAN_PER_GROUP = 32;
    /** The smallest array: spans up to this are taken whatever the groups. */
    static final int MIN_SPAN = 1 << 12;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private final boolean wide;
    private final HeapAccount account;
    private boolean off;

    /**
     * The array in pages of {@link #PAGE} entries: entry {@code i} (value {@code base + i}) is
     * {@code pages[i >>> PAGE_BITS][i & PAGE_MASK]}, the group id + 1 (0: not seen), or
     * {@code -(pending index) - 1} while pending. Widening adds pages on either side and keeps the
     * old ones where they are: keys that drift (a table stored in key order) cost one new page per
     * {@link #PAGE} values instead of a copy of the whole array each time it grows.
     */
    private int[][] pages = new int[0][];
    private long base;
    /** Values covered: {@code pages.length * PAGE}. */
    private int span;
    static final int PAGE_BITS = 12;
    static final int PAGE = 1 << PAGE_BITS;
    private static final int PAGE_MASK = PAGE - 1;
    /** Distinct keys in the array. */
    private int count;
    /** Group id of the NULL key (-1: none yet). */
    private int nullGroup = -1;

    private long[] values = new long[0];
    private int[] ids = new int[0];
    private int[] iota = new int[0];
    private int[] pendingRows = new int[0];
    private int pending;
    /** Pending index of the NULL key in this batch (-1: none). */
    private int nullPending = -1;

    private DirectKeys(boolean wide, MemoryPool pool) {
        this.wide = wide;
        this.account = new HeapAccount(pool, "group direct keys");
    }

    /** A cache for one key column of this type, or null when it is not an integer of 4 or 8 bytes. */
    static DirectKeys create(List<DataType> keyTypes, MemoryPool pool) {
        if (keyTypes.size() != 1) {
            return null;
        }
        return switch (keyTypes.getFirst()) {
            case DataType.Int32Type t -> new DirectKeys(false, pool);
            case DataType.DateType t -> new DirectKeys(false, pool);
            case DataType.Int64Type t -> new DirectKeys(true, pool);
            case DataType.TimestampType t -> new DirectKeys(true, pool);
            case DataType.DecimalType t -> new DirectKeys(true, pool);
            default -> null;
        };
    }

    /**
     * The group of each live row of the batch (live-row order, valid until the next batch),
     * new groups made in {@code table}; or null when the cache is off (then for good: the
     * caller drops it). {@code rows} are the live rows' ids (null: all rows).
     */
    int[] assign(GroupTable table, Batch batch, ColumnVector column, int[] rows, int n) {
        if (off) {
            return null;
        }
        ensure(n);
        if (rows == null) {
            rows = iota;
        }
        MemorySegment validity = column.validity();
        long[] v = values;
        if (wide) {
            loadLongs(column.data(), rows, n, v);
        } else {
            loadInts(column.data(), rows, n, v);
        }
        long[] range = validity == null ? range(v, n) : rangeNonNull(v, validity, rows, n);
        if (range != null && !cover(range[0], range[1], n)) {
            turnOff();
            return null;
        }
        if (validity == null) {
            lookup(v, rows, n);
        } else {
            lookupNullable(v, validity, rows, n);
        }
        if (pending > 0) {
            int[] groups = table.resolveRows(batch, pendingRows, pending);
            storePending(groups, v, n);
            PackedKeys.resolvePending(ids, groups, n);
            pending = 0;
            nullPending = -1;
        }
        return ids;
    }

    private static void loadInts(MemorySegment data, int[] rows, int n, long[] v) {
        for (int i = 0; i < n; i++) {
            v[i] = data.getAtIndex(INT, rows[i]);
        }
    }

    private static void loadLongs(MemorySegment data, int[] rows, int n, long[] v) {
        for (int i = 0; i < n; i++) {
            v[i] = data.getAtIndex(LONG, rows[i]);
        }
    }

    /** The smallest and largest of {@code v[0, n)}. */
    private static long[] range(long[] v, int n) {
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            lo = Math.min(lo, v[i]);
            hi = Math.max(hi, v[i]);
        }
        return new long[] {lo, hi};
    }

    /** The smallest and largest non-NULL value, or null when every row is NULL. */
    private static long[] rangeNonNull(long[] v, MemorySegment validity, int[] rows, int n) {
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        boolean any = false;
        for (int i = 0; i < n; i++) {
            int r = rows[i];
            if ((validity.get(ValueLayout.JAVA_BYTE, r >>> 3) & (1 << (r & 7))) != 0) {
                lo = Math.min(lo, v[i]);
                hi = Math.max(hi, v[i]);
                any = true;
            }
        }
        return any ? new long[] {lo, hi} : null;
    }

    /** Widens the array to cover {@code [lo, hi]}; false when that passes the span allowed. */
    private boolean cover(long lo, long hi, int n) {
        if (span > 0 && lo >= base && hi - base >= 0 && hi - base < span) {
            return true;
        }
        long newLo = span == 0 ? lo : Math.min(lo, base);
        long newHi = span == 0 ? hi : Math.max(hi, base + span - 1);
        long width = newHi - newLo;
        long allowed = Math.min(MAX_SPAN, Math.max(MIN_SPAN, (long) SPAN_PER_GROUP * (count + n)));
        if (width < 0 || width >= allowed) { // negative: the subtraction overflowed
            return false;
        }
        int need = (int) width + 1;
        // a quarter more than needed, on the side the keys grew to, so that a slow drift does not add pages every batch
        int size = (int) Math.min(allowed, Math.max(need + need / 4L, MIN_SPAN));
        int total = (size + PAGE_MASK) >>> PAGE_BITS;
        if (span > 0 && keepPages(lo, hi, newLo, newHi, total)) {
            return true;
        }
        int sizeInPages = total << PAGE_BITS;
        long newBase = span > 0 && lo < base ? newLo - (sizeInPages - need) : newLo;
        if (newBase > newLo) { // wrapped below Long.MIN_VALUE
            newBase = newLo;
        }
        if (newBase > Long.MAX_VALUE - sizeInPages + 1) {
            // keys next to the largest value: the array ends there, so base + span never overflows
            newBase = Long.MAX_VALUE - sizeInPages + 1;
        }
        regrid(newBase, total);
        return true;
    }

    /**
     * Widens by whole pages below and above the old ones ({@code total} pages at least, the slack
     * on the side the keys grew to), keeping the old pages; false when the new range would pass
     * either end of the long values (then {@link #regrid} places the array anew).
     */
    private boolean keepPages(long lo, long hi, long newLo, long newHi, int total) {
        int old = pages.length;
        long top = base + span - 1;
        long below = lo < base ? Long.divideUnsigned(base - newLo + PAGE_MASK, PAGE) : 0;
        long above = hi > top ? Long.divideUnsigned(newHi - top + PAGE_MASK, PAGE) : 0;
        long slack = Math.max(0, total - (old + below + above));
        if (lo < base) {
            below += slack;
        } else {
            above += slack;
        }
        long newBase = base - (below << PAGE_BITS);
        long newTop = top + (above << PAGE_BITS);
        if (newBase > base || newTop < top) { // wrapped past either end
            return false;
        }
        int[][] next = new int[(int) (old + below + above)][];
        account.resize(heapBytes(next.length << PAGE_BITS, values.length));
        System.arraycopy(pages, 0, next, (int) below, old);
        for (int p = 0; p < next.length; p++) {
            if (next[p] == null) {
                next[p] = new int[PAGE];
            }
        }
        pages = next;
        base = newBase;
        span = next.length << PAGE_BITS;
        return true;
    }

    /** Places the array at {@code newBase} over {@code total} new pages, copying the entries it had. */
    private void regrid(long newBase, int total) {
        account.resize(heapBytes(total << PAGE_BITS, values.length));
        int[][] next = new int[total][];
        for (int p = 0; p < total; p++) {
            next[p] = new int[PAGE];
        }
        int shift = (int) (base - newBase);   // the old range lies within the new one
        for (int i = 0; i < span; i++) {
            int e = pages[i >>> PAGE_BITS][i & PAGE_MASK];
            if (e != 0) {
                int at = i + shift;
                next[at >>> PAGE_BITS][at & PAGE_MASK] = e;
            }
        }
        pages = next;
        base = newBase;
        span = total << PAGE_BITS;
    }

    /** Each row's group id, or {@code -(pending index) - 2} for a key new to the array (its first row noted). */
    private void lookup(long[] v, int[] rows, int n) {
        int[][] s = pages;
        long b = base;
        int[] out = ids;
        for (int i = 0; i < n; i++) {
            int at = (int) (v[i] - b);
            int[] page = s[at >>> PAGE_BITS];
            int e = page[at & PAGE_MASK];
            if (e == 0) {
                int j = pending++;
                pendingRows[j] = rows[i];
                e = -(j + 1);
                page[at & PAGE_MASK] = e;
            }
            out[i] = e - 1;
        }
    }

    private void lookupNullable(long[] v, MemorySegment validity, int[] rows, int n) {
        int[][] s = pages;
        long b = base;
        int[] out = ids;
        for (int i = 0; i < n; i++) {
            int r = rows[i];
            if ((validity.get(ValueLayout.JAVA_BYTE, r >>> 3) & (1 << (r & 7))) == 0) {
                if (nullGroup >= 0) {
                    out[i] = nullGroup;
                } else {
                    if (nullPending < 0) {
                        nullPending = pending++;
                        pendingRows[nullPending] = r;
                    }
                    out[i] = -nullPending - 2;
                }
                continue;
            }
            int at = (int) (v[i] - b);
            int[] page = s[at >>> PAGE_BITS];
            int e = page[at & PAGE_MASK];
            if (e == 0) {
                int j = pending++;
                pendingRows[j] = r;
                e = -(j + 1);
                page[at & PAGE_MASK] = e;
            }
            out[i] = e - 1;
        }
    }

    /** Stores the groups made for the pending keys in the array (and the NULL key's group). */
    private void storePending(int[] groups, long[] v, int n) {
        int[][] s = pages;
        long b = base;
        int[] out = ids;
        for (int i = 0; i < n; i++) {
            int e = out[i];
            if (e >= 0) {
                continue;
            }
            int j = -e - 2;
            if (j == nullPending) {
                continue;
            }
            int at = (int) (v[i] - b);
            int[] page = s[at >>> PAGE_BITS];
            if (page[at & PAGE_MASK] < 0) {
                page[at & PAGE_MASK] = groups[j] + 1;
                count++;
            }
        }
        if (nullPending >= 0) {
            nullGroup = groups[nullPending];
        }
    }

    private void ensure(int n) {
        if (values.length < n) {
            int cap = Math.max(n, values.length * 2);
            account.resize(heapBytes(span, cap));
            values = new long[cap];
            ids = new int[cap];
            iota = new int[cap];
            pendingRows = new int[cap];
            for (int i = 0; i < cap; i++) {
                iota[i] = i;
            }
        }
    }

    /** Heap bytes of an array spanning {@code span} values and per-batch arrays for {@code rows} rows. */
    private static long heapBytes(int span, int rows) {
        return span * 4L + rows * 20L;   // values 8, ids, iota and pending rows 4 each
    }

    private void turnOff() {
        off = true;
        pages = new int[0][];
        values = new long[0];
        ids = new int[0];
        iota = new int[0];
        pendingRows = new int[0];
        account.close();
    }

    @Override
    public void close() {
        turnOff();
    }
}
