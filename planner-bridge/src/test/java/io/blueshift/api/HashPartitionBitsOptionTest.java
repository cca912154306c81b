package io.blueshift.api;

import io.blueshift.gpu.offload.GpuMode;
import io.blueshift.hwprofiles.HardwareProfile;
import io.blueshift.hwprofiles.TuningParameters;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.Schema;
import io.blueshift.storage.InMemoryTable;
import io.blueshift.storage.TableBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Hash partition bits from a profile's tuning through Options to each query's context. */
class HashPartitionBitsOptionTest {
    @Test
    void defaultsFollowTheDetectedRuleAndTheWithMethodsKeepIt() {
        int rule = TuningParameters.derive(HardwareProfile.detect()).hashPartitionBits();
        assertEquals(rule, Options.defaults().hashPartitionBits());
        assertEquals(rule, new Options(2, 1024, 1L << 30, 1L << 30).hashPartitionBits());
        Options o = new Options(2, 1024, 1L << 30, 1L << 30).withHashPartitionBits(7);
        assertEquals(7, o.withThreads(3).withBatchRows(2048).withMemoryLimit(1L << 29).withQueryMemoryLimit(1L << 28)
                .withGpu(GpuMode.OFF).hashPartitionBits());
        assertEquals(3, o.withGpu(GpuMode.OFF).withThreads(3).threads());
    }

    @Test
    void fromTuningTakesTheProfilesBits() {
        TuningParameters t = new TuningParameters(4096, 4096 * 64, 9, 3);
        Options o = Options.fromTuning(t, 1L << 30);
        assertEquals(List.of(3, 4096, 9), List.of(o.threads(), o.batchRows(), o.hashPartitionBits()));
        assertEquals(GpuMode.AUTO, o.gpu());
    }

    @Test
    void outOfRangeBitsAreAClearError() {
        Options o = new Options(2, 1024, 1L << 30, 1L << 30);
        assertEquals("hash partition bits must be 0..12, got 13",
                assertThrows(IllegalArgumentException.class, () -> o.withHashPartitionBits(13)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> o.withHashPartitionBits(-1));
    }

    @Test
    void joinsGiveTheSameAnswerAtEveryPartitionBitCount() {
        String q = "SELECT COUNT(*), SUM(a.v + b.w) FROM t a JOIN u b ON a.k = b.k";
        List<List<Object>> expected = null;
        for (int bits : new int[] {0, 4, 12}) {
            Options o = new Options(2, 1024, 1L << 30, 1L << 30).withGpu(GpuMode.OFF).withHashPartitionBits(bits);
            try (Session s = Blueshift.open(o)) {
                assertEquals(bits, s.options().hashPartitionBits());
                s.register(table(s, "t", "v", 200_000, 50_000));
                s.register(table(s, "u", "w", 100_000, 100_000)); // the build: over the join's partitioning threshold
                try (QueryResult r = s.sql(q)) {
                    List<List<Object>> rows = r.rows();
                    if (expected == null) expected = rows;
                    assertEquals(expected, rows, "bits " + bits);
                }
            }
        }
        assertEquals(List.of(200_000L), expected.getFirst().subList(0, 1));
    }

    private static InMemoryTable table(Session s, String name, String value, int rows, int keys) {
        Schema schema = Schema.of(Field.of("k", DataType.INT64), Field.of(value, DataType.INT64));
        try (TableBuilder b = new TableBuilder(s.dataPool(), name, schema)) {
            for (int i = 0; i < rows; i++) {
                b.setLong(0, (i * 7919L) % keys);
                b.setLong(1, i);
                b.endRow();
            }
            return b.build();
        }
    }
}
