package io.blueshift.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

import io.blueshift.kernels.BitUnpackKernels;
import io.blueshift.kernels.ScalarBitUnpackKernels;
import org.junit.jupiter.api.Test;

/** The warm-up gate: who gets which values before and after it opens, and when it opens. */
class WarmingBitUnpackKernelsTest {
    /** A "vector" kernel that is the scalar twin, counting the values it is given, optionally slow. */
    private static final class Counting implements BitUnpackKernels {
        final AtomicInteger values = new AtomicInteger();
        final long sleepNanos;

        Counting(long sleepNanos) {
            this.sleepNanos = sleepNanos;
        }

        private void work(int count) {
            values.addAndGet(count);
            if (sleepNanos > 0 && count > 0) {
                long end = System.nanoTime() + sleepNanos;
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
            }
        }

        @Override
        public void unpack(byte[] src, int srcByte, int bitWidth, int[] out, int outPos, int count) {
            work(count);
            ScalarBitUnpackKernels.INSTANCE.unpack(src, srcByte, bitWidth, out, outPos, count);
        }

        @Override
        public void gatherInt64(long[] dict, int[] idx, int count, MemorySegment out, long outByte) {
            work(count);
            ScalarBitUnpackKernels.INSTANCE.gatherInt64(dict, idx, count, out, outByte);
        }

        @Override
        public void gatherInt32(int[] dict, int[] idx, int count, MemorySegment out, long outByte) {
            work(count);
            ScalarBitUnpackKernels.INSTANCE.gatherInt32(dict, idx, count, out, outByte);
        }
    }

    private static int[] unpackOnce(BitUnpackKernels k, byte[] packed, int n) {
        int[] out = new int[n];
        k.unpack(packed, 0, 5, out, 0, n);
        return out;
    }

    @Test
    void aSlowVectorKernelGetsOnlyProbesAndTrials() {
        Counting slow = new Counting(1_000_000); // 1 ms a call: far over the threshold
        WarmingBitUnpackKernels gated = new WarmingBitUnpackKernels(slow, ScalarBitUnpackKernels.INSTANCE);
        byte[] packed = new byte[4096 * 5 / 8 + 8];
        new java.util.Random(1).nextBytes(packed);
        int[] want = unpackOnce(ScalarBitUnpackKernels.INSTANCE, packed, 4096);
        int calls = 4 * WarmingBitUnpackKernels.TRIAL_PERIOD;
        for (int i = 0; i < calls; i++) {
            assertArrayEquals(want, unpackOnce(gated, packed, 4096));
        }
        assertFalse(gated.warm());
        int trials = calls / WarmingBitUnpackKernels.TRIAL_PERIOD;
        assertEquals(trials * WarmingBitUnpackKernels.TRIAL + (calls - trials) * WarmingBitUnpackKernels.PROBE, slow.values.get());
    }

    @Test
    void aFastVectorKernelTakesEverythingAfterTwoTrials() {
        Counting fast = new Counting(0);
        // any trial under a second counts as fast here: the gate opens after its second trial
        WarmingBitUnpackKernels gated = new WarmingBitUnpackKernels(fast, ScalarBitUnpackKernels.INSTANCE, 1e9 / 512);
        byte[] packed = new byte[4096 * 5 / 8 + 8];
        new java.util.Random(2).nextBytes(packed);
        int[] want = unpackOnce(ScalarBitUnpackKernels.INSTANCE, packed, 4096);
        for (int i = 0; i < 2 * WarmingBitUnpackKernels.TRIAL_PERIOD; i++) {
            assertArrayEquals(want, unpackOnce(gated, packed, 4096));
        }
        int before = fast.values.get();
        assertArrayEquals(want, unpackOnce(gated, packed, 4096));
        assertEquals(4096, fast.values.get() - before, "an open gate hands the whole call to the vector kernel");
    }

    @Test
    void shortCallsAreNeverTrials() {
        WarmingBitUnpackKernels.Gate g = new WarmingBitUnpackKernels.Gate(WarmingBitUnpackKernels.FAST_NANOS_PER_VALUE);
        for (int i = 0; i < 100; i++) {
            int split = g.split(100);
            assertTrue(split >= 0 && split <= WarmingBitUnpackKernels.PROBE);
        }
        assertEquals(WarmingBitUnpackKernels.PROBE, g.split(1_000) >= 0 ? WarmingBitUnpackKernels.PROBE : -1);
    }
}
