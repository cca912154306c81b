package io.blueshift.storage;

import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Distinct counts from a sample of blocks: the extrapolation holds for the shapes files have
 * (keys sorted or appended in order, values drawn from a domain, low cardinality, unique
 * keys, cycles), within 15% of the count over every row.
 */
class DistinctCountTest {
    private static final int ROWS = 1_600_000;
    private static final int BLOCK = 20_000; // 80 blocks: 16 of them sampled

    MemoryPool pool;

    @BeforeEach
    void open() { pool = MemoryPool.root("distinct test", 1L << 30); }

    @AfterEach
    void close() { pool.close(); }

    private InMemoryTable table(LongUnaryOperator value, boolean someNulls) {
        try (TableBuilder b = new TableBuilder(pool, "t", new Schema(List.of(new Field("v", DataType.INT64, true))), BLOCK)) {
            for (int i = 0; i < ROWS; i++) {
                if (someNulls && i % 5 == 0) {
                    b.setNull(0);
                } else {
                    b.setLong(0, value.applyAsLong(i));
                }
                b.endRow();
            }
            return b.build();
        }
    }

    private void check(String shape, LongUnaryOperator value, boolean someNulls) {
        try (InMemoryTable t = table(value, someNulls)) {
            long all = DistinctCount.estimate(t, 0);
            long sampled = DistinctCount.estimateSampled(t, 0, null, DistinctCount.SAMPLE_BLOCKS);
            double error = Math.abs(sampled - all) / (double) all;
            assertTrue(error < 0.15, shape + (someNulls ? " with nulls" : "") + ": sampled " + sampled + " against " + all + " over every row");
        }
    }

    @Test
    void sampledCountsFollowTheCountOverEveryRow() {
        SplittableRandom seed = new SplittableRandom(7);
        long salt = seed.nextLong();
        for (boolean nulls : new boolean[] {false, true}) {
            check("unique keys in order", i -> i, nulls);
            check("keys in order, four rows each (order lines)", i -> i / 4, nulls);
            check("unique keys shuffled", i -> mix(i ^ salt), nulls);
            check("a domain of 1,000,000 drawn at random", i -> Math.floorMod(mix(i + salt), 1_000_000L), nulls);
            check("a domain of 200,000 drawn at random", i -> Math.floorMod(mix(i + salt), 200_000L), nulls);
            check("a domain of 2,526 (dates)", i -> Math.floorMod(mix(i + salt), 2_526L), nulls);
            check("seven values", i -> Math.floorMod(mix(i + salt), 7L), nulls);
            check("a cycle of 100,000", i -> i % 100_000, nulls);
            check("a domain of 20,000 per block, blocks apart (clustered groups)", i -> (i / BLOCK) * 1_000_000L + Math.floorMod(mix(i + salt), 20_000L), nulls);
        }
    }

    @Test
    void extrapolationStaysWithinTheSampleAndTheTable() {
        assertEquals(7, DistinctCount.extrapolate(7, 7 * 16, 320_000, 16, 1_600_000));
        assertEquals(1_600_000, DistinctCount.extrapolate(330_000, 330_000, 320_000, 16, 1_600_000), "a unique sample: about every row");
        long clustered = DistinctCount.extrapolate(80_000, 80_000, 320_000, 16, 1_600_000);
        assertTrue(Math.abs(clustered - 400_000) < 4_000, "disjoint blocks scale with the rows: " + clustered);
        assertEquals(5, DistinctCount.extrapolate(5, 40, 10, 4, 10), "a sample of every row is the count");
    }

    private static long mix(long x) {
        x ^= x >>> 31;
        x *= 0x7fb5d329728ea185L;
        x ^= x >>> 27;
        x *= 0x81dadef4bc2dd44dL;
        return x ^ (x >>> 33);
    }
}
