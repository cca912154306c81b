package io.blueshift.hwprofiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HardwareProfileTest {
    static Path fixture(String name) {
        try {
            return Path.of(HardwareProfileTest.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void hostWithSmtAndNoCgroupLimits() {
        HardwareProfile p = HardwareProfile.detect(fixture("host"));
        assertEquals("AMD EPYC 9454P 48-Core Processor", p.cpuModel());
        assertEquals(8, p.logicalCores());
        assertEquals(4, p.physicalCores());
        assertEquals(8, p.effectiveCores());
        assertEquals(-1, p.cpuQuotaCores());
        assertEquals(32 << 10, p.l1dBytes());
        assertEquals(1 << 20, p.l2Bytes());
        assertEquals(32 << 20, p.l3Bytes());
        assertEquals(64, p.cacheLineBytes());
        assertEquals(65_536_000L * 1024, p.memoryBytes());
        assertEquals(2, p.numaNodes());
        assertEquals(-1, p.vectorBits());
        assertTrue(p.fastIntegerVectors().isEmpty());
    }

    @Test
    void containerTakesTightestCgroupV2LimitsOnItsPath() {
        HardwareProfile p = HardwareProfile.detect(fixture("container"));
        assertEquals(16, p.logicalCores());
        assertEquals(8, p.physicalCores());
        assertEquals(1, p.effectiveCores());
        assertEquals(1.0, p.cpuQuotaCores());
        assertEquals(2L << 30, p.memoryBytes());
        assertEquals(48 << 10, p.l1dBytes());
        assertEquals(2 << 20, p.l2Bytes());
        assertEquals(105L << 20, p.l3Bytes());
        assertEquals(-1, p.numaNodes(), "no /sys/devices/system/node in the fixture: unknown");
    }

    @Test
    void missingCacheEntriesAreUnknownAndCgroupV1LimitsApply() {
        HardwareProfile p = HardwareProfile.detect(fixture("sparse"));
        assertEquals("QEMU Virtual CPU", p.cpuModel());
        assertEquals(4, p.logicalCores());
        assertEquals(-1, p.physicalCores());
        assertEquals(3, p.effectiveCores());
        assertEquals(2.5, p.cpuQuotaCores());
        assertEquals(-1, p.l1dBytes());
        assertEquals(-1, p.l2Bytes());
        assertEquals(-1, p.l3Bytes());
        assertEquals(-1, p.cacheLineBytes());
        assertEquals(1L << 30, p.memoryBytes());
    }

    @Test
    void emptyRootIsAllUnknownNotAnException() {
        HardwareProfile p = HardwareProfile.detect(Path.of("/nonexistent-blueshift-root"));
        assertEquals("unknown", p.cpuModel());
        assertEquals(-1, p.logicalCores());
        assertEquals(-1, p.effectiveCores());
        assertEquals(-1, p.memoryBytes());
        assertEquals(-1, p.l2Bytes());
    }

    @Test
    void liveDetectionAlwaysHasCores() {
        HardwareProfile p = HardwareProfile.detect();
        assertTrue(p.logicalCores() > 0, p.toString());
        assertTrue(p.effectiveCores() > 0, p.toString());
        assertEquals(256, p.withVectorBits(256).vectorBits());
        assertEquals(true, p.withVectorBits(256).fastIntegerVectors().orElseThrow());
        assertEquals(false, p.withVectorBits(128).fastIntegerVectors().orElseThrow());
    }

    @Test
    void parsesSysfsSizes() {
        assertEquals(48 << 10, LinuxHardwareSource.parseSize("48K"));
        assertEquals(2 << 20, LinuxHardwareSource.parseSize("2M"));
        assertEquals(4096, LinuxHardwareSource.parseSize("4096"));
        assertEquals(-1, LinuxHardwareSource.parseSize("lots"));
    }
}
