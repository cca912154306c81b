package io.blueshift.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code blueshift bench sweep} on a tiny scale factor: tables, the acceptance lines and four charts with their marks. */
class BenchSweepCommandTest {
    @Test
    void writesTablesAndChartsMarkingTheChoiceAndTheDefaults(@TempDir Path dir) throws Exception {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int exit;
        synchronized (ProfileCommandTest.class) {
            try {
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                exit = BlueshiftCli.run("bench", "sweep", "--sf", "0.01", "--queries", "6,3", "--batch-sizes", "1024",
                        "--bits", "0", "--runs", "1", "--kernel-rows", "8192", "--profile", "laptop", "--threads", "2",
                        "--out", dir.toString());
            } finally {
                System.setOut(oldOut);
                System.setErr(oldErr);
            }
        }
        String o = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        assertTrue(o.contains("| batch rows | Q6 ms | Q3 ms | TPC-H total ms | mixed-pipeline kernel ms |"), o);
        assertTrue(o.contains("- hash partition bits: profile (not calibrated)"), o);
        assertEquals(o, Files.readString(dir.resolve("sweep.md")));
        for (String chart : new String[] {"sweep-tpch-batch-rows.svg", "sweep-tpch-partition-bits.svg",
                "sweep-kernel-mixed.svg", "sweep-kernel-join.svg"}) {
            String svg = Files.readString(dir.resolve(chart));
            assertTrue(svg.startsWith("<svg") && svg.contains("fixed default"), chart);
        }
    }
}
