package io.blueshift.hwprofiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamedProfilesTest {
    @Test
    void everyShippedProfileParsesAndDerives() {
        for (String name : NamedProfiles.SHIPPED) {
            Profile p = NamedProfiles.shipped(name);
            assertEquals(name, p.name());
            assertTrue(p.hardware().logicalCores() > 0, name);
            assertTrue(p.hardware().l2Bytes() > 0, name);
            assertEquals(6, p.derivation().choices().size());
        }
    }

    @Test
    void redshiftNodeSizes() {
        assertEquals(4, NamedProfiles.shipped("ra3.xlplus").tuning().threads());
        assertEquals(12, NamedProfiles.shipped("ra3.4xlarge").tuning().threads());
        assertEquals(48, NamedProfiles.shipped("ra3.16xlarge").tuning().threads());
        assertEquals(384L << 30, NamedProfiles.shipped("ra3.16xlarge").hardware().memoryBytes());
        // 1 MiB L2: 8192 rows, 4 bits
        assertEquals(new TuningParameters(8192, 8192 * 64, 4, 12), NamedProfiles.shipped("ra3.4xlarge").tuning());
    }

    @Test
    void aquaOffloadsLowAndOthersNever() {
        assertEquals(65536, NamedProfiles.shipped("aqua").tuning().offloadMinRows());
        assertEquals(-1, NamedProfiles.shipped("ra3.4xlarge").tuning().offloadMinRows());
        TuningParameters laptop = NamedProfiles.shipped("laptop").tuning();
        assertTrue(laptop.simd(), "256-bit vectors are fast enough");
        assertEquals(16, laptop.threads());
    }

    @Test
    void resolvesNamesFilesAndAuto(@TempDir Path dir) throws Exception {
        Profile fake = NamedProfiles.auto(HardwareProfile.detect(HardwareProfileTest.fixture("host")), null);
        assertEquals("auto", NamedProfiles.resolve("auto", () -> fake).name());
        assertEquals("laptop", NamedProfiles.resolve("laptop", () -> fake).name());
        Path file = dir.resolve("mine.json");
        ProfileFile.write(NamedProfiles.shipped("laptop"), file);
        assertEquals("laptop", NamedProfiles.resolve(file.toString(), () -> fake).name());
        String m = assertThrows(IllegalArgumentException.class, () -> NamedProfiles.resolve("ra3.huge", () -> fake)).getMessage();
        assertTrue(m.contains("ra3.huge") && m.contains("ra3.xlplus"), m);
    }

    @Test
    void autoUsesASavedCalibrationOnlyForTheSameMachine(@TempDir Path dir) throws Exception {
        HardwareProfile host = HardwareProfile.detect(HardwareProfileTest.fixture("host"));
        Calibration mine = new Calibration("2026-11-25", host.cpuModel(), host.effectiveCores(), false, 20, 25, 40, 95,
                3, 18, 5, 9, "group-by", java.util.List.of(new Calibration.SweepPoint(2048, 10)), 2048, 16384);
        Path file = dir.resolve("profile.json");
        ProfileFile.write(NamedProfiles.auto(host, null).withCalibration(mine), file);
        Profile auto = NamedProfiles.auto(host, file);
        assertEquals(2048, auto.tuning().batchRows());
        assertTrue(auto.source().contains("calibration from"), auto.source());

        HardwareProfile other = HardwareProfile.detect(HardwareProfileTest.fixture("container"));
        Profile notMine = NamedProfiles.auto(other, file);
        assertTrue(notMine.calibration().isEmpty());
        assertTrue(notMine.source().contains("ignored"), notMine.source());
        assertEquals(TuningParameters.derive(other), notMine.tuning());
    }

    @Test
    void userProfileFollowsXdg() {
        assertEquals(Path.of("/x/blueshift/profile.json"), NamedProfiles.userProfilePath(Map.of("XDG_CONFIG_HOME", "/x")));
        assertEquals(Path.of(System.getProperty("user.home"), ".config", "blueshift", "profile.json"),
                NamedProfiles.userProfilePath(Map.of()));
    }
}
