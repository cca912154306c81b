package io.blueshift.hwprofiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TuningParametersTest {
    private static HardwareProfile withL2(long l2, int effectiveCores) {
        return new HardwareProfile("test", 8, 4, effectiveCores, -1, 32 << 10, l2, 32 << 20, 64, 1L << 34, -1);
    }

    @Test
    void oneMebibyteL2() {
        // 8 columns x 8 bytes x 8192 rows = 512 KiB = half of L2; 16 MiB table / 1 MiB = 2^4
        assertEquals(new TuningParameters(8192, 8192 * 64, 4, 8), TuningParameters.derive(withL2(1 << 20, 8)));
    }

    @Test
    void nonPowerOfTwoL2RoundsBatchDownAndBitsUp() {
        // 1.25 MiB: 640 KiB / 64 = 10240 -> 8192 rows; 16 / 1.25 = 12.8 -> 4 bits
        TuningParameters t = TuningParameters.derive(withL2(1280 << 10, 2));
        assertEquals(8192, t.batchRows());
        assertEquals(4, t.hashPartitionBits());
        assertEquals(2, t.threads());
    }

    @Test
    void clampsAtBothEnds() {
        TuningParameters tiny = TuningParameters.derive(withL2(64 << 10, 1));
        assertEquals(1024, tiny.batchRows());
        assertEquals(8, tiny.hashPartitionBits());
        TuningParameters huge = TuningParameters.derive(withL2(256L << 20, 1));
        assertEquals(65536, huge.batchRows());
        assertEquals(0, huge.hashPartitionBits());
        TuningParameters absurd = TuningParameters.derive(withL2(1024, 1));
        assertEquals(12, absurd.hashPartitionBits());
    }

    @Test
    void fixturesDeriveFromDetectedProfiles() {
        assertEquals(new TuningParameters(16384, 16384 * 64, 3, 1),
                TuningParameters.derive(HardwareProfile.detect(HardwareProfileTest.fixture("container"))));
        // unknown L2 falls back to the default's assumed 512 KiB
        TuningParameters sparse = TuningParameters.derive(HardwareProfile.detect(HardwareProfileTest.fixture("sparse")));
        assertEquals(new TuningParameters(4096, 4096 * 64, 5, 3), sparse);
    }

    @Test
    void defaultsUseJvmProcessors() {
        TuningParameters d = TuningParameters.defaults();
        assertEquals(4096, d.batchRows());
        assertEquals(64 * 4096, d.morselRows());
        assertEquals(5, d.hashPartitionBits());
        assertEquals(Runtime.getRuntime().availableProcessors(), d.threads());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new TuningParameters(0, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new TuningParameters(1024, 512, 0, 1));
    }
}
