package io.blueshift.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI end to end: exit codes, and errors as one line without a stack trace. */
class BlueshiftCliTest {

    private record Outcome(int exit, String out, String err) {
        void assertCleanError(String mustMention) {
            assertNotEquals(0, exit, "exit code; stderr: " + err);
            String lower = err.toLowerCase();
            assertTrue(lower.contains(mustMention.toLowerCase()), "stderr should mention '" + mustMention + "': " + err);
            assertFalse(err.contains("Exception"), "stack trace or exception name in stderr: " + err);
            assertFalse(err.contains("\tat "), "stack trace in stderr: " + err);
        }

        /** Error lines, ignoring picocli's usage hint. */
        long errorLines() {
            return err.lines().filter(l -> !l.isBlank() && !l.startsWith("try:")).count();
        }
    }

    private static synchronized Outcome run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = BlueshiftCli.run(args);
            return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void tpchVerifiesAgainstDuckDb() {
        Outcome o = run("tpch", "--sf", "0.01", "--queries", "1,6", "--verify");
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains("2 of 2 verified"), o.out());
    }

    @Test
    void sqlVerifySortsNullsAsOurEngineDoes() {
        // NULLs sort high: first under DESC; DuckDB must be told the same or --verify reports a false mismatch
        Outcome o = run("sql", "--tpch", "0.001", "--verify",
                "SELECT CASE WHEN n_nationkey % 2 = 0 THEN NULL ELSE n_name END AS x FROM nation ORDER BY x DESC LIMIT 3");
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.err().contains("verified against DuckDB"), o.err());
    }

    @Test
    void helpHasNoFormatWarnings() {
        Outcome o = run("sql", "--help");
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains("75% of RAM"), o.out());
        assertFalse(o.err().contains("Could not format"), o.err());
    }

    @Test
    void queryWithoutPlanIsAOneLineError() {
        Outcome o = run("tpch", "--sf", "0.01", "--queries", "23");
        o.assertCleanError("23");
        assertEquals(1, o.errorLines(), o.err());
    }

    @Test
    void negativeScaleFactorIsRejected() {
        Outcome o = run("tpch", "--sf", "-1");
        o.assertCleanError("scale factor");
    }

    @Test
    void processMemoryLimitTooSmall() {
        Outcome o = run("tpch", "--sf", "0.01", "--queries", "1", "--memory-limit", "1m");
        o.assertCleanError("memory limit");
        assertEquals(1, o.errorLines(), o.err());
    }

    @Test
    void queryMemoryLimitTooSmall() {
        Outcome o = run("tpch", "--sf", "0.01", "--queries", "1", "--query-memory-limit", "64k");
        o.assertCleanError("memory limit");
    }

    @Test
    void benchWritesCsv(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("timings.csv");
        Outcome o = run("bench", "tpch", "--sf", "0.01", "--queries", "6,14", "--threads", "1,2", "--runs", "1", "--warmups", "0",
                "--csv", csv.toString());
        assertEquals(0, o.exit(), o.err());
        var lines = Files.readAllLines(csv);
        assertEquals("query,threads,blueshift_ms,duckdb_ms,ratio,blueshift_speedup,duckdb_speedup", lines.getFirst());
        assertEquals(5, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(2).startsWith("6,2,"), lines.get(2));
        assertTrue(o.out().contains("geomean"), o.out());
        assertTrue(o.err().contains("[2/2] tpch q14:"), o.err());
    }
}
