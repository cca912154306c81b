package io.blueshift.bench.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blueshift.bench.probe.BandwidthProbe;
import io.blueshift.kernels.KernelProvider;
import io.blueshift.kernels.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelWorkloadsTest {
    private static final int ROWS = 100_003; // not a multiple of the batch: the last batch is short

    private static List<KernelProvider> providers() {
        List<KernelProvider> all = new ArrayList<>(List.of(Kernels.scalar()));
        Kernels.vectorized().ifPresent(all::add);
        return all;
    }

    @Test
    void filterPassesTheRequestedShareOfRows() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = KernelWorkloads.int32Column(arena, ROWS, 42);
            MemorySegment out = KernelWorkloads.selection(arena, KernelWorkloads.BATCH_ROWS);
            for (int percent : new int[] {50, 2}) {
                int c = KernelWorkloads.lessThanConstant(percent);
                long expected = 0;
                for (int i = 0; i < ROWS; i++) {
                    if (data.getAtIndex(ValueLayout.JAVA_INT, i) < c) expected++;
                }
                assertEquals(percent / 100.0, (double) expected / ROWS, 0.01);
                for (KernelProvider p : providers()) {
                    assertEquals(expected, KernelWorkloads.filterLessThan(p.filter(), data, ROWS,
                            KernelWorkloads.BATCH_ROWS, c, out), p.name());
                }
            }
        }
    }

    @Test
    void sumMatchesAPlainLoop() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = KernelWorkloads.int64Column(arena, ROWS, 7);
            long expected = 0;
            for (int i = 0; i < ROWS; i++) {
                long v = data.getAtIndex(ValueLayout.JAVA_LONG, i);
                assertTrue(v >= 0 && v < KernelWorkloads.VALUE_BOUND);
                expected += v;
            }
            for (KernelProvider p : providers()) {
                assertEquals(expected, KernelWorkloads.sum(p.aggregate(), data, ROWS, KernelWorkloads.BATCH_ROWS), p.name());
            }
        }
    }

    @Test
    void probeLoopsAgreeOnOddLengths() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = KernelWorkloads.int64Column(arena, 1031, 3);
            for (long count : new long[] {0, 1, 7, 33, 1031}) {
                long expected = 0;
                for (int i = 0; i < count; i++) expected += data.getAtIndex(ValueLayout.JAVA_LONG, i);
                assertEquals(expected, BandwidthProbe.sumScalar(data, count));
                assertEquals(expected, BandwidthProbe.sumVector(data, count));
            }
        }
        BandwidthProbe.Result r = BandwidthProbe.measure(8 << 20, 1);
        assertTrue(r.gbs() > 0 && r.gbs() == Math.max(r.scalarGBs(), r.vectorGBs()), r.toString());
    }

    @Test
    void reportTableIsAligned() {
        String table = KernelReport.format(List.of(
                new KernelReport.Row("read bandwidth", "-", 35.04, 100),
                new KernelReport.Row("filter int32 < c (50% pass)", "simd", 20.0, 57.1)));
        String[] lines = table.split("\n");
        assertEquals(3, lines.length);
        assertEquals(lines[0].length(), lines[1].length());
        assertEquals(lines[1].length(), lines[2].length());
        assertTrue(lines[1].contains("35.0") && lines[2].endsWith("57%"), table);
    }

    @Test
    void probeFindsExactlyTheKeysInTheTable() {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            int rows = 20_000;
            var data = KernelWorkloads.int64Column(arena, rows, 3);
            var hashes = arena.allocate(8L * 1024, 64);
            int keys = KernelWorkloads.VALUE_BOUND / 2;
            for (var p : List.of(io.blueshift.kernels.Kernels.scalar(), io.blueshift.kernels.Kernels.provider())) {
                long[] table = KernelWorkloads.probeTable(p.hash(), keys);
                long expected = 0;
                for (int i = 0; i < rows; i++) {
                    if (data.getAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, i) < keys) expected++;
                }
                assertEquals(expected, KernelWorkloads.probe(p.hash(), table, data, rows, 1024, hashes), p.name());
            }
        }
    }
}
