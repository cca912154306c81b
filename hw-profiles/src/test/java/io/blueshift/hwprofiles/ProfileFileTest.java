package io.blueshift.hwprofiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileFileTest {
    private static final String MINIMAL = """
            { "name": "box", "hardware": { "logicalCores": 4, "l2Bytes": "2M", "memoryBytes": 1073741824 } }
            """;

    @Test
    void minimalFileLeavesTheRestUnknown() {
        Profile p = ProfileFile.parse(MINIMAL, "box.json");
        assertEquals("box", p.name());
        assertEquals(4, p.hardware().logicalCores());
        assertEquals(4, p.hardware().effectiveCores(), "effective cores default to logical");
        assertEquals(2 << 20, p.hardware().l2Bytes());
        assertEquals(1L << 30, p.hardware().memoryBytes());
        assertEquals(-1, p.hardware().l3Bytes());
        assertEquals("unknown", p.hardware().cpuModel());
        assertTrue(p.accelerator().isEmpty());
        assertEquals(new TuningParameters(16384, 16384 * 64, 3, 4), p.tuning());
    }

    @Test
    void roundTripKeepsEverything(@TempDir Path dir) throws Exception {
        Calibration c = TuningParametersTest.calibration(2048, 9.5, 3.25);
        Profile p = NamedProfiles.shipped("aqua").withCalibration(c);
        Path file = dir.resolve("sub/profile.json");
        ProfileFile.write(p, file);
        Profile back = ProfileFile.read(file);
        assertEquals(p.hardware(), back.hardware());
        assertEquals(p.accelerator(), back.accelerator());
        assertEquals(p.calibration(), back.calibration());
        assertEquals(p.tuning(), back.tuning());
        assertTrue(Json.parse(Files.readString(file)) instanceof Map<?, ?>);
    }

    private static String error(String json) {
        return assertThrows(ProfileFormatException.class, () -> ProfileFile.parse(json, "bad.json")).getMessage();
    }

    @Test
    void errorsNameTheFileAndTheField() {
        String m = error("""
                { "name": "x", "hardware": { "l2Bytes": "lots" } }""");
        assertTrue(m.startsWith("bad.json: field 'hardware.l2Bytes'"), m);
        assertTrue(m.contains("\"lots\""), m);

        m = error("""
                { "name": "x", "hardware": { "logicalCores": "four" } }""");
        assertTrue(m.contains("field 'hardware.logicalCores' must be a whole number"), m);

        m = error("""
                { "name": "x", "hardware": { "l2Byte": 1 } }""");
        assertTrue(m.contains("unknown field 'hardware.l2Byte'"), m);

        m = error("""
                { "hardware": {} }""");
        assertTrue(m.contains("field 'name' is required"), m);

        m = error("""
                { "name": "x" }""");
        assertTrue(m.contains("field 'hardware' is required"), m);

        m = error("""
                { "name": "x", "hardware": {}, "accelerator": { "kind": "gpu" } }""");
        assertTrue(m.contains("field 'accelerator.offloadMinRows'"), m);

        m = error("""
                { "name": "x", "hardware": {}, "calibration": { "batchSweep": [ { "batchRows": 1024 } ] } }""");
        assertTrue(m.contains("field 'calibration.batchSweep[0].millis'"), m);

        m = error("""
                { "name": "x", "hardware": {}, "calibration": { "batchRows": 1000 } }""");
        assertTrue(m.contains("field 'calibration.batchRows' must be a positive multiple of 64"), m);

        m = error("""
                { "name": "x", "hardware": {}, "calibration": { "hashPartitionBits": 13 } }""");
        assertTrue(m.contains("field 'calibration.hashPartitionBits' must be 0..12"), m);

        m = error("""
                { "name": "x", "hardware": {}, "calibration": { "partitionSweep": [ { "millis": 3.5 } ] } }""");
        assertTrue(m.contains("field 'calibration.partitionSweep[0].bits' is required"), m);
    }

    @Test
    void partitionSweepRoundTrips(@TempDir Path dir) throws Exception {
        Calibration c = TuningParametersTest.calibrationWithJoin(2048, 6);
        Profile p = NamedProfiles.shipped("laptop").withCalibration(c);
        Path file = dir.resolve("profile.json");
        ProfileFile.write(p, file);
        Profile back = ProfileFile.read(file);
        assertEquals(c, back.calibration().orElseThrow());
        assertEquals(6, back.tuning().hashPartitionBits());
    }

    @Test
    void syntaxErrorsSayWhere() {
        String m = error("{ \"name\": \"x\",\n  \"hardware\": { \"l2Bytes\": 1, } }");
        assertTrue(m.startsWith("bad.json: invalid JSON at line 2"), m);
    }

    @Test
    void unreadableFileIsAProfileError(@TempDir Path dir) {
        Path missing = dir.resolve("nope.json");
        String m = assertThrows(ProfileFormatException.class, () -> ProfileFile.read(missing)).getMessage();
        assertTrue(m.contains("nope.json"), m);
    }

    @Test
    void sizesAcceptSuffixes() {
        Profile p = ProfileFile.parse("""
                { "name": "x", "hardware": { "l1dBytes": "48K", "l3Bytes": "32MiB", "memoryBytes": "384G" } }""", "x");
        assertEquals(48 << 10, p.hardware().l1dBytes());
        assertEquals(32 << 20, p.hardware().l3Bytes());
        assertEquals(384L << 30, p.hardware().memoryBytes());
        assertEquals(Optional.empty(), p.calibration());
    }
}
