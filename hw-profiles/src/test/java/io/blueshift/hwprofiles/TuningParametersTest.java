package io.blueshift.hwprofiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class TuningParametersTest {
    private static HardwareProfile withL2(long l2, int effectiveCores) {
        return new HardwareProfile("test", 8, 4, effectiveCores, -1, 32 << 10, l2, 32 << 20, 64, 1L << 34, 1, -1);
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
    void simdFollowsVectorWidthThenCalibration() {
        HardwareProfile p = withL2(1 << 20, 4);
        assertTrue(TuningParameters.derive(p).simd(), "unknown width: let the kernel lookup decide");
        assertTrue(TuningParameters.derive(p.withVectorBits(512)).simd());
        assertTrue(TuningParameters.derive(p.withVectorBits(256)).simd());
        assertFalse(TuningParameters.derive(p.withVectorBits(128)).simd());
        Calibration slowSimd = calibration(2048, 2.0, 3.0);
        TuningParameters.Derivation d = TuningParameters.derive(p.withVectorBits(512), Optional.empty(), Optional.of(slowSimd));
        assertFalse(d.parameters().simd());
        assertTrue(d.choices().get(4).source().startsWith("measured"), d.choices().toString());
    }

    @Test
    void calibratedBatchRowsWinOverTheL2Rule() {
        TuningParameters.Derivation d = TuningParameters.derive(withL2(1 << 20, 4), Optional.empty(),
                Optional.of(calibration(2048, 3.0, 9.0)));
        assertEquals(2048, d.parameters().batchRows());
        assertEquals(2048 * 64, d.parameters().morselRows());
        assertEquals(4, d.parameters().hashPartitionBits(), "partition bits stay on the rule");
        String why = d.choices().getFirst().source();
        assertTrue(why.startsWith("measured: 2048 (10.0 ms) measured faster than the L2 rule's 8192, sweep of 2 batch sizes on "
                + "group-by sum, calibrated 2026-11-25"), why);
        Calibration unmeasured = calibration(-1, -1, -1);
        assertEquals(8192, TuningParameters.derive(withL2(1 << 20, 4), Optional.empty(), Optional.of(unmeasured))
                .parameters().batchRows());
    }

    private static List<Calibration.SweepPoint> sweep(double... msFrom1024) {
        List<Calibration.SweepPoint> points = new java.util.ArrayList<>();
        for (int i = 0; i < msFrom1024.length; i++) points.add(new Calibration.SweepPoint(1024 << i, msFrom1024[i]));
        return points;
    }

    @Test
    void sweepConfirmsTheL2RuleUnlessAnotherSizeIsMoreThanTenPercentFaster() {
        // 1024 .. 65536; the rule's 8192 is the fourth point
        assertEquals(8192, TuningParameters.confirmBatchRows(sweep(120, 110, 105, 100, 99, 98, 95), 8192),
                "65536 is 5% faster: inside the margin, the rule stays");
        assertEquals(8192, TuningParameters.confirmBatchRows(sweep(120, 110, 105, 100, 99, 98, 91), 8192),
                "9% faster: still the rule");
        assertEquals(65536, TuningParameters.confirmBatchRows(sweep(120, 110, 105, 100, 99, 98, 89), 8192),
                "11% faster: the measurement wins");
        assertEquals(2048, TuningParameters.confirmBatchRows(sweep(60, 50, 70, 100, 99, 98, 97), 8192),
                "the fastest point, not the first one past the margin");
        assertEquals(8192, TuningParameters.confirmBatchRows(sweep(120, 110, 105, 100), 8192), "the rule is the fastest");
        assertEquals(16384, TuningParameters.confirmBatchRows(sweep(10, 20), 16384), "rule not swept: kept");
        assertEquals(8192, TuningParameters.confirmBatchRows(List.of(), 8192));
    }

    @Test
    void explainSaysTheSweepConfirmedTheRule() {
        Calibration c = calibration(8192, 8.0, 4.0);
        Calibration confirmed = new Calibration(c.date(), c.cpuModel(), c.threads(), c.quick(), c.seconds(), c.readGBsOneCore(),
                c.readGBsAllCores(), c.latencyNs(), c.filterScalarGBs(), c.filterSimdGBs(), c.hashScalarGBs(), c.hashSimdGBs(),
                "mixed pipeline: scan -> filter -> probe -> group by", sweep(120, 110, 105, 100, 99, 98, 95), 8192, 8192);
        TuningParameters.Derivation d = TuningParameters.derive(withL2(1 << 20, 4), Optional.empty(), Optional.of(confirmed));
        assertEquals(8192, d.parameters().batchRows());
        String why = d.choices().getFirst().source();
        assertEquals("measured: the L2 rule's 8192 (100.0 ms) confirmed (no other size more than 10% faster), sweep of 7 "
                + "batch sizes on mixed pipeline: scan -> filter -> probe -> group by, calibrated 2026-11-25", why);
    }

    @Test
    void offloadOnlyWithAnAccelerator() {
        assertEquals(-1, TuningParameters.derive(withL2(1 << 20, 4)).offloadMinRows());
        Accelerator aqua = new Accelerator("aqua", "scan/filter", List.of("scan", "filter"), 65536);
        TuningParameters.Derivation d = TuningParameters.derive(withL2(1 << 20, 4), Optional.of(aqua), Optional.empty());
        assertEquals(65536, d.parameters().offloadMinRows());
        assertTrue(d.choices().getLast().source().contains("aqua"));
    }

    @Test
    void everyParameterIsExplained() {
        TuningParameters.Derivation d = TuningParameters.derive(HardwareProfile.detect(HardwareProfileTest.fixture("container")),
                Optional.empty(), Optional.empty());
        assertEquals(List.of("batchRows", "morselRows", "hashPartitionBits", "threads", "simd", "offloadMinRows"),
                d.choices().stream().map(TuningParameters.Choice::parameter).toList());
        assertTrue(d.choices().get(3).source().contains("cgroup CPU quota of 1.00"), d.choices().get(3).source());
        assertTrue(d.choices().getFirst().source().contains("L2 2 MiB"), d.choices().getFirst().source());
    }

    static Calibration calibration(int batchRows, double simdGBs, double scalarGBs) {
        return new Calibration("2026-11-25", "test", 4, true, 5.0, 20, 30, 90, scalarGBs, simdGBs, 4, 8,
                "group-by sum", List.of(new Calibration.SweepPoint(1024, 12.0), new Calibration.SweepPoint(2048, 10.0)),
                batchRows, 8192);
    }

    static Calibration calibrationWithJoin(int batchRows, int bits) {
        Calibration c = calibration(batchRows, 8.0, 4.0);
        return new Calibration(c.date(), c.cpuModel(), c.threads(), c.quick(), c.seconds(), c.readGBsOneCore(),
                c.readGBsAllCores(), c.latencyNs(), c.filterScalarGBs(), c.filterSimdGBs(), c.hashScalarGBs(), c.hashSimdGBs(),
                c.sweepWorkload(), c.batchSweep(), c.batchRows(), c.ruleBatchRows(), "join 128K x 512K",
                List.of(new Calibration.PartitionPoint(0, 30.0), new Calibration.PartitionPoint(6, 20.0),
                        new Calibration.PartitionPoint(12, 25.0)), bits, 5);
    }

    @Test
    void calibratedPartitionBitsWinOverTheL2Rule() {
        HardwareProfile hw = HardwareProfile.detect(HardwareProfileTest.fixture("container"));
        int rule = TuningParameters.derive(hw).hashPartitionBits();
        assertEquals(TuningParameters.rulePartitionBits(hw.l2Bytes()), rule);
        TuningParameters.Derivation d = TuningParameters.derive(hw, Optional.empty(), Optional.of(calibrationWithJoin(2048, 6)));
        assertEquals(6, d.parameters().hashPartitionBits());
        String why = d.choices().get(2).source();
        assertTrue(why.startsWith("measured: fastest of 3 partition-bit counts on join 128K x 512K (20.0 ms)"), why);
        assertTrue(why.endsWith("the L2 rule alone gives " + rule), why);
        // a calibration without the join sweep keeps the rule
        TuningParameters.Derivation old = TuningParameters.derive(hw, Optional.empty(), Optional.of(calibration(2048, 8.0, 4.0)));
        assertEquals(rule, old.parameters().hashPartitionBits());
        assertTrue(old.choices().get(2).source().startsWith("rule: "), old.choices().get(2).source());
        assertThrows(IllegalArgumentException.class, () -> calibrationWithJoin(2048, 13));
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new TuningParameters(0, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new TuningParameters(1024, 512, 0, 1));
    }
}
