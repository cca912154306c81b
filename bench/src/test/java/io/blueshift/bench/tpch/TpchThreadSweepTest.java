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
}
