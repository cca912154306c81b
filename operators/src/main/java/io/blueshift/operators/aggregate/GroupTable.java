package io.blueshift.operators.aggregate;

import io.blueshift.kernels.HashKernels;
import io.blueshift.kernels.KernelProvider;
import io.blueshift.memory.Allocation;
import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.StringViews;
import io.blueshift.memory.Validity;
import io.blueshift.operators.expr.Scratch;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * A hash table from GROUP BY keys to dense group ids, with the aggregates' accumulators.
 * Open addressing with linear probing over (hash, group id + 1) slots at most half full;
 * the full 64-bit hash is compared before the keys. Keys are stored in growable vectors that
 * become the key columns of the result. One table per worker; {@link #mergeFrom} combines.
 */
final class GroupTable implements AutoCloseable {
    private static final int INITIAL_GROUPS = 1024;

    private final KernelProvider kernels;
    private final MemoryPool pool;
    private final int[] keyColumns;
    private final List<DataType> keyTypes;
    private final List<AggregateCall> calls;
    private final List<Accumulator> accumulators = new ArrayList<>();
    private int[] callState;          // call index -> accumulator index (shared states)
    private final Scratch scratch;

    private List<ColumnVector> keys = new ArrayList<>();
    private Allocation slotHashes;
    private Allocation slotGroups;
    private Allocation groupRows;     // rows per group (COUNT(*) of the group)
    private int slotMask;
    private int groupCapacity;
    private int groupCount;

    GroupTable(KernelProvider kernels, MemoryPool pool, int[] keyColumns, List<DataType> keyTypes,
               List<AggregateCall> calls) {
        this.kernels = kernels;
        this.pool = pool;
        this.keyColumns = keyColumns.clone();
        this.keyTypes = List.copyOf(keyTypes);
        this.calls = List.copyOf(calls);
        this.scratch = new Scratch(pool, "group table scratch", true);
        try {
            allocateKeys(INITIAL_GROUPS);
            groupRows = pool.allocateHeap(INITIAL_GROUPS * 8L, "group row counts");
            callState = new int[calls.size()];
            java.util.Map<String, Integer> byKey = new java.util.HashMap<>();
            for (int i = 0; i < calls.size(); i++) {
                AggregateCall c = calls.get(i);
                Integer at = byKey.get(Accumulator.stateKey(c));
                if (at == null) {
                    at = accumulators.size();
                    byKey.put(Accumulator.stateKey(c), at);
                    accumulators.add(new Accumulator(c, pool, INITIAL_GROUPS));
                }
                callState[i] = at;
            }
            groupCapacity = INITIAL_GROUPS;
            allocateSlots(INITIAL_GROUPS * 2);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    int groupCount() { return groupCount; }

    private void allocateKeys(int capacity) {
        List<ColumnVector> grown = new ArrayList<>(keyTypes.size());
        try {
            for (int k = 0; k < keyTypes.size(); k++) {
                ColumnVector v = ColumnVector.allocate(pool, keyTypes.get(k), capacity, true, "group key " + k);
                grown.add(v);
                if (k < keys.size()) {
                    copyKeys(keys.get(k), v, groupCount);
                }
            }
        } catch (RuntimeException e) {
            grown.forEach(ColumnVector::close);
            throw e;
        }
        keys.forEach(ColumnVector::close);
        keys = grown;
    }

    private static void copyKeys(ColumnVector from, ColumnVector to, int n) {
        if (from.type() instanceof DataType.VarcharType) {
            for (int g = 0; g < n; g++) {
                if (from.isNull(g)) {
                    to.setNull(g);
                } else {
                    to.setString(g, from.getStringBytes(g));
                }
            }
            return;
        }
        long bytes = from.type() instanceof DataType.BooleanType ? Validity.bytesFor(n) : (long) n * from.type().byteWidth();
        MemorySegment.copy(from.data(), 0, to.data(), 0, bytes);
        if (from.validity() != null) {
            MemorySegment.copy(from.validity(), 0, to.validity(), 0, Validity.bytesFor(n));
        }
    }

    private void allocateSlots(int slots) {
        Allocation hashes = pool.allocateHeap(slots * 8L, "group hash slots");
        Allocation groups;
        try {
            groups = pool.allocateHeap(slots * 4L, "group id slots");
        } catch (RuntimeException e) {
            hashes.close();
            throw e;
        }
        if (slotHashes != null) {
            slotHashes.close();
            slotGroups.close();
        }
        slotHashes = hashes;
        slotGroups = groups;
        slotMask = slots - 1;
        // re-insert existing groups
        MemorySegment h = slotHashes.segment();
        MemorySegment id = slotGroups.segment();
        if (groupCount > 0) {
            try (Allocation keyHashAlloc = hashKeys()) {
            MemorySegment keyHashes = keyHashAlloc.segment();
            for (int g = 0; g < groupCount; g++) {
                long hash = keyHashes.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, g);
                int pos = (int) mix(hash) & slotMask;
                while (id.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, pos) != 0) {
                    pos = (pos + 1) & slotMask;
                }
                h.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, pos, hash);
                id.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, pos, g + 1);
            }
            }
        }
    }

    private static long mix(long h) {
        return h ^ (h >>> 29);
    }

    /** Hashes of every stored group's keys, in memory the caller closes. */
    Allocation hashKeys() {
        Allocation out = pool.allocate(Math.max(8, groupCount * 8L), "group key hashes");
        hash(keys, null, groupCount, out.segment());
        return out;
    }

    private void hash(List<ColumnVector> cols, MemorySegment sel, int n, MemorySegment out) {
        HashKernels h = kernels.hash();
        for (int k = 0; k < cols.size(); k++) {
            ColumnVector v = cols.get(k);
            boolean first = k == 0;
            switch (v.type()) {
                case DataType.VarcharType t -> {
                    if (first) h.hashStringViews(v.data(), v.varBuffers(), v.validity(), sel, n, out);
                    else h.combineStringViews(v.data(), v.varBuffers(), v.validity(), sel, n, out);
                }
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
                    if (v.type().byteWidth() == 4) {
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
        scratch.reset();
        MemorySegment sel = batch.selection() == null ? null : batch.selection().segment();
        List<ColumnVector> keyInputs = new ArrayList<>(keyColumns.length);
        for (int c : keyColumns) {
            keyInputs.add(batch.column(c));
        }
        MemorySegment hashes = scratch.take(n * 8L);
        hash(keyInputs, sel, n, hashes);
        MemorySegment groupIds = scratch.take(n * 4L);
        assignGroups(keyInputs, sel, n, hashes, groupIds);
        MemorySegment rows = groupRows.segment();
        for (Accumulator acc : accumulators) {
            AggregateCall call = acc.call();
            ColumnVector input = call.input() < 0 ? null : batch.column(call.input());
            acc.update(kernels.aggregate(), input, sel, n, groupIds, rows, groupCount);
        }
        kernels.aggregate().countGrouped(null, sel, n, groupIds, rows);
    }

    /**
     * Finds each live row's group in three passes, so the hot loops stay tight: probe by hash
     * alone (the first slot with an equal hash is the likely group); check the keys of those
     * candidates column by column; then rows with no candidate or a wrong one (new groups,
     * hash collisions) take the full find-or-insert, in row order.
     */
    private void assignGroups(List<ColumnVector> keyInputs, MemorySegment sel, int n,
                              MemorySegment hashes, MemorySegment groupIds) {
        MemorySegment h = slotHashes.segment();
        MemorySegment id = slotGroups.segment();
        int mask = slotMask;
        long prevHash = 0;
        int prevGroup = -1;
        for (int i = 0; i < n; i++) {
            long hash = hashes.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i);
            if (hash == prevHash && prevGroup >= 0) {
                // clustered input (sorted or grouped keys): same hash as the row before, so the
                // same likely group, without touching the table; verified with the others below
                groupIds.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i, prevGroup);
                continue;
            }
            int pos = (int) mix(hash) & mask;
            int g;
            while (true) {
                g = id.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, pos) - 1;
                if (g < 0 || h.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, pos) == hash) {
                    break;
                }
                pos = (pos + 1) & mask;
            }
            groupIds.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i, g);
            prevHash = hash;
            prevGroup = g;
        }
        for (int k = 0; k < keyInputs.size(); k++) {
            verifyColumn(keyInputs.get(k), keys.get(k), sel, n, groupIds);
        }
        for (int i = 0; i < n; i++) {
            if (groupIds.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i) < 0) {
                int row = sel == null ? i : sel.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
                groupIds.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i, findOrInsert(hashes.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i), keyInputs, row));
            }
        }
    }

    /** Sets a candidate group id to -1 where this key column does not match it. */
    private static void verifyColumn(ColumnVector in, ColumnVector stored, MemorySegment sel, int n, MemorySegment groupIds) {
        MemorySegment a = in.data();
        MemorySegment b = stored.data();
        boolean nulls = in.validity() != null || stored.validity() != null;
        DataType type = in.type();
        for (int i = 0; i < n; i++) {
            int g = groupIds.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
            if (g < 0) {
                continue;
            }
            int row = sel == null ? i : sel.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
            boolean eq;
            if (nulls && (in.isNull(row) || stored.isNull(g))) {
                eq = in.isNull(row) == stored.isNull(g);
            } else if (type instanceof DataType.VarcharType) {
                long a0 = a.get(LONG_U, (long) row << 4);
                eq = a0 == b.get(LONG_U, (long) g << 4)
                        && ((int) a0 <= StringViews.INLINE_MAX
                            ? a.get(LONG_U, ((long) row << 4) + 8) == b.get(LONG_U, ((long) g << 4) + 8)
                            : StringViews.equals(a, in.varBuffers(), row, b, stored.varBuffers(), g));
            } else if (type instanceof DataType.BooleanType) {
                eq = in.getBoolean(row) == stored.getBoolean(g);
            } else if (type.byteWidth() == 4) {
                eq = a.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, row) == b.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, g);
            } else {
                eq = a.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, row) == b.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, g);
            }
            if (!eq) {
                groupIds.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i, -1);
            }
        }
    }

    private int findOrInsert(long hash, List<ColumnVector> keyInputs, int row) {
        MemorySegment h = slotHashes.segment();
        MemorySegment id = slotGroups.segment();
        int pos = (int) mix(hash) & slotMask;
        while (true) {
            int g = id.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, pos) - 1;
            if (g < 0) {
                return insert(hash, keyInputs, row, pos);
            }
            if (h.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, pos) == hash && keysEqual(g, keyInputs, row)) {
                return g;
            }
            pos = (pos + 1) & slotMask;
        }
    }

    private static final ValueLayout.OfLong LONG_U = ValueLayout.JAVA_LONG_UNALIGNED;

    private boolean keysEqual(int g, List<ColumnVector> keyInputs, int row) {
        for (int k = 0; k < keyInputs.size(); k++) {
            ColumnVector in = keyInputs.get(k);
            ColumnVector stored = keys.get(k);
            boolean inNull = in.isNull(row);
            boolean storedNull = stored.isNull(g);
            if (inNull || storedNull) {
                if (inNull != storedNull) {
                    return false;
                }
                continue;
            }
            boolean eq;
            if (in.type() instanceof DataType.VarcharType) {
                // length+prefix in one word; strings of up to 12 bytes live wholly in the view
                MemorySegment a = in.data();
                MemorySegment b = stored.data();
                long a0 = a.get(LONG_U, (long) row << 4);
                if (a0 != b.get(LONG_U, (long) g << 4)) {
                    return false;
                }
                eq = (int) a0 <= StringViews.INLINE_MAX
                        ? a.get(LONG_U, ((long) row << 4) + 8) == b.get(LONG_U, ((long) g << 4) + 8)
                        : StringViews.equals(a, in.varBuffers(), row, b, stored.varBuffers(), g);
            } else {
                eq = in.type() instanceof DataType.BooleanType ? in.getBoolean(row) == stored.getBoolean(g)
                        : in.type().byteWidth() == 4 ? in.getInt(row) == stored.getInt(g) : in.getLong(row) == stored.getLong(g);
            }
            if (!eq) {
                return false;
            }
        }
        return true;
    }

    private int insert(long hash, List<ColumnVector> keyInputs, int row, int pos) {
        int g = groupCount;
        if (g == groupCapacity) {
            growGroups(groupCapacity * 2);
        }
        for (int k = 0; k < keyInputs.size(); k++) {
            ColumnVector in = keyInputs.get(k);
            ColumnVector stored = keys.get(k);
            if (in.isNull(row)) {
                stored.setNull(g);
                continue;
            }
            switch (in.type()) {
                case DataType.VarcharType t -> stored.setString(g, in.getStringBytes(row));
                case DataType.BooleanType t -> stored.setBoolean(g, in.getBoolean(row));
                default -> {
                    if (in.type().byteWidth() == 4) stored.setInt(g, in.getInt(row));
                    else stored.setLong(g, in.getLong(row));
                }
            }
        }
        groupCount++;
        if (groupCount * 2 > slotMask + 1) {
            allocateSlots((slotMask + 1) * 2);
            // re-probe: the table was rebuilt, including this group
            return g;
        }
        slotHashes.segment().setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, pos, hash);
        slotGroups.segment().setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, pos, g + 1);
        return g;
    }

    private void growGroups(int capacity) {
        allocateKeys(capacity);
        Allocation rows = pool.allocateHeap(capacity * 8L, "group row counts");
        MemorySegment.copy(groupRows.segment(), 0, rows.segment(), 0, groupCapacity * 8L);
        groupRows.close();
        groupRows = rows;
        for (Accumulator a : accumulators) {
            a.grow(capacity);
        }
        groupCapacity = capacity;
    }

    /** Folds another worker's table into this one. */
    void mergeFrom(GroupTable other) {
        if (other.groupCount == 0) {
            return;
        }
        try (Allocation hashAlloc = other.hashKeys()) {
            MemorySegment otherHashes = hashAlloc.segment();
            for (int g = 0; g < other.groupCount; g++) {
                mergeGroup(other, g, otherHashes.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, g));
            }
        }
    }

    /**
     * Folds the groups of {@code other} whose hash (in {@code otherHashes}, from
     * {@link #hashKeys}) has top bits equal to {@code partition} of {@code 1 << bits}.
     */
    void mergePartition(GroupTable other, MemorySegment otherHashes, int partition, int bits) {
        int shift = 64 - bits;
        for (int g = 0; g < other.groupCount; g++) {
            long h = otherHashes.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, g);
            if ((int) (h >>> shift) == partition) {
                mergeGroup(other, g, h);
            }
        }
    }

    private void mergeGroup(GroupTable other, int g, long hash) {
        MemorySegment otherRows = other.groupRows.segment();
        int to = findOrInsert(hash, other.keys, g);
        for (int a = 0; a < accumulators.size(); a++) {
            accumulators.get(a).merge(other.accumulators.get(a), g, otherRows, to, groupRows.segment());
        }
        MemorySegment rows = groupRows.segment();
        rows.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, to, rows.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, to)
                + otherRows.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, g));
    }

    /**
     * Hands the key vectors and finished aggregate vectors over (the caller owns them now).
     * Columns are keys then aggregates, rows {@code [0, groupCount)}.
     */
    List<ColumnVector> finish() {
        List<ColumnVector> out = new ArrayList<>(keys);
        keys = new ArrayList<>();
        try {
            for (int a = 0; a < calls.size(); a++) {
                AggregateCall call = calls.get(a);
                ColumnVector v = ColumnVector.allocate(pool, call.resultType(), Math.max(groupCount, 1), false, call.name());
                out.add(v);
                accumulators.get(callState[a]).finish(call.function(), v, groupCount, groupRows.segment());
            }
        } catch (RuntimeException e) {
            out.forEach(ColumnVector::close);
            throw e;
        }
        return out;
    }

    @Override
    public void close() {
        keys.forEach(ColumnVector::close);
        keys = new ArrayList<>();
        accumulators.forEach(Accumulator::close);
        accumulators.clear();
        if (slotHashes != null) slotHashes.close();
        if (slotGroups != null) slotGroups.close();
        if (groupRows != null) groupRows.close();
        scratch.close();
    }
}
