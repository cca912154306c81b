package io.blueshift.operators.join;

import io.blueshift.kernels.AscendingKeyBitmapKernels;
import io.blueshift.kernels.KernelProvider;
import io.blueshift.kernels.KeyBitmapKernels;
import io.blueshift.memory.Allocation;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Validity;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.ParallelTasks;

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
    /** A probe candidate whose first slot held another key: probing goes on at the next slot. */
    private static final int COLLIDED = -3;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private final BuildRows rows;
    private final List<ColumnVector> columns = new ArrayList<>();
    private final List<ColumnVector> keys = new ArrayList<>();
    private Allocation slotAlloc;
    /**
     * The query's pool: the table's arrays (slots, chains, indexes, bitmaps) come from it and go
     * back to it on close ({@link MemoryPool#newLongs}, {@link MemoryPool#recycle}).
     */
    private MemoryPool pool;
    /**
     * The direct index, when one integral key's values span few enough values (a dense key,
     * such as a primary key): {@code direct[key - directMin]} is the first build row with that
     * key + 1 (0 = none); it replaces the slots, and probes read it without hashing. With
     * several keys it is built only on a column whose values are unique, so the other keys are
     * checked against that one row. Null when the table hashes.
     */
    private int[] direct;
    /**
     * With a ranked index (a sparse key), per 64 key values the bitmap word of those present
     * then the number of keys present before it; {@link #direct} is indexed by that rank. Null
     * with a plain direct index or slots.
     */
    private long[] rankWords;
    private Allocation rankAlloc;
    /** Rows in the direct index (not those with a NULL key). */
    private int directRows;
    private long directMin;
    private long directLen;
    private int directColumn;
    private Allocation directAlloc;
    private Allocation nextAlloc;
    private long[][] parts;
    private int[] partMask;
    private int partShift = 63;
    private int partSelect;
    private int[] next;
    private boolean hasNullKey;
    private boolean unique = true;
    private Allocation matchAlloc;
    private Allocation keyBitsAlloc;
    private long[] keyBits;
    private long keyMin;
    private long keyRange;
    /** Bitmap indexed by a hash of the key rather than its offset from {@link #keyMin}: 64 - log2(bits). */
    private int keyShift;
    private boolean keyHashed;
    /**
     * Beside a hashed bitmap, the exact bitmap of the same key column (bit {@code key - rangeMin})
     * when its range is not too wide: probe batches whose keys are clustered (a probe side stored
     * in key order) test it instead, reading a few consecutive words rather than one random word
     * of the hashed bitmap per row, and pass no false positives. Null when not built.
     */
    private long[] rangeBits;
    private long rangeMin;
    private long rangeLen;
    private Allocation rangeBitsAlloc;
    private long keyBitsSet;
    private int keyBitsColumn;
    private MemorySegment matches;
    /** Per integral key column, its smallest and largest non-NULL value (from the parallel hashing pass); null while unknown. */
    private long[] keyMins;
    private long[] keyMaxs;
    /** The key bitmap tests of the context's kernel provider (vectorized where it loads). */
    private final KeyBitmapKernels bitmapKernels;
    /** Whether {@link #keepByKeyBits(ColumnVector, int[], int, int[])} may search ascending keys (see {@link #ASCENDING_KEYS}). */
    private final boolean ascendingKeys;

    /**
     * {@code -Dblueshift.join.ascendingKeys=false} turns off the search of probe keys a scan
     * says are ascending ({@link AscendingKeyBitmapKernels}); read per build, for comparisons.
     */
    static final String ASCENDING_KEYS = "blueshift.join.ascendingKeys";
    /**
     * The search of ascending keys is used when at most this share of the bitmap's range is set:
     * then most probe rows lie between build keys and are jumped over (Q2: 747 parts of 200,000).
     */
    private static final double ASCENDING_MAX_DENSITY = 1.0 / 16;

    /** Takes ownership of {@code rows}; frees everything (rows included) if building fails. */
    JoinHashTable(BuildRows rows, int[] keyColumns, ExecutionContext ctx) {
        this.rows = rows;
        this.bitmapKernels = ctx.kernels().keyBitmap();
        this.ascendingKeys = !"false".equals(System.getProperty(ASCENDING_KEYS));
        try {
            for (int c = 0; c < rows.schema().size(); c++) {
                columns.add(rows.column(c));
            }
            for (int k : keyColumns) {
                JoinKeys.checkType(rows.schema().type(k));
                keys.add(columns.get(k));
            }
            build(ctx);
            buildKeyBits(ctx.pool());
            keyMins = null;
            keyMaxs = null;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Partitions of at most this many rows get four slots per row or more (512 KiB of slots at most). */
    private static final int SPARSE_ROWS = 1 << 14;

    /** Build sides below this many rows get one partition, built by one thread. */
    private static final int PARTITION_MIN_ROWS = 1 << 15;

    /**
     * Partition bits for {@code n} build rows: the context's bits for a million rows, plus or
     * minus the rows' distance from a million in powers of two (a partition's slots stay about
     * one L2's worth), at least enough partitions for every worker, at most 12 bits.
     */
    static int partitionBits(int n, ExecutionContext ctx) {
        if (n < PARTITION_MIN_ROWS) {
            return 0;
        }
        int sizeBits = ctx.hashPartitionBits() + (32 - Integer.numberOfLeadingZeros(n - 1)) - 20;
        int threadBits = ctx.threads() <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(ctx.threads() - 1);
        return Math.clamp(Math.max(sizeBits, threadBits), 0, 12);
    }

    private void build(ExecutionContext ctx) {
        MemoryPool pool = ctx.pool();
        this.pool = pool;
        int n = rows.size();
        nextAlloc = pool.reserveExternal(Math.max(n, 1) * 4L, "hash join chains");
        next = pool.newInts(Math.max(n, 1));
        if (keys.isEmpty()) {
            for (int r = 0; r < n; r++) {
                next[r] = r + 1 < n ? r + 1 : -1;
            }
            unique = n <= 1;
            parts = new long[][] {new long[0]};
            partMask = new int[] {0};
            return;
        }
        int bits = partitionBits(n, ctx);
        int partitions = 1 << bits;
        partShift = bits == 0 ? 63 : 64 - bits;
        partSelect = partitions - 1;
        parts = new long[partitions][];
        partMask = new int[partitions];
        // chunks of whole 64-row words across the workers
        int chunkRows = Math.max(1 << 14, ((n / (ctx.threads() * 4)) + 63) & ~63);
        int chunks = Math.max(1, (n + chunkRows - 1) / chunkRows);
        // first each integral key's value range and the rows with a NULL key: when a key's range
        // fits the direct or the ranked index, the table is built from the keys themselves and
        // nothing is hashed or partitioned
        int nullRows = keyRanges(ctx, chunkRows, chunks);
        if (buildDirect(ctx, nullRows)) {
            return;
        }
        try (Allocation hashAccount = pool.reserveExternal(Math.max(n, 1) * 8L, "hash join build hashes");
             Allocation orderAccount = pool.reserveExternal(partitions == 1 ? 0 : (long) n * 4 + (long) chunks * partitions * 4,
                     "hash join build partitions")) {
            long[] hashes = pool.newLongs(Math.max(n, 1));
            int[][] counts = new int[chunks][partitions];
            MemorySegment hashSegment = MemorySegment.ofArray(hashes);
            boolean nulls = hasNullKey;
            run(ctx, chunks, c -> {
                int from = c * chunkRows;
                int len = Math.min(chunkRows, n - from);
                List<ColumnVector> slice = new ArrayList<>(keys.size());
                for (ColumnVector k : keys) {
                    slice.add(k.slice(from, len));
                }
                JoinKeys.hash(ctx.kernels().hash(), slice, null, len, hashSegment.asSlice(from * 8L, len * 8L));
                int[] count = counts[c];
                for (int r = from; r < from + len; r++) {
                    if (nulls && JoinKeys.anyNull(keys, r)) {
                        hashes[r] = NULL_ROW;
                    } else {
                        count[(int) (hashes[r] >>> partShift) & partSelect]++;
                    }
                }
            });
            // partition p's rows sit at order[start[p] ..); chunk c's at offset[c][p] within them
            int[] start = new int[partitions + 1];
            int[][] offset = new int[chunks][partitions];
            for (int p = 0, at = 0; p < partitions; p++) {
                start[p] = at;
                for (int c = 0; c < chunks; c++) {
                    offset[c][p] = at;
                    at += counts[c][p];
                }
                start[p + 1] = at;
            }
            int[] order = partitions == 1 ? null : pool.newInts(start[partitions]);
            if (order != null) {
                run(ctx, chunks, c -> {
                    int[] at = offset[c];
                    int from = c * chunkRows;
                    int to = Math.min(n, from + chunkRows);
                    for (int r = from; r < to; r++) {
                        long h = hashes[r];
                        if (h != NULL_ROW || !JoinKeys.anyNull(keys, r)) {
                            order[at[(int) (h >>> partShift) & partSelect]++] = r;
                        }
                    }
                });
            }
            long slotBytes = 0;
            int[] caps = new int[partitions];
            for (int p = 0; p < partitions; p++) {
                int rowsIn = start[p + 1] - start[p];
                // at most half full; at most a quarter while the slots stay cache-sized, so a
                // probe that misses rarely meets another key's slot
                caps[p] = Integer.highestOneBit(Math.max(16, rowsIn) * 2 - 1) << (rowsIn <= SPARSE_ROWS ? 2 : 1);
                slotBytes += caps[p] * 8L;
            }
            slotAlloc = pool.reserveExternal(slotBytes, "hash join slots");
            boolean[] duplicates = new boolean[partitions];
            int tasks = partitions == 1 ? 1 : Math.min(partitions, ctx.threads() * 4);
            run(ctx, tasks, t -> {
                for (int p = t; p < partitions; p += tasks) {
                    long[] slots = pool.newLongs(caps[p]);
                    int mask = caps[p] - 1;
                    boolean dup = false;
                    if (order == null) {
                        for (int r = 0; r < n; r++) {
                            long h = hashes[r];
                            if ((h != NULL_ROW || !JoinKeys.anyNull(keys, r)) && insert(slots, mask, r, h)) {
                                dup = true;
                            }
                            if ((r & 0xFFFF) == 0) {
                                ctx.checkCancelled();
                            }
                        }
                    } else {
                        for (int i = start[p]; i < start[p + 1]; i++) {
                            int r = order[i];
                            dup |= insert(slots, mask, r, hashes[r]);
                        }
                        ctx.checkCancelled();
                    }
                    duplicates[p] = dup;
                    parts[p] = slots;
                    partMask[p] = mask;
                }
            });
            for (boolean d : duplicates) {
                unique &= !d;
            }
            // every task has ended (run waits for them): nothing refers to these any more
            pool.recycle(hashes);
            pool.recycle(order);
        }
    }

    /** A direct index spans at most this many values (1 GiB of ints)... */
    private static final long DIRECT_MAX = 1L << 28;
    /** ... and at most this many per build row plus {@link #DIRECT_SLACK} (about the slots' bytes per row). */
    private static final long DIRECT_PER_ROW = 8;
    private static final long DIRECT_SLACK = 1 << 12;

    /**
     * Sets {@link #keyMins} / {@link #keyMaxs} (each integral key's smallest and largest non-NULL
     * value) and {@link #hasNullKey}, in chunks across the workers; returns how many rows have a
     * NULL key.
     */
    private int keyRanges(ExecutionContext ctx, int chunkRows, int chunks) {
        int n = rows.size();
        long[][] mins = new long[keys.size()][chunks];
        long[][] maxs = new long[keys.size()][chunks];
        int[] nullCounts = new int[chunks];
        boolean nullable = false;
        for (ColumnVector k : keys) {
            nullable |= k.validity() != null;
        }
        boolean anyNullable = nullable;
        run(ctx, chunks, c -> {
            int from = c * chunkRows;
            int to = Math.min(n, from + chunkRows);
            for (int k = 0; k < keys.size(); k++) {
                long[] range = valueRange(keys.get(k), from, to);
                mins[k][c] = range[0];
                maxs[k][c] = range[1];
            }
            if (anyNullable) {
                int count = 0;
                for (int r = from; r < to; r++) {
                    if (JoinKeys.anyNull(keys, r)) {
                        count++;
                    }
                }
                nullCounts[c] = count;
            }
        });
        keyMins = new long[keys.size()];
        keyMaxs = new long[keys.size()];
        for (int k = 0; k < keys.size(); k++) {
            keyMins[k] = Long.MAX_VALUE;
            keyMaxs[k] = Long.MIN_VALUE;
            for (int c = 0; c < chunks; c++) {
                keyMins[k] = Math.min(keyMins[k], mins[k][c]);
                keyMaxs[k] = Math.max(keyMaxs[k], maxs[k][c]);
            }
        }
        int nullRows = 0;
        for (int count : nullCounts) {
            nullRows += count;
        }
        hasNullKey = nullRows > 0;
        return nullRows;
    }

    /**
     * Builds {@link #direct} instead of the slots when an integral key's range allows it (the
     * narrowest such key), else tries {@link #buildRanked}; false (nothing built) when neither
     * fits, or when with several keys the chosen column holds a value twice.
     */
    private boolean buildDirect(ExecutionContext ctx, int nullRows) {
        int best = narrowestKey(DIRECT_PER_ROW, true, nullRows);
        if (best < 0) {
            return buildRanked(ctx, nullRows);
        }
        long bestLen = keyMaxs[best] - keyMins[best] + 1;
        Allocation account = ctx.pool().reserveExternal(bestLen * 4, "hash join direct index");
        try {
            return fillDirect(ctx, best, bestLen, account);
        } catch (RuntimeException | Error e) {
            account.close(); // a cancel seen while filling, or no heap for the index: give the reservation back
            throw e;
        }
    }

    private boolean fillDirect(ExecutionContext ctx, int best, long bestLen, Allocation account) {
        int n = rows.size();
        int[] index = pool.newInts((int) bestLen);
        ColumnVector k = keys.get(best);
        MemorySegment data = k.data();
        boolean four = k.byteWidth() == 4;
        long min = keyMins[best];
        boolean several = keys.size() > 1;
        boolean nulls = hasNullKey;
        boolean dup = false;
        int indexed = 0;
        for (int r = 0; r < n; r++) {
            if (nulls && JoinKeys.anyNull(keys, r)) {
                continue;
            }
            indexed++;
            int at = (int) ((four ? data.getAtIndex(INT, r) : data.getAtIndex(LONG, r)) - min);
            int head = index[at];
            if (head != 0) {
                if (several) {
                    account.close();
                    pool.recycle(index);
                    return false;
                }
                dup = true;
            }
            // like the slots: the new row heads its key's chain
            next[r] = head - 1;
            index[at] = r + 1;
            if ((r & 0xFFFF) == 0) {
                ctx.checkCancelled();
            }
        }
        unique = !dup;
        directRows = indexed;
        direct = index;
        directMin = min;
        directLen = bestLen;
        directColumn = best;
        directAlloc = account;
        parts = new long[][] {new long[0]};
        partMask = new int[] {0};
        return true;
    }

    /** A ranked index spans at most this many key values per build row plus {@link #DIRECT_SLACK} (16 bytes per 64 values). */
    private static final long RANKED_PER_ROW = 64;

    /**
     * The ranked index, for an integral key too sparse for {@link #direct} (a primary key
     * filtered by another column: orders by date keeps one order key in 25-40): a bitmap of the
     * key values present, each 64-bit word beside the count of bits set before it, numbers the
     * distinct keys in key order; {@link #direct} is then indexed by that number (its first
     * build row + 1). A probe reads one bitmap word and its count (one cache line), and one
     * entry, without hashing; probes in key order read all three in order. Same rules as the
     * direct index otherwise (several keys: the column must be unique). False when no key fits.
     */
    private boolean buildRanked(ExecutionContext ctx, int nullRows) {
        int n = rows.size();
        int best = narrowestKey(RANKED_PER_ROW, false, nullRows);
        if (best < 0) {
            return false;
        }
        long bestLen = keyMaxs[best] - keyMins[best] + 1;
        int words = (int) ((bestLen + 63) >>> 6);
        Allocation wordsAccount = ctx.pool().reserveExternal(words * 16L, "hash join ranked index");
        Allocation headsAccount = null;
        try {
            long[] ranked = pool.newLongs(2 * words);
            ColumnVector k = keys.get(best);
            MemorySegment data = k.data();
            boolean four = k.byteWidth() == 4;
            long min = keyMins[best];
            List<ColumnVector> nullKeys = hasNullKey ? keys : null;
            markRanked(ranked, data, four, min, n, nullKeys, ctx);
            int distinct = countRanks(ranked, words);
            headsAccount = ctx.pool().reserveExternal((distinct + 1L) * 4, "hash join ranked index");
            int[] heads = pool.newInts(distinct + 1);
            int chained = chainRanked(ranked, heads, next, data, four, min, n, nullKeys, keys.size() > 1, ctx);
            if (chained < 0) {
                wordsAccount.close();
                headsAccount.close();
                pool.recycle(ranked);
                pool.recycle(heads);
                return false;
            }
            unique = chained == 0;
            direct = heads;
            rankWords = ranked;
            rankAlloc = wordsAccount;
            directMin = min;
            directLen = bestLen;
            directColumn = best;
            directAlloc = headsAccount;
            parts = new long[][] {new long[0]};
            partMask = new int[] {0};
            return true;
        } catch (RuntimeException | Error e) {
            // a cancel seen while filling, or no heap for the index: give the reservations back
            wordsAccount.close();
            if (headsAccount != null) {
                headsAccount.close();
            }
            throw e;
        }
    }

    /** Sets each non-NULL key's bit {@code v - min} in the even words of {@code ranked} (NULL keys looked up only when {@code nullKeys} is given). */
    private static void markRanked(long[] ranked, MemorySegment data, boolean four, long min, int n,
                                   List<ColumnVector> nullKeys, ExecutionContext ctx) {
        for (int r = 0; r < n; r++) {
            if (nullKeys != null && JoinKeys.anyNull(nullKeys, r)) {
                continue;
            }
            long off = (four ? data.getAtIndex(INT, r) : data.getAtIndex(LONG, r)) - min;
            ranked[(int) (off >>> 6) << 1] |= 1L << off;
            if ((r & 0xFFFF) == 0) {
                ctx.checkCancelled();
            }
        }
    }

    /** Writes beside each bitmap word the count of bits set before it; returns the count of all. */
    private static int countRanks(long[] ranked, int words) {
        int distinct = 0;
        for (int w = 0; w < words; w++) {
            ranked[2 * w + 1] = distinct;
            distinct += Long.bitCount(ranked[2 * w]);
        }
        return distinct;
    }

    /**
     * Chains the build rows by their key's rank into {@code heads} / {@code next}; 0 when every
     * key is unique, 1 when some repeats, -1 (stopped, nothing usable) when one repeats and
     * {@code several} keys need a unique column.
     */
    private static int chainRanked(long[] ranked, int[] heads, int[] next, MemorySegment data, boolean four, long min,
                                   int n, List<ColumnVector> nullKeys, boolean several, ExecutionContext ctx) {
        int dup = 0;
        for (int r = 0; r < n; r++) {
            if (nullKeys != null && JoinKeys.anyNull(nullKeys, r)) {
                continue;
            }
            long off = (four ? data.getAtIndex(INT, r) : data.getAtIndex(LONG, r)) - min;
            int w = (int) (off >>> 6) << 1;
            int rank = (int) ranked[w + 1] + Long.bitCount(ranked[w] & ((1L << off) - 1));
            int head = heads[rank];
            if (head != 0) {
                if (several) {
                    return -1;
                }
                dup = 1;
            }
            next[r] = head - 1;
            heads[rank] = r + 1;
            if ((r & 0xFFFF) == 0) {
                ctx.checkCancelled();
            }
        }
        return dup;
    }

    /**
     * The integral key column with the narrowest value range that spans at most {@code perRow}
     * values per build row plus {@link #DIRECT_SLACK} (and {@link #DIRECT_MAX}), or -1. With
     * {@code uniqueRange} and several keys the column must be unique, so a range under the
     * non-NULL row count rules it out.
     */
    private int narrowestKey(long perRow, boolean uniqueRange, int nullRows) {
        int n = rows.size();
        int best = -1;
        long bestLen = Long.MAX_VALUE;
        for (int c = 0; c < keys.size(); c++) {
            if (!integral(keys.get(c).type()) || keyMins[c] > keyMaxs[c]) {
                continue;
            }
            long len = keyMaxs[c] - keyMins[c] + 1;
            boolean fits = len > 0 && len <= DIRECT_MAX && len <= perRow * n + DIRECT_SLACK
                    && (!uniqueRange || keys.size() == 1 || len >= n - nullRows);
            if (fits && len < bestLen) {
                best = c;
                bestLen = len;
            }
        }
        return best;
    }

    /** True when probes need no hashes ({@link #findMatches} reads the direct index). */
    boolean direct() { return direct != null; }

    /** True when the probes read the ranked index (a sparse integral key; for tests and EXPLAIN). */
    boolean ranked() { return rankWords != null; }

    /** A hash no real key gets in practice marks rows with a NULL key (they are re-checked, so a clash is harmless). */
    private static final long NULL_ROW = 0x5bd1e9955bd1e995L;

    /** Runs the tasks on the query's workers, or in this thread when there is one task. */
    private static void run(ExecutionContext ctx, int n, java.util.function.IntConsumer task) {
        if (n == 1) {
            task.accept(0);
        } else {
            ParallelTasks.run(ctx, n, task);
        }
    }

    /** Inserts {@code row}; true if its key was already present (the row heads that key's chain now). */
    private boolean insert(long[] slots, int mask, int row, long hash) {
        int p = (int) hash & mask;
        while (true) {
            long s = slots[p];
            if (s == 0) {
                slots[p] = (hash & TAG) | (row + 1L);
                next[row] = -1;
                return false;
            }
            if (((s ^ hash) & TAG) == 0 && keysEqual(keys, row, (int) s - 1)) {
                // the new row becomes the head of the key's chain
                next[row] = (int) s - 1;
                slots[p] = (hash & TAG) | (row + 1L);
                return true;
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

    /** The widest key range that gets a bitmap: 2^23 bits, 1 MiB (fits a core's L2). */
    private static final long KEY_BITS_MAX = 1L << 23;

    /** Multiplier of the hashed bitmap (Fibonacci hashing: consecutive keys land far apart). */
    private static final long KEY_HASH = 0x9E37_79B9_7F4A_7C15L;
    /** Bits of the hashed bitmap per build row (one probe in it: about 1/16 false positives). */
    private static final int KEY_HASH_BITS_PER_ROW = 16;
    /** Build sides below this many rows get no hashed bitmap: their tables sit in cache already. */
    private static final int KEY_HASH_MIN_ROWS = 1 << 12;

    /**
     * With an integer key whose values span at most {@link #KEY_BITS_MAX}, a bitmap of the
     * build keys' values (bit {@code key - min}): probes test it before hashing and drop rows
     * that cannot match, exactly (no false positives) and without touching the table. Left
     * out when more than half the range is set (it would drop few rows in range). With several
     * keys a row matches only if every key does, so the bitmap of one key column drops rows
     * just as well: the sparsest qualifying one is kept ({@link #keyBitsColumn}). A wider range
     * (order keys at SF 10: 60M) gets a hashed bitmap instead, 16 bits per build row up to 8 MiB,
     * bit {@code (key * KEY_HASH) >>> shift}: a few percent of non-matching rows pass it, but a
     * probe side that mostly misses a large table is cut before its rows miss in the cache.
     */
    private void buildKeyBits(MemoryPool pool) {
        int n = rows.size();
        if (n == 0) {
            return;
        }
        double bestDensity = 1;
        for (int c = 0; c < keys.size(); c++) {
            if (!integral(keys.get(c).type())) {
                continue;
            }
            if (direct != null && rankWords == null && c == directColumn && unique && directRows > directLen / 2) {
                // a unique dense key (a primary key): more than half its range is set, so its
                // bitmap would be left out below; known without a pass over the rows
                continue;
            }
            ColumnVector k = keys.get(c);
            MemorySegment data = k.data();
            MemorySegment validity = k.validity();
            boolean four = k.byteWidth() == 4;
            long[] minMax = keyMins != null ? new long[] {keyMins[c], keyMaxs[c]} : valueRange(k, 0, n);
            long min = minMax[0];
            long max = minMax[1];
            long range = max - min + 1;
            if (min > max) {
                continue;
            }
            boolean hashed = range <= 0 || range > KEY_BITS_MAX;
            int shift = 0;
            if (hashed) {
                if (n < KEY_HASH_MIN_ROWS) {
                    continue;
                }
                int log = 64 - Long.numberOfLeadingZeros((long) n * KEY_HASH_BITS_PER_ROW - 1);
                log = Math.max(12, Math.min(26, log));
                shift = 64 - log;
                range = 1L << log;
            }
            int words = (int) ((range + 63) >>> 6);
            Allocation account = pool.reserveExternal(words * 8L, "hash join key bitmap");
            long[] bits = pool.newLongs(words);
            if (!hashed && rankWords != null && c == directColumn) {
                // the ranked index holds this very bitmap (same range): no pass over the rows
                copyRankedBits(rankWords, bits, words);
            } else if (hashed) {
                setHashedBits(bits, data, validity, four, shift, n);
            } else {
                setRangeBits(bits, data, validity, four, min, n);
            }
            long set = bitCount(bits);
            double density = (double) set / range;
            if (density > 0.5 || (keyBits != null && density >= bestDensity)) {
                account.close();
                pool.recycle(bits);
                continue;
            }
            if (keyBitsAlloc != null) {
                keyBitsAlloc.close();
                pool.recycle(keyBits);
            }
            bestDensity = density;
            keyBitsAlloc = account;
            keyBits = bits;
            keyBitsSet = set;
            keyMin = hashed ? 0 : min;
            keyRange = range;
            keyHashed = hashed;
            keyShift = shift;
            keyBitsColumn = c;
        }
        if (keyHashed) {
            buildRangeBits(pool);
        }
    }

    /** The widest exact bitmap kept beside a hashed one: 2^28 bits, 32 MiB. */
    private static final long RANGE_BITS_MAX = 1L << 28;
    /** ... and at most this many bits per build row (the table itself takes about 300). */
    private static final long RANGE_BITS_PER_ROW = 256;

    /** The exact bitmap of the hashed bitmap's key column, when its range is small enough ({@link #rangeBits}). */
    private void buildRangeBits(MemoryPool pool) {
        int n = rows.size();
        ColumnVector k = keys.get(keyBitsColumn);
        long min = keyMins != null ? keyMins[keyBitsColumn] : valueRange(k, 0, n)[0];
        long max = keyMins != null ? keyMaxs[keyBitsColumn] : valueRange(k, 0, n)[1];
        if (min > max) {
            return;
        }
        long range = max - min + 1;
        if (range <= 0 || range > RANGE_BITS_MAX || range > RANGE_BITS_PER_ROW * n) {
            return;
        }
        MemorySegment data = k.data();
        MemorySegment validity = k.validity();
        boolean four = k.byteWidth() == 4;
        int words = (int) ((range + 63) >>> 6);
        Allocation account = pool.reserveExternal(words * 8L, "hash join key range bitmap");
        long[] bits = pool.newLongs(words);
        setRangeBits(bits, data, validity, four, min, n);
        rangeBitsAlloc = account;
        rangeBits = bits;
        rangeMin = min;
        rangeLen = range;
    }

    // The passes over all build rows are methods of their own, apart from the set-up around
    // them: a build runs each once, so the JIT compiles them on stack (OSR) while they run, and
    // an OSR compile takes in the whole method around its loop; small loop methods keep those
    // compiles small and let one compile serve every caller (bench/RESULTS.md, session 10 JIT).

    /** Sets bit {@code v - min} of {@code bits} for each non-NULL value {@code v} of rows [0, n). */
    private static void setRangeBits(long[] bits, MemorySegment data, MemorySegment validity, boolean four, long min, int n) {
        for (int r = 0; r < n; r++) {
            if (validity != null && !Validity.isValid(validity, r)) {
                continue;
            }
            long off = (four ? data.getAtIndex(INT, r) : data.getAtIndex(LONG, r)) - min;
            bits[(int) (off >>> 6)] |= 1L << off;
        }
    }

    /** Sets bit {@code (v * KEY_HASH) >>> shift} of {@code bits} for each non-NULL value {@code v} of rows [0, n). */
    private static void setHashedBits(long[] bits, MemorySegment data, MemorySegment validity, boolean four, int shift, int n) {
        for (int r = 0; r < n; r++) {
            if (validity != null && !Validity.isValid(validity, r)) {
                continue;
            }
            long v = four ? data.getAtIndex(INT, r) : data.getAtIndex(LONG, r);
            long off = (v * KEY_HASH) >>> shift;
            bits[(int) (off >>> 6)] |= 1L << off;
        }
    }

    /** The bitmap words of a ranked index (its even words) into {@code bits}. */
    private static void copyRankedBits(long[] ranked, long[] bits, int words) {
        for (int w = 0; w < words; w++) {
            bits[w] = ranked[2 * w];
        }
    }

    private static long bitCount(long[] bits) {
        long set = 0;
        for (long w : bits) {
            set += Long.bitCount(w);
        }
        return set;
    }

    /**
     * Whether the search of ascending keys pays on these {@code n} rows: the build keys expected
     * within the rows' key span (the bitmap's share of set bits times the span) leave at least
     * {@link #ASCENDING_MIN_GAP_ROWS} rows between one another on average. Each key found costs
     * a search of a few mispredicted steps; each row the per-row kernel tests costs a fraction
     * of a nanosecond. Orders joined to lineitem with 2% of the order keys (4 rows a key) leave
     * 50 rows a key and are faster tested row by row; parts joined to partsupp with 0.4% leave
     * over 1,000.
     */
    private boolean sparseGaps(MemorySegment data, boolean four, int n, long range) {
        long first = four ? data.getAtIndex(INT, 0) : data.getAtIndex(LONG, 0);
        long last = four ? data.getAtIndex(INT, n - 1) : data.getAtIndex(LONG, n - 1);
        double span = (double) last - (double) first + 1;
        return (double) n * range >= ASCENDING_MIN_GAP_ROWS * span * Math.max(1, keyBitsSet);
    }

    /** Average probe rows between build keys below which the search of ascending keys is not used. */
    private static final double ASCENDING_MIN_GAP_ROWS = 256;

    /**
     * True when the batch's keys look clustered: its first and last keys lie within 64 bits per
     * row of each other, so the exact bitmap's words they read are few and consecutive. Only
     * the choice of bitmap depends on it, never the result (both keep every build key).
     */
    private static boolean clustered(MemorySegment data, boolean four, MemorySegment sel, int n) {
        int first = sel == null ? 0 : sel.getAtIndex(INT, 0);
        int last = sel == null ? n - 1 : sel.getAtIndex(INT, n - 1);
        long a = four ? data.getAtIndex(INT, first) : data.getAtIndex(LONG, first);
        long b = four ? data.getAtIndex(INT, last) : data.getAtIndex(LONG, last);
        long span = Math.abs(b - a);
        return span >= 0 && span <= 64L * n;
    }

    /**
     * The smallest and largest non-NULL value of rows {@code [from, to)} of {@code column}
     * (MAX_VALUE, MIN_VALUE when none); both MAX_VALUE for a column that is not integral.
     */
    private static long[] valueRange(ColumnVector column, int from, int to) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        if (!integral(column.type())) {
            return new long[] {min, min};
        }
        MemorySegment data = column.data();
        MemorySegment validity = column.validity();
        if (validity == null && column.byteWidth() == 4) {
            for (int r = from; r < to; r++) {
                long v = data.getAtIndex(INT, r);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        } else if (validity == null) {
            for (int r = from; r < to; r++) {
                long v = data.getAtIndex(LONG, r);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        } else {
            boolean four = column.byteWidth() == 4;
            for (int r = from; r < to; r++) {
                if (Validity.isValid(validity, r)) {
                    long v = four ? data.getAtIndex(INT, r) : data.getAtIndex(LONG, r);
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        return new long[] {min, max};
    }

    private static boolean integral(DataType t) {
        return switch (t) {
            case DataType.Int32Type i -> true;
            case DataType.Int64Type i -> true;
            case DataType.DateType d -> true;
            case DataType.TimestampType ts -> true;
            case DataType.DecimalType d -> d.byteWidth() == 8;
            default -> false;
        };
    }

    /** True when {@link #keepByKeyBits} can drop probe rows before hashing. */
    boolean hasKeyBits() { return keyBits != null; }

    /** Which key (index into the join's keys) {@link #keepByKeyBits} tests. */
    int keyBitsColumn() { return keyBitsColumn; }

    /**
     * Writes to {@code out} the rows among the {@code n} candidates (rows {@code sel[i]}, or
     * i) whose key is one of the build keys (never a NULL), in order; returns how many. The
     * rows dropped have no match. Branch-free: every row is written, only kept ones count.
     */
    int keepByKeyBits(ColumnVector probeKey, MemorySegment sel, int n, MemorySegment out) {
        MemorySegment data = probeKey.data();
        MemorySegment validity = probeKey.validity();
        boolean four = probeKey.byteWidth() == 4;
        if (validity == null && keyHashed && rangeBits != null && n > 0 && clustered(data, four, sel, n)) {
            if (four) {
                return sel == null ? keep32(rangeBits, rangeMin, rangeLen, data, n, out)
                        : keep32(rangeBits, rangeMin, rangeLen, data, sel, n, out);
            }
            return sel == null ? keep64(rangeBits, rangeMin, rangeLen, data, n, out)
                    : keep64(rangeBits, rangeMin, rangeLen, data, sel, n, out);
        }
        if (validity == null && keyHashed) {
            return four ? keepHashed32(keyBits, keyShift, data, sel, n, out) : keepHashed64(keyBits, keyShift, data, sel, n, out);
        }
        if (validity == null) {
            // the common case in loops of their own, one per key width and selection shape,
            // so each compiles to a tight loop over one kind of access
            if (four) {
                return sel == null ? keep32(keyBits, keyMin, keyRange, data, n, out)
                        : keep32(keyBits, keyMin, keyRange, data, sel, n, out);
            }
            return sel == null ? keep64(keyBits, keyMin, keyRange, data, n, out)
                    : keep64(keyBits, keyMin, keyRange, data, sel, n, out);
        }
        long[] bits = keyBits;
        long min = keyMin;
        long range = keyRange;
        int k = 0;
        for (int i = 0; i < n; i++) {
            int row = sel == null ? i : sel.getAtIndex(INT, i);
            long v = four ? data.getAtIndex(INT, row) : data.getAtIndex(LONG, row);
            long off = keyHashed ? (v * KEY_HASH) >>> keyShift : v - min;
            long in = ((off - range) >> 63) & ~(off >> 63);   // all ones when 0 <= off < range
            long keep = (bits[(int) ((off & in) >>> 6)] >>> off) & in & 1;
            if (!Validity.isValid(validity, row)) {
                keep = 0;
            }
            out.setAtIndex(INT, k, row);
            k += (int) keep;
        }
        return k;
    }

    /**
     * {@link #keepByKeyBits} over plain arrays: the candidates are {@code sel[i]} (or i when
     * {@code sel} is null), the kept rows go to {@code out} (which may be {@code sel}: each
     * pass reads position i before it writes position k <= i). Array stores at the running
     * count k cost one compare; a memory segment's store there costs its bounds and alignment
     * checks on every row, as the JIT cannot hoist them out of the loop.
     */
    int keepByKeyBits(ColumnVector probeKey, int[] sel, int n, int[] out) {
        MemorySegment data = probeKey.data();
        MemorySegment validity = probeKey.validity();
        boolean four = probeKey.byteWidth() == 4;
        if (sel == null && validity == null && probeKey.ascending() && ascendingKeys && n > 0) {
            if (!keyHashed && keyBitsSet <= ASCENDING_MAX_DENSITY * keyRange && sparseGaps(data, four, n, keyRange)) {
                return AscendingKeyBitmapKernels.keepExact(keyBits, keyMin, keyRange, data, four, n, out);
            }
            if (keyHashed && rangeBits != null && keyBitsSet <= ASCENDING_MAX_DENSITY * rangeLen
                    && sparseGaps(data, four, n, rangeLen)) {
                return AscendingKeyBitmapKernels.keepExact(rangeBits, rangeMin, rangeLen, data, four, n, out);
            }
        }
        KeyBitmapKernels k = bitmapKernels;
        if (validity == null && keyHashed && rangeBits != null && n > 0 && clustered(data, four, sel, n)) {
            return four ? k.keepExact32(rangeBits, rangeMin, rangeLen, data, null, sel, n, out)
                    : k.keepExact64(rangeBits, rangeMin, rangeLen, data, null, sel, n, out);
        }
        if (keyHashed) {
            return four ? k.keepHashed32(keyBits, KEY_HASH, keyShift, data, validity, sel, n, out)
                    : k.keepHashed64(keyBits, KEY_HASH, keyShift, data, validity, sel, n, out);
        }
        return four ? k.keepExact32(keyBits, keyMin, keyRange, data, validity, sel, n, out)
                : k.keepExact64(keyBits, keyMin, keyRange, data, validity, sel, n, out);
    }

    private static boolean clustered(MemorySegment data, boolean four, int[] sel, int n) {
        int first = sel == null ? 0 : sel[0];
        int last = sel == null ? n - 1 : sel[n - 1];
        long a = four ? data.getAtIndex(INT, first) : data.getAtIndex(LONG, first);
        long b = four ? data.getAtIndex(INT, last) : data.getAtIndex(LONG, last);
        long span = Math.abs(b - a);
        return span >= 0 && span <= 64L * n;
    }

    /** 1 when {@code off} is in {@code [0, range)} and its bit is set, else 0; branch-free. */
    private static int bit(long[] bits, long off, long range) {
        long in = ((off - range) >> 63) & ~(off >> 63);   // all ones when 0 <= off < range
        return (int) ((bits[(int) ((off & in) >>> 6)] >>> off) & in & 1);
    }

    private static int keep32(long[] bits, long min, long range, MemorySegment data, int n, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < n; i++) {
            out.setAtIndex(INT, k, i);
            k += bit(bits, data.getAtIndex(INT, i) - min, range);
        }
        return k;
    }

    private static int keep32(long[] bits, long min, long range, MemorySegment data, MemorySegment sel, int n, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < n; i++) {
            int row = sel.getAtIndex(INT, i);
            out.setAtIndex(INT, k, row);
            k += bit(bits, data.getAtIndex(INT, row) - min, range);
        }
        return k;
    }

    private static int keep64(long[] bits, long min, long range, MemorySegment data, int n, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < n; i++) {
            out.setAtIndex(INT, k, i);
            k += bit(bits, data.getAtIndex(LONG, i) - min, range);
        }
        return k;
    }

    private static int keep64(long[] bits, long min, long range, MemorySegment data, MemorySegment sel, int n, MemorySegment out) {
        int k = 0;
        for (int i = 0; i < n; i++) {
            int row = sel.getAtIndex(INT, i);
            out.setAtIndex(INT, k, row);
            k += bit(bits, data.getAtIndex(LONG, row) - min, range);
        }
        return k;
    }

    /** 1 when the hashed bitmap's bit for {@code key} is set (the key may be a build key), else 0. */
    private static int hashedBit(long[] bits, long key, int shift) {
        long off = (key * KEY_HASH) >>> shift;
        return (int) ((bits[(int) (off >>> 6)] >>> off) & 1);
    }

    private static int keepHashed32(long[] bits, int shift, MemorySegment data, MemorySegment sel, int n, MemorySegment out) {
        int k = 0;
        if (sel == null) {
            for (int i = 0; i < n; i++) {
                out.setAtIndex(INT, k, i);
                k += hashedBit(bits, data.getAtIndex(INT, i), shift);
            }
            return k;
        }
        for (int i = 0; i < n; i++) {
            int row = sel.getAtIndex(INT, i);
            out.setAtIndex(INT, k, row);
            k += hashedBit(bits, data.getAtIndex(INT, row), shift);
        }
        return k;
    }

    private static int keepHashed64(long[] bits, int shift, MemorySegment data, MemorySegment sel, int n, MemorySegment out) {
        int k = 0;
        if (sel == null) {
            for (int i = 0; i < n; i++) {
                out.setAtIndex(INT, k, i);
                k += hashedBit(bits, data.getAtIndex(LONG, i), shift);
            }
            return k;
        }
        for (int i = 0; i < n; i++) {
            int row = sel.getAtIndex(INT, i);
            out.setAtIndex(INT, k, row);
            k += hashedBit(bits, data.getAtIndex(LONG, row), shift);
        }
        return k;
    }

    /** The share of the key range whose bits are set (how much of a uniform probe side passes), or 1 without a bitmap. */
    double keyBitsDensity() {
        return keyBits == null ? 1 : (double) keyBitsSet / keyRange;
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
        if (direct != null) {
            findDirect(probeKeys, sel, n, cand);
            return;
        }
        long[][] parts = this.parts;
        int[] partMask = this.partMask;
        int shift = partShift;
        int select = partSelect;
        // first slot of every row without a branch on what it holds, so the loads of many rows
        // overlap and no misprediction flushes them: empty -> -1, same tag -> its row, another
        // key's slot (rare at our load factors) -> COLLIDED, resolved in the loop below
        int collided = 0;
        for (int i = 0; i < n; i++) {
            long h = hashes[i];
            int part = (int) (h >>> shift) & select;
            int p = (int) h & partMask[part];
            long s = parts[part][p];
            long x = (s ^ h) & TAG;
            int tagMiss = (int) ((x | -x) >>> 63);
            int occupied = (int) ((s | -s) >>> 63);
            int again = tagMiss & occupied;
            cand[i] = (((int) s - 1) | -tagMiss) - (again << 1);
            pos[i] = p;
            collided += again;
        }
        if (collided > 0) {
            for (int i = 0; i < n; i++) {
                if (cand[i] != COLLIDED) {
                    continue;
                }
                long h = hashes[i];
                int part = (int) (h >>> shift) & select;
                long[] slots = parts[part];
                int mask = partMask[part];
                int p = pos[i];
                int c;
                while (true) {
                    p = (p + 1) & mask;
                    long s = slots[p];
                    if (s == 0) {
                        c = -1;
                        break;
                    }
                    if (((s ^ h) & TAG) == 0) {
                        c = (int) s - 1;
                        break;
                    }
                }
                cand[i] = c;
                pos[i] = p;
            }
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
                int part = (int) (h >>> shift) & select;
                long[] slots = parts[part];
                int mask = partMask[part];
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

    /** {@link #findMatches} with the direct index: one read per probe row, the other keys checked after. */
    private void findDirect(List<ColumnVector> probeKeys, MemorySegment sel, int n, int[] cand) {
        ColumnVector key = probeKeys.get(directColumn);
        MemorySegment data = key.data();
        MemorySegment validity = key.validity();
        boolean four = key.byteWidth() == 4;
        if (rankWords != null) {
            if (four) {
                if (sel == null) {
                    ranked32(rankWords, direct, directMin, directLen, data, n, cand);
                } else {
                    ranked32(rankWords, direct, directMin, directLen, data, sel, n, cand);
                }
            } else if (sel == null) {
                ranked64(rankWords, direct, directMin, directLen, data, n, cand);
            } else {
                ranked64(rankWords, direct, directMin, directLen, data, sel, n, cand);
            }
        } else if (four) {
            if (sel == null) {
                direct32(direct, directMin, directLen, data, n, cand);
            } else {
                direct32(direct, directMin, directLen, data, sel, n, cand);
            }
        } else if (sel == null) {
            direct64(direct, directMin, directLen, data, n, cand);
        } else {
            direct64(direct, directMin, directLen, data, sel, n, cand);
        }
        if (validity != null) {
            for (int i = 0; i < n; i++) {
                int row = sel == null ? i : sel.getAtIndex(INT, i);
                if (!Validity.isValid(validity, row)) {
                    cand[i] = -1;
                }
            }
        }
        boolean mismatches = false;
        for (int k = 0; k < keys.size(); k++) {
            if (k != directColumn) {
                mismatches |= verify(probeKeys.get(k), keys.get(k), sel, n, cand);
            }
        }
        if (mismatches) {
            // the direct column is unique when there are other keys: no other row can match
            for (int i = 0; i < n; i++) {
                if (cand[i] == -2) {
                    cand[i] = -1;
                }
            }
        }
    }

    /** The index entry - 1 when {@code off} is in {@code [0, len)}, else -1; branch-free. */
    private static int directEntry(int[] index, long off, long len) {
        long in = ((off - len) >> 63) & ~(off >> 63);   // all ones when 0 <= off < len
        return (index[(int) (off & in)] - 1) | ~(int) in;
    }

    /** The ranked index's entry - 1 for {@code off} when that key is present and {@code off} in {@code [0, len)}, else -1; branch-free. */
    private static int rankedEntry(long[] words, int[] heads, long off, long len) {
        long in = ((off - len) >> 63) & ~(off >> 63);   // all ones when 0 <= off < len
        long o = off & in;
        int w = (int) (o >>> 6) << 1;
        long bits = words[w];
        int present = (int) (bits >>> o) & 1;
        int rank = (int) words[w + 1] + Long.bitCount(bits & ((1L << o) - 1));
        return (heads[rank] - 1) | (present - 1) | ~(int) in;
    }

    // keys read at byte offsets: getAtIndex also checks each index's alignment, a check the JIT
    // does not hoist out of these loops

    private static void ranked32(long[] words, int[] heads, long min, long len, MemorySegment data, int n, int[] cand) {
        for (int i = 0; i < n; i++) {
            cand[i] = rankedEntry(words, heads, data.get(INT, (long) i << 2) - min, len);
        }
    }

    private static void ranked32(long[] words, int[] heads, long min, long len, MemorySegment data, MemorySegment sel, int n, int[] cand) {
        for (int i = 0; i < n; i++) {
            cand[i] = rankedEntry(words, heads, data.get(INT, (long) sel.get(INT, (long) i << 2) << 2) - min, len);
        }
    }

    private static void ranked64(long[] words, int[] heads, long min, long len, MemorySegment data, int n, int[] cand) {
        for (int i = 0; i < n; i++) {
            cand[i] = rankedEntry(words, heads, data.get(LONG, (long) i << 3) - min, len);
        }
    }

    private static void ranked64(long[] words, int[] heads, long min, long len, MemorySegment data, MemorySegment sel, int n, int[] cand) {
        for (int i = 0; i < n; i++) {
            cand[i] = rankedEntry(words, heads, data.get(LONG, (long) sel.get(INT, (long) i << 2) << 3) - min, len);
        }
    }

    private static void direct32(int[] index, long min, long len, MemorySegment data, int n, int[] cand) {
        for (int i = 0; i < n; i++) {
            cand[i] = directEntry(index, data.get(INT, (long) i << 2) - min, len);
        }
    }

    private static void direct32(int[] index, long min, long len, MemorySegment data, MemorySegment sel, int n, int[] cand) {
        for (int i = 0; i < n; i++) {
            cand[i] = directEntry(index, data.get(INT, (long) sel.get(INT, (long) i << 2) << 2) - min, len);
        }
    }

    private static void direct64(int[] index, long min, long len, MemorySegment data, int n, int[] cand) {
        for (int i = 0; i < n; i++) {
            cand[i] = directEntry(index, data.get(LONG, (long) i << 3) - min, len);
        }
    }

    private static void direct64(int[] index, long min, long len, MemorySegment data, MemorySegment sel, int n, int[] cand) {
        for (int i = 0; i < n; i++) {
            cand[i] = directEntry(index, data.get(LONG, (long) sel.get(INT, (long) i << 2) << 3) - min, len);
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
        boolean a4 = probe.byteWidth() == 4;
        boolean b4 = build.byteWidth() == 4;
        for (int i = 0; i < n; i++) {
            int c = cand[i];
            if (c < 0) continue;
            int row = sel == null ? i : sel.get(INT, (long) i << 2);
            long x = a4 ? a.get(INT, (long) row << 2) : a.get(LONG, (long) row << 3);
            long y = b4 ? b.get(INT, (long) c << 2) : b.get(LONG, (long) c << 3);
            if (x != y || (validity != null && !Validity.isValid(validity, row))) {
                cand[i] = -2;
                any = true;
            }
        }
        return any;
    }

    @Override
    public void close() {
        if (pool != null) {
            // no reference to these leaves the table once its probes are done
            if (parts != null) {
                for (long[] slots : parts) {
                    pool.recycle(slots);
                }
            }
            pool.recycle(next);
            pool.recycle(direct);
            pool.recycle(rankWords);
            pool.recycle(keyBits);
            pool.recycle(rangeBits);
            next = null;
            pool = null; // a second close hands nothing back twice
        }
        if (slotAlloc != null) slotAlloc.close();
        if (directAlloc != null) directAlloc.close();
        if (rankAlloc != null) rankAlloc.close();
        direct = null;
        rankWords = null;
        if (keyBitsAlloc != null) keyBitsAlloc.close();
        if (rangeBitsAlloc != null) rangeBitsAlloc.close();
        keyBits = null;
        rangeBits = null;
        if (nextAlloc != null) nextAlloc.close();
        if (matchAlloc != null) matchAlloc.close();
        parts = null;
        matches = null;
        rows.close();
    }
}
