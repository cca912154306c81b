package io.blueshift.bench.tpch;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

class TpchThreadSweepTest {
    @Test
    void tableEndsWithTheGeometricMeanOfEachEnginesProcessCpu() {
        List<TpchThreadSweep.Row> rows = List.of(
                new TpchThreadSweep.Row(1, List.of(new TpchThreadSweep.Cell(1, 10, 20, 40, 10), new TpchThreadSweep.Cell(2, 5, 10, 20, 10)), null),
                new TpchThreadSweep.Row(6, List.of(new TpchThreadSweep.Cell(1, 10, 20, 10, 10), new TpchThreadSweep.Cell(2, 5, 10, 20, 40)), null));
        String table = TpchThreadSweep.format(rows);
        String cpu = table.lines().filter(l -> l.startsWith("cpu geomean")).findFirst().orElseThrow();
        // 1 thread: sqrt(40 * 10) = 20 ms against 10 ms; 2 threads: 20 ms against sqrt(10 * 40) = 20 ms
        assertTrue(cpu.matches("cpu geomean\\s+20\\.0\\s+10\\.0\\s+2\\.00\\s+20\\.0\\s+20\\.0\\s+1\\.00\\s*"), cpu);
    }

    @Test
    void cellsWithoutCpuLeaveTheCpuLineEmpty() {
        List<TpchThreadSweep.Row> rows = List.of(new TpchThreadSweep.Row(3, List.of(new TpchThreadSweep.Cell(1, 10, 20)), null));
        String cpu = TpchThreadSweep.format(rows).lines().filter(l -> l.startsWith("cpu geomean")).findFirst().orElseThrow();
        assertTrue(cpu.matches("cpu geomean\\s+-\\s+-\\s+-\\s*"), cpu);
    }

    @Test
    void csvRoundTripsAndChartsOneLinePerThreadCountBesideDuckDbsLevel(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        List<TpchThreadSweep.Row> rows = List.of(
                new TpchThreadSweep.Row(1, List.of(new TpchThreadSweep.Cell(1, 10, 20), new TpchThreadSweep.Cell(2, 6, 10)), null),
                new TpchThreadSweep.Row(6, List.of(new TpchThreadSweep.Cell(1, 30, 20), new TpchThreadSweep.Cell(2, Double.NaN, 10)), null));
        java.nio.file.Path csv = dir.resolve("r.csv");
        TpchThreadSweep.writeCsv(csv, rows);
        List<TpchThreadSweep.Row> back = TpchThreadSweep.readCsv(csv);
        org.junit.jupiter.api.Assertions.assertEquals(2, back.size());
        org.junit.jupiter.api.Assertions.assertEquals(6, back.get(1).query());
        org.junit.jupiter.api.Assertions.assertEquals(1.5, back.get(1).cells().get(0).ratio(), 1e-12);
        assertTrue(Double.isNaN(back.get(1).cells().get(1).blueshiftMs()));
        String svg = TpchThreadSweep.chart(back, "t");
        assertTrue(svg.startsWith("<svg") && svg.contains("1 thread") && svg.contains("2 threads") && svg.contains("DuckDB (1.0)")
                && svg.contains("Q6"), svg);
    }

    @Test
    void aFileThatIsNotOursIsNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path other = dir.resolve("x.csv");
        java.nio.file.Files.writeString(other, "a,b\n1,2\n");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TpchThreadSweep.readCsv(other));
        assertTrue(e.getMessage().contains("x.csv"), e.getMessage());
    }
}
