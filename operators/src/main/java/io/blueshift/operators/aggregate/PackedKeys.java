package io.blueshift.operators.aggregate;

import io.blueshift.kernels.HashKernels;
import io.blueshift.kernels.KernelProvider;
import io.blueshift.kernels.StringKernels;
import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * A cache in front of a {@link GroupTable} for GROUP BY keys that fit, all together, in one
 * long: each live row's key columns are packed into a long (INT32 and DATE in 32 bits, INT64,
 * DECIMAL, TIMESTAMP and FLOAT64 bits in 64, a BOOLEAN in one, a string of up to
 * {@link #MAX_STRING} bytes in its bytes and its length, a NULL bit for a column that has
 * shown a validity bitmap), one loop per column over the batch's memory, and the long is
 * looked up in a small open-addressing map from packed key to group id. Packing is exact (two
 * rows pack equal only when their keys are equal), so a hit needs no key compare; only the
 * first row of each packed key new to the map goes through the table (its keys loaded,
 * hashed and found or inserted as usual). With few groups (Q1's four, any low-cardinality
 * GROUP BY) a row then costs its columns' loads and one probe of a map in L1, instead of
 * loading each key into the table's arrays, hashing and comparing it.
 * <p>
 * The layout (bits per column) is decided from the key types and what the batches have
 * shown: a string column's field holds the longest string seen so far, a column gets a NULL
 * bit once a batch of it has a validity bitmap. A batch that needs a wider layout changes it
 * and empties the map (its ids stay right: they are the table's). When the layout needs
 * more than 64 bits, a string is longer than {@link #MAX_STRING}, or the map would pass
 * {@link #MAX_GROUPS} keys, the cache turns itself off for good and the table takes every
 * row as before.
 */
final class PackedKeys implements AutoCloseable {
    /** Keys the map holds at most: past this the groups are too many for a map in L1/L2 to pay. */
    static final int MAX_GROUPS = 4096;
    /** The longest string a field holds (its bytes and a 3-bit length: 59 bits). */
    static final int MAX_STRING = 7;
    private static final int INITIAL_SLOTS = 64;
    private static final long MUL = 0x9E3779B97F4A7C15L;

    private static final int INT32 = 0;
    private static final int INT64 = 1;
    private static final int BOOL = 2;
    private static final int STRING = 3;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private final int[] kind;
    /** String columns: the longest string the layout holds. */
    private final int[] stringMax;
    private final boolean[] nullable;
    private final int[] shift;
    private final int[] valueBits;
    private final HeapAccount account;
    private boolean off;

    private final StringKernels strings;
    private final HashKernels hash;
    /** At most this many keys in the map: a batch is first matched against them all ({@link HashKernels#matchKeys}). */
    static final int FEW_KEYS = 8;
    private final long[] fewKeys = new long[FEW_KEYS];
    private final int[] fewIds = new int[FEW_KEYS];
    /**
     * Whether dense rows are packed by the kernels and few keys matched by them (off:
     * -Dblueshift.aggregate.densePack=false, for A/B).
     */
    private final boolean densePack = !"false".equals(System.getProperty("blueshift.aggregate.densePack"));
    private long[] packed = new long[0];
    /** Over a dense selection: the keys of every row up to the last live one, before the live rows are picked. */
    private long[] densePacked = new long[0];
    private int[] ids = new int[0];
    private int[] iota = new int[0];
    /** The first row (row id) and packed key of each key new to the map in this batch. */
    private int[] pendingRows = new int[0];
    private long[] pendingKeys = new long[0];
    private int pending;

    private long[] keys;
    private int[] values;     // group id + 1; -(pending index + 1) while pending; 0 empty
    private int mask;
    private int slotShift;
    private int count;

    private PackedKeys(int[] kind, MemoryPool pool, KernelProvider kernels) {
        this.kind = kind;
        this.strings = kernels.strings();
        this.hash = kernels.hash();
        int n = kind.length;
        this.stringMax = new int[n];
        this.nullable = new boolean[n];
        this.shift = new int[n];
        this.valueBits = new int[n];
        this.account = new HeapAccount(pool, "group packed keys");
        layout();
        allocateMap(INITIAL_SLOTS);
    }

    /** A cache for keys of these types, or null when one of them never packs. */
    static PackedKeys create(List<DataType> keyTypes, MemoryPool pool, KernelProvider kernels) {
        if (keyTypes.isEmpty() || ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            return null;
        }
        int[] kind = new int[keyTypes.size()];
        for (int k = 0; k < kind.length; k++) {
            DataType t = keyTypes.get(k);
            kind[k] = switch (t) {
                case DataType.VarcharType v -> STRING;
                case DataType.BooleanType b -> BOOL;
                default -> t.byteWidth() == 4 ? INT32 : t.byteWidth() == 8 ? INT64 : -1;
            };
            if (kind[k] < 0) {
                return null;
            }
        }
        PackedKeys p = new PackedKeys(kind, pool, kernels);
        if (p.off) {
            p.close();
            return null;
        }
        return p;
    }

    boolean isOff() { return off; }

    /** Sets the fields' places from the kinds, the strings' lengths and the NULL bits; turns off past 64 bits. */
    private void layout() {
        int at = 0;
        for (int k = 0; k < kind.length; k++) {
            int bits = switch (kind[k]) {
                case INT32 -> 32;
                case INT64 -> 64;
                case BOOL -> 1;
                default -> 8 * stringMax[k] + lengthBits(stringMax[k]);
            };
            valueBits[k] = bits;
            shift[k] = at;
            at += bits + (nullable[k] ? 1 : 0);
        }
        if (at > 64) {
            turnOff();
        }
    }

    private static int lengthBits(int max) {
        return 32 - Integer.numberOfLeadingZeros(max);
    }

    private void turnOff() {
        off = true;
        keys = null;
        values = null;
        packed = new long[0];
        ids = new int[0];
        iota = new int[0];
        pendingRows = new int[0];
        pendingKeys = new long[0];
        account.close();
    }

    private void allocateMap(int slots) {
        if (off) {
            return;
        }
        keys = new long[slots];
        values = new int[slots];
        mask = slots - 1;
        slotShift = 64 - Integer.numberOfTrailingZeros(slots);
        count = 0;
        accountArrays();
    }

    private void accountArrays() {
        account.resize(keys.length * 12L + packed.length * 8L + ids.length * 4L + iota.length * 4L
                + pendingRows.length * 12L + densePacked.length * 8L);
    }

    /** Forgets every key (the table's groups were reset). */
    void clear() {
        if (!off) {
            allocateMap(INITIAL_SLOTS);
        }
    }

    /**
     * The group of each live row of the batch (live-row order, valid until the next batch),
     * new groups made in {@code table}; or null when the cache is off (the table takes the
     * batch itself). {@code rows} are the live rows' ids (null: all rows).
     */
    int[] assign(GroupTable table, Batch batch, ColumnVector[] columns, int[] rows, int n) {
        ensure(n);
        while (!pack(columns, rows, n)) {
            if (off) {
                return null;
            }
        }
        if (rows == null) {
            rows = iota;
        }
        if (!lookup(rows, n)) {
            turnOff();
            return null;
        }
        if (pending > 0) {
            int[] groups = table.resolveRows(batch, pendingRows, pending);
            storePending(groups);
            resolvePending(ids, groups, n);
            pending = 0;
        }
        return ids;
    }

    // the loops after table.resolveRows are methods of their own: in assign, a loop would be
    // compiled on stack with the table's insert path inlined (bench/RESULTS.md, session 11 agg)

    /** Caches the groups made for the pending keys. */
    private void storePending(int[] groups) {
        for (int j = 0; j < pending; j++) {
            values[find(pendingKeys[j])] = groups[j] + 1;
        }
    }

    /** Replaces each row's pending mark ({@code -2 - j}) with the group made for pending key j (also {@link DirectKeys}'). */
    static void resolvePending(int[] out, int[] groups, int n) {
        for (int i = 0; i < n; i++) {
            int e = out[i];
            if (e < 0) {
                out[i] = groups[-e - 2];
            }
        }
    }

    private void ensure(int n) {
        if (packed.length < n) {
            int cap = Math.max(n, packed.length * 2);
            packed = new long[cap];
            ids = new int[cap];
            if (iota.length < cap) {
                iota = iota(cap);
            }
            pendingRows = new int[Math.min(cap, MAX_GROUPS + 1)];
            pendingKeys = new long[pendingRows.length];
            accountArrays();
        }
    }

    private static int[] iota(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** {@link #densePacked} and {@link #iota} for rows {@code [0, span)}. */
    private void ensureDense(int span) {
        if (densePacked.length < span) {
            int cap = Math.max(span, densePacked.length * 2);
            densePacked = new long[cap];
            if (iota.length < cap) {
                iota = iota(cap);
            }
            accountArrays();
        }
    }

    private static final int PACKED = 0;
    /** The layout changed (wider, the map emptied) or the cache turned off. */
    private static final int CHANGED = 1;
    /** A string longer than the layout holds, among rows that may not be live: pack the live rows alone. */
    private static final int LIVE_ONLY = 2;

    /**
     * Packs the keys of the live rows ({@code sel}, null for all {@code n}) into {@link #packed};
     * false when the batch needed a wider layout (then changed, the map emptied, or the cache
     * turned off): the caller packs again. Dense rows go through the kernels (a string header is
     * packed eight rows at a time); a selection that leaves at least half of the rows up to its
     * last is packed as the dense rows up to there, then the live rows' words picked out.
     */
    private boolean pack(ColumnVector[] columns, int[] sel, int n) {
        if (sel == null) {
            return packRows(columns, iota, n, packed, densePack, false) == PACKED;
        }
        int span = sel[n - 1] + 1;
        if (densePack && span <= 2 * n) {
            ensureDense(span);
            int r = packRows(columns, iota, span, densePacked, true, true);
            if (r == CHANGED) {
                return false;
            }
            if (r == PACKED) {
                long[] d = densePacked;
                long[] p = packed;
                for (int i = 0; i < n; i++) {
                    p[i] = d[sel[i]];
                }
                return true;
            }
        }
        return packRows(columns, sel, n, packed, false, false) == PACKED;
    }

    /**
     * Packs rows {@code rows[0, n)} into {@code p[0, n)}: {@link #PACKED}, {@link #CHANGED}, or
     * (when {@code someNotLive}) {@link #LIVE_ONLY}. {@code dense}: {@code rows} is 0..n-1.
     */
    private int packRows(ColumnVector[] columns, int[] rows, int n, long[] p, boolean dense, boolean someNotLive) {
        Arrays.fill(p, 0, n, 0L);
        for (int k = 0; k < kind.length; k++) {
            ColumnVector c = columns[k];
            MemorySegment validity = c.validity();
            if (validity != null && !nullable[k]) {
                nullable[k] = true;
                widen();
                return CHANGED;
            }
            MemorySegment data = c.data();
            int s = shift[k];
            switch (kind[k]) {
                case INT32 -> packInts(data, rows, n, p, s);
                case INT64 -> packLongs(data, rows, n, p);
                case BOOL -> packBools(data, rows, n, p, s);
                default -> {
                    int max = stringMax[k];
                    int seen = max > 4 ? packStrings(data, rows, n, p, s, max)
                            : dense ? strings.packHeaders(data, n, p, s, lengthBits(max), max == 4 ? 0xFFFF_FFFFL : (1L << (8 * max)) - 1)
                            : packShortStrings(data, rows, n, p, s, max);
                    if (seen > max) {
                        if (someNotLive) {
                            return LIVE_ONLY;
                        }
                        if (seen > MAX_STRING) {
                            turnOff();
                            return CHANGED;
                        }
                        stringMax[k] = seen;
                        widen();
                        return CHANGED;
                    }
                }
            }
            if (validity != null) {
                markNulls(validity, rows, n, p, s, valueBits[k]);
            }
        }
        return PACKED;
    }

    private boolean widen() {
        layout();
        allocateMap(INITIAL_SLOTS);
        return false;
    }

    private static void packInts(MemorySegment data, int[] rows, int n, long[] p, int s) {
        for (int i = 0; i < n; i++) {
            p[i] |= (data.getAtIndex(INT, rows[i]) & 0xFFFF_FFFFL) << s;
        }
    }

    private static void packLongs(MemorySegment data, int[] rows, int n, long[] p) {
        for (int i = 0; i < n; i++) {
            p[i] = data.getAtIndex(LONG, rows[i]);
        }
    }

    private static void packBools(MemorySegment data, int[] rows, int n, long[] p, int s) {
        for (int i = 0; i < n; i++) {
            int r = rows[i];
            p[i] |= (long) ((data.get(ValueLayout.JAVA_BYTE, r >>> 3) >>> (r & 7)) & 1) << s;
        }
    }

    /**
     * Strings of up to 4 bytes: their bytes are the high half of the view's first word (zero
     * padded), the low half the length. Returns the longest length among the rows.
     */
    private static int packShortStrings(MemorySegment views, int[] rows, int n, long[] p, int s, int max) {
        int lenBits = lengthBits(max);
        long lenMask = (1L << lenBits) - 1;
        long byteMask = max == 4 ? 0xFFFF_FFFFL : (1L << (8 * max)) - 1;
        int longest = 0;
        for (int i = 0; i < n; i++) {
            long w0 = views.get(LONG, (long) rows[i] << 4);
            int len = (int) w0;
            longest = Math.max(longest, len);
            // the length masked to its bits: a NULL row's slot may hold any bytes (its field is cleared later)
            p[i] |= ((((w0 >>> 32) & byteMask) << lenBits) | (len & lenMask)) << s;
        }
        return longest;
    }

    /** Strings of up to {@link #MAX_STRING} bytes: the first word's high half and the second word's low bytes. */
    private static int packStrings(MemorySegment views, int[] rows, int n, long[] p, int s, int max) {
        int lenBits = lengthBits(max);
        long lenMask = (1L << lenBits) - 1;
        long byteMask = (1L << (8 * max)) - 1;
        int longest = 0;
        for (int i = 0; i < n; i++) {
            long base = (long) rows[i] << 4;
            long w0 = views.get(LONG, base);
            long w1 = views.get(LONG, base + 8);
            int len = (int) w0;
            longest = Math.max(longest, len);
            p[i] |= ((((w0 >>> 32) | (w1 << 32)) & byteMask) << lenBits | (len & lenMask)) << s;
        }
        return longest;
    }

    /** A NULL row's field: its value bits cleared, the NULL bit above them set. */
    private static void markNulls(MemorySegment validity, int[] rows, int n, long[] p, int s, int bits) {
        long field = (bits == 64 ? -1L : (1L << bits) - 1) << s;
        long nullBit = 1L << (s + bits);
        for (int i = 0; i < n; i++) {
            int r = rows[i];
            if ((validity.get(ValueLayout.JAVA_BYTE, r >>> 3) & (1 << (r & 7))) == 0) {
                p[i] = (p[i] & ~field) | nullBit;
            }
        }
    }

    /**
     * Looks each packed key up into {@link #ids}: a known key's group id; a new key is entered
     * as pending (its first row noted) and its rows get {@code -(pending index) - 2}. False when
     * the map would pass {@link #MAX_GROUPS} keys.
     */
    private boolean lookup(int[] rows, int n) {
        long[] p = packed;
        int[] out = ids;
        boolean onlyMissing = false;
        if (densePack && count > 0 && count <= FEW_KEYS) {
            // every key in the map has its group (pending keys were resolved after the last batch)
            int k = 0;
            for (int slot = 0; slot <= mask; slot++) {
                if (values[slot] > 0) {
                    fewKeys[k] = keys[slot];
                    fewIds[k++] = values[slot] - 1;
                }
            }
            if (hash.matchKeys(p, n, fewKeys, fewIds, k, out) == 0) {
                return true;
            }
            onlyMissing = true;
        }
        for (int i = 0; i < n; i++) {
            if (onlyMissing && out[i] >= 0) {
                continue;
            }
            long key = p[i];
            long[] ks = keys;
            int[] vs = values;
            int m = mask;
            int slot = (int) ((key * MUL) >>> slotShift);
            int e;
            while (true) {
                e = vs[slot];
                if (e == 0) {
                    if (count + 1 > (m + 1) >>> 1) {
                        if (count + 1 > MAX_GROUPS) {
                            pending = 0;
                            return false;
                        }
                        grow();
                        ks = keys;
                        vs = values;
                        m = mask;
                        slot = (int) ((key * MUL) >>> slotShift);
                        continue;
                    }
                    int j = pending++;
                    pendingRows[j] = rows[i];
                    pendingKeys[j] = key;
                    e = -(j + 1);
                    ks[slot] = key;
                    vs[slot] = e;
                    count++;
                    break;
                }
                if (ks[slot] == key) {
                    break;
                }
                slot = (slot + 1) & m;
            }
            out[i] = e - 1;
        }
        return true;
    }

    /** The slot of a key that is in the map. */
    private int find(long key) {
        int slot = (int) ((key * MUL) >>> slotShift);
        while (keys[slot] != key || values[slot] == 0) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        int slots = oldKeys.length * 2;
        long[] ks = new long[slots];
        int[] vs = new int[slots];
        int m = slots - 1;
        int sh = 64 - Integer.numberOfTrailingZeros(slots);
        for (int s = 0; s < oldKeys.length; s++) {
            if (oldValues[s] != 0) {
                int slot = (int) ((oldKeys[s] * MUL) >>> sh);
                while (vs[slot] != 0) {
                    slot = (slot + 1) & m;
                }
                ks[slot] = oldKeys[s];
                vs[slot] = oldValues[s];
            }
        }
        keys = ks;
        values = vs;
        mask = m;
        slotShift = sh;
        accountArrays();
    }

    @Override
    public void close() {
        account.close();
        keys = null;
        values = null;
    }
}
