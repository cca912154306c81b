package io.blueshift.cli;

import io.blueshift.hwprofiles.Json;
import io.blueshift.hwprofiles.Profile;
import io.blueshift.hwprofiles.ProfileFile;
import io.blueshift.hwprofiles.TuningParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code blueshift profile ...} end to end: exit codes, tables, and JSON that parses. */
class ProfileCommandTest {
    private record Outcome(int exit, String out, String err) { }

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

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String text) {
        return (Map<String, Object>) Json.parse(text);
    }

    @Test
    void detectPrintsATableAndValidJson() {
        Outcome o = run("profile", "detect");
        assertEquals(0, o.exit(), o.err());
        for (String row : List.of("cpu model", "physical cores", "L2 cache", "cache line", "NUMA nodes", "vector width", "GPU", "batch rows")) {
            assertTrue(o.out().contains(row), row + " missing:\n" + o.out());
        }
        Outcome j = run("profile", "detect", "--json");
        assertEquals(0, j.exit(), j.err());
        Map<String, Object> m = json(j.out());
        Map<String, Object> hw = (Map<String, Object>) m.get("hardware");
        assertTrue((Long) hw.get("logicalCores") > 0, j.out());
        assertEquals(false, ((Map<String, Object>) m.get("gpu")).get("detected"));
        assertTrue(m.containsKey("tuning"));
    }

    @Test
    void listShowsEveryProfile() {
        Outcome o = run("profile", "list");
        assertEquals(0, o.exit(), o.err());
        for (String name : List.of("auto", "ra3.xlplus", "ra3.4xlarge", "ra3.16xlarge", "aqua", "laptop")) {
            assertTrue(o.out().contains(name), name + " missing:\n" + o.out());
        }
    }

    @Test
    void showJsonIsAProfileFile(@TempDir Path dir) throws Exception {
        Outcome o = run("profile", "show", "ra3.16xlarge", "--json");
        assertEquals(0, o.exit(), o.err());
        Profile p = ProfileFile.parse(o.out(), "stdout");
        assertEquals(48, p.tuning().threads());
        Path file = dir.resolve("mine.json");
        Files.writeString(file, o.out());
        Outcome again = run("profile", "show", file.toString());
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().contains("384 GiB"), again.out());
    }

    @Test
    void diffMarksDifferences() {
        Outcome o = run("profile", "diff", "ra3.xlplus", "aqua");
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().lines().anyMatch(l -> l.startsWith("*") && l.contains("threads")), o.out());
        assertTrue(o.out().lines().anyMatch(l -> l.startsWith(" ") && l.contains("batch rows")), o.out());
        assertTrue(o.out().contains("65536"), o.out());
    }

    @Test
    void explainSaysWhereEachValueCameFrom() {
        Outcome o = run("profile", "explain", "laptop", "--json");
        assertEquals(0, o.exit(), o.err());
        List<Object> choices = (List<Object>) json(o.out()).get("choices");
        assertEquals(6, choices.size());
        Outcome table = run("profile", "explain", "aqua");
        assertEquals(0, table.exit(), table.err());
        assertTrue(table.out().contains("rule: largest 2^k"), table.out());
        assertTrue(table.out().contains("aqua accelerator"), table.out());
    }

    @Test
    void unknownProfileAndBadFileAreOneLineErrors(@TempDir Path dir) throws Exception {
        Outcome o = run("profile", "show", "ra3.huge");
        assertEquals(2, o.exit());
        assertTrue(o.err().contains("unknown profile 'ra3.huge'"), o.err());
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{ \"name\": \"x\", \"hardware\": { \"l2Bytes\": true } }");
        Outcome b = run("profile", "explain", bad.toString());
        assertEquals(2, b.exit());
        assertTrue(b.err().contains("field 'hardware.l2Bytes'"), b.err());
        assertFalse(b.err().contains("Exception"), b.err());
        assertEquals(2, run("profile", "diff", "laptop").exit(), "diff needs two profiles");
    }

    @Test
    void profileOptionSetsThreadsUnlessGivenExplicitly() {
        Outcome o = run("tpch", "--sf", "0.01", "--queries", "6", "--hand-built", "--profile", "ra3.xlplus");
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.err().contains("threads: 4"), o.err());
        Outcome explicit = run("tpch", "--sf", "0.01", "--queries", "6", "--hand-built", "--profile", "ra3.xlplus", "--threads", "1");
        assertEquals(0, explicit.exit(), explicit.err());
        assertTrue(explicit.err().contains("threads: 1"), explicit.err());
        Outcome bad = run("tpch", "--sf", "0.01", "--queries", "6", "--profile", "nope");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("unknown profile 'nope'"), bad.err());
    }

    @Test
    void quickCalibrationSavesAProfileTheEngineUses(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cfg/profile.json");
        Path chart = dir.resolve("sweep.svg");
        // no wall-time bound here (timings belong to benchmarks): the calibration's own time
        // budget is what keeps it short, and it reports its duration on stderr
        Outcome o = run("profile", "calibrate", "--quick", "--output", file.toString(), "--chart", chart.toString());
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.err().contains("batch-rows sweep"), o.err());
        Profile p = ProfileFile.read(file);
        int calibrated = p.calibration().orElseThrow().batchRows();
        assertEquals(calibrated, p.tuning().batchRows());
        assertTrue(Files.readString(chart).contains("calibrated"));
        Outcome explain = run("profile", "explain", file.toString());
        assertTrue(explain.out().contains("sweep of 7 batch sizes on mixed pipeline: scan lineitem-like"), explain.out());
        assertTrue(explain.out().contains(calibrated == TuningParameters.ruleBatchRows(p.hardware().l2Bytes())
                ? "confirmed (no other size more than 10% faster)" : "measured faster than the L2 rule's"), explain.out());
        assertTrue(o.err().contains("partition-bits sweep"), o.err());
        int bits = p.calibration().orElseThrow().hashPartitionBits();
        assertTrue(bits >= 0 && bits <= 12, "bits " + bits);
        assertEquals(bits, p.tuning().hashPartitionBits());
        assertEquals(7, p.calibration().orElseThrow().partitionSweep().size());
        assertTrue(Files.readString(dir.resolve("sweep-join.svg")).contains("calibrated"));
        assertTrue(explain.out().contains("measured: fastest of 7 partition-bit counts"), explain.out());
    }
}
