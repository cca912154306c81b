package io.blueshift.gpu;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Validity;
import io.blueshift.storage.ColumnIdentity;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Device copies of table columns kept across queries, one per (column, block), up to a budget
 * of device memory, the least recently used given up first. Only columns a table names by a
 * {@link ColumnIdentity} are kept (immutable data: a changed table or file has another
 * identity, so a stale copy is never found, only aged out). Its memory is accounted in a pool
 * of its own (entries outlive the queries that made them).
 * A column in use is pinned by its {@link Lease}: evicting it only takes it out of the map,
 * and the memory goes back when the last lease closes. Closing the cache frees everything, so
 * it closes after the queries that use it. Thread-safe.
 */
public final class DeviceColumnCache implements AutoCloseable {
    /** Blocks {@code block .. block + blocks - 1} of one column, one after the other. */
    public record Key(ColumnIdentity column, int block, int blocks) {
        public Key {
            Objects.requireNonNull(column, "column is null");
            if (blocks < 1) throw new IllegalArgumentException("blocks must be at least 1, got " + blocks);
        }

        /** One block. */
        public Key(ColumnIdentity column, int block) {
            this(column, block, 1);
        }
    }

    /** Counters since the cache opened (uploads: columns copied into the cache). */
    public record Stats(int entries, long bytes, long budget, long hits, long misses, long uploads, long uploadedBytes,
                        long evictions, long refused) { }

    private static final class Entry {
        final Key key;
        final DeviceColumn column;
        final int rows;
        final long bytes;
        final long dataBytes;
        int pins;
        boolean retired;

        Entry(Key key, DeviceColumn column, int rows, long bytes, long dataBytes) {
            this.key = key;
            this.column = column;
            this.rows = rows;
            this.bytes = bytes;
            this.dataBytes = dataBytes;
        }
    }

    /** A resident column, pinned until closed. */
    public final class Lease implements AutoCloseable {
        private final Entry entry;
        private boolean closed;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        public DeviceColumn column() { return entry.column; }

        public int rows() { return entry.rows; }

        @Override
        public void close() {
            Entry free = null;
            synchronized (DeviceColumnCache.this) {
                if (closed) return;
                closed = true;
                if (--entry.pins == 0 && entry.retired) free = entry;
            }
            if (free != null) release(free);
        }
    }

    private final Accelerator acc;
    private final long budget;
    private final MemoryPool pool;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    /** Data bytes resident per column (all its blocks), for the planner. */
    private final Map<ColumnIdentity, Long> residentByColumn = new HashMap<>();
    /** How many executed queries filtered on each column (the admission rule's "used before"). */
    private final Map<ColumnIdentity, Integer> uses = new ConcurrentHashMap<>();
    /** Every entry holding device memory: resident, or evicted and still pinned. */
    private final java.util.Set<Entry> live = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    /** Device memory held: resident entries plus evicted ones still pinned plus reservations under way. */
    private long bytes;
    private boolean closed;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong uploadedBytes = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    /** Most column identities whose uses are remembered; past it the counts start again. */
    private static final int MAX_USES = 100_000;

    public DeviceColumnCache(Accelerator acc, long budgetBytes) {
        this.acc = Objects.requireNonNull(acc, "acc is null");
        if (budgetBytes <= 0) throw new IllegalArgumentException("cache budget must be positive, got " + budgetBytes);
        this.budget = budgetBytes;
        // the budget is kept by the cache (memory being freed may still be accounted for a moment)
        this.pool = MemoryPool.unbounded("gpu column cache");
    }

    /**
     * Half the device's memory; for the reference backend (whose device memory is the host's)
     * at most 256 MiB.
     */
    public static long defaultBudget(Accelerator acc) {
        long half = Math.max(acc.device().memoryBytes() / 2, 0);
        return acc.backend().equals("reference") ? Math.min(half, 256L << 20) : half;
    }

    public long budget() { return budget; }

    /** The cache's accounting pool (its reserved bytes are the device memory it holds). */
    public MemoryPool pool() { return pool; }

    public Accelerator accelerator() { return acc; }

    /** Device bytes a column's values and validity take for {@code rows} rows. */
    public static long bytesFor(ValueKind kind, int rows, boolean validity) {
        return (long) rows * kind.bytes() + (validity ? Validity.bytesFor(rows) : 0);
    }

    /** The resident column, pinned; null when it is not here. */
    public synchronized Lease get(Key key) {
        Entry e = closed ? null : entries.get(key);
        if (e == null) {
            misses.incrementAndGet();
            return null;
        }
        hits.incrementAndGet();
        e.pins++;
        return new Lease(e);
    }

    /**
     * Copies the first {@code rows} values of {@code v} into the cache as {@code key} and
     * returns it pinned, giving up the least recently used unpinned columns for room; null
     * (nothing copied) when it cannot fit. A column another thread put first is returned instead.
     */
    public Lease put(Key key, ColumnVector v, int rows) {
        return put(key, List.of(v), new int[] {rows});
    }

    /** As {@link #put(Key, ColumnVector, int)} for a key of several blocks: {@code rows[i]} rows of {@code parts.get(i)}, in order. */
    public Lease put(Key key, List<ColumnVector> parts, int[] partRows) {
        if (parts.size() != key.blocks() || partRows.length != parts.size()) {
            throw new IllegalArgumentException(key.blocks() + " blocks but " + parts.size() + " pieces");
        }
        DeviceColumns.Shape shape = DeviceColumns.Shape.of(parts, partRows);
        if (shape.rows() > Integer.MAX_VALUE) return null;
        ValueKind kind = shape.kind();
        int rows = (int) shape.rows();
        long need = bytesFor(kind, rows, shape.nulls());
        List<Entry> free = new ArrayList<>();
        boolean fits;
        synchronized (this) {
            if (closed) return null;
            Entry present = entries.get(key);
            if (present != null) {
                present.pins++;
                return new Lease(present);
            }
            fits = makeRoom(need, free);
            if (fits) {
                bytes += need; // reserved while copying outside the lock
            } else {
                refused.incrementAndGet();
            }
        }
        freeAll(free);
        if (!fits) return null;
        DeviceColumn column;
        try {
            column = DeviceColumns.uploadParts(acc, parts, partRows, pool, "gpu column cache");
        } catch (RuntimeException e) {
            synchronized (this) {
                if (!closed) bytes -= need; // close counted it out already
            }
            throw e;
        }
        uploads.incrementAndGet();
        uploadedBytes.addAndGet(need);
        Entry present;
        synchronized (this) {
            present = closed ? null : entries.get(key);
            if (!closed && present == null) {
                Entry e = new Entry(key, column, rows, need, (long) rows * kind.bytes());
                e.pins = 1;
                entries.put(key, e);
                live.add(e);
                residentByColumn.merge(key.column(), e.dataBytes, Long::sum);
                return new Lease(e);
            }
            if (!closed) bytes -= need;
            if (present != null) present.pins++;
        }
        column.close(); // closed meanwhile, or another thread's copy is in: ours goes
        return present == null ? null : new Lease(present);
    }

    /** Under the lock: evicts least recently used unpinned entries until {@code need} more bytes fit. */
    private boolean makeRoom(long need, List<Entry> free) {
        if (need > budget) return false;
        Iterator<Entry> it = entries.values().iterator();
        while (bytes + need > budget && it.hasNext()) {
            Entry e = it.next();
            if (e.pins > 0) continue;
            it.remove();
            retire(e, free);
            evictions.incrementAndGet();
        }
        return bytes + need <= budget;
    }

    /**
     * Under the lock, for an entry just taken out of the map: out of the resident counts; when
     * unpinned, its bytes are given back now and its memory is added to {@code free} (freed
     * after the lock), else the last lease frees it.
     */
    private void retire(Entry e, List<Entry> free) {
        e.retired = true;
        residentByColumn.computeIfPresent(e.key.column(), (k, b) -> b - e.dataBytes == 0 ? null : b - e.dataBytes);
        if (e.pins == 0 && live.remove(e)) {
            bytes -= e.bytes;
            free.add(e);
        }
    }

    private static void freeAll(List<Entry> free) {
        for (Entry e : free) e.column.close();
    }

    /** The last lease of an evicted entry closed. */
    private void release(Entry e) {
        synchronized (this) {
            if (!live.remove(e)) return; // freed by close
            bytes -= e.bytes;
        }
        e.column.close();
    }

    /** Data bytes (values, not validity) of these columns resident now, over all their blocks. */
    public synchronized long residentBytes(List<ColumnIdentity> columns) {
        long total = 0;
        for (ColumnIdentity c : columns) total += residentByColumn.getOrDefault(c, 0L);
        return total;
    }

    /** Counts one executed query filtering on {@code columns}. */
    public void recordUse(List<ColumnIdentity> columns) {
        if (uses.size() > MAX_USES) uses.clear();
        for (ColumnIdentity c : columns) uses.merge(c, 1, Integer::sum);
    }

    /** How many executed queries filtered on all of {@code columns} (the fewest of any one). */
    public int uses(List<ColumnIdentity> columns) {
        int n = Integer.MAX_VALUE;
        for (ColumnIdentity c : columns) n = Math.min(n, uses.getOrDefault(c, 0));
        return columns.isEmpty() ? 0 : n;
    }

    /** Gives up every column of {@code data} (a dropped or replaced table): its memory goes back now. */
    public void invalidate(Object data) {
        List<Entry> free = new ArrayList<>();
        synchronized (this) {
            Iterator<Entry> it = entries.values().iterator();
            while (it.hasNext()) {
                Entry e = it.next();
                if (!e.key.column().data().equals(data)) continue;
                it.remove();
                retire(e, free);
            }
        }
        uses.keySet().removeIf(c -> c.data().equals(data));
        freeAll(free);
    }

    public synchronized Stats stats() {
        return new Stats(entries.size(), bytes, budget, hits.get(), misses.get(), uploads.get(), uploadedBytes.get(),
                evictions.get(), refused.get());
    }

    /**
     * Frees every column (queries using the cache must have ended) and closes the accounting
     * pool, which names anything left.
     */
    @Override
    public void close() {
        List<Entry> all;
        synchronized (this) {
            if (closed) return;
            closed = true;
            all = new ArrayList<>(live);
            live.clear();
            entries.clear();
            residentByColumn.clear();
        }
        uses.clear();
        RuntimeException failure = null;
        for (Entry e : all) {
            try {
                e.column.close();
            } catch (RuntimeException x) {
                if (failure == null) failure = x; else failure.addSuppressed(x);
            }
        }
        synchronized (this) {
            bytes = 0;
        }
        if (failure != null) throw failure;
        pool.close();
    }
}
