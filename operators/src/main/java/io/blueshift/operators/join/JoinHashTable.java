package io.blueshift.operators.join;

import io.blueshift.kernels.KernelProvider;
import io.blueshift.memory.Allocation;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Validity;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The finished build side: its rows plus an open-addressing table over them. A slot holds the
 * upper 32 bits of a key's hash and its first build row + 1 (0 = empty), one slot per distinct
 * key; rows with the same key chain through {@code next} (-1 ends a chain). Rows with a NULL
 * key are kept but never enter the table. With no keys every row is a candidate for every
 * probe row (one chain from row 0): the nested-loop join. Immutable once built, so every
 * probing thread shares it.
 */
final class JoinHashTable implements AutoCloseable {
    private static final long TAG = 0xFFFF_FFFF_0000_0000L;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private final BuildRows rows;
    private final List<ColumnVector> columns = new ArrayList<>();
    private final List<ColumnVector> keys = new ArrayList<>();
    private Allocation slotAlloc;
    private Allocation nextAlloc;
    private long[] slots;
    private int[] next;
    private int mask;
    private boolean hasNullKey;
    private boolean unique = true;
    private Allocation matchAlloc;
    private MemorySegment matches;

    /** Takes ownership of {@code rows}; frees everything (rows included) if building fails. */
    JoinHashTable(BuildRows rows, int[] keyColumns, KernelProvider kernels, MemoryPool pool) {
        this.rows = rows;
        try {
            for (int c = 0; c < rows.schema().size(); c++) {
                columns.add(rows.column(c));
            }
            for (int k : keyColumns) {
                JoinKeys.checkType(rows.schema().type(k));
                keys.add(columns.get(k));
            }
            build(kernels, pool);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void build(KernelProvider kernels, MemoryPool pool) {
        int n = rows.size();
        nextAlloc = JoinScratch.account(pool, Math.max(n, 1) * 4L, "hash join chains");
        next = new int[Math.max(n, 1)];
        if (keys.isEmpty()) {
            for (int r = 0; r < n; r++) {
                next[r] = r + 1 < n ? r + 1 : -1;
            }
            unique = n <= 1;
            return;
        }
        int cap = Integer.highestOneBit(Math.max(16, n) * 2 - 1) << 1;
        slotAlloc = pool.allocateHeap(cap * 8L, "hash join slots");
        slots = (long[]) slotAlloc.segment().heapBase().orElseThrow();
        mask = cap - 1;
        try (Allocation hashAlloc = pool.allocateHeap(Math.max(n, 1) * 8L, "hash join build hashes")) {
            MemorySegment hashes = hashAlloc.segment();
            JoinKeys.hash(kernels.hash(), keys, null, n, hashes);
            for (int r = 0; r < n; r++) {
                if (JoinKeys.anyNull(keys, r)) {
                    hasNullKey = true;
                    continue;
                }
                insert(r, hashes.getAtIndex(LONG, r));
            }
        }
    }

    private void insert(int row, long hash) {
        int p = (int) hash & mask;
        while (true) {
            long s = slots[p];
            if (s == 0) {
                slots[p] = (hash & TAG) | (row + 1L);
                next[row] = -1;
                return;
            }
            if (((s ^ hash) & TAG) == 0 && keysEqual(keys, row, (int) s - 1)) {
                // the new row becomes the head of the key's chain
                next[row] = (int) s - 1;
                unique = false;
                slots[p] = (hash & TAG) | (row + 1L);
                return;
            }
            p = (p + 1) & mask;
        }
    }

    private boolean keysEqual(List<ColumnVector> probeKeys, int probeRow, int buildRow) {
        for (int k = 0; k < keys.size(); k++) {
            if (!JoinKeys.equal(probeKeys.get(k), probeRow, keys.get(k), buildRow)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Gives every build row a matched flag for the joins that emit build rows after probing
     * (RIGHT_SEMI, RIGHT_ANTI, RIGHT). Probing threads only ever set flags to 1, so racing
     * writes agree; the flags are read after every probe worker has finished.
     */
    void trackMatches(MemoryPool pool) {
        if (matches == null) {
            matchAlloc = pool.allocateHeap(Math.max(rows.size(), 1), "hash join build-row matches");
            matches = matchAlloc.segment();
            matches.fill((byte) 0);
        }
    }

    /** Marks {@code row} and every later row of its key's chain (all of them match the same probe keys). */
    void markChain(int row) {
        MemorySegment m = matches;
        int[] next = this.next;
        while (row >= 0 && m.get(ValueLayout.JAVA_BYTE, row) == 0) {
            m.set(ValueLayout.JAVA_BYTE, row, (byte) 1);
            row = next[row];
        }
    }

    void mark(int row) {
        matches.set(ValueLayout.JAVA_BYTE, row, (byte) 1);
    }

    boolean tracksMatches() {
        return matches != null;
    }

    boolean matched(int row) {
        return matches.get(ValueLayout.JAVA_BYTE, row) != 0;
    }

    int rowCount() { return rows.size(); }
    boolean hasNullKey() { return hasNullKey; }
    boolean keyless() { return keys.isEmpty(); }
    /** True when no two build rows share a key: every probe row has at most one match. */
    boolean unique() { return unique; }
    List<ColumnVector> columns() { return columns; }
    /** Chains: the build row after {@code row} with the same key, or -1. */
    int[] next() { return next; }

    /**
     * Writes to {@code cand[i]} the first build row whose keys equal probe candidate i's
     * (row {@code sel[i]}, or i), or -1. Probes by hash tag alone, then checks the keys of
     * those guesses column by column; only mismatches (rare) take a row-at-a-time path.
     * {@code hashes} holds the probe keys' hashes; {@code pos} is scratch of n ints. Plain
     * arrays, not segments: these loops are the probe's hottest, and heap and off-heap
     * segments met at one access site keep the JIT from compiling it tight.
     */
    void findMatches(List<ColumnVector> probeKeys, MemorySegment sel, int n, long[] hashes, int[] cand, int[] pos) {
        if (keys.isEmpty()) {
            java.util.Arrays.fill(cand, 0, n, rows.size() > 0 ? 0 : -1);
            return;
        }
        long[] slots = this.slots;
        int mask = this.mask;
        for (int i = 0; i < n; i++) {
            long h = hashes[i];
            int p = (int) h & mask;
            int c;
            while (true) {
                long s = slots[p];
                if (s == 0) {
                    c = -1;
                    break;
                }
                if (((s ^ h) & TAG) == 0) {
                    c = (int) s - 1;
                    break;
                }
                p = (p + 1) & mask;
            }
            cand[i] = c;
            pos[i] = p;
        }
        boolean mismatches = false;
        for (int k = 0; k < keys.size(); k++) {
            mismatches |= verify(probeKeys.get(k), keys.get(k), sel, n, cand);
        }
        if (!mismatches) {
            return;
        }
        for (int i = 0; i < n; i++) {
            if (cand[i] != -2) {
                continue;
            }
            int row = sel == null ? i : sel.getAtIndex(INT, i);
            int c = -1;
            if (!JoinKeys.anyNull(probeKeys, row)) {
                long h = hashes[i];
                for (int p = (pos[i] + 1) & mask; slots[p] != 0; p = (p + 1) & mask) {
                    long s = slots[p];
                    if (((s ^ h) & TAG) == 0 && keysEqual(probeKeys, row, (int) s - 1)) {
                        c = (int) s - 1;
                        break;
                    }
                }
            }
            cand[i] = c;
        }
    }

    /** Marks candidates whose key in this column differs (or is NULL) with -2; true if any. */
    private static boolean verify(ColumnVector probe, ColumnVector build, MemorySegment sel, int n, int[] cand) {
        boolean any = false;
        MemorySegment validity = probe.validity();
        if (probe.type() instanceof DataType.VarcharType) {
            for (int i = 0; i < n; i++) {
                int c = cand[i];
                if (c < 0) continue;
                int row = sel == null ? i : sel.getAtIndex(INT, i);
                if ((validity != null && !Validity.isValid(validity, row)) || !JoinKeys.equal(probe, row, build, c)) {
                    cand[i] = -2;
                    any = true;
                }
            }
            return any;
        }
        MemorySegment a = probe.data();
        MemorySegment b = build.data();
        boolean a4 = probe.type().byteWidth() == 4;
        boolean b4 = build.type().byteWidth() == 4;
        for (int i = 0; i < n; i++) {
            int c = cand[i];
            if (c < 0) continue;
            int row = sel == null ? i : sel.getAtIndex(INT, i);
            long x = a4 ? a.getAtIndex(INT, row) : a.getAtIndex(LONG, row);
            long y = b4 ? b.getAtIndex(INT, c) : b.getAtIndex(LONG, c);
            if (x != y || (validity != null && !Validity.isValid(validity, row))) {
                cand[i] = -2;
                any = true;
            }
        }
        return any;
    }

    @Override
    public void close() {
        if (slotAlloc != null) slotAlloc.close();
        if (nextAlloc != null) nextAlloc.close();
        if (matchAlloc != null) matchAlloc.close();
        slots = null;
        matches = null;
        rows.close();
    }
}
