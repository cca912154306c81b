package io.blueshift.gpu;

import io.blueshift.kernels.CompareOp;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What every accelerator must compute, checked against plain Java loops: the reference backend
 * runs it in every build, the CUDA backend where a device exists. Sizes hit block tails.
 */
public final class AcceleratorContract {
    private AcceleratorContract() { }

    static final int[] SIZES = {1, 31, 255, 256, 257, 1000, 4099, 70_001};

    public static void filterMatchesLoops(Accelerator acc, MemoryPool pool, long seed) {
        Random rnd = new Random(seed);
        for (int n : SIZES) {
            try (ColumnVector i32 = ColumnVector.allocate(pool, DataType.INT32, n, true, "i32");
                 ColumnVector i64 = ColumnVector.allocate(pool, DataType.INT64, n, false, "i64");
                 ColumnVector f64 = ColumnVector.allocate(pool, DataType.FLOAT64, n, true, "f64")) {
                for (int r = 0; r < n; r++) {
                    i32.setInt(r, rnd.nextInt(100));
                    if (rnd.nextInt(10) == 0) i32.setNull(r);
                    i64.setLong(r, rnd.nextLong(-1000, 1000));
                    f64.setDouble(r, rnd.nextDouble() * 10);
                    if (rnd.nextInt(10) == 0) f64.setNull(r);
                }
                List<DevicePredicate> predicates = List.of(
                        new DevicePredicate(List.of(DevicePredicate.Compare.ofLong(0, CompareOp.LT, 40))),
                        new DevicePredicate(List.of(DevicePredicate.Compare.ofLong(1, CompareOp.NE, 3),
                                DevicePredicate.Between.ofLong(0, 10, 60))),
                        new DevicePredicate(List.of(DevicePredicate.Compare.ofDouble(2, CompareOp.GE, 5.5),
                                new DevicePredicate.In(0, new long[] {7, 3, 99, 42}))),
                        new DevicePredicate(List.of(DevicePredicate.Between.ofDouble(2, 1, 2),
                                DevicePredicate.Compare.ofLong(1, CompareOp.GT, -500))),
                        new DevicePredicate(List.of(new DevicePredicate.In(1, new long[] {-1000, 0, 999}))));
                List<DeviceColumn> dev = new ArrayList<>();
                try {
                    dev.add(DeviceColumns.upload(acc, i32, n, pool, "i32"));
                    dev.add(DeviceColumns.upload(acc, i64, n, pool, "i64"));
                    dev.add(DeviceColumns.upload(acc, f64, n, pool, "f64"));
                    for (DevicePredicate p : predicates) {
                        List<Integer> expected = new ArrayList<>();
                        for (int r = 0; r < n; r++) if (passes(p, r, i32, i64, f64)) expected.add(r);
                        try (DeviceBuffer sel = acc.allocate(n * 4L, pool, "selection")) {
                            int count = acc.filter(dev, p, n, sel, pool);
                            int[] got = new int[count];
                            if (count > 0) acc.copyToHost(sel, 0, MemorySegment.ofArray(got));
                            assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), got,
                                    "n=" + n + " " + p + " seed=" + seed);
                        }
                    }
                } finally {
                    dev.forEach(DeviceColumn::close);
                }
            }
        }
    }

    private static boolean passes(DevicePredicate p, int r, ColumnVector... cols) {
        for (DevicePredicate.Term t : p.terms()) {
            ColumnVector c = cols[t.column()];
            if (c.isNull(r)) return false;
            boolean ok = switch (t) {
                case DevicePredicate.Compare cmp -> c.type() == DataType.FLOAT64
                        ? cmpD(cmp.op(), c.getDouble(r), cmp.doubleValue())
                        : cmp.op().test(Long.compare(value(c, r), cmp.value()));
                case DevicePredicate.Between b -> c.type() == DataType.FLOAT64
                        ? c.getDouble(r) >= b.doubleLow() && c.getDouble(r) <= b.doubleHigh()
                        : value(c, r) >= b.low() && value(c, r) <= b.high();
                case DevicePredicate.In in -> Arrays.stream(in.values()).anyMatch(v -> v == value(c, r));
            };
            if (!ok) return false;
        }
        return true;
    }

    private static long value(ColumnVector c, int r) {
        return c.type() == DataType.INT32 ? c.getInt(r) : c.getLong(r);
    }

    private static boolean cmpD(CompareOp op, double v, double k) {
        return switch (op) {
            case EQ -> v == k;
            case NE -> v != k;
            case LT -> v < k;
            case LE -> v <= k;
            case GT -> v > k;
            case GE -> v >= k;
        };
    }

    public static void joinMatchesLoops(Accelerator acc, MemoryPool pool, long seed) {
        Random rnd = new Random(seed);
        for (int n : new int[] {1, 300, 5000, 100_000}) {
            int m = n * 3 + 7;
            try (ColumnVector build = ColumnVector.allocate(pool, DataType.INT64, n, true, "build");
                 ColumnVector probe = ColumnVector.allocate(pool, DataType.INT64, m, true, "probe")) {
                for (int r = 0; r < n; r++) {
                    build.setLong(r, rnd.nextInt(n + 5) - 2L);
                    if (rnd.nextInt(40) == 0) build.setNull(r);
                }
                for (int r = 0; r < m; r++) {
                    probe.setLong(r, rnd.nextInt(2 * n + 5) - 2L);
                    if (rnd.nextInt(40) == 0) probe.setNull(r);
                }
                Map<Long, List<Integer>> index = new HashMap<>();
                for (int r = 0; r < n; r++) if (!build.isNull(r)) index.computeIfAbsent(build.getLong(r), k -> new ArrayList<>()).add(r);
                List<Long> expected = new ArrayList<>();
                for (int r = 0; r < m; r++) {
                    if (probe.isNull(r)) continue;
                    for (int b : index.getOrDefault(probe.getLong(r), List.of())) expected.add(((long) r << 32) | b);
                }
                try (DeviceColumn bk = DeviceColumns.upload(acc, build, n, pool, "build keys");
                     DeviceColumn pk = DeviceColumns.upload(acc, probe, m, pool, "probe keys");
                     DeviceHashTable table = acc.buildHashTable(bk, n, pool)) {
                    long cap = 16; // too small on purpose: the count says how much room is needed
                    long count = probePairs(acc, table, pk, m, cap, pool, null);
                    assertEquals(expected.size(), count, "pairs n=" + n);
                    List<Long> got = new ArrayList<>();
                    probePairs(acc, table, pk, m, Math.max(count, 1), pool, got);
                    expected.sort(null);
                    got.sort(null);
                    assertEquals(expected, got, "n=" + n + " seed=" + seed);
                }
            }
        }
    }

    private static long probePairs(Accelerator acc, DeviceHashTable t, DeviceColumn keys, int rows, long cap, MemoryPool pool,
                                   List<Long> out) {
        try (DeviceBuffer p = acc.allocate(cap * 4, pool, "probe rows"); DeviceBuffer b = acc.allocate(cap * 4, pool, "build rows")) {
            long n = acc.probe(t, keys, rows, p, b, cap, pool);
            if (out != null && n > 0) {
                int[] pr = new int[(int) n];
                int[] br = new int[(int) n];
                acc.copyToHost(p, 0, MemorySegment.ofArray(pr));
                acc.copyToHost(b, 0, MemorySegment.ofArray(br));
                for (int i = 0; i < n; i++) out.add(((long) pr[i] << 32) | br[i]);
            }
            return n;
        }
    }

    public static void aggregateMatchesLoops(Accelerator acc, MemoryPool pool, long seed) {
        Random rnd = new Random(seed);
        int n = 50_000;
        try (ColumnVector keys = ColumnVector.allocate(pool, DataType.INT64, n, false, "keys");
             ColumnVector vals = ColumnVector.allocate(pool, DataType.INT64, n, true, "vals")) {
            for (int r = 0; r < n; r++) {
                keys.setLong(r, r % 97 == 0 ? Long.MIN_VALUE : rnd.nextInt(300) * 1_000_003L);
                vals.setLong(r, rnd.nextLong(-1_000_000, 1_000_000));
                if (rnd.nextInt(15) == 0) vals.setNull(r);
            }
            Map<Long, long[]> expected = new HashMap<>(); // sum, count(v), min, max, count(*)
            for (int r = 0; r < n; r++) {
                long[] e = expected.computeIfAbsent(keys.getLong(r), k -> new long[] {0, 0, Long.MAX_VALUE, Long.MIN_VALUE, 0});
                e[4]++;
                if (vals.isNull(r)) continue;
                long v = vals.getLong(r);
                e[0] += v;
                e[1]++;
                e[2] = Math.min(e[2], v);
                e[3] = Math.max(e[3], v);
            }
            try (DeviceColumn dk = DeviceColumns.upload(acc, keys, n, pool, "keys");
                 DeviceColumn dv = DeviceColumns.upload(acc, vals, n, pool, "vals")) {
                GroupedAggregate g = acc.aggregate(dk, n, List.of(
                        new GroupedAggregate.Spec(GroupedAggregate.Function.SUM, dv),
                        new GroupedAggregate.Spec(GroupedAggregate.Function.COUNT, dv),
                        new GroupedAggregate.Spec(GroupedAggregate.Function.MIN, dv),
                        new GroupedAggregate.Spec(GroupedAggregate.Function.MAX, dv),
                        new GroupedAggregate.Spec(GroupedAggregate.Function.COUNT, null)), 400, pool);
                assertEquals(expected.size(), g.groups());
                for (int i = 0; i < g.groups(); i++) {
                    long[] e = expected.get(g.keys()[i]);
                    assertEquals(e[0], g.values().get(0)[i], "sum of " + g.keys()[i]);
                    assertEquals(e[1], g.values().get(1)[i], "count of " + g.keys()[i]);
                    assertEquals(e[2], g.values().get(2)[i], "min of " + g.keys()[i]);
                    assertEquals(e[3], g.values().get(3)[i], "max of " + g.keys()[i]);
                    assertEquals(e[4], g.values().get(4)[i], "count(*) of " + g.keys()[i]);
                    assertEquals(e[1], g.counts().get(0)[i]);
                }
            }
        }
    }

    /** Device memory goes through the pool: accounted while held, returned after. */
    public static void deviceMemoryIsAccounted(Accelerator acc, MemoryPool pool) {
        long before = pool.reserved();
        try (DeviceBuffer b = acc.allocate(1 << 20, pool, "accounted")) {
            assertEquals(before + (1 << 20), pool.reserved());
            try (PinnedBuffer p = acc.allocatePinned(4096, pool, "pinned")) {
                p.segment().set(ValueLayout.JAVA_LONG, 0, 42L);
                acc.copyToDevice(p.segment(), b, 8);
                MemorySegment back = MemorySegment.ofArray(new long[1]);
                acc.copyToHost(b, 8, back);
                assertEquals(42L, back.get(ValueLayout.JAVA_LONG, 0));
            }
        }
        assertEquals(before, pool.reserved());
    }
}
