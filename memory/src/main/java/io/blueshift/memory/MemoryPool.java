package io.blueshift.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Accounts every off-heap byte against a limit. Pools form a tree (global → query →
 * operator); a reservation must fit every pool up to the root. Closing a pool that still
 * holds memory throws and names what is left, so every test is a leak check.
 */
public final class MemoryPool implements AutoCloseable {
    /** Buffers are aligned for the widest vector loads (AVX-512, one cache line). */
    public static final long ALIGNMENT = 64;

    static {
        SegmentKinds.load();
    }

    private final String name;
    private final MemoryPool parent;
    private final long limit;
    private final AtomicLong reserved = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();
    private final Map<Allocation, Boolean> live = new ConcurrentHashMap<>();
    private final List<MemoryPool> children = new ArrayList<>();
    private volatile boolean closed;
    // freed reusable buffers kept (still reserved) for the next allocation of the same size; guarded by itself
    private final KeptBuffers reusable = new KeptBuffers();
    /** Whether every {@link #allocate} is reusable ({@link #reuseEveryBuffer}). */
    private volatile boolean reuseEvery;
    /** Reusable buffers are kept only from this size up (smaller ones are cheap to get from malloc; but see {@link #allocateScratch}). */
    static final long REUSE_MIN_BYTES = 64 << 10;
    /** At most this much freed memory is kept per pool. */
    static final long REUSE_MAX_BYTES = 64L << 20;
    /**
     * How much of its descendants' kept buffers this pool takes over when they close (0: none,
     * they are freed); see {@link #keepReusableOfChildren}. Guarded by {@link #reusable}.
     */
    private long inheritedReuseMaxBytes;
    /** Freed Java-heap arrays kept for reuse ({@link #keepHeapArrays}); guarded by itself. */
    private final KeptArrays keptArrays = new KeptArrays();
    /** At most this many bytes of freed heap arrays kept (0: none); guarded by {@link #keptArrays}. */
    private long keptArraysMaxBytes;
    /** Heap arrays are kept only from this size up (smaller ones come cheaply from a thread's allocation buffer). */
    static final long KEEP_ARRAY_MIN_BYTES = 16 << 10;

    private MemoryPool(String name, MemoryPool parent, long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("memory limit of pool '" + name + "' must be positive, got " + limit);
        }
        this.name = name;
        this.parent = parent;
        this.limit = limit;
    }

    public static MemoryPool root(String name, long limitBytes) {
        return new MemoryPool(name, null, limitBytes);
    }

    /** An unbounded root pool, for tools and tests that need no limit. */
    public static MemoryPool unbounded(String name) {
        return new MemoryPool(name, null, Long.MAX_VALUE);
    }

    public synchronized MemoryPool child(String childName, long limitBytes) {
        checkOpen();
        MemoryPool child = new MemoryPool(name + "/" + childName, this, limitBytes);
        child.reuseEvery = reuseEvery;
        children.add(child);
        return child;
    }

    public MemoryPool child(String childName) {
        return child(childName, Long.MAX_VALUE);
    }

    public String name() { return name; }
    public long limit() { return limit; }
    public long reserved() { return reserved.get(); }
    public long peak() { return peak.get(); }

    /** Allocates {@code bytes} zeroed bytes, 64-byte aligned, for {@code owner} (named in errors). */
    public Allocation allocate(long bytes, String owner) {
        if (reuseEvery) {
            return allocateReusable(bytes, owner, true, 0);
        }
        return allocate(bytes, Math.max(bytes, 1), owner, false);
    }

    /**
     * From now on, every {@link #allocate} of this pool and of the children it makes later is
     * reusable as {@link #allocateScratch} is: a freed buffer stays with the pool (or, when the
     * pool closes, with an ancestor that {@link #keepReusableOfChildren takes them over}) for
     * the next allocation of its size class, instead of closing its shared arena, a handshake
     * with every thread (32-47 us each; a TPC-H query at SF 1 freed 25-110 buffers a run, mostly
     * small: result columns, sorted columns, hash join build rows). For a query's pool: what one
     * query frees, the next one takes back. Memory used after its allocation was closed is then
     * not caught.
     */
    public MemoryPool reuseEveryBuffer() {
        reuseEvery = true;
        return this;
    }

    /**
     * The bytes a reusable buffer of {@code bytes} takes: below {@link #REUSE_MIN_BYTES}, four
     * size classes per power of two (at most a quarter more), so that buffers of nearby sizes
     * (a column of 900 rows, then of 1,000) are taken back; from there on the size itself.
     */
    static long sizeClass(long bytes) {
        if (bytes >= REUSE_MIN_BYTES) {
            return bytes;
        }
        if (bytes <= ALIGNMENT) {
            return ALIGNMENT;
        }
        long step = Long.highestOneBit(bytes - 1) >>> 2;
        return (bytes + step - 1) & -step;
    }

    /** A new buffer of {@code size} bytes (a size class for reusable ones) seen as its first {@code bytes}. */
    private Allocation allocate(long bytes, long size, String owner, boolean reusable) {
        checkOpen();
        if (bytes < 0) {
            throw new IllegalArgumentException("negative allocation: " + bytes);
        }
        reserveMakingRoom(size, owner);
        Arena arena;
        MemorySegment segment;
        try {
            arena = Arena.ofShared();
            segment = arena.allocate(size, ALIGNMENT);
        } catch (OutOfMemoryError e) {
            unreserve(size);
            throw new MemoryLimitExceededException("out of native memory allocating " + mib(size) + " for " + owner, size, limit);
        }
        Allocation allocation = new Allocation(this, arena, segment, segment.asSlice(0, bytes), owner, size, reusable);
        live.put(allocation, Boolean.TRUE);
        return allocation;
    }

    /**
     * Like {@link #allocate}, for buffers made and freed over and over (the vectors a scan
     * decodes for one morsel and frees after it): when closed, the memory stays with this pool,
     * still counted against its limits, and the next {@code allocateReusable} of the same size
     * takes it back instead of asking the system. Fresh memory from the system costs a page
     * fault per 4 KiB page on first touch plus a handshake with every thread when freed; a
     * reused buffer is already mapped and usually still in cache. Contents are zeroed only if
     * {@code zeroed}; otherwise the caller must write every byte it will read. The pool keeps at
     * most {@link #REUSE_MAX_BYTES} and frees them when it closes (or when a reservation fails).
     * Memory used after its allocation was closed is not caught for such buffers. Buffers under
     * {@link #REUSE_MIN_BYTES} are not kept, unless this pool {@link #reuseEveryBuffer reuses every buffer}.
     */
    public Allocation allocateReusable(long bytes, String owner, boolean zeroed) {
        return allocateReusable(bytes, owner, zeroed, reuseEvery ? 0 : REUSE_MIN_BYTES);
    }

    /**
     * {@link #allocateReusable} whatever the size, for the scratch buffers every query makes and
     * frees (an operator's row ids and gathered columns, per thread): a small buffer is cheap to
     * get, but freeing any buffer closes its shared arena, a handshake with every thread (tens of
     * microseconds, more on a busy machine; TPC-H Q2 made about 170 a run). Kept buffers are
     * taken back only at the same size, so callers should ask for few sizes (powers of two).
     */
    public Allocation allocateScratch(long bytes, String owner, boolean zeroed) {
        return allocateReusable(bytes, owner, zeroed, 0);
    }

    private Allocation allocateReusable(long bytes, String owner, boolean zeroed, long minBytes) {
        checkOpen();
        if (bytes < minBytes) {   // also every negative size: allocate names it
            return allocate(bytes, Math.max(bytes, 1), owner, false);
        }
        long size = sizeClass(bytes);
        Allocation kept = takeReusable(size);
        if (kept == null) {
            return allocate(bytes, size, owner, true);
        }
        MemorySegment raw = kept.rawSegment();
        Allocation a = new Allocation(this, kept.arena(), raw, raw.asSlice(0, bytes), owner, size, true);
        live.put(a, Boolean.TRUE);
        if (zeroed) {
            a.segment().fill((byte) 0);
        }
        return a;
    }

    /**
     * A kept buffer of {@code bytes}: this pool's own, else one an ancestor took over from
     * closed pools (reserved then from this pool up to that ancestor; skipped when that does
     * not fit a limit).
     */
    private Allocation takeReusable(long bytes) {
        Allocation own = takeKept(bytes);
        if (own != null) {
            return own;
        }
        for (MemoryPool holder = parent; holder != null; holder = holder.parent) {
            if (holder.inheritedReuseMaxBytes == 0) {
                continue;
            }
            Allocation kept = holder.takeKept(bytes);
            if (kept == null) {
                continue;
            }
            if (reserveBelow(holder, bytes)) {
                return kept;
            }
            holder.putBack(kept);
            return null;
        }
        return null;
    }

    /** Reserves {@code bytes} in this pool and its ancestors below {@code holder}, or none of them. */
    private boolean reserveBelow(MemoryPool holder, long bytes) {
        for (MemoryPool p = this; p != holder; p = p.parent) {
            if (!p.tryReserve(bytes)) {
                for (MemoryPool q = this; q != p; q = q.parent) {
                    q.reserved.addAndGet(-bytes);
                }
                return false;
            }
        }
        return true;
    }

    private void putBack(Allocation kept) {
        boolean free;
        synchronized (reusable) {
            free = closed;
            if (!free) {
                reusable.add(kept);
            }
        }
        if (free) {
            kept.arena().close();
            unreserve(Math.max(kept.accountedBytes(), 1));
        }
    }

    /**
     * From now on, buffers kept for reuse by this pool's descendants (the per-query pools of a
     * session) are handed to this pool when their pool closes, up to {@code maxBytes} in all,
     * instead of being freed; later descendants take them back. They stay counted against this
     * pool and its ancestors ({@link #reusableBytes}) and are freed when this pool closes or a
     * reservation anywhere under it needs the room. So a session's next query finds the
     * buffers its last one decoded into already mapped, rather than paying the system for
     * fresh pages again.
     */
    public MemoryPool keepReusableOfChildren(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("negative size: " + maxBytes);
        }
        synchronized (reusable) {
            inheritedReuseMaxBytes = maxBytes;
        }
        return this;
    }

    /**
     * From now on, large Java-heap arrays that this pool's descendants hand back ({@link
     * #recycle}) are kept here, up to {@code maxBytes} in all (oldest evicted first), and
     * {@link #newLongs}, {@link #newInts} and {@link #newDoubles} anywhere under this pool take
     * them back before allocating. Operators' heap state (group tables, their keys and sums) is
     * made and dropped at the same sizes run after run; a fresh array of megabytes lands on
     * young-generation pages the JVM may have just grown or given back, a page fault per 4 KiB
     * page (session 18: thousands per run and 3-6x slow processes), and makes the collector run
     * sooner. Kept arrays are counted against this pool and its ancestors ({@link
     * #keptArrayBytes}) and given up when this pool closes or a reservation under it needs the room.
     */
    public MemoryPool keepHeapArrays(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("negative size: " + maxBytes);
        }
        synchronized (keptArrays) {
            keptArraysMaxBytes = maxBytes;
        }
        return this;
    }

    /** Bytes of freed heap arrays this pool keeps for reuse (counted in {@link #reserved}). */
    public long keptArrayBytes() {
        synchronized (keptArrays) {
            return keptArrays.bytes();
        }
    }

    /**
     * The nearest pool from this one up that keeps heap arrays, or null (always null with
     * -Dblueshift.memory.keepHeapArrays=false, read at each call: for A/B measurements in one process).
     */
    private MemoryPool arrayKeeper() {
        if ("false".equals(System.getProperty("blueshift.memory.keepHeapArrays"))) {
            return null;
        }
        for (MemoryPool p = this; p != null; p = p.parent) {
            if (p.keptArraysMaxBytes > 0) {
                return p;
            }
        }
        return null;
    }

    /**
     * A zeroed {@code long[length]}: a kept one ({@link #keepHeapArrays}) when there is one of
     * that length, else a new one. The caller accounts its bytes as before (a {@link
     * #reserveExternal} reservation) and may hand it back with {@link #recycle} when done.
     */
    public long[] newLongs(int length) {
        Object kept = takeKept(0, length, length * 8L);
        if (kept == null) {
            return new long[length];
        }
        long[] a = (long[]) kept;
        java.util.Arrays.fill(a, 0L);
        return a;
    }

    /** {@link #newLongs} for {@code int[]}. */
    public int[] newInts(int length) {
        Object kept = takeKept(1, length, length * 4L);
        if (kept == null) {
            return new int[length];
        }
        int[] a = (int[]) kept;
        java.util.Arrays.fill(a, 0);
        return a;
    }

    /** {@link #newLongs} for {@code double[]}. */
    public double[] newDoubles(int length) {
        Object kept = takeKept(2, length, length * 8L);
        if (kept == null) {
            return new double[length];
        }
        double[] a = (double[]) kept;
        java.util.Arrays.fill(a, 0.0);
        return a;
    }

    /**
     * {@code Arrays.copyOf(old, length)} into a kept array when there is one ({@link
     * #newLongs}), handing {@code old} back ({@link #recycle}): the caller must drop every other
     * reference to it.
     */
    public long[] resizeLongs(long[] old, int length) {
        Object kept = takeKept(0, length, length * 8L);
        long[] a;
        if (kept == null) {
            a = java.util.Arrays.copyOf(old, length);
        } else {
            a = (long[]) kept;
            int n = Math.min(old.length, length);
            System.arraycopy(old, 0, a, 0, n);
            java.util.Arrays.fill(a, n, length, 0L);
        }
        recycle(old);
        return a;
    }

    /** {@link #resizeLongs} for {@code int[]}. */
    public int[] resizeInts(int[] old, int length) {
        Object kept = takeKept(1, length, length * 4L);
        int[] a;
        if (kept == null) {
            a = java.util.Arrays.copyOf(old, length);
        } else {
            a = (int[]) kept;
            int n = Math.min(old.length, length);
            System.arraycopy(old, 0, a, 0, n);
            java.util.Arrays.fill(a, n, length, 0);
        }
        recycle(old);
        return a;
    }

    /** {@link #resizeLongs} for {@code double[]}. */
    public double[] resizeDoubles(double[] old, int length) {
        Object kept = takeKept(2, length, length * 8L);
        double[] a;
        if (kept == null) {
            a = java.util.Arrays.copyOf(old, length);
        } else {
            a = (double[]) kept;
            int n = Math.min(old.length, length);
            System.arraycopy(old, 0, a, 0, n);
            java.util.Arrays.fill(a, n, length, 0.0);
        }
        recycle(old);
        return a;
    }

    private Object takeKept(int kind, int length, long bytes) {
        if (bytes < KEEP_ARRAY_MIN_BYTES) {
            return null;
        }
        MemoryPool keeper = arrayKeeper();
        if (keeper == null) {
            return null;
        }
        Object a;
        synchronized (keeper.keptArrays) {
            a = keeper.keptArrays.take(kind, length);
        }
        if (a != null) {
            keeper.unreserve(bytes);
        }
        return a;
    }

    /**
     * Hands back a {@code long[]}, {@code int[]} or {@code double[]} the caller no longer uses
     * (no reference to it may remain anywhere): kept by the nearest pool up that {@link
     * #keepHeapArrays keeps arrays}, while it has room, for a later {@link #newLongs} (or
     * another kind) of the same length. Others, small ones and null are left to the collector.
     */
    public void recycle(Object array) {
        if (array == null) {
            return;
        }
        long bytes = KeptArrays.bytes(array);
        if (bytes < KEEP_ARRAY_MIN_BYTES) {
            return;
        }
        MemoryPool keeper = arrayKeeper();
        if (keeper == null || bytes > keeper.keptArraysMaxBytes) {
            return;
        }
        long evictedBytes = 0;
        synchronized (keeper.keptArrays) {
            if (keeper.closed) {
                return;
            }
            while (keeper.keptArrays.bytes() + bytes > keeper.keptArraysMaxBytes) {
                evictedBytes += KeptArrays.bytes(keeper.keptArrays.removeOldest());
            }
            if (keeper.reserveOrRefuse(bytes) == null) {
                keeper.keptArrays.add(array);
            }
        }
        if (evictedBytes > 0) {
            keeper.unreserve(evictedBytes);
        }
    }

    /** Gives up the kept heap arrays; returns whether there were any. */
    private boolean dropKeptArrays() {
        long bytes;
        synchronized (keptArrays) {
            bytes = keptArrays.clear();
        }
        if (bytes > 0) {
            unreserve(bytes);
        }
        return bytes > 0;
    }

    /** Bytes of freed buffers this pool keeps for reuse (counted in {@link #reserved}). */
    public long reusableBytes() {
        synchronized (reusable) {
            return reusable.bytes();
        }
    }

    /**
     * On close: hands this pool's kept buffers to the nearest ancestor that takes them over
     * ({@link #keepReusableOfChildren}) while it has room; frees the rest.
     */
    private void handUpReusable() {
        MemoryPool heir = parent;
        while (heir != null && heir.inheritedReuseMaxBytes == 0) {
            heir = heir.parent;
        }
        if (heir == null) {
            dropReusable();
            return;
        }
        List<Allocation> mine;
        synchronized (reusable) {
            mine = reusable.drain();
        }
        List<Allocation> evicted = new ArrayList<>();
        for (Allocation a : mine) { // oldest first, so the most recent end up the newest
            long bytes = a.rawSegment().byteSize();
            long accounted = Math.max(a.accountedBytes(), 1);
            boolean taken;
            synchronized (heir.reusable) {
                taken = !heir.closed && bytes <= heir.inheritedReuseMaxBytes;
                if (taken) {
                    // the heir's oldest buffers make room for the newer ones
                    while (heir.reusable.bytes() + bytes > heir.inheritedReuseMaxBytes) {
                        evicted.add(heir.reusable.removeOldest());
                    }
                    heir.reusable.add(a);
                }
            }
            if (taken) {
                // now held by the heir: no longer counted below it
                for (MemoryPool p = this; p != heir; p = p.parent) {
                    p.reserved.addAndGet(-accounted);
                }
            } else {
                a.arena().close();
                unreserve(accounted);
            }
        }
        for (Allocation old : evicted) {
            old.arena().close();
            heir.unreserve(Math.max(old.accountedBytes(), 1));
        }
    }

    private Allocation takeKept(long bytes) {
        synchronized (reusable) {
            return reusable.take(bytes, Thread.currentThread());
        }
    }

    /**
     * Reserves {@code size} bytes here and up to the root; when a limit refuses, the buffers
     * kept for reuse by this pool and its ancestors give way to the real need first.
     */
    private void reserveMakingRoom(long size, String owner) {
        MemoryPool refused = reserveOrRefuse(size);
        if (refused == null) {
            return;
        }
        // what this pool and its ancestors up to the refusing one keep counts against its limit
        boolean dropped = false;
        for (MemoryPool p = this; p != refused.parent; p = p.parent) {
            dropped |= p.dropReusable();
            dropped |= p.dropKeptArrays();
        }
        if (!dropped) {
            throw MemoryLimitExceededException.overLimit(owner, size, refused.name, refused.limit, refused.reserved.get());
        }
        reserve(size, owner);
    }

    /** Frees the kept buffers; returns whether there were any. */
    private boolean dropReusable() {
        List<Allocation> drop;
        synchronized (reusable) {
            if (reusable.isEmpty()) {
                return false;
            }
            drop = reusable.drain();
        }
        for (Allocation a : drop) {
            a.arena().close();
            unreserve(Math.max(a.accountedBytes(), 1));
        }
        return true;
    }

    /**
     * Allocates {@code bytes} zeroed bytes on the Java heap (a {@code long[]} seen as a
     * segment), accounted exactly like off-heap memory. For small, hot, per-thread state such
     * as aggregate accumulators and scratch row ids: stores into a heap segment cannot alias
     * an off-heap segment's session, so the JIT keeps liveness checks out of loops that read
     * table data and write this state.
     */
    public Allocation allocateHeap(long bytes, String owner) {
        checkOpen();
        if (bytes < 0 || bytes > (long) Integer.MAX_VALUE * 8) {
            throw new IllegalArgumentException("heap allocation out of range: " + bytes);
        }
        long size = Math.max(bytes, 1);
        reserveMakingRoom(size, owner);
        MemorySegment segment;
        try {
            segment = MemorySegment.ofArray(new long[(int) ((size + 7) >>> 3)]);
        } catch (OutOfMemoryError e) {
            unreserve(size);
            throw new MemoryLimitExceededException("out of Java heap allocating " + mib(size) + " for " + owner, size, limit);
        }
        Allocation allocation = new Allocation(this, null, segment.asSlice(0, bytes), owner);
        live.put(allocation, Boolean.TRUE);
        return allocation;
    }

    /**
     * Accounts {@code bytes} of memory the caller holds itself: Java-heap arrays in hot loops
     * (plain {@code int[]}/{@code long[]} state, where segments would cost more) or memory
     * outside the JVM (device buffers). They count against every limit up to the root and show
     * in leak checks until the returned allocation, which has no usable memory (a zero-length
     * segment; its byteSize is not the figure), is closed.
     */
    public Allocation reserveExternal(long bytes, String owner) {
        checkOpen();
        if (bytes < 0) {
            throw new IllegalArgumentException("negative reservation: " + bytes);
        }
        long size = Math.max(bytes, 1);
        reserveMakingRoom(size, owner);
        Allocation allocation = new Allocation(this, null, MemorySegment.NULL, owner, size);
        live.put(allocation, Boolean.TRUE);
        return allocation;
    }

    void release(Allocation allocation) {
        if (live.remove(allocation) != null) {
            unreserve(Math.max(allocation.accountedBytes(), 1));
        }
    }

    /**
     * A closed reusable allocation: kept (still reserved) when the pool is open and has room,
     * else freed. Returns whether it was kept (the caller must then not close its arena).
     */
    boolean keep(Allocation allocation) {
        if (live.remove(allocation) == null) {
            return false;
        }
        long bytes = allocation.rawSegment().byteSize();
        synchronized (reusable) {
            if (!closed && reusable.bytes() + bytes <= REUSE_MAX_BYTES) {
                allocation.freedBy(Thread.currentThread());
                reusable.add(allocation);
                return true;
            }
        }
        unreserve(Math.max(allocation.accountedBytes(), 1));
        return false;
    }

    private void reserve(long bytes, String owner) {
        MemoryPool refused = reserveOrRefuse(bytes);
        if (refused != null) {
            throw MemoryLimitExceededException.overLimit(owner, bytes, refused.name, refused.limit, refused.reserved.get());
        }
    }

    /** Reserves {@code bytes} here and up to the root; or, when a pool's limit refuses, none and returns that pool. */
    private MemoryPool reserveOrRefuse(long bytes) {
        for (MemoryPool pool = this; pool != null; pool = pool.parent) {
            if (!pool.tryReserve(bytes)) {
                // roll back the pools below the one that refused
                for (MemoryPool p = this; p != pool; p = p.parent) {
                    p.reserved.addAndGet(-bytes);
                }
                return pool;
            }
        }
        return null;
    }

    private boolean tryReserve(long bytes) {
        while (true) {
            long current = reserved.get();
            long next = current + bytes;
            if (next > limit || next < 0) {
                return false;
            }
            if (reserved.compareAndSet(current, next)) {
                peak.accumulateAndGet(next, Math::max);
                return true;
            }
        }
    }

    private void unreserve(long bytes) {
        for (MemoryPool p = this; p != null; p = p.parent) {
            p.reserved.addAndGet(-bytes);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("memory pool '" + name + "' is closed");
        }
    }

    /**
     * Closes the pool. Throws {@link IllegalStateException} naming the owners of any memory
     * still held (a leak); children must be closed first.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        handUpReusable();
        StringBuilder leaks = new StringBuilder();
        for (MemoryPool child : children) {
            if (!child.closed) {
                leaks.append(" child pool '").append(child.name).append("' still open;");
            }
        }
        for (Allocation a : live.keySet()) {
            leaks.append(' ').append(a.owner()).append(" (").append(a.accountedBytes()).append(" bytes);");
        }
        if (!leaks.isEmpty()) {
            throw new IllegalStateException("memory pool '" + name + "' closed with " + reserved.get()
                    + " bytes still allocated:" + leaks);
        }
        synchronized (reusable) {
            synchronized (keptArrays) {
                closed = true;
            }
        }
        handUpReusable(); // anything freed into the list while closing
        dropKeptArrays();
        if (parent != null) {
            synchronized (parent) {
                parent.children.remove(this);
            }
        }
    }

    public static String mib(long bytes) {
        if (bytes == Long.MAX_VALUE) {
            return "unlimited";
        }
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        if (bytes < 1024 * 1024) {
            return String.format("%.1f KiB", bytes / 1024.0);
        }
        if (bytes < (1L << 30)) {
            return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
        }
        return String.format("%.2f GiB", bytes / (1024.0 * 1024.0 * 1024.0));
    }

    /** Parses sizes like {@code 512m}, {@code 4GiB}, {@code 1024}. */
    public static long parseSize(String text) {
        String t = text.trim().toLowerCase().replace("ib", "").replace("b", "");
        long mult = 1;
        if (t.endsWith("k")) { mult = 1L << 10; t = t.substring(0, t.length() - 1); }
        else if (t.endsWith("m")) { mult = 1L << 20; t = t.substring(0, t.length() - 1); }
        else if (t.endsWith("g")) { mult = 1L << 30; t = t.substring(0, t.length() - 1); }
        else if (t.endsWith("t")) { mult = 1L << 40; t = t.substring(0, t.length() - 1); }
        try {
            double v = Double.parseDouble(t.trim());
            if (v <= 0 || Double.isNaN(v)) {
                throw new IllegalArgumentException("memory size must be positive: '" + text + "'");
            }
            return (long) (v * mult);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a memory size: '" + text + "' (try 512m or 4g)");
        }
    }
}
