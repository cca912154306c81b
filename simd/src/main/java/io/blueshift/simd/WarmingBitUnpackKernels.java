package io.blueshift.simd;

import java.lang.foreign.MemorySegment;

import io.blueshift.kernels.BitUnpackKernels;
import io.blueshift.kernels.ScalarBitUnpackKernels;

/**
 * The SIMD bit-unpacking kernels behind a warm-up gate. Until C2 has compiled a Vector API
 * kernel, the JVM runs it interpreted or C1-compiled, where every vector operation goes
 * through the API's Java fallback (an allocation per operation): tens of times slower than
 * the scalar twin. On a busy machine that phase lasts seconds (the compiler threads share
 * the cores with the query's workers), and a Parquet scan spends most of its first runs in it.
 * <p>
 * So while a kernel is not yet proven fast, each call gives the vector kernel only the first
 * {@link #PROBE} values (enough calls for the JIT to see it hot and compile it) and the scalar
 * twin the rest; every {@link #TRIAL_PERIOD}th call times the vector kernel on the first
 * {@link #TRIAL} values instead. Once two trials in a row run at under {@link #FAST_NANOS_PER_VALUE}
 * nanoseconds a value (only compiled vector code is that fast; the fallback takes several
 * times more), every later call goes to the vector kernel whole. A trial slowed by the
 * scheduler only delays the switch. Results are the same either way: both kernels write the
 * same values (the property tests check the twins against each other).
 * {@code -Dblueshift.simd.warmupGate=false} sends every call to the vector kernel from the start.
 */
final class WarmingBitUnpackKernels implements BitUnpackKernels {
    static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("blueshift.simd.warmupGate"));

    /** Values per call the vector kernel gets before it is proven (a multiple of 8: unpacking splits on a byte). */
    static final int PROBE = 16;
    /** Values a timed trial gives the vector kernel. */
    static final int TRIAL = 256;
    static final int TRIAL_PERIOD = 32;
    static final double FAST_NANOS_PER_VALUE = 2.0;

    private final BitUnpackKernels vector;
    private final BitUnpackKernels scalar;
    private final Gate unpack;
    private final Gate gather64;
    private final Gate gather32;

    WarmingBitUnpackKernels(BitUnpackKernels vector, BitUnpackKernels scalar) {
        this(vector, scalar, FAST_NANOS_PER_VALUE);
    }

    /** With another bar for "fast" (tests). */
    WarmingBitUnpackKernels(BitUnpackKernels vector, BitUnpackKernels scalar, double fastNanosPerValue) {
        this.vector = vector;
        this.scalar = scalar;
        this.unpack = new Gate(fastNanosPerValue);
        this.gather64 = new Gate(fastNanosPerValue);
        this.gather32 = new Gate(fastNanosPerValue);
    }

    static BitUnpackKernels of(BitUnpackKernels vector) {
        return ENABLED ? new WarmingBitUnpackKernels(vector, ScalarBitUnpackKernels.INSTANCE) : vector;
    }

    /** Whether every kernel now goes to the vector code whole (for tests and diagnostics). */
    boolean warm() {
        return unpack.open && gather64.open && gather32.open;
    }

    /** One kernel's warm-up state. Races between threads only shift when it opens. */
    static final class Gate {
        private final double fastNanosPerValue;
        volatile boolean open;
        private int calls;
        private int fastTrials;

        Gate(double fastNanosPerValue) {
            this.fastNanosPerValue = fastNanosPerValue;
        }

        /** How many leading values this call gives the vector kernel, and whether it is a timed trial (negative). */
        int split(int count) {
            boolean trial = (++calls & (TRIAL_PERIOD - 1)) == 0 && count >= TRIAL;
            return trial ? -TRIAL : Math.min(count, PROBE);
        }

        void timed(long nanos, int values) {
            if (nanos <= values * fastNanosPerValue) {
                if (++fastTrials >= 2) {
                    open = true;
                }
            } else {
                fastTrials = 0;
            }
        }
    }

    @Override
    public void unpack(byte[] src, int srcByte, int bitWidth, int[] out, int outPos, int count) {
        if (unpack.open) {
            vector.unpack(src, srcByte, bitWidth, out, outPos, count);
            return;
        }
        int split = unpack.split(count);
        int head = Math.abs(split);
        long t0 = split < 0 ? System.nanoTime() : 0;
        vector.unpack(src, srcByte, bitWidth, out, outPos, head);
        if (split < 0) {
            unpack.timed(System.nanoTime() - t0, head);
        }
        // head is a multiple of 8 values: the rest starts on a byte
        scalar.unpack(src, srcByte + (int) ((long) head * bitWidth >>> 3), bitWidth, out, outPos + head, count - head);
    }

    @Override
    public void gatherInt64(long[] dict, int[] idx, int count, MemorySegment out, long outByte) {
        if (gather64.open) {
            vector.gatherInt64(dict, idx, count, out, outByte);
            return;
        }
        int split = gather64.split(count);
        int head = Math.abs(split);
        long t0 = split < 0 ? System.nanoTime() : 0;
        vector.gatherInt64(dict, idx, head, out, outByte);
        if (split < 0) {
            gather64.timed(System.nanoTime() - t0, head);
        }
        // the scalar twin's loop, from index head on (the interface takes indices from 0)
        for (int i = head; i < count; i++) {
            out.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, outByte + 8L * i, dict[idx[i]]);
        }
    }

    @Override
    public void gatherInt32(int[] dict, int[] idx, int count, MemorySegment out, long outByte) {
        if (gather32.open) {
            vector.gatherInt32(dict, idx, count, out, outByte);
            return;
        }
        int split = gather32.split(count);
        int head = Math.abs(split);
        long t0 = split < 0 ? System.nanoTime() : 0;
        vector.gatherInt32(dict, idx, head, out, outByte);
        if (split < 0) {
            gather32.timed(System.nanoTime() - t0, head);
        }
        for (int i = head; i < count; i++) {
            out.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, outByte + 4L * i, dict[idx[i]]);
        }
    }
}
