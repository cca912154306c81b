package io.blueshift.operators.aggregate;

import io.blueshift.kernels.HashKernels;
import io.blueshift.kernels.KernelProvider;
import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import io.blueshift.operators.expr.Scratch;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A hash table from GROUP BY keys to dense group ids, with the aggregates' accumulators.
 * Open addressing with linear probing, at most half full; a slot is one long: the high 32
 * bits of the key hash (a tag compared before any key) and group id + 1 (0 = empty). Each
 * group's full hash is kept, so growing and merging never hash keys again. Everything a row
 * touches (slots, hashes, keys, accumulators, per-batch scratch) is a plain Java array
 * accounted against the query's pool. One table per worker; {@link #mergeFrom} and
 * {@link #mergePartition} combine them.
 */
final class GroupTable implements AutoCloseable {
    private static final int INITIAL_GROUPS = 1024;
    private static final long TAG = 0xFFFF_FFFF_0000_0000L;

    private final KernelProvider kernels;
    private final int[] keyColumns;
    private final List<AggregateCall> calls;
    private final List<Accumulator> accumulators = new ArrayList<>();
    private final int[] callState;          // call index -> accumulator index (shared states)
    private final Scratch scratch;          // boolean keys as int32 for the hash kernels
    private final GroupKeyColumn[] keys;
    private final HeapAccount slotAccount;
    private final HeapAccount groupAccount;
    private final HeapAccount batchAccount;
    private final HeapAccount indexAccount;
    private final MemoryPool pool;

    private long[] slots = new long[0];
    private int slotMask;
    private long[] groupHashes = new long[0];
    private long[] groupRows = new long[0];     // rows per group (COUNT(*) of the group)
    private int groupCapacity;
    private int groupCount;

    // per batch: each live row's key hash and group
    private long[] hashes = new long[0];
    private int[] groupIds = new int[0];
    private int[] selRows = new int[0];     // the batch's selection, copied out of its segment
    private int[] spreadIds = new int[0];   // group id * lanes + lane, with few groups (see update)
    private final long[] laneRows = new long[Accumulator.LANES * Accumulator.SPREAD_MAX_GROUPS];
    /** Each row's group by row id, -1 for a row not live: the few-group kernels' input (see update). */
    private int[] rowGroupMap = new int[0];
    private final HeapAccount rowMapAccount;
    /**
     * The most groups summed by {@link io.blueshift.kernels.AggregateKernels#sumInt64FewGroups}
     * (masked lane sums, four groups per pass over the rows): measured on Zen 4 at 8192 rows,
     * 0.32 ns a row for 4 groups and 0.44 for 8 against 0.9 and 0.7 for the lane scatter, and no
     * gain at 16.
     */
    static final int FEW_GROUPS = 8;
    /** Whether the few-group kernels are used (off: -Dblueshift.aggregate.fewGroups=false, for A/B). */
    private final boolean fewGroups = !"false".equals(System.getProperty("blueshift.aggregate.fewGroups"));
    private long accountedBatchBytes;
    /**
     * Whether half the rows of the last batch had the hash of the row before: then the next batch
     * takes the previous row's group for such rows without probing (when the table is large).
     * On unclustered keys that test is a branch mispredicted about every other row, so there
     * every row probes.
     */
    private boolean clustered = true;
    /**
     * Slots from which on the shortcut is taken on clustered input (64 KiB of slots, past L1):
     * in a smaller table a probe is a hit and its branches are predicted, while the shortcut's
     * test mispredicts at each change of key (Q1: about one row in five).
     */
    private static final int SHORTCUT_SLOTS = 1 << 13;
    private final ColumnVector[] keyInputs;
    private final List<DataType> keyTypes;
    /** The packed-key cache of {@link #assign} (null: not made yet, or off). */
    private PackedKeys packedKeys;
    /** The direct-array cache of {@link #assign} for one integer key (null: not made, off, or not such a key). */
    private DirectKeys directKeys;
    private boolean packedTried;

    GroupTable(KernelProvider kernels, MemoryPool pool, int[] keyColumns, List<DataType> keyTypes,
               List<AggregateCall> calls) {
        this(kernels, pool, keyColumns, keyTypes, calls, INITIAL_GROUPS);
    }

    /**
     * A table with room for {@code groups} groups before it grows (at least the default 1024,
     * rounded up to a power of two): the merge sizes its tables from the groups it will fold.
     */
    GroupTable(KernelProvider kernels, MemoryPool pool, int[] keyColumns, List<DataType> keyTypes,
               List<AggregateCall> calls, int groups) {
        int initial = Math.max(INITIAL_GROUPS, Integer.highestOneBit(Math.clamp(groups - 1L, 1, 1 << 29)) << 1);
        this.kernels = kernels;
        this.pool = pool;
        this.keyColumns = keyColumns.clone();
        this.calls = List.copyOf(calls);
        this.keys = new GroupKeyColumn[keyTypes.size()];
        this.keyTypes = List.copyOf(keyTypes);
        this.keyInputs = new ColumnVector[keyColumns.length];
        this.callState = new int[calls.size()];
        this.scratch = new Scratch(pool, "group table scratch", true);
        this.slotAccount = new HeapAccount(pool, "group hash slots");
        this.groupAccount = new HeapAccount(pool, "group hashes and row counts");
        this.batchAccount = new HeapAccount(pool, "group table batch scratch");
        this.indexAccount = new HeapAccount(pool, "group partition order");
        this.rowMapAccount = new HeapAccount(pool, "group table row map");
        try {
            for (int k = 0; k < keys.length; k++) {
                keys[k] = GroupKeyColumn.create(keyTypes.get(k), pool, initial, "group key " + k);
            }
            Map<String, Integer> byKey = new HashMap<>();
            for (int i = 0; i < calls.size(); i++) {
                AggregateCall c = calls.get(i);
                Integer at = byKey.get(Accumulator.stateKey(c));
                if (at == null) {
                    at = accumulators.size();
                    byKey.put(Accumulator.stateKey(c), at);
                    accumulators.add(new Accumulator(c, pool, initial));
                }
                callState[i] = at;
            }
            groupAccount.resize(initial * 16L);
            groupHashes = pool.newLongs(initial);
            groupRows = pool.newLongs(initial);
            groupCapacity = initial;
            rehash(initial * 2);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    int groupCount() { return groupCount; }

    /** The full key hash of every group (index = group id; entries past the count are unused). */
    long[] groupHashes() { return groupHashes; }

    private static int slot(long hash, int mask) {
        return (int) (hash ^ (hash >>> 29)) & mask;
    }

    /** Rebuilds the slots at {@code size} (a power of two) from the groups' hashes. */
    private void rehash(int size) {
        slotAccount.resize(size * 8L);
        long[] s = pool.newLongs(size);
        int mask = size - 1;
        long[] h = groupHashes;
        for (int g = 0; g < groupCount; g++) {
            int pos = slot(h[g], mask);
            while (s[pos] != 0) {
                pos = (pos + 1) & mask;
            }
            s[pos] = (h[g] & TAG) | (g + 1);
        }
        pool.recycle(slots);
        slots = s;
        slotMask = mask;
    }

    /**
     * Hashes the keys of the batch's live rows into {@code out}; string keys from their loaded
     * view words ({@link GroupKeyColumn.Strings#hashValues}), so {@link #loadKeys} comes first.
     */
    private void hash(ColumnVector[] cols, MemorySegment sel, int n, long[] outArray) {
        if (sel != null) {
            // over a selection the kernels take their scalar twin, whose segment reads (data,
            // selection, a heap output) stay calls; the loaded arrays hash the same way, inline
            for (int k = 0; k < cols.length; k++) {
                keys[k].hashLoaded(outArray, n, k == 0);
            }
            return;
        }
        HashKernels h = kernels.hash();
        MemorySegment out = MemorySegment.ofArray(outArray);
        for (int k = 0; k < cols.length; k++) {
            ColumnVector v = cols[k];
            boolean first = k == 0;
            switch (v.type()) {
                case DataType.VarcharType t -> ((GroupKeyColumn.Strings) keys[k]).hashValues(outArray, n, first);
                case DataType.Float64Type t -> {
                    if (first) h.hashInt64(v.data(), v.validity(), sel, n, out);
                    else h.combineInt64(v.data(), v.validity(), sel, n, out);
                }
                case DataType.BooleanType t -> {
                    // bits as 0/1 int32 values, hashed like INT32 keys
                    int rows = v.capacity();
                    MemorySegment ints = scratch.take(Math.max(4, rows * 4L));
                    for (int r = 0; r < rows; r++) {
                        ints.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, r, v.getBoolean(r) ? 1 : 0);
                    }
                    if (first) h.hashInt32(ints, v.validity(), sel, n, out);
                    else h.combineInt32(ints, v.validity(), sel, n, out);
                }
                default -> {
                    if (v.byteWidth() == 4) {
                        if (first) h.hashInt32(v.data(), v.validity(), sel, n, out);
                        else h.combineInt32(v.data(), v.validity(), sel, n, out);
                    } else {
                        if (first) h.hashInt64(v.data(), v.validity(), sel, n, out);
                        else h.combineInt64(v.data(), v.validity(), sel, n, out);
                    }
                }
            }
        }
    }

    /** Adds a batch: finds or creates each live row's group, then updates every aggregate. */
    void add(Batch batch) {
        int n = batch.liveCount();
        if (n == 0) {
            return;
        }
        int[] ids = assign(batch);
        int[] rows = batch.selection() == null ? null : selRows;
        int span = groupCount <= FEW_GROUPS && fewGroups ? rowGroupMap(batch, rows, n, ids) : -1;
        if (span >= 0) {
            updateFew(batch, rows, n, ids, span);
        } else {
            update(batch, rows, n, ids);
        }
    }

    /**
     * Fills {@link #rowGroupMap} with the group of each row {@code [0, span)} (ascending
     * selection rows; -1 for the rows between) and returns {@code span}, or -1 when the live rows
     * are too sparse for a pass over every row to pay (under half the span).
     */
    private int rowGroupMap(Batch batch, int[] rows, int n, int[] ids) {
        if (rows == null) {
            return n; // the ids are in row order already
        }
        int span = rows[n - 1] + 1;
        if (span > 2 * n || span > batch.rowCount()) {
            return -1;
        }
        if (rowGroupMap.length < span) {
            int cap = Math.max(span, 2 * rowGroupMap.length);
            rowMapAccount.resize(cap * 4L);
            rowGroupMap = new int[cap];
        }
        int[] map = rowGroupMap;
        Arrays.fill(map, 0, span, -1);
        for (int i = 0; i < n; i++) {
            map[rows[i]] = ids[i];
        }
        return span;
    }

    /**
     * {@link #update} for few groups: each integer SUM, AVG and COUNT and the row counts by the
     * few-group kernels over the row map (rows {@code [0, span)}); the others as usual.
     */
    private void updateFew(Batch batch, int[] rows, int n, int[] ids, int span) {
        int groups = groupCount;
        int[] map = rows == null ? ids : rowGroupMap;
        int[] spread = null;
        boolean spreadMade = false;
        for (Accumulator acc : accumulators) {
            AggregateCall call = acc.call();
            ColumnVector input = call.input() < 0 ? null : batch.column(call.input());
            if (acc.updateFew(kernels.aggregate(), input, map, span, groups, groupRows)) {
                continue;
            }
            if (!spreadMade) {
                spread = spread(n, ids, groups);
                spreadMade = true;
            }
            acc.update(kernels.aggregate(), input, rows, n, ids, groupRows, spread, groups);
        }
        kernels.aggregate().countFewGroups(null, map, span, groups, groupRows);
    }

    /** The lane-spread ids of {@link #update}, or null when the groups are too many or the batch too small. */
    private int[] spread(int n, int[] ids, int groups) {
        if (groups <= Accumulator.SPREAD_MAX_GROUPS && groups * Accumulator.LANES <= n) {
            int[] spread = spreadIds;
            for (int i = 0; i < n; i++) {
                spread[i] = ids[i] * Accumulator.LANES + (i & (Accumulator.LANES - 1));
            }
            return spread;
        }
        return null;
    }

    /**
     * Finds or creates the group of each live row of a batch without updating any aggregate or
     * row count: the group ids in live-row order, valid until this table's next batch. For
     * {@link DistinctAggregate}, which updates the aggregates of some rows only.
     */
    int[] assign(Batch batch) {
        int n = batch.liveCount();
        if (n == 0) {
            return groupIds;
        }
        ensureBatch(n);
        scratch.reset();
        MemorySegment sel = batch.selection() == null ? null : batch.selection().segment();
        int[] rows = null;
        if (sel != null) {
            MemorySegment.copy(sel, ValueLayout.JAVA_INT_UNALIGNED, 0, selRows, 0, n);
            rows = selRows;
        }
        if (!packedTried) {
            packedTried = true;
            directKeys = DirectKeys.create(keyTypes, pool);
            if (directKeys == null) {
                packedKeys = PackedKeys.create(keyTypes, pool, kernels);
            }
        }
        if (directKeys != null) {
            keyInputs[0] = batch.column(keyColumns[0]);
            int[] ids = directKeys.assign(this, batch, keyInputs[0], rows, n);
            if (ids != null) {
                return ids;
            }
            // keys too sparse for an array: the packed-key map (or the table) from now on
            directKeys.close();
            directKeys = null;
            packedKeys = PackedKeys.create(keyTypes, pool, kernels);
        }
        if (packedKeys != null) {
            for (int k = 0; k < keyColumns.length; k++) {
                keyInputs[k] = batch.column(keyColumns[k]);
            }
            int[] ids = packedKeys.assign(this, batch, keyInputs, rows, n);
            if (ids != null) {
                return ids;
            }
            packedKeys.close();
            packedKeys = null;
        }
        loadKeys(batch, rows, n);
        hash(keyInputs, sel, n, hashes);
        assignGroups(n);
        return groupIds;
    }

    /**
     * The groups of rows {@code rowIds[0, m)} of a batch (row ids), made when new: for
     * {@link PackedKeys}, which sends the first row of each key it has not seen. The ids are
     * valid until this table's next batch.
     */
    int[] resolveRows(Batch batch, int[] rowIds, int m) {
        loadKeys(batch, rowIds, m);
        for (int k = 0; k < keys.length; k++) {
            keys[k].hashLoaded(hashes, m, k == 0);
        }
        assignGroups(m);
        return groupIds;
    }

    /**
     * Updates every aggregate and row count with rows {@code rows[0, n)} of a batch (row ids),
     * row {@code rows[i]} in group {@code ids[i]}; the arrays are the caller's.
     */
    void updateGroups(Batch batch, int[] rows, int n, int[] ids) {
        if (n == 0) {
            return;
        }
        ensureBatch(n);
        update(batch, rows, n, ids);
    }

    /** Hashes the keys of a batch's live rows into {@code out} (live-row order) as {@link #add} does. */
    void hashLive(Batch batch, long[] out) {
        int n = batch.liveCount();
        ensureBatch(n);
        scratch.reset();
        MemorySegment sel = batch.selection() == null ? null : batch.selection().segment();
        int[] rows = null;
        if (sel != null) {
            MemorySegment.copy(sel, ValueLayout.JAVA_INT_UNALIGNED, 0, selRows, 0, n);
            rows = selRows;
        }
        loadKeys(batch, rows, n);
        hash(keyInputs, sel, n, out);
    }

    /**
     * Adds the rows {@code rows[from, from + n)} of a batch (row ids, not live-row indexes)
     * whose key hashes are {@code rowHashes[from, from + n)}: one partition's share of a batch.
     */
    void addRows(Batch batch, int[] rows, long[] rowHashes, int from, int n) {
        if (n == 0) {
            return;
        }
        ensureBatch(n);
        System.arraycopy(rows, from, selRows, 0, n);
        System.arraycopy(rowHashes, from, hashes, 0, n);
        loadKeys(batch, selRows, n);
        assignGroups(n);
        update(batch, selRows, n, groupIds);
    }

    private void ensureBatch(int n) {
        if (hashes.length < n) {
            int cap = Math.max(n, hashes.length * 2);
            hashes = new long[cap];
            groupIds = new int[cap];
            selRows = new int[cap];
            spreadIds = new int[cap];
        }
    }

    private void loadKeys(Batch batch, int[] rows, int n) {
        long batchBytes = hashes.length * 20L + laneRows.length * 8L;
        for (int k = 0; k < keyColumns.length; k++) {
            keyInputs[k] = batch.column(keyColumns[k]);
            keys[k].load(keyInputs[k], rows, n);
            batchBytes += keys[k].batchBytes();
        }
        if (batchBytes != accountedBatchBytes) {
            batchAccount.resize(batchBytes);
            accountedBatchBytes = batchBytes;
        }
    }

    /**
     * Updates every aggregate with the batch. With few groups, rows of one group follow each
     * other closely, and each update of a group's slot waits for the one before (a store then
     * a load of one address, about five cycles): so the rows are spread over
     * {@link Accumulator#LANES} slots per group by row index (the accumulators' lane arrays),
     * independent chains the core overlaps, folded into the groups after the batch.
     */
    private void update(Batch batch, int[] rows, int n, int[] ids) {
        int groups = groupCount;
        int[] spread = spread(n, ids, groups);
        for (Accumulator acc : accumulators) {
            AggregateCall call = acc.call();
            ColumnVector input = call.input() < 0 ? null : batch.column(call.input());
            acc.update(kernels.aggregate(), input, rows, n, ids, groupRows, spread, groups);
        }
        if (spread == null) {
            kernels.aggregate().countGrouped(null, rows, n, ids, groupRows);
            return;
        }
        long[] lanes = laneRows;
        kernels.aggregate().countGrouped(null, rows, n, spread, lanes);
        for (int g = 0; g < groups; g++) {
            long c = 0;
            for (int l = 0; l < Accumulator.LANES; l++) {
                c += lanes[g * Accumulator.LANES + l];
                lanes[g * Accumulator.LANES + l] = 0;
            }
            groupRows[g] += c;
        }
    }

    /**
     * Finds each live row's group in three passes, so the hot loops stay tight: probe by hash
     * tag alone, where the first slot with an equal tag is the likely group and an empty slot
     * means a new group (no group has this hash), made at once so that later rows of the batch
     * find it; check the keys of the candidates column by column; then rows whose candidate
     * was wrong (two keys with one tag) take the full find-or-insert. The first pass skips
     * the probe for a row with the previous row's hash while the input is {@link #clustered}
     * and the table past L1;
     * on a table past the caches it {@link #touchSlots touches} the slots of the next rows first.
     */
    private void assignGroups(int n) {
        long[] h = hashes;
        int[] ids = groupIds;
        long prevHash = 0;
        int prevGroup = -1;
        boolean shortcut = clustered && slots.length >= SHORTCUT_SLOTS;
        int repeats = 0;
        boolean touch = slots.length >= TOUCH_SLOTS;
        for (int i = 0; i < n; i++) {
            if (touch && (i & (TOUCH_ROWS - 1)) == 0) {
                touchSlots(i, Math.min(n, i + TOUCH_ROWS));
            }
            long hash = h[i];
            if (shortcut && hash == prevHash && prevGroup >= 0) {
                // clustered input (sorted or grouped keys): same hash as the row before, so the
                // same likely group, without touching the table; verified with the others below
                ids[i] = prevGroup;
                repeats++;
                continue;
            }
            repeats += hash == prevHash ? 1 : 0;
            long[] s = slots;
            int mask = slotMask;
            int pos = slot(hash, mask);
            long tag = hash & TAG;
            int g;
            while (true) {
                long e = s[pos];
                if (e == 0) {
                    g = newGroup(hash, pos);
                    for (GroupKeyColumn k : keys) {
                        k.append(i, g);
                    }
                    break;
                }
                if ((e & TAG) == tag) {
                    g = (int) e - 1;
                    break;
                }
                pos = (pos + 1) & mask;
            }
            ids[i] = g;
            prevHash = hash;
            prevGroup = g;
        }
        clustered = repeats * 2L >= n;
        for (GroupKeyColumn k : keys) {
            k.verify(n, ids);
        }
        for (int i = 0; i < n; i++) {
            if (ids[i] < 0) {
                ids[i] = findOrInsert(h[i], i);
            }
        }
    }

    /** Slots from which on {@link #assignGroups} touches slots ahead (1 MiB of slots: about L2). */
    private static final int TOUCH_SLOTS = 1 << 17;
    /** Rows whose slots are touched at a time. */
    private static final int TOUCH_ROWS = 64;
    /** Sum of the touched slots, kept so the JIT keeps the loads. */
    private long touched;

    /**
     * Loads the first slot of rows {@code [from, to)}: loads that depend on nothing, so the
     * core has all their cache misses in flight at once, where the probe loop takes them one
     * after the other (each new group's insert waits for its miss). Then the probes hit cache.
     */
    private void touchSlots(int from, int to) {
        long[] s = slots;
        int mask = slotMask;
        long[] h = hashes;
        long acc = 0;
        for (int i = from; i < to; i++) {
            acc += s[slot(h[i], mask)];
        }
        touched += acc;
    }

    private int findOrInsert(long hash, int i) {
        long[] s = slots;
        int mask = slotMask;
        int pos = slot(hash, mask);
        long tag = hash & TAG;
        while (true) {
            long e = s[pos];
            if (e == 0) {
                int g = newGroup(hash, pos);
                for (GroupKeyColumn k : keys) {
                    k.append(i, g);
                }
                return g;
            }
            if ((e & TAG) == tag) {
                int g = (int) e - 1;
                if (groupHashes[g] == hash && rowMatches(g, i)) {
                    return g;
                }
            }
            pos = (pos + 1) & mask;
        }
    }

    private boolean rowMatches(int g, int i) {
        for (GroupKeyColumn k : keys) {
            if (!k.matches(i, g)) {
                return false;
            }
        }
        return true;
    }

    /** Takes the next group id for {@code hash} (its keys are the caller's to store) at empty slot {@code pos}. */
    private int newGroup(long hash, int pos) {
        int g = groupCount;
        if (g == groupCapacity) {
            growGroups(groupCapacity * 2);
        }
        groupHashes[g] = hash;
        groupCount++;
        if (groupCount * 2 > slots.length) {
            rehash(slots.length * 2); // includes this group
        } else {
            slots[pos] = (hash & TAG) | (g + 1);
        }
        return g;
    }

    private void growGroups(int capacity) {
        groupAccount.resize(capacity * 16L);
        groupHashes = pool.resizeLongs(groupHashes, capacity);
        groupRows = pool.resizeLongs(groupRows, capacity);
        for (GroupKeyColumn k : keys) {
            k.grow(capacity);
        }
        for (Accumulator a : accumulators) {
            a.grow(capacity);
        }
        groupCapacity = capacity;
    }

    /**
     * Moves every group into {@code parts} by the top {@code bits} bits of its hash (partition
     * by partition, so each partition table's slots and arrays are warm while its groups go in),
     * then empties this table, keeping its arrays for the next groups.
     */
    void flushInto(GroupTable[] parts, int bits) {
        PartitionIndex index = orderByPartition(bits);
        int[] start = index.start();
        int[] order = index.order();
        long[] h = groupHashes;
        for (int p = 0; p < parts.length; p++) {
            GroupTable into = parts[p];
            for (int i = start[p]; i < start[p + 1]; i++) {
                int g = order[i];
                into.mergeGroup(this, g, h[g]);
            }
        }
        reset();
    }

    /** Forgets every group, keeping the arrays (sized for as many groups as before). */
    void reset() {
        int n = groupCount;
        Arrays.fill(slots, 0L);
        Arrays.fill(groupRows, 0, n, 0L);
        for (GroupKeyColumn k : keys) {
            k.reset(n);
        }
        for (Accumulator a : accumulators) {
            a.reset(n);
        }
        groupCount = 0;
        if (packedKeys != null) {
            packedKeys.clear();
        }
        if (directKeys != null) {
            // emptying the array would cost its whole span each time: the tables that reset
            // (runs of clustered keys, partitioned workers) go without it
            directKeys.close();
            directKeys = null;
        }
    }

    /** Whether an array indexed by key gives this table's groups ({@link DirectKeys}). */
    boolean directKeys() {
        return directKeys != null;
    }

    private void closePacked() {
        if (packedKeys != null) {
            packedKeys.close();
            packedKeys = null;
        }
        if (directKeys != null) {
            directKeys.close();
            directKeys = null;
        }
        packedTried = true;
    }

    /**
     * Frees the slots and the per-batch scratch: the table takes no more rows and is only read
     * by the merge from now on (a worker's finished run of groups).
     */
    void seal() {
        closePacked();
        pool.recycle(slots);
        slots = new long[0];
        slotMask = 0;
        slotAccount.close();
        hashes = new long[0];
        groupIds = new int[0];
        selRows = new int[0];
        spreadIds = new int[0];
        rowGroupMap = new int[0];
        rowMapAccount.close();
        accountedBatchBytes = 0;
        batchAccount.close();
    }

    /**
     * The group ids ordered by partition (the top {@code bits} bits of their hash): partition
     * p's groups are {@code order[start[p]] .. order[start[p + 1] - 1]}, in group order.
     */
    record PartitionIndex(int[] start, int[] order) {}

    /** Orders this table's groups by partition (a counting sort of their hashes' top bits). */
    PartitionIndex partitionIndex(int bits) {
        indexAccount.resize(((1L << bits) + 1L + groupCount) * 4L);
        return orderByPartition(bits);
    }

    /** The counting sort of {@link #partitionIndex}, without its memory accounting. */
    private PartitionIndex orderByPartition(int bits) {
        int n = groupCount;
        int shift = 64 - bits;
        long[] h = groupHashes;
        int[] start = partitionStarts(bits);
        int[] next = Arrays.copyOf(start, 1 << bits);
        int[] order = new int[n];
        for (int g = 0; g < n; g++) {
            order[next[(int) (h[g] >>> shift)]++] = g;
        }
        return new PartitionIndex(start, order);
    }

    /**
     * Where each partition (the top {@code bits} bits of the hash) starts when the groups are
     * laid out partition by partition: {@code start[p]}, with the group count at {@code start[2^bits]}.
     */
    private int[] partitionStarts(int bits) {
        int n = groupCount;
        int partitions = 1 << bits;
        int shift = 64 - bits;
        long[] h = groupHashes;
        int[] start = new int[partitions + 1];
        for (int g = 0; g < n; g++) {
            start[(int) (h[g] >>> shift) + 1]++;
        }
        for (int p = 0; p < partitions; p++) {
            start[p + 1] += start[p];
        }
        return start;
    }

    /** Radix bits by which a run's groups are ordered; a merge into 2^b partitions, b at most this, reads ranges. */
    static final int RUN_BITS = 10;
    /** For a run: its first group with each value of the hash's top {@link #RUN_BITS} bits, then the count (null otherwise). */
    private int[] runStarts;

    /**
     * Copies this table's groups into {@code run} (an empty table with room for them all),
     * ordered by the top {@link #RUN_BITS} bits of their hash, and seals it: the merge then
     * reads each partition of the run as one stretch of its arrays instead of gathering
     * groups from all over them. This table is left as it was.
     */
    void copySortedInto(GroupTable run) {
        int n = groupCount;
        if (run.groupCount != 0 || run.groupCapacity < n) {
            throw new IllegalArgumentException("a run must be empty with room for " + n + " groups");
        }
        int buckets = 1 << RUN_BITS;
        int shift = 64 - RUN_BITS;
        long[] h = groupHashes;
        int[] start = partitionStarts(RUN_BITS);
        // read this table in order and write each group to its bucket's next place: the reads
        // stream, and the writes go to 1024 places that each move forward
        int[] next = Arrays.copyOf(start, buckets);
        long[] runHashes = run.groupHashes;
        long[] runRows = run.groupRows;
        int[] from = new int[Math.min(n, MERGE_CHUNK)];
        int[] to = new int[from.length];
        for (int c = 0; c < n; c += MERGE_CHUNK) {
            int m = Math.min(MERGE_CHUNK, n - c);
            for (int i = 0; i < m; i++) {
                int g = c + i;
                long hash = h[g];
                int t = next[(int) (hash >>> shift)]++;
                runHashes[t] = hash;
                from[i] = g;
                to[i] = t;
            }
            // the keys and aggregates a column at a time: one loop per column's kind
            for (int k = 0; k < keys.length; k++) {
                run.keys[k].appendGroups(keys[k], from, to, m);
            }
            for (int a = 0; a < accumulators.size(); a++) {
                run.accumulators.get(a).mergeGroups(accumulators.get(a), from, to, m, groupRows, runRows);
            }
            for (int i = 0; i < m; i++) {
                runRows[to[i]] = groupRows[from[i]];
            }
        }
        run.groupCount = n;
        run.runStarts = start;
        run.seal();
    }

    /** The first group of a run whose hash's top {@code bits} bits are {@code p} or more ({@code p} up to {@code 2^bits}). */
    int runStart(int p, int bits) {
        return runStarts[p << (RUN_BITS - bits)];
    }

    /** Groups a run copy takes at a time (its index arrays stay in L1). */
    private static final int MERGE_CHUNK = 1024;

    /** Folds another worker's table into this one. */
    void mergeFrom(GroupTable other) {
        mergeRanges(new GroupTable[] {other}, new int[] {0}, new int[] {other.groupCount}, 1);
    }

    /**
     * Folds the groups {@code [from[t], to[t])} of each table {@code tables[t]}, {@code t <
     * count}, into this table. Every merge of whole tables or of runs' stretches goes through
     * this one loop: the JIT compiles it (with the probe and the accumulators inlined) once for
     * all callers, where a caller's own loop over tables would be compiled on stack with all
     * of it inlined again (bench/RESULTS.md, session 11 agg).
     */
    void mergeRanges(GroupTable[] tables, int[] from, int[] to, int count) {
        for (int t = 0; t < count; t++) {
            GroupTable other = tables[t];
            long[] otherHashes = other.groupHashes;
            for (int og = from[t]; og < to[t]; og++) {
                mergeGroup(other, og, otherHashes[og]);
            }
        }
    }

    /**
     * Inserts groups {@code order[i]} of {@code other}, {@code from <= i < to}, with their keys
     * and no aggregate when new, and writes each one's id here to {@code mapped[order[i]]}.
     */
    void insertGroupsFrom(GroupTable other, int[] order, int from, int to, int[] mapped) {
        long[] otherHashes = other.groupHashes;
        for (int i = from; i < to; i++) {
            int og = order[i];
            mapped[og] = findOrInsertGroup(otherHashes[og], other, og);
        }
    }

    private void mergeGroup(GroupTable other, int og, long hash) {
        int to = findOrInsertGroup(hash, other, og);
        for (int a = 0; a < accumulators.size(); a++) {
            accumulators.get(a).merge(other.accumulators.get(a), og, other.groupRows, to, groupRows);
        }
        groupRows[to] += other.groupRows[og];
    }

    private int findOrInsertGroup(long hash, GroupTable other, int og) {
        long[] s = slots;
        int mask = slotMask;
        int pos = slot(hash, mask);
        long tag = hash & TAG;
        while (true) {
            long e = s[pos];
            if (e == 0) {
                int g = newGroup(hash, pos);
                for (int k = 0; k < keys.length; k++) {
                    keys[k].appendGroup(other.keys[k], og, g);
                }
                return g;
            }
            if ((e & TAG) == tag) {
                int g = (int) e - 1;
                if (groupHashes[g] == hash && groupMatches(g, other, og)) {
                    return g;
                }
            }
            pos = (pos + 1) & mask;
        }
    }

    private boolean groupMatches(int g, GroupTable other, int og) {
        for (int k = 0; k < keys.length; k++) {
            if (!keys[k].matchesGroup(other.keys[k], og, g)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The key vectors and finished aggregate vectors (the caller owns them). Columns are keys
     * then aggregates, rows {@code [0, groupCount)}.
     */
    List<ColumnVector> finish() {
        List<ColumnVector> out = new ArrayList<>(keys.length + calls.size());
        try {
            for (int k = 0; k < keys.length; k++) {
                out.add(keys[k].toVector(pool, groupCount, "group key " + k));
            }
            for (int a = 0; a < calls.size(); a++) {
                AggregateCall call = calls.get(a);
                ColumnVector v = ColumnVector.allocate(pool, call.resultType(), Math.max(groupCount, 1), false, call.name());
                out.add(v);
                accumulators.get(callState[a]).finish(call.function(), v, groupCount, groupRows);
            }
        } catch (RuntimeException e) {
            out.forEach(ColumnVector::close);
            throw e;
        }
        return out;
    }

    @Override
    public void close() {
        for (GroupKeyColumn k : keys) {
            if (k != null) {
                k.close();
            }
        }
        closePacked();
        accumulators.forEach(Accumulator::close);
        accumulators.clear();
        slotAccount.close();
        groupAccount.close();
        batchAccount.close();
        indexAccount.close();
        rowMapAccount.close();
        scratch.close();
        // no reference to these arrays leaves the table (finish copies them into vectors)
        pool.recycle(slots);
        pool.recycle(groupHashes);
        pool.recycle(groupRows);
        slots = new long[0];
        groupHashes = new long[0];
        groupRows = new long[0];
    }
}
