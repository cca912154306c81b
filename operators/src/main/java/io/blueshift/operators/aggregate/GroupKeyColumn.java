package io.blueshift.operators.aggregate;

import io.blueshift.kernels.KeyHash;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryLimitExceededException;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.StringViews;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * One GROUP BY key column of a {@link GroupTable}: the key of every group in a plain Java
 * array (group id = index), compared against batch rows and against another table's groups.
 * Arrays instead of segments: these loops run once per row, and the JIT compiles array
 * accesses to plain loads where segment accesses that also see other kinds of memory stay
 * calls. Each batch's keys are first loaded into arrays too ({@link #load}). NULL keys are
 * one group; a column notes NULLs only once it has stored one.
 */
abstract sealed class GroupKeyColumn implements AutoCloseable
        permits GroupKeyColumn.Ints, GroupKeyColumn.Longs, GroupKeyColumn.Bools, GroupKeyColumn.Strings {
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    final DataType type;
    final HeapAccount account;
    /** The pool the arrays are accounted in, taken from and handed back to ({@link MemoryPool#newLongs}). */
    final MemoryPool pool;
    int capacity;
    /** NULL keys by group, from the first NULL stored on (null before). */
    boolean[] nulls;

    GroupKeyColumn(DataType type, MemoryPool pool, String owner) {
        this.type = type;
        this.pool = pool;
        this.account = new HeapAccount(pool, owner);
    }

    static GroupKeyColumn create(DataType type, MemoryPool pool, int capacity, String owner) {
        GroupKeyColumn c = switch (type) {
            case DataType.VarcharType t -> new Strings(type, pool, owner);
            case DataType.BooleanType t -> new Bools(type, pool, owner);
            default -> type.byteWidth() == 4 ? new Ints(type, pool, owner) : new Longs(type, pool, owner);
        };
        try {
            c.grow(capacity);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** NULLs of the loaded batch by batch index (null when the loaded rows have none). */
    boolean[] batchNulls;

    /**
     * Loads the key of each live row of a batch column into this column's batch arrays, by
     * live-row index {@code i} ({@code rows[i]} is its row id, or i when {@code rows} is null):
     * the loops below then read Java arrays only.
     */
    final void load(ColumnVector in, int[] rows, int n) {
        MemorySegment validity = in.validity();
        if (validity == null) {
            batchNulls = null;
        } else {
            if (batchScratchNulls.length < n) {
                batchScratchNulls = new boolean[Math.max(n, batchScratchNulls.length * 2)];
            }
            boolean[] bn = batchScratchNulls;
            boolean any = false;
            for (int i = 0; i < n; i++) {
                boolean isNull = in.isNull(rows == null ? i : rows[i]);
                bn[i] = isNull;
                any |= isNull;
            }
            // a column with a validity bitmap but no NULL among these rows takes the loops
            // without NULL tests (a key compare per row instead of a call per row)
            batchNulls = any ? bn : null;
        }
        loadValues(in, rows, n);
    }

    private boolean[] batchScratchNulls = new boolean[0];

    /** Bytes of the batch arrays (scratch the table accounts). */
    abstract long batchBytes();

    final boolean isNull(int g) {
        return nulls != null && nulls[g];
    }

    /** Sets {@code ids[i]} to -1 where live row i's key is not the key of candidate group {@code ids[i] >= 0}. */
    final void verify(int n, int[] ids) {
        if (batchNulls == null && nulls == null) {
            verifyValues(n, ids);
            return;
        }
        for (int i = 0; i < n; i++) {
            int g = ids[i];
            if (g >= 0 && !matches(i, g)) {
                ids[i] = -1;
            }
        }
    }

    /** Whether loaded live row {@code i} has the key of group {@code g}. */
    final boolean matches(int i, int g) {
        boolean inNull = batchNulls != null && batchNulls[i];
        boolean storedNull = isNull(g);
        if (inNull || storedNull) {
            return inNull == storedNull;
        }
        return valueEquals(i, g);
    }

    /** Stores loaded live row {@code i}'s key as the key of new group {@code g}. */
    final void append(int i, int g) {
        if (batchNulls != null && batchNulls[i]) {
            markNull(g);
        } else {
            appendValue(i, g);
        }
    }

    /** Whether group {@code og} of {@code other} (same type) has the key of group {@code g}. */
    final boolean matchesGroup(GroupKeyColumn other, int og, int g) {
        boolean a = other.isNull(og);
        boolean b = isNull(g);
        if (a || b) {
            return a == b;
        }
        return valueEqualsGroup(other, og, g);
    }

    final void appendGroup(GroupKeyColumn other, int og, int g) {
        if (other.isNull(og)) {
            markNull(g);
        } else {
            appendValueGroup(other, og, g);
        }
    }

    /**
     * Stores group {@code from[i]} of {@code other} (same type) as new group {@code to[i]},
     * {@code i < n}: the values in one loop of the subclass, then the NULLs.
     */
    final void appendGroups(GroupKeyColumn other, int[] from, int[] to, int n) {
        appendValuesGroup(other, from, to, n);
        boolean[] on = other.nulls;
        if (on != null) {
            for (int i = 0; i < n; i++) {
                if (on[from[i]]) {
                    markNull(to[i]);
                }
            }
        }
    }

    /** The values of {@link #appendGroups} (a NULL group's value is copied too: it is never read). */
    abstract void appendValuesGroup(GroupKeyColumn other, int[] from, int[] to, int n);

    private void markNull(int g) {
        if (nulls == null) {
            account.resize(valueBytes(capacity) + capacity);
            nulls = new boolean[capacity];
        }
        nulls[g] = true;
    }

    final void grow(int newCapacity) {
        account.resize(valueBytes(newCapacity) + (nulls != null ? newCapacity : 0));
        growValues(newCapacity);
        if (nulls != null) {
            nulls = Arrays.copyOf(nulls, newCapacity);
        }
        capacity = newCapacity;
    }

    /** Forgets the keys of groups {@code [0, count)} (the table starts over, keeping its arrays). */
    void reset(int count) {
        if (nulls != null) {
            Arrays.fill(nulls, 0, count, false);
        }
    }

    /** The keys of groups {@code [0, count)} as a vector the caller owns. */
    final ColumnVector toVector(MemoryPool pool, int count, String owner) {
        ColumnVector v = ColumnVector.allocate(pool, type, Math.max(count, 1), nulls != null, owner);
        try {
            writeValues(v, count);
            if (nulls != null) {
                for (int g = 0; g < count; g++) {
                    if (nulls[g]) {
                        v.setNull(g);
                    }
                }
            }
        } catch (RuntimeException e) {
            v.close();
            throw e;
        }
        return v;
    }

    abstract long valueBytes(int capacity);

    abstract void growValues(int capacity);

    abstract void loadValues(ColumnVector in, int[] rows, int n);

    abstract void verifyValues(int n, int[] ids);

    abstract boolean valueEquals(int i, int g);

    abstract void appendValue(int i, int g);

    abstract boolean valueEqualsGroup(GroupKeyColumn other, int og, int g);

    abstract void appendValueGroup(GroupKeyColumn other, int og, int g);

    abstract void writeValues(ColumnVector out, int count);

    /**
     * Hashes the loaded keys into {@code out} (live-row order), or combines their hashes into
     * it when {@code first} is false: the hash {@link GroupTable}'s kernels give the column's
     * values (an INT32 sign-extended, a BOOLEAN as 0 or 1, a FLOAT64 by its bits, a NULL
     * {@link io.blueshift.kernels.HashKernels#NULL_HASH}).
     */
    abstract void hashLoaded(long[] out, int n, boolean first);

    /** Stores or combines one key's hash (NULL rows take the NULL hash). */
    final void putHash(long[] out, int i, boolean first, long valueHash) {
        long h = batchNulls != null && batchNulls[i] ? io.blueshift.kernels.HashKernels.NULL_HASH : valueHash;
        out[i] = first ? h : KeyHash.combine(out[i], h);
    }

    @Override
    public void close() {
        account.close();
        recycleValues();
    }

    /** Hands the values array back to the pool ({@link MemoryPool#recycle}); the column holds none after. */
    void recycleValues() {}

    /** INT32 and DATE keys. */
    static final class Ints extends GroupKeyColumn {
        int[] values = new int[0];

        Ints(DataType type, MemoryPool pool, String owner) { super(type, pool, owner); }

        @Override void recycleValues() {
            pool.recycle(values);
            values = new int[0];
        }

        @Override long valueBytes(int capacity) { return capacity * 4L; }

        @Override void growValues(int capacity) { values = pool.resizeInts(values, capacity); }

        int[] batch = new int[0];

        @Override long batchBytes() { return batch.length * 5L; }

        @Override
        void loadValues(ColumnVector in, int[] rows, int n) {
            if (batch.length < n) {
                batch = new int[Math.max(n, batch.length * 2)];
            }
            MemorySegment data = in.data();
            if (rows == null) {
                MemorySegment.copy(data, INT, 0, batch, 0, n);
            } else {
                int[] b = batch;
                for (int i = 0; i < n; i++) {
                    b[i] = data.getAtIndex(INT, rows[i]);
                }
            }
        }

        @Override
        void verifyValues(int n, int[] ids) {
            int[] b = batch;
            int[] v = values;
            for (int i = 0; i < n; i++) {
                int g = ids[i];
                if (g >= 0 && b[i] != v[g]) {
                    ids[i] = -1;
                }
            }
        }

        @Override boolean valueEquals(int i, int g) { return batch[i] == values[g]; }

        @Override void appendValue(int i, int g) { values[g] = batch[i]; }

        @Override
        void hashLoaded(long[] out, int n, boolean first) {
            for (int i = 0; i < n; i++) {
                putHash(out, i, first, KeyHash.hashLong(batch[i]));
            }
        }

        @Override boolean valueEqualsGroup(GroupKeyColumn other, int og, int g) { return ((Ints) other).values[og] == values[g]; }

        @Override void appendValueGroup(GroupKeyColumn other, int og, int g) { values[g] = ((Ints) other).values[og]; }

        @Override
        void appendValuesGroup(GroupKeyColumn other, int[] from, int[] to, int n) {
            int[] ov = ((Ints) other).values;
            int[] v = values;
            for (int i = 0; i < n; i++) {
                v[to[i]] = ov[from[i]];
            }
        }

        @Override
        void writeValues(ColumnVector out, int count) {
            MemorySegment.copy(values, 0, out.data(), INT, 0, count);
        }
    }

    /** INT64, TIMESTAMP, DECIMAL and FLOAT64 keys (doubles by their bits, as they are hashed). */
    static final class Longs extends GroupKeyColumn {
        long[] values = new long[0];

        Longs(DataType type, MemoryPool pool, String owner) { super(type, pool, owner); }

        @Override void recycleValues() {
            pool.recycle(values);
            values = new long[0];
        }

        @Override long valueBytes(int capacity) { return capacity * 8L; }

        @Override void growValues(int capacity) { values = pool.resizeLongs(values, capacity); }

        long[] batch = new long[0];

        @Override long batchBytes() { return batch.length * 9L; }

        @Override
        void loadValues(ColumnVector in, int[] rows, int n) {
            if (batch.length < n) {
                batch = new long[Math.max(n, batch.length * 2)];
            }
            MemorySegment data = in.data();
            if (rows == null) {
                MemorySegment.copy(data, LONG, 0, batch, 0, n);
            } else {
                long[] b = batch;
                for (int i = 0; i < n; i++) {
                    b[i] = data.getAtIndex(LONG, rows[i]);
                }
            }
        }

        @Override
        void verifyValues(int n, int[] ids) {
            long[] b = batch;
            long[] v = values;
            for (int i = 0; i < n; i++) {
                int g = ids[i];
                if (g >= 0 && b[i] != v[g]) {
                    ids[i] = -1;
                }
            }
        }

        @Override boolean valueEquals(int i, int g) { return batch[i] == values[g]; }

        @Override void appendValue(int i, int g) { values[g] = batch[i]; }

        @Override
        void hashLoaded(long[] out, int n, boolean first) {
            for (int i = 0; i < n; i++) {
                putHash(out, i, first, KeyHash.hashLong(batch[i]));
            }
        }

        @Override boolean valueEqualsGroup(GroupKeyColumn other, int og, int g) { return ((Longs) other).values[og] == values[g]; }

        @Override void appendValueGroup(GroupKeyColumn other, int og, int g) { values[g] = ((Longs) other).values[og]; }

        @Override
        void appendValuesGroup(GroupKeyColumn other, int[] from, int[] to, int n) {
            long[] ov = ((Longs) other).values;
            long[] v = values;
            for (int i = 0; i < n; i++) {
                v[to[i]] = ov[from[i]];
            }
        }

        @Override
        void writeValues(ColumnVector out, int count) {
            MemorySegment.copy(values, 0, out.data(), LONG, 0, count);
        }
    }

    /** BOOLEAN keys, one byte each. */
    static final class Bools extends GroupKeyColumn {
        boolean[] values = new boolean[0];

        Bools(DataType type, MemoryPool pool, String owner) { super(type, pool, owner); }

        @Override long valueBytes(int capacity) { return capacity; }

        @Override void growValues(int capacity) { values = Arrays.copyOf(values, capacity); }

        boolean[] batch = new boolean[0];

        @Override long batchBytes() { return batch.length * 2L; }

        @Override
        void loadValues(ColumnVector in, int[] rows, int n) {
            if (batch.length < n) {
                batch = new boolean[Math.max(n, batch.length * 2)];
            }
            for (int i = 0; i < n; i++) {
                batch[i] = in.getBoolean(rows == null ? i : rows[i]);
            }
        }

        @Override
        void verifyValues(int n, int[] ids) {
            for (int i = 0; i < n; i++) {
                int g = ids[i];
                if (g >= 0 && batch[i] != values[g]) {
                    ids[i] = -1;
                }
            }
        }

        @Override boolean valueEquals(int i, int g) { return batch[i] == values[g]; }

        @Override void appendValue(int i, int g) { values[g] = batch[i]; }

        @Override
        void hashLoaded(long[] out, int n, boolean first) {
            for (int i = 0; i < n; i++) {
                putHash(out, i, first, KeyHash.hashLong(batch[i] ? 1 : 0));
            }
        }

        @Override boolean valueEqualsGroup(GroupKeyColumn other, int og, int g) { return ((Bools) other).values[og] == values[g]; }

        @Override void appendValueGroup(GroupKeyColumn other, int og, int g) { values[g] = ((Bools) other).values[og]; }

        @Override
        void appendValuesGroup(GroupKeyColumn other, int[] from, int[] to, int n) {
            boolean[] ov = ((Bools) other).values;
            boolean[] v = values;
            for (int i = 0; i < n; i++) {
                v[to[i]] = ov[from[i]];
            }
        }

        @Override
        void writeValues(ColumnVector out, int count) {
            for (int g = 0; g < count; g++) {
                out.setBoolean(g, values[g]);
            }
        }
    }

    /**
     * VARCHAR keys as the two words of their string views: the first (length and prefix) as
     * in the view; the second the rest of an inline string (up to 12 bytes) or, for a longer
     * one, the offset of its bytes in one byte array this column owns.
     */
    static final class Strings extends GroupKeyColumn {
        private static final VarHandle BYTES_AS_LONG =
                MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
        /** Two words per group. */
        long[] views = new long[0];
        byte[] heap = new byte[0];
        int fill;
        /** The loaded batch: two view words per live row, and the batch column's string buffers. */
        long[] batch = new long[0];
        List<MemorySegment> batchBuffers = List.of();
        private final HeapAccount heapAccount;

        Strings(DataType type, MemoryPool pool, String owner) {
            super(type, pool, owner);
            this.heapAccount = new HeapAccount(pool, owner + " string data");
        }

        @Override void recycleValues() {
            pool.recycle(views);
            views = new long[0];
        }

        @Override long valueBytes(int capacity) { return capacity * 16L; }

        @Override long batchBytes() { return batch.length * 8L + batch.length / 2; }

        @Override void growValues(int capacity) { views = pool.resizeLongs(views, capacity * 2); }

        private void reserveHeap(int bytes) {
            if (heap.length - fill >= bytes) {
                return;
            }
            long want = Math.max((long) fill + bytes, Math.max(4096L, heap.length * 2L));
            if (want > Integer.MAX_VALUE - 16) {
                want = (long) fill + bytes;
                if (want > Integer.MAX_VALUE - 16) {
                    throw new MemoryLimitExceededException("memory limit exceeded: GROUP BY string keys over 2 GiB in one table",
                            want, Integer.MAX_VALUE - 16);
                }
            }
            heapAccount.resize(want);
            heap = Arrays.copyOf(heap, (int) want);
        }

        /** Whether {@code len} bytes at {@code off} in {@code buf} equal those at {@code at} in this column's array (the first four already matched). */
        private boolean bytesEqual(MemorySegment buf, long off, int at, int len) {
            byte[] h = heap;
            int i = 4;
            for (; i + 8 <= len; i += 8) {
                if (buf.get(LONG, off + i) != (long) BYTES_AS_LONG.get(h, at + i)) {
                    return false;
                }
            }
            for (; i < len; i++) {
                if (buf.get(ValueLayout.JAVA_BYTE, off + i) != h[at + i]) {
                    return false;
                }
            }
            return true;
        }

        /** Whether loaded live row {@code i}'s out-of-line string (length {@code len}) is group {@code g}'s. */
        private boolean outOfLineEquals(int i, int len, int g) {
            long w1 = batch[2 * i + 1];
            MemorySegment buf = batchBuffers.get((int) w1);
            return bytesEqual(buf, w1 >>> 32, (int) views[2 * g + 1], len);
        }

        @Override
        void loadValues(ColumnVector in, int[] rows, int n) {
            if (batch.length < 2 * n) {
                batch = new long[Math.max(2 * n, batch.length * 2)];
            }
            MemorySegment data = in.data();
            if (rows == null) {
                MemorySegment.copy(data, LONG, 0, batch, 0, 2 * n);
            } else {
                long[] b = batch;
                for (int i = 0; i < n; i++) {
                    long base = (long) rows[i] << 4;
                    b[2 * i] = data.get(LONG, base);
                    b[2 * i + 1] = data.get(LONG, base + 8);
                }
            }
            batchBuffers = in.varBuffers();
        }

        /**
         * Hashes the loaded keys into {@code out} (live-row order), or combines their hashes
         * into it when {@code first} is false. An inline string (up to 12 bytes, zero padded)
         * is its two view words, so it hashes by mixing them, without a byte loop or a look at
         * any buffer; a longer string hashes its bytes. Both depend on the string alone (its
         * length decides the form), which is all a table needs: these hashes are only ever
         * compared with hashes made here.
         */
        @Override
        void hashLoaded(long[] out, int n, boolean first) {
            hashValues(out, n, first);
        }

        void hashValues(long[] out, int n, boolean first) {
            long[] b = batch;
            boolean[] bn = batchNulls;
            // the last out-of-line string hashed: a row whose view words are the same (same
            // bytes at the same place of the batch's buffers: a join's build row repeated,
            // keys clustered) takes its hash without reading the bytes again
            long lastW0 = 0;
            long lastW1 = 0;
            long lastHash = 0;
            for (int i = 0; i < n; i++) {
                long h;
                if (bn != null && bn[i]) {
                    h = io.blueshift.kernels.HashKernels.NULL_HASH;
                } else {
                    long w0 = b[2 * i];
                    int len = (int) w0;
                    if (len <= StringViews.INLINE_MAX) {
                        h = inlineHash(w0, b[2 * i + 1]);
                    } else {
                        long w1 = b[2 * i + 1];
                        if (w0 == lastW0 && w1 == lastW1) {
                            h = lastHash;
                        } else {
                            h = KeyHash.hashBytes(batchBuffers.get((int) w1), w1 >>> 32, len);
                            lastW0 = w0;
                            lastW1 = w1;
                            lastHash = h;
                        }
                    }
                }
                out[i] = first ? h : KeyHash.combine(out[i], h);
            }
        }

        /** The hash of an inline string from its view words (length and first bytes; the rest). */
        static long inlineHash(long w0, long w1) {
            return KeyHash.hashLong(w0 * KeyHash.P1 ^ Long.rotateLeft(w1, 29));
        }

        @Override
        void verifyValues(int n, int[] ids) {
            long[] b = batch;
            long[] st = views;
            // the last out-of-line string found equal to its group's: the same view words
            // in the same group again need no byte compare
            long lastW0 = 0;
            long lastW1 = 0;
            int lastGroup = -1;
            for (int i = 0; i < n; i++) {
                int g = ids[i];
                if (g < 0) {
                    continue;
                }
                long w0 = b[2 * i];
                boolean eq;
                if ((int) w0 <= StringViews.INLINE_MAX) {
                    eq = w0 == st[2 * g] && b[2 * i + 1] == st[2 * g + 1];
                } else {
                    long w1 = b[2 * i + 1];
                    if (g == lastGroup && w0 == lastW0 && w1 == lastW1) {
                        eq = true;
                    } else {
                        eq = w0 == st[2 * g] && outOfLineEquals(i, (int) w0, g);
                        if (eq) {
                            lastW0 = w0;
                            lastW1 = w1;
                            lastGroup = g;
                        }
                    }
                }
                if (!eq) {
                    ids[i] = -1;
                }
            }
        }

        @Override
        boolean valueEquals(int i, int g) {
            long w0 = batch[2 * i];
            if (w0 != views[2 * g]) {
                return false;
            }
            return (int) w0 <= StringViews.INLINE_MAX
                    ? batch[2 * i + 1] == views[2 * g + 1]
                    : outOfLineEquals(i, (int) w0, g);
        }

        @Override
        void appendValue(int i, int g) {
            long w0 = batch[2 * i];
            long w1 = batch[2 * i + 1];
            int len = (int) w0;
            views[2 * g] = w0;
            if (len <= StringViews.INLINE_MAX) {
                views[2 * g + 1] = w1;
                return;
            }
            reserveHeap(len);
            MemorySegment buf = batchBuffers.get((int) w1);
            MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, w1 >>> 32, heap, fill, len);
            views[2 * g + 1] = fill;
            fill += len;
        }

        @Override
        boolean valueEqualsGroup(GroupKeyColumn other, int og, int g) {
            Strings o = (Strings) other;
            long w0 = o.views[2 * og];
            if (w0 != views[2 * g]) {
                return false;
            }
            int len = (int) w0;
            if (len <= StringViews.INLINE_MAX) {
                return o.views[2 * og + 1] == views[2 * g + 1];
            }
            int a = (int) o.views[2 * og + 1];
            int b = (int) views[2 * g + 1];
            return Arrays.equals(o.heap, a, a + len, heap, b, b + len);
        }

        @Override
        void appendValueGroup(GroupKeyColumn other, int og, int g) {
            Strings o = (Strings) other;
            long w0 = o.views[2 * og];
            int len = (int) w0;
            views[2 * g] = w0;
            if (len <= StringViews.INLINE_MAX) {
                views[2 * g + 1] = o.views[2 * og + 1];
                return;
            }
            reserveHeap(len);
            System.arraycopy(o.heap, (int) o.views[2 * og + 1], heap, fill, len);
            views[2 * g + 1] = fill;
            fill += len;
        }

        @Override
        void appendValuesGroup(GroupKeyColumn other, int[] from, int[] to, int n) {
            boolean[] on = other.nulls;
            for (int i = 0; i < n; i++) {
                if (on == null || !on[from[i]]) {   // a NULL group's views may be a reset group's
                    appendValueGroup(other, from[i], to[i]);
                }
            }
        }

        @Override
        void reset(int count) {
            super.reset(count);
            fill = 0;
        }

        @Override
        void writeValues(ColumnVector out, int count) {
            MemorySegment data = out.data();
            int buffer = -1;
            for (int g = 0; g < count; g++) {
                if (isNull(g)) {
                    continue;
                }
                long base = (long) g << 4;
                long w0 = views[2 * g];
                data.set(LONG, base, w0);
                if ((int) w0 <= StringViews.INLINE_MAX) {
                    data.set(LONG, base + 8, views[2 * g + 1]);
                } else {
                    if (buffer < 0) {
                        buffer = out.addStringBuffer(heap, 0, fill);
                    }
                    data.set(INT, base + 8, buffer);
                    data.set(INT, base + 12, (int) views[2 * g + 1]);
                }
            }
        }

        @Override
        public void close() {
            super.close();
            heapAccount.close();
        }
    }
}
