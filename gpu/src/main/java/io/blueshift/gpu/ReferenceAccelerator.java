package io.blueshift.gpu;

import io.blueshift.kernels.CompareOp;
import io.blueshift.memory.Allocation;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Validity;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The device kernels' algorithms run on the CPU, over host memory standing in for device
 * memory: the same predicate semantics, the same hash slots and probing order. It lets the
 * offload path (transfers, plan rewriting, fallback) be tested on machines without a GPU, and is
 * the reference the CUDA results are compared with.
 */
public final class ReferenceAccelerator implements Accelerator {
    private final DeviceInfo device;

    public ReferenceAccelerator(DeviceInfo device) {
        this.device = device;
    }

    /** A reference device described like a mid-range GPU (for tests of the offload path). */
    public ReferenceAccelerator() {
        this(DeviceInfo.simulated("reference (CPU)", 16L << 30, 64, 25, 900));
    }

    @Override
    public String backend() { return "reference"; }

    @Override
    public DeviceInfo device() { return device; }

    private static final class HostBuffer extends DeviceBuffer {
        final MemorySegment segment;

        HostBuffer(Allocation a) {
            super(a.segment().address(), a.byteSize(), a);
            this.segment = a.segment();
        }

        @Override
        protected void free() { } // the accounting allocation is the memory
    }

    private static MemorySegment seg(DeviceBuffer b) {
        if (!(b instanceof HostBuffer h)) {
            throw new IllegalArgumentException("buffer of " + b.owner() + " belongs to another accelerator");
        }
        b.address(); // checks it is not freed
        return h.segment;
    }

    @Override
    public DeviceBuffer allocate(long bytes, MemoryPool pool, String owner) {
        return new HostBuffer(pool.allocate(bytes, owner));
    }

    @Override
    public PinnedBuffer allocatePinned(long bytes, MemoryPool pool, String owner) {
        Allocation a = pool.allocate(bytes, owner);
        return new PinnedBuffer(a.segment(), false, a::close);
    }

    @Override
    public void copyToDevice(MemorySegment src, DeviceBuffer dst, long dstOffset) {
        MemorySegment.copy(src, 0, seg(dst), dstOffset, src.byteSize());
    }

    @Override
    public void copyToHost(DeviceBuffer src, long srcOffset, MemorySegment dst) {
        MemorySegment.copy(seg(src), srcOffset, dst, 0, dst.byteSize());
    }

    @Override
    public int filter(List<DeviceColumn> columns, DevicePredicate predicate, int rows, DeviceBuffer selection, MemoryPool pool) {
        MemorySegment out = seg(selection);
        int n = 0;
        for (int r = 0; r < rows; r++) {
            boolean pass = true;
            for (DevicePredicate.Term t : predicate.terms()) {
                if (!passes(columns.get(t.column()), t, r)) {
                    pass = false;
                    break;
                }
            }
            if (pass) {
                out.setAtIndex(ValueLayout.JAVA_INT, n++, r);
            }
        }
        return n;
    }

    private static boolean passes(DeviceColumn c, DevicePredicate.Term t, int r) {
        if (c.validity() != null && !Validity.isValid(seg(c.validity()), r)) {
            return false;
        }
        MemorySegment d = seg(c.data());
        if (c.kind() == ValueKind.FLOAT64) {
            double v = d.getAtIndex(ValueLayout.JAVA_DOUBLE, r);
            return switch (t) {
                case DevicePredicate.Compare cmp -> compare(cmp.op(), v, cmp.doubleValue());
                case DevicePredicate.Between b -> v >= b.doubleLow() && v <= b.doubleHigh();
                case DevicePredicate.In in -> throw new IllegalArgumentException("IN over a FLOAT64 column");
            };
        }
        long v = c.kind() == ValueKind.INT32 ? d.getAtIndex(ValueLayout.JAVA_INT, r) : d.getAtIndex(ValueLayout.JAVA_LONG, r);
        return switch (t) {
            case DevicePredicate.Compare cmp -> cmp.op().test(Long.compare(v, cmp.value()));
            case DevicePredicate.Between b -> v >= b.low() && v <= b.high();
            case DevicePredicate.In in -> Arrays.binarySearch(in.values(), v) >= 0;
        };
    }

    /** IEEE comparison as the device does it (NaN compares false except with <>). */
    private static boolean compare(CompareOp op, double v, double c) {
        return switch (op) {
            case EQ -> v == c;
            case NE -> v != c;
            case LT -> v < c;
            case LE -> v <= c;
            case GT -> v > c;
            case GE -> v >= c;
        };
    }

    @Override
    public DeviceHashTable buildHashTable(DeviceColumn keys, int rows, MemoryPool pool) {
        int bits = DeviceHashTable.capacityBitsFor(rows);
        long capacity = 1L << bits;
        DeviceBuffer slotKeys = allocate(capacity * 8, pool, "device hash table keys");
        DeviceBuffer slotRows;
        try {
            slotRows = allocate(capacity * 4, pool, "device hash table rows");
        } catch (RuntimeException e) {
            slotKeys.close();
            throw e;
        }
        MemorySegment k = seg(slotKeys);
        MemorySegment s = seg(slotRows);
        s.fill((byte) 0xFF);
        MemorySegment in = seg(keys.data());
        MemorySegment valid = keys.validity() == null ? null : seg(keys.validity());
        long mask = capacity - 1;
        for (int r = 0; r < rows; r++) {
            if (valid != null && !Validity.isValid(valid, r)) continue;
            long key = in.getAtIndex(ValueLayout.JAVA_LONG, r);
            long slot = DeviceHashTable.slot(key, bits);
            while (s.getAtIndex(ValueLayout.JAVA_INT, slot) != -1) {
                slot = (slot + 1) & mask;
            }
            s.setAtIndex(ValueLayout.JAVA_INT, slot, r);
            k.setAtIndex(ValueLayout.JAVA_LONG, slot, key);
        }
        return new DeviceHashTable(slotKeys, slotRows, bits, rows);
    }

    @Override
    public long probe(DeviceHashTable table, DeviceColumn keys, int rows, DeviceBuffer probeRows, DeviceBuffer buildRows,
                      long capacity, MemoryPool pool) {
        MemorySegment k = seg(table.keys());
        MemorySegment s = seg(table.rows());
        MemorySegment in = seg(keys.data());
        MemorySegment valid = keys.validity() == null ? null : seg(keys.validity());
        MemorySegment outP = seg(probeRows);
        MemorySegment outB = seg(buildRows);
        long mask = table.capacity() - 1;
        long n = 0;
        for (int r = 0; r < rows; r++) {
            if (valid != null && !Validity.isValid(valid, r)) continue;
            long key = in.getAtIndex(ValueLayout.JAVA_LONG, r);
            long slot = DeviceHashTable.slot(key, table.capacityBits());
            int b;
            while ((b = s.getAtIndex(ValueLayout.JAVA_INT, slot)) != -1) {
                if (k.getAtIndex(ValueLayout.JAVA_LONG, slot) == key) {
                    if (n < capacity) {
                        outP.setAtIndex(ValueLayout.JAVA_INT, n, r);
                        outB.setAtIndex(ValueLayout.JAVA_INT, n, b);
                    }
                    n++;
                }
                slot = (slot + 1) & mask;
            }
        }
        return n;
    }

    @Override
    public GroupedAggregate aggregate(DeviceColumn keys, int rows, List<GroupedAggregate.Spec> aggregates, int maxGroups,
                                      MemoryPool pool) {
        if (keys.validity() != null) {
            throw new IllegalArgumentException("device GROUP BY keys must have no nulls");
        }
        MemorySegment in = seg(keys.data());
        int bits = DeviceHashTable.capacityBitsFor(maxGroups);
        int capacity = 1 << bits;
        long[] slotKeys = new long[capacity];
        boolean[] used = new boolean[capacity];
        int a = aggregates.size();
        long[][] values = new long[a][capacity];
        long[][] counts = new long[a][capacity];
        for (int i = 0; i < a; i++) {
            GroupedAggregate.Function f = aggregates.get(i).function();
            Arrays.fill(values[i], f == GroupedAggregate.Function.MIN ? Long.MAX_VALUE
                    : f == GroupedAggregate.Function.MAX ? Long.MIN_VALUE : 0);
        }
        int groups = 0;
        for (int r = 0; r < rows; r++) {
            long key = in.getAtIndex(ValueLayout.JAVA_LONG, r);
            int slot = DeviceHashTable.slot(key, bits);
            while (used[slot] && slotKeys[slot] != key) {
                slot = (slot + 1) & (capacity - 1);
            }
            if (!used[slot]) {
                if (++groups > maxGroups) {
                    throw new IllegalStateException("more than " + maxGroups + " groups");
                }
                used[slot] = true;
                slotKeys[slot] = key;
            }
            for (int i = 0; i < a; i++) {
                GroupedAggregate.Spec spec = aggregates.get(i);
                if (spec.column() == null) {
                    counts[i][slot]++;
                    values[i][slot]++;
                    continue;
                }
                DeviceColumn c = spec.column();
                if (c.validity() != null && !Validity.isValid(seg(c.validity()), r)) continue;
                long v = seg(c.data()).getAtIndex(ValueLayout.JAVA_LONG, r);
                counts[i][slot]++;
                switch (spec.function()) {
                    case SUM -> values[i][slot] += v;
                    case COUNT -> values[i][slot]++;
                    case MIN -> values[i][slot] = Math.min(values[i][slot], v);
                    case MAX -> values[i][slot] = Math.max(values[i][slot], v);
                }
            }
        }
        return compact(slotKeys, used, values, counts, groups);
    }

    static GroupedAggregate compact(long[] slotKeys, boolean[] used, long[][] values, long[][] counts, int groups) {
        long[] keys = new long[groups];
        List<long[]> vs = new ArrayList<>();
        List<long[]> cs = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            vs.add(new long[groups]);
            cs.add(new long[groups]);
        }
        int g = 0;
        for (int s = 0; s < slotKeys.length; s++) {
            if (!used[s]) continue;
            keys[g] = slotKeys[s];
            for (int i = 0; i < values.length; i++) {
                vs.get(i)[g] = values[i][s];
                cs.get(i)[g] = counts[i][s];
            }
            g++;
        }
        return new GroupedAggregate(keys, vs, cs);
    }

    @Override
    public void close() { }
}
