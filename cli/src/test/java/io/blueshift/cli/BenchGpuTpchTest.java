package io.blueshift.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench gpu --tpch-sf}: gpu=off vs gpu=auto on TPC-H, results compared (here without a device). */
class BenchGpuTpchTest {

    @Test
    void comparesOffAndAutoOnTpch() {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = BlueshiftCli.run("bench", "gpu", "--max-rows", "0", "--tpch-sf", "0.01", "--tpch-queries", "1,3",
                    "--tpch-runs", "2", "--tpch-threads", "2");
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        String o = out.toString(StandardCharsets.UTF_8);
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, o + e);
        assertTrue(o.contains("TPC-H SF 0.01"), o);
        assertTrue(o.lines().anyMatch(l -> l.startsWith("Q1 ") && l.endsWith("same rows")), o);
        assertTrue(o.lines().anyMatch(l -> l.startsWith("Q3 ") && l.endsWith("same rows")), o);
        assertTrue(o.contains("geometric mean off/auto"), o);
        assertFalse(o.contains("MISMATCH"), o);
        assertFalse(e.contains("bench gpu: CPU "), "--max-rows 0 skips the kernel sizes: " + e);
        assertTrue(e.contains("bench gpu: Q3"), e);
    }

    @Test
    void maxRowsZeroNeedsTpch() {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = BlueshiftCli.run("bench", "gpu", "--max-rows", "0");
        } finally {
            System.setErr(oldErr);
        }
        assertTrue(exit != 0);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--tpch-sf"), err.toString(StandardCharsets.UTF_8));
    }
}
