package io.blueshift.gpu.cuda;

import io.blueshift.gpu.Accelerator;
import io.blueshift.gpu.DeviceBuffer;
import io.blueshift.gpu.DeviceColumn;
import io.blueshift.gpu.DeviceHashTable;
import io.blueshift.gpu.DeviceInfo;
import io.blueshift.gpu.DevicePredicate;
import io.blueshift.gpu.GroupedAggregate;
import io.blueshift.gpu.PinnedBuffer;
import io.blueshift.gpu.ValueKind;
import io.blueshift.kernels.CompareOp;
import io.blueshift.memory.Allocation;
import io.blueshift.memory.MemoryPool;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One CUDA device through the driver API: its primary context, one stream, and the kernels of
 * {@code blueshift_kernels.cu}. Operations are serialised on the stream (one query's threads
 * share the device); each sets the context current on the calling thread first.
 */
public final class CudaAccelerator implements Accelerator {
    private static final int BLOCK = 256;
    /** Rows per filter tile: a block of {@link #BLOCK} threads, 32 rows per thread (BS_TILE in the kernels). */
    private static final int TILE = 8192;
    static final String[] KERNELS = {"bs_pred_i32", "bs_pred_i64", "bs_pred_f64", "bs_pred_in", "bs_select_i32",
            "bs_select_i64", "bs_select_f64", "bs_select_in",
            "bs_scan_counts", "bs_write_selection", "bs_hash_build", "bs_hash_probe", "bs_group_slots", "bs_group_update",
            "bs_fill_i64"};

    private final CudaDriver cu;
    private final int device;
    private final MemorySegment context;
    private final MemorySegment stream;
    private final MemorySegment module;
    private final Map<String, MemorySegment> functions = new HashMap<>();
    private DeviceInfo info; // set once in the constructor, after the link is measured
    /**
     * Device scratch kept between operations (a filter's mask and tile counts; the probe's match
     * counter): cuMemFree waits for the whole device, which costs more than a filter over
     * millions of rows. Each use is still accounted against the caller's pool while it runs.
     */
    private long scratch;
    private long scratchBytes;
    /**
     * Host-device copies from {@link #STAGE_MIN} bytes go through two pinned buffers of
     * {@link #STAGE_CHUNK} bytes: the host copies one chunk (on several threads) while the
     * device's copy engine moves the other. A copy straight from pageable memory ran at about
     * 5.5 GB/s on an H100 over a 50 GB/s link.
     */
    static final long STAGE_CHUNK = 16L << 20;
    static final long STAGE_MIN = 4L << 20;
    private MemorySegment[] stage;
    private MemorySegment[] stageDone;
    /**
     * One-pass filters with {@code -Dblueshift.gpu.filter=one-pass}; three steps by default. On an
     * H100 (bench gpu, 1e9 int32 rows, 10% kept) the three steps took 2.11 ms and one pass 2.38
     * when its look-back was one thread walking the predecessors tile by tile (bench/RESULTS.md,
     * "Session 21: the GPU path on an H100"); the warp-wide look-back since has not run on a device.
     */
    private boolean onePassFilter = "one-pass".equals(System.getProperty("blueshift.gpu.filter"));
    private final String kernelSource;
    private boolean closed;

    private CudaAccelerator(CudaDriver cu, int ordinal) {
        this.cu = cu;
        this.device = cu.device(ordinal);
        this.context = cu.retainPrimaryContext(device);
        MemorySegment s = null;
        MemorySegment m = null;
        try {
            cu.setCurrent(context);
            s = cu.createStream();
            int major = cu.attribute(device, CudaDriver.ATTR_COMPUTE_CAPABILITY_MAJOR);
            int minor = cu.attribute(device, CudaDriver.ATTR_COMPUTE_CAPABILITY_MINOR);
            KernelImage image = KernelImage.forDevice(major, minor);
            try {
                m = cu.loadModule(image.nulTerminated());
            } catch (CudaException e) {
                // e.g. an NVRTC newer than the driver writes a PTX version the driver cannot read
                String failed = image.source();
                KernelImage bundled = KernelImage.bundled()
                        .filter(b -> !failed.startsWith(b.source())) // not the one that just failed
                        .orElseThrow(() -> e);
                try {
                    m = cu.loadModule(bundled.nulTerminated());
                } catch (CudaException again) {
                    again.addSuppressed(e);
                    throw again;
                }
                image = new KernelImage(bundled.ptx(), bundled.source() + " after " + image.source() + " failed to load: "
                        + e.getMessage());
            }
            for (String k : KERNELS) {
                functions.put(k, cu.function(m, k));
            }
            this.kernelSource = image.source();
            this.stream = s;
            this.module = m;
            DeviceInfo described = describe(cu, ordinal, device, major, minor);
            double link = -1;
            try (MemoryPool probe = MemoryPool.unbounded("host link probe")) {
                link = measureHostToDeviceGBs(32L << 20, probe); // measured beats the estimate by generation
            } catch (RuntimeException e) {
                // keep the estimate
            }
            this.info = link > 0 ? described.withPcieGBs(link) : described;
        } catch (RuntimeException e) {
            try {
                if (m != null) cu.unloadModule(m);
                if (s != null) cu.destroyStream(s);
                cu.releasePrimaryContext(device);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Opens device {@code ordinal}: context, stream, kernels (compiled now if not cached). */
    public static CudaAccelerator open(CudaDriver cu, int ordinal) {
        return new CudaAccelerator(cu, ordinal);
    }

    /** What the driver says about a device, without opening a context. */
    static DeviceInfo describe(CudaDriver cu, int ordinal, int device, int major, int minor) {
        int sms = cu.attribute(device, CudaDriver.ATTR_MULTIPROCESSOR_COUNT);
        double clockKHz = optionalAttribute(cu, device, CudaDriver.ATTR_MEMORY_CLOCK_RATE);
        double busBits = optionalAttribute(cu, device, CudaDriver.ATTR_GLOBAL_MEMORY_BUS_WIDTH);
        double memGBs = clockKHz > 0 && busBits > 0 ? 2 * clockKHz * 1e3 * busBits / 8 / 1e9 : -1;
        // the driver API does not report the link: PCIe by generation of the part (Hopper: Gen5 x16)
        // until open() measures it
        double pcie = major >= 9 ? 50 : major == 8 ? 25 : 12;
        return new DeviceInfo(ordinal, cu.deviceName(device), cu.totalMemory(device), sms, major, minor, pcie, memGBs);
    }

    /** An attribute the description can do without (the memory clock and bus width): -1 when the driver refuses it. */
    private static int optionalAttribute(CudaDriver cu, int device, int attribute) {
        try {
            return cu.attribute(device, attribute);
        } catch (CudaException e) {
            return -1;
        }
    }

    public static DeviceInfo describe(CudaDriver cu, int ordinal) {
        int d = cu.device(ordinal);
        return describe(cu, ordinal, d, cu.attribute(d, CudaDriver.ATTR_COMPUTE_CAPABILITY_MAJOR),
                cu.attribute(d, CudaDriver.ATTR_COMPUTE_CAPABILITY_MINOR));
    }

    /** Where the kernels' PTX came from (NVRTC, the cache, or the bundled file). */
    public String kernelSource() { return kernelSource; }

    @Override
    public String backend() { return "cuda"; }

    @Override
    public DeviceInfo device() { return info; }

    private void current() {
        if (closed) throw new IllegalStateException("CUDA accelerator is closed");
        cu.setCurrent(context);
    }

    private final class CudaBuffer extends DeviceBuffer {
        private final long pointer;

        CudaBuffer(long address, long bytes, Allocation accounting) {
            super(address, bytes, accounting);
            this.pointer = address;
        }

        @Override
        protected void free() {
            synchronized (CudaAccelerator.this) {
                if (!closed) {
                    cu.setCurrent(context);
                    cu.free(pointer);
                }
            }
        }
    }

    @Override
    public synchronized DeviceBuffer allocate(long bytes, MemoryPool pool, String owner) {
        current();
        Allocation accounting = pool.reserveExternal(bytes, owner + " (device)");
        try {
            return new CudaBuffer(cu.malloc(bytes), bytes, accounting);
        } catch (RuntimeException e) {
            accounting.close();
            throw e;
        }
    }

    @Override
    public synchronized PinnedBuffer allocatePinned(long bytes, MemoryPool pool, String owner) {
        current();
        Allocation accounting = pool.reserveExternal(bytes, owner + " (pinned)");
        try {
            MemorySegment host = cu.hostAlloc(bytes);
            return new PinnedBuffer(host, true, () -> {
                synchronized (CudaAccelerator.this) {
                    try {
                        if (!closed) {
                            cu.setCurrent(context);
                            cu.hostFree(host);
                        }
                    } finally {
                        accounting.close();
                    }
                }
            });
        } catch (RuntimeException e) {
            accounting.close();
            throw e;
        }
    }

    @Override
    public synchronized void copyToDevice(MemorySegment src, DeviceBuffer dst, long dstOffset) {
        current();
        checkRange(dst, dstOffset, src.byteSize());
        if (src.byteSize() >= STAGE_MIN) {
            stagedToDevice(src, dst.address() + dstOffset);
        } else if (src.isNative()) {
            cu.copyHtoDAsync(dst.address() + dstOffset, src, src.byteSize(), stream);
            cu.synchronize(stream);
        } else {
            try (Arena a = Arena.ofConfined()) { // heap segments have no address the driver can read
                MemorySegment tmp = a.allocate(src.byteSize(), 64);
                tmp.copyFrom(src);
                cu.copyHtoDAsync(dst.address() + dstOffset, tmp, src.byteSize(), stream);
                cu.synchronize(stream);
            }
        }
    }

    @Override
    public synchronized void copyToHost(DeviceBuffer src, long srcOffset, MemorySegment dst) {
        current();
        checkRange(src, srcOffset, dst.byteSize());
        if (dst.byteSize() >= STAGE_MIN) {
            stagedToHost(src.address() + srcOffset, dst);
        } else if (dst.isNative()) {
            cu.copyDtoHAsync(dst, src.address() + srcOffset, dst.byteSize(), stream);
            cu.synchronize(stream);
        } else {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment tmp = a.allocate(dst.byteSize(), 64);
                cu.copyDtoHAsync(tmp, src.address() + srcOffset, dst.byteSize(), stream);
                cu.synchronize(stream);
                dst.copyFrom(tmp);
            }
        }
    }

    private void ensureStage() {
        if (stage != null) return;
        MemorySegment[] buffers = new MemorySegment[2];
        MemorySegment[] events = new MemorySegment[2];
        try {
            for (int i = 0; i < 2; i++) {
                buffers[i] = cu.hostAlloc(STAGE_CHUNK);
                events[i] = cu.createEvent();
            }
        } catch (RuntimeException e) {
            for (int i = 0; i < 2; i++) {
                if (buffers[i] != null) cu.hostFree(buffers[i]);
                if (events[i] != null) cu.destroyEvent(events[i]);
            }
            throw e;
        }
        stage = buffers;
        stageDone = events;
    }

    /** A thread that never runs: a segment it may access is one any thread may (not confined). */
    private static final Thread OTHER = new Thread(() -> { });

    /** Host memory to or from pinned memory, on several threads for a whole chunk unless a segment is confined. */
    private static void hostCopy(MemorySegment from, MemorySegment to) {
        long len = from.byteSize();
        int parts = (int) Math.min(8, Math.max(1, len >> 21));
        if (parts == 1 || !from.isAccessibleBy(OTHER) || !to.isAccessibleBy(OTHER)) {
            MemorySegment.copy(from, 0, to, 0, len);
            return;
        }
        long per = (len + parts - 1) / parts;
        java.util.stream.IntStream.range(0, parts).parallel().forEach(i -> {
            long at = i * per;
            long n = Math.min(per, len - at);
            if (n > 0) MemorySegment.copy(from, at, to, at, n);
        });
    }

    private void stagedToDevice(MemorySegment src, long dst) {
        ensureStage();
        long size = src.byteSize();
        int i = 0;
        for (long done = 0; done < size; done += STAGE_CHUNK, i++) {
            long len = Math.min(STAGE_CHUNK, size - done);
            int b = i & 1;
            if (i >= 2) cu.synchronizeEvent(stageDone[b]); // the copy engine is done with this buffer
            hostCopy(src.asSlice(done, len), stage[b]);
            cu.copyHtoDAsync(dst + done, stage[b], len, stream);
            cu.record(stageDone[b], stream);
        }
        cu.synchronize(stream);
    }

    private void stagedToHost(long src, MemorySegment dst) {
        ensureStage();
        long size = dst.byteSize();
        long chunks = (size + STAGE_CHUNK - 1) / STAGE_CHUNK;
        for (long i = 0; i < Math.min(2, chunks); i++) {
            issueToStage(src, size, i);
        }
        for (long i = 0; i < chunks; i++) {
            int b = (int) (i & 1);
            cu.synchronizeEvent(stageDone[b]);
            long at = i * STAGE_CHUNK;
            long len = Math.min(STAGE_CHUNK, size - at);
            hostCopy(stage[b].asSlice(0, len), dst.asSlice(at, len));
            if (i + 2 < chunks) issueToStage(src, size, i + 2); // this buffer is free again
        }
        cu.synchronize(stream);
    }

    private void issueToStage(long src, long size, long chunk) {
        int b = (int) (chunk & 1);
        long at = chunk * STAGE_CHUNK;
        long len = Math.min(STAGE_CHUNK, size - at);
        cu.copyDtoHAsync(stage[b], src + at, len, stream);
        cu.record(stageDone[b], stream);
    }

    private static void checkRange(DeviceBuffer b, long offset, long bytes) {
        if (offset < 0 || bytes < 0 || offset + bytes > b.byteSize()) {
            throw new IndexOutOfBoundsException("copy of " + bytes + " bytes at " + offset + " outside device buffer of "
                    + b.byteSize() + " bytes (" + b.owner() + ")");
        }
    }

    private void launch(String kernel, long threads, Object... args) {
        int grid = (int) Math.max(1, (threads + BLOCK - 1) / BLOCK);
        cu.launch(kernel, functions.get(kernel), grid, BLOCK, 0, stream, args);
    }

    /** At least {@code bytes} of device scratch, valid until the next call (the caller holds the lock). */
    private long scratch(long bytes) {
        if (bytes > scratchBytes) {
            if (scratch != 0) {
                cu.free(scratch);
                scratch = 0;
                scratchBytes = 0;
            }
            long want = Math.max(bytes, 1L << 20);
            scratch = cu.malloc(want);
            scratchBytes = want;
        }
        return scratch;
    }

    private static long addr(DeviceBuffer b) {
        return b == null ? 0L : b.address();
    }

    private static int opCode(CompareOp op) {
        return switch (op) {
            case EQ -> 0;
            case NE -> 1;
            case LT -> 2;
            case LE -> 3;
            case GT -> 4;
            case GE -> 5;
        };
    }

    /** Chooses the one-pass filter (true) or the three-step one (false, the default), for tests and the bench. */
    public synchronized void onePassFilter(boolean onePass) {
        this.onePassFilter = onePass;
    }

    public synchronized boolean onePassFilter() {
        return onePassFilter;
    }

    /**
     * Every term but the last sets (the first) or ANDs (the rest) a bit mask of the passing rows.
     * One pass: the last term ANDs the mask and writes the selection at once, the
     * tiles chaining their offsets by look-back. Three steps: the last term also writes the mask
     * and counts each tile, the counts become offsets, and the set bits become row ids. Either
     * way the row ids are ascending, and only the total comes back to the host.
     */
    @Override
    public synchronized int filter(List<DeviceColumn> columns, DevicePredicate predicate, int rows, DeviceBuffer selection,
                                   MemoryPool pool) {
        current();
        if (rows == 0) return 0;
        int tiles = (int) ((rows + (long) TILE - 1) / TILE);
        List<DevicePredicate.Term> terms = predicate.terms();
        boolean onePass = onePassFilter;
        long maskBytes = onePass && terms.size() == 1 ? 0 : tiles * (TILE / 8L);
        long extraBytes = onePass ? tiles * 8L + 8 : (tiles + 1L) * 4;
        List<DeviceBuffer> temps = new ArrayList<>();
        try (Allocation accounting = pool.reserveExternal(maskBytes + extraBytes, "filter mask and tile counts (device)")) {
            long maskAt = scratch(maskBytes + extraBytes);
            long extraAt = maskAt + maskBytes; // maskBytes is a multiple of 1024: what follows stays aligned
            long totalAt;
            if (onePass) {
                long ticketAt = extraAt + tiles * 8L;
                totalAt = ticketAt + 4;
                cu.memset32(extraAt, 0, tiles * 2L + 2, stream); // tile states, ticket, total
                for (int i = 0; i < terms.size(); i++) {
                    boolean lastTerm = i == terms.size() - 1;
                    Object[] tail = lastTerm
                            ? new Object[] {maskAt, i == 0 ? 1 : 0, extraAt, ticketAt, selection.address(), totalAt}
                            : new Object[] {maskAt, i == 0 ? 1 : 0, 0L, 0};
                    launchTerm(lastTerm ? "bs_select_" : "bs_pred_", terms.get(i), columns, rows, tiles, tail, temps, pool);
                }
            } else {
                for (int i = 0; i < terms.size(); i++) {
                    int last = i == terms.size() - 1 ? 1 : 0;
                    launchTerm("bs_pred_", terms.get(i), columns, rows, tiles, new Object[] {maskAt, i == 0 ? 1 : 0, extraAt, last},
                            temps, pool);
                }
                totalAt = extraAt + tiles * 4L;
                cu.launch("bs_scan_counts", functions.get("bs_scan_counts"), 1, 1024, 0, stream, extraAt, tiles, totalAt);
                tileLaunch("bs_write_selection", tiles, maskAt, rows, extraAt, selection.address());
            }
            try (Arena a = Arena.ofConfined()) {
                MemorySegment n = a.allocate(ValueLayout.JAVA_INT);
                cu.copyDtoHAsync(n, totalAt, 4, stream);
                cu.synchronize(stream);
                return n.get(ValueLayout.JAVA_INT, 0);
            }
        } finally {
            for (DeviceBuffer b : temps) b.close();
        }
    }

    /**
     * Launches one term's kernel, {@code prefix} + i32/i64/f64/in, over {@code tiles} tiles:
     * the column, the term's constants, then {@code tail} (mask and counts, or mask, tile
     * states, ticket, selection and total).
     */
    private void launchTerm(String prefix, DevicePredicate.Term t, List<DeviceColumn> columns, int rows, int tiles, Object[] tail,
                            List<DeviceBuffer> temps, MemoryPool pool) {
        DeviceColumn c = columns.get(t.column());
        long data = c.data().address();
        long valid = addr(c.validity());
        List<Object> args = new ArrayList<>();
        String kernel;
        if (t instanceof DevicePredicate.In in) {
            if (c.kind() == ValueKind.FLOAT64) throw new IllegalArgumentException("IN over a FLOAT64 column");
            DeviceBuffer values = allocate(Math.max(8L, in.values().length * 8L), pool, "IN list");
            temps.add(values);
            copyToDevice(MemorySegment.ofArray(in.values()), values, 0);
            kernel = prefix + "in";
            args.addAll(List.of(data, c.kind() == ValueKind.INT64 ? 1 : 0, valid, rows, values.address(), in.values().length));
        } else {
            int op;
            long a, b;
            double da, db;
            switch (t) {
                case DevicePredicate.Compare cmp -> {
                    op = opCode(cmp.op());
                    a = b = cmp.value();
                    da = db = cmp.doubleValue();
                }
                case DevicePredicate.Between btw -> {
                    op = 6;
                    a = btw.low();
                    b = btw.high();
                    da = btw.doubleLow();
                    db = btw.doubleHigh();
                }
                default -> throw new IllegalArgumentException("unknown term " + t);
            }
            kernel = prefix + switch (c.kind()) {
                case INT32 -> "i32";
                case INT64 -> "i64";
                case FLOAT64 -> "f64";
            };
            args.addAll(List.of(data, valid, rows, op));
            if (c.kind() == ValueKind.FLOAT64) {
                args.addAll(List.of(da, db));
            } else {
                args.addAll(List.of(a, b));
            }
        }
        args.addAll(List.of(tail));
        tileLaunch(kernel, tiles, args.toArray());
    }

    private void tileLaunch(String kernel, int tiles, Object... args) {
        cu.launch(kernel, functions.get(kernel), tiles, BLOCK, 0, stream, args);
    }

    @Override
    public synchronized DeviceHashTable buildHashTable(DeviceColumn keys, int rows, MemoryPool pool) {
        current();
        requireInt64(keys);
        int bits = DeviceHashTable.capacityBitsFor(rows);
        long capacity = 1L << bits;
        DeviceBuffer slotKeys = allocate(capacity * 8, pool, "device hash table keys");
        DeviceBuffer slotRows = null;
        try {
            slotRows = allocate(capacity * 4, pool, "device hash table rows");
            cu.memset32(slotRows.address(), -1, capacity, stream);
            if (rows > 0) {
                launch("bs_hash_build", rows, keys.data().address(), addr(keys.validity()), rows, slotKeys.address(),
                        slotRows.address(), bits);
            }
            cu.synchronize(stream);
            return new DeviceHashTable(slotKeys, slotRows, bits, rows);
        } catch (RuntimeException e) {
            slotKeys.close();
            if (slotRows != null) slotRows.close();
            throw e;
        }
    }

    private static void requireInt64(DeviceColumn c) {
        if (c.kind() != ValueKind.INT64) {
            throw new IllegalArgumentException("device hash keys are INT64, got " + c.kind());
        }
    }

    @Override
    public synchronized long probe(DeviceHashTable table, DeviceColumn keys, int rows, DeviceBuffer probeRows,
                                   DeviceBuffer buildRows, long capacity, MemoryPool pool) {
        current();
        requireInt64(keys);
        if (rows == 0) return 0;
        try (Arena a = Arena.ofConfined()) {
            long counter = scratch(8);
            cu.memset32(counter, 0, 2, stream);
            launch("bs_hash_probe", rows, keys.data().address(), addr(keys.validity()), rows, table.keys().address(),
                    table.rows().address(), table.capacityBits(), probeRows.address(), buildRows.address(), capacity,
                    counter);
            MemorySegment n = a.allocate(ValueLayout.JAVA_LONG);
            cu.copyDtoHAsync(n, counter, 8, stream);
            cu.synchronize(stream);
            return n.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    @Override
    public synchronized GroupedAggregate aggregate(DeviceColumn keys, int rows, List<GroupedAggregate.Spec> aggregates,
                                                   int maxGroups, MemoryPool pool) {
        current();
        requireInt64(keys);
        if (keys.validity() != null) {
            throw new IllegalArgumentException("device GROUP BY keys must have no nulls");
        }
        int bits = DeviceHashTable.capacityBitsFor(maxGroups);
        int slots = (1 << bits) + 1; // the last slot holds the key Long.MIN_VALUE (the empty marker)
        List<DeviceBuffer> temps = new ArrayList<>();
        try (Arena a = Arena.ofConfined()) {
            DeviceBuffer slotKeys = allocate(slots * 8L, pool, "group keys");
            temps.add(slotKeys);
            DeviceBuffer used = allocate(slots * 4L, pool, "group slots used");
            temps.add(used);
            DeviceBuffer groupOf = allocate(Math.max(rows, 1) * 4L, pool, "group of row");
            temps.add(groupOf);
            DeviceBuffer overflow = allocate(4, pool, "group overflow flag");
            temps.add(overflow);
            launch("bs_fill_i64", slots, slotKeys.address(), (long) slots, Long.MIN_VALUE);
            cu.memset32(used.address(), 0, slots, stream);
            cu.memset32(overflow.address(), 0, 1, stream);
            if (rows > 0) {
                launch("bs_group_slots", rows, keys.data().address(), rows, slotKeys.address(), used.address(), bits,
                        groupOf.address(), overflow.address());
            }
            List<DeviceBuffer> values = new ArrayList<>();
            List<DeviceBuffer> counts = new ArrayList<>();
            for (GroupedAggregate.Spec spec : aggregates) {
                DeviceBuffer v = allocate(slots * 8L, pool, "aggregate values");
                temps.add(v);
                DeviceBuffer c = allocate(slots * 8L, pool, "aggregate counts");
                temps.add(c);
                long init = switch (spec.function()) {
                    case MIN -> Long.MAX_VALUE;
                    case MAX -> Long.MIN_VALUE;
                    default -> 0L;
                };
                launch("bs_fill_i64", slots, v.address(), (long) slots, init);
                cu.memset32(c.address(), 0, slots * 2L, stream);
                int fn = spec.function().ordinal();
                if (rows > 0) {
                    launch("bs_group_update", rows, groupOf.address(), rows, fn,
                            spec.column() == null ? 0L : spec.column().data().address(),
                            spec.column() == null ? 0L : addr(spec.column().validity()), v.address(), c.address());
                }
                values.add(v);
                counts.add(c);
            }
            MemorySegment flag = a.allocate(ValueLayout.JAVA_INT);
            cu.copyDtoHAsync(flag, overflow.address(), 4, stream);
            MemorySegment hostKeys = a.allocate(slots * 8L, 8);
            MemorySegment hostUsed = a.allocate(slots * 4L, 4);
            cu.copyDtoHAsync(hostKeys, slotKeys.address(), slots * 8L, stream);
            cu.copyDtoHAsync(hostUsed, used.address(), slots * 4L, stream);
            long[][] vs = new long[aggregates.size()][];
            long[][] cs = new long[aggregates.size()][];
            List<MemorySegment> hv = new ArrayList<>();
            List<MemorySegment> hc = new ArrayList<>();
            for (int i = 0; i < aggregates.size(); i++) {
                MemorySegment x = a.allocate(slots * 8L, 8);
                MemorySegment y = a.allocate(slots * 8L, 8);
                cu.copyDtoHAsync(x, values.get(i).address(), slots * 8L, stream);
                cu.copyDtoHAsync(y, counts.get(i).address(), slots * 8L, stream);
                hv.add(x);
                hc.add(y);
            }
            cu.synchronize(stream);
            if (flag.get(ValueLayout.JAVA_INT, 0) != 0) {
                throw new IllegalStateException("more than " + maxGroups + " groups");
            }
            long[] k = hostKeys.toArray(ValueLayout.JAVA_LONG);
            boolean[] u = new boolean[slots];
            int groups = 0;
            for (int s = 0; s < slots; s++) {
                u[s] = hostUsed.getAtIndex(ValueLayout.JAVA_INT, s) != 0;
                if (u[s]) groups++;
            }
            if (groups > maxGroups) {
                throw new IllegalStateException("more than " + maxGroups + " groups");
            }
            for (int i = 0; i < aggregates.size(); i++) {
                vs[i] = hv.get(i).toArray(ValueLayout.JAVA_LONG);
                cs[i] = hc.get(i).toArray(ValueLayout.JAVA_LONG);
            }
            k[slots - 1] = Long.MIN_VALUE;
            return io.blueshift.gpu.ReferenceAccess.compact(k, u, vs, cs, groups);
        } finally {
            for (DeviceBuffer b : temps) b.close();
        }
    }

    /** Times {@code bytes} host-to-device copies from pinned memory, in GB/s (for the bench and the cost model). */
    public synchronized double measureHostToDeviceGBs(long bytes, MemoryPool pool) {
        current();
        try (PinnedBuffer host = allocatePinned(bytes, pool, "link probe");
             DeviceBuffer dev = allocate(bytes, pool, "link probe")) {
            cu.copyHtoDAsync(dev.address(), host.segment(), bytes, stream);
            cu.synchronize(stream);
            long t0 = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                cu.copyHtoDAsync(dev.address(), host.segment(), bytes, stream);
            }
            cu.synchronize(stream);
            return 3.0 * bytes / (System.nanoTime() - t0);
        }
    }

    /**
     * Device memory bandwidth as a large device-to-device copy moves it (bytes read plus bytes
     * written, GB/s, best of 5 timed with events): the ceiling the bench sets the filter beside.
     */
    public synchronized double measureDeviceCopyGBs(long bytes, MemoryPool pool) {
        current();
        try (DeviceBuffer a = allocate(bytes, pool, "copy probe"); DeviceBuffer b = allocate(bytes, pool, "copy probe")) {
            cu.memset8(a.address(), (byte) 1, bytes, stream);
            cu.copyDtoDAsync(b.address(), a.address(), bytes, stream);
            double best = Double.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                best = Math.min(best, timeMillis(() -> cu.copyDtoDAsync(b.address(), a.address(), bytes, stream)));
            }
            return 2.0 * bytes / (best * 1e6);
        }
    }

    /** Device-side milliseconds of {@code work} (events on the stream). */
    public synchronized double timeMillis(Runnable work) {
        current();
        MemorySegment start = cu.createEvent();
        MemorySegment end = cu.createEvent();
        try {
            cu.record(start, stream);
            work.run();
            cu.record(end, stream);
            return cu.elapsedMillis(start, end);
        } finally {
            cu.destroyEvent(start);
            cu.destroyEvent(end);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        cu.setCurrent(context);
        try {
            cu.synchronize(stream);
            if (scratch != 0) cu.free(scratch);
            if (stage != null) {
                for (int i = 0; i < 2; i++) {
                    cu.hostFree(stage[i]);
                    cu.destroyEvent(stageDone[i]);
                }
            }
            cu.unloadModule(module);
            cu.destroyStream(stream);
        } finally {
            closed = true;
            cu.releasePrimaryContext(device);
        }
    }
}
