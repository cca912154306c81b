package io.blueshift.operators.aggregate;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The distinct (group id, value) pairs of {@link DistinctAggregate} when there is one distinct
 * column and it is a fixed-width integer kind (INT32, DATE, INT64, DECIMAL, TIMESTAMP): a set of
 * an int and a long in two parallel slot arrays, open addressing with linear probing, at most
 * half full. In place of a {@link GroupTable} keyed by the pair (its generic key columns, hash
 * kernels over a selection, a tag then a key compare) a row costs one load of its value and a
 * probe that compares the two numbers. A NULL value is one flag per group.
 * <p>
 * With {@code keepOrder}, every pair new here is also listed in arrival order (group, value,
 * NULL or not): the merge of several workers' sets reads those lists.
 */
final class DistinctPairs implements AutoCloseable {
    private static final int INITIAL_SLOTS = 2048;
    private static final long M1 = 0x9E3779B97F4A7C15L;
    private static final long M2 = 0xBF58476D1CE4E5B9L;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private final boolean wide;
    private final boolean keepOrder;
    private final HeapAccount account;
    /** Where the slot and pair arrays are taken from and handed back to ({@link MemoryPool#newLongs}). */
    private final MemoryPool pool;

    private long[] slotValues;
    private int[] slotGroups;     // group id + 1; 0 = empty
    private int mask;
    private int shift;
    private int count;
    /** Groups that have a NULL value (by group id). */
    private boolean[] nullSeen = new boolean[0];

    /** Arrival order (with {@code keepOrder}): pair i's group and value, and whether it is the group's NULL. */
    private int[] pairGroups = new int[0];
    private long[] pairValues = new long[0];
    private boolean[] pairNulls;
    private int pairs;

    /** The batch's values by live-row index. */
    private long[] batchValues = new long[0];

    /** Whether the distinct column of this type takes this set. */
    static boolean supports(DataType type) {
        return switch (type) {
            case DataType.Int32Type t -> true;
            case DataType.DateType t -> true;
            case DataType.Int64Type t -> true;
            case DataType.DecimalType t -> t.byteWidth() == 8;
            case DataType.TimestampType t -> true;
            default -> false;
        };
    }

    /** A set for values of {@code type} with room for {@code expected} pairs before it grows. */
    DistinctPairs(DataType type, MemoryPool pool, boolean keepOrder, long expected) {
        this.wide = type.byteWidth() == 8;
        this.keepOrder = keepOrder;
        this.pool = pool;
        this.account = new HeapAccount(pool, "distinct aggregate pairs");
        long want = Math.max(INITIAL_SLOTS, Long.highestOneBit(Math.clamp(expected, 1, 1L << 29)) << 2);
        allocate((int) want);
    }

    private void allocate(int slots) {
        account.resize(slots * 12L + (long) pairGroups.length * 13 + batchValues.length * 8L + nullSeen.length);
        slotValues = pool.newLongs(slots);
        slotGroups = pool.newInts(slots);
        mask = slots - 1;
        shift = 64 - Integer.numberOfTrailingZeros(slots);
    }

    private void account() {
        account.resize(slotValues.length * 12L + (long) pairGroups.length * 13 + batchValues.length * 8L + nullSeen.length);
    }

    int pairCount() { return pairs; }

    int groupOf(int pair) { return pairGroups[pair]; }

    private int slot(int group, long value) {
        return (int) (((value ^ (group * M1)) * M2) >>> shift);
    }

    /**
     * Adds the pairs (group {@code groups[i]}, value of the column at row {@code rows[i]}, or
     * row i when {@code rows} is null) of {@code n} live rows; writes the live-row index of each
     * row whose pair is new into {@code newRows} and returns how many.
     */
    int add(int[] groups, ColumnVector column, int[] rows, int n, int[] newRows) {
        if (batchValues.length < n) {
            batchValues = new long[Math.max(n, batchValues.length * 2)];
            account();
        }
        long[] vals = batchValues;
        MemorySegment data = column.data();
        if (wide) {
            if (rows == null) {
                MemorySegment.copy(data, LONG, 0, vals, 0, n);
            } else {
                loadLongs(data, rows, n, vals);
            }
        } else {
            loadInts(data, rows, n, vals);
        }
        MemorySegment validity = column.validity();
        int m = 0;
        for (int i = 0; i < n; i++) {
            if ((i & (TOUCH_ROWS - 1)) == 0 && slotGroups.length >= TOUCH_SLOTS) {
                touch(groups, vals, i, Math.min(n, i + TOUCH_ROWS));
            }
            if (validity != null) {
                int r = rows == null ? i : rows[i];
                if ((validity.get(ValueLayout.JAVA_BYTE, r >>> 3) & (1 << (r & 7))) == 0) {
                    if (addNull(groups[i])) {
                        newRows[m++] = i;
                    }
                    continue;
                }
            }
            if (insert(groups[i], vals[i])) {
                newRows[m++] = i;
            }
        }
        return m;
    }

    /** Slots from which on {@link #add} touches the slots of the rows ahead (past L2 with the values). */
    private static final int TOUCH_SLOTS = 1 << 16;
    private static final int TOUCH_ROWS = 64;
    /** Sum of the touched slots, kept so the JIT keeps the loads. */
    private long touched;

    /**
     * Loads the first slot of rows {@code [from, to)}: independent loads whose cache misses the
     * core has in flight at once, where the inserts would take them one after the other.
     */
    private void touch(int[] groups, long[] vals, int from, int to) {
        int[] sg = slotGroups;
        long[] sv = slotValues;
        long acc = 0;
        for (int i = from; i < to; i++) {
            int pos = slot(groups[i], vals[i]);
            acc += sg[pos] + sv[pos];
        }
        touched += acc;
    }

    private static void loadLongs(MemorySegment data, int[] rows, int n, long[] out) {
        for (int i = 0; i < n; i++) {
            out[i] = data.getAtIndex(LONG, rows[i]);
        }
    }

    private static void loadInts(MemorySegment data, int[] rows, int n, long[] out) {
        if (rows == null) {
            for (int i = 0; i < n; i++) {
                out[i] = data.getAtIndex(INT, i);
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[i] = data.getAtIndex(INT, rows[i]);
            }
        }
    }

    /** Adds the pair (group, value); true when it is new. */
    boolean insert(int group, long value) {
        long[] sv = slotValues;
        int[] sg = slotGroups;
        int m = mask;
        int pos = slot(group, value);
        int tag = group + 1;
        while (true) {
            int e = sg[pos];
            if (e == 0) {
                break;
            }
            if (e == tag && sv[pos] == value) {
                return false;
            }
            pos = (pos + 1) & m;
        }
        sg[pos] = tag;
        sv[pos] = value;
        record(group, value, false);
        if (++count * 2 > sg.length) {
            grow();
        }
        return true;
    }

    /** Adds the pair (group, NULL); true when it is new. */
    boolean addNull(int group) {
        if (group >= nullSeen.length) {
            nullSeen = Arrays.copyOf(nullSeen, Math.max(group + 1, nullSeen.length * 2));
            account();
        }
        if (nullSeen[group]) {
            return false;
        }
        nullSeen[group] = true;
        record(group, 0, true);
        return true;
    }

    private void record(int group, long value, boolean isNull) {
        if (!keepOrder) {
            return;
        }
        int i = pairs;
        if (i == pairGroups.length) {
            int cap = Math.max(1024, i * 2);
            pairGroups = pool.resizeInts(pairGroups, cap);
            pairValues = pool.resizeLongs(pairValues, cap);
            if (pairNulls != null) {
                pairNulls = Arrays.copyOf(pairNulls, cap);
            }
            account();
        }
        if (isNull && pairNulls == null) {
            pairNulls = new boolean[pairGroups.length];
        }
        pairGroups[i] = group;
        pairValues[i] = value;
        if (pairNulls != null) {
            pairNulls[i] = isNull;
        }
        pairs = i + 1;
    }

    private void grow() {
        long[] oldValues = slotValues;
        int[] oldGroups = slotGroups;
        // past L2 four times at once: each growth moves every pair through cache misses again
        allocate(oldGroups.length * (oldGroups.length >= TOUCH_SLOTS ? 4 : 2));
        long[] sv = slotValues;
        int[] sg = slotGroups;
        int m = mask;
        for (int s = 0; s < oldGroups.length; s++) {
            int e = oldGroups[s];
            if (e != 0) {
                long v = oldValues[s];
                int pos = slot(e - 1, v);
                while (sg[pos] != 0) {
                    pos = (pos + 1) & m;
                }
                sg[pos] = e;
                sv[pos] = v;
            }
        }
        pool.recycle(oldValues);
        pool.recycle(oldGroups);
    }

    /**
     * Adds pair {@code pair} of {@code other} (a set that kept its order) under group
     * {@code group} of this set; true when it is new here.
     */
    boolean addFrom(DistinctPairs other, int pair, int group) {
        if (other.pairNulls != null && other.pairNulls[pair]) {
            return addNull(group);
        }
        return insert(group, other.pairValues[pair]);
    }

    /** The listed pairs' values as a column of {@code type} (row = pair, a NULL pair NULL); the caller owns it. */
    ColumnVector values(MemoryPool pool, DataType type) {
        int n = pairs;
        ColumnVector v = ColumnVector.allocate(pool, type, Math.max(n, 1), false, "distinct aggregate pair values");
        try {
            MemorySegment data = v.data();
            if (wide) {
                MemorySegment.copy(pairValues, 0, data, LONG, 0, n);
            } else {
                for (int i = 0; i < n; i++) {
                    data.setAtIndex(INT, i, (int) pairValues[i]);
                }
            }
            if (pairNulls != null) {
                for (int i = 0; i < n; i++) {
                    if (pairNulls[i]) {
                        v.setNull(i);
                    }
                }
            }
        } catch (RuntimeException e) {
            v.close();
            throw e;
        }
        return v;
    }

    @Override
    public void close() {
        account.close();
        // none of these arrays leaves the set (values() copies into a vector)
        pool.recycle(slotValues);
        pool.recycle(slotGroups);
        pool.recycle(pairGroups);
        pool.recycle(pairValues);
        slotValues = new long[0];
        slotGroups = new int[0];
        pairGroups = new int[0];
        pairValues = new long[0];
        pairNulls = null;
        batchValues = new long[0];
        nullSeen = new boolean[0];
    }
}
