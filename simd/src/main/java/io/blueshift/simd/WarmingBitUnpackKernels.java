package io.blueshift.simd;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

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
 * <p>
 * The vector kernels are called through method handles held in non-final fields, which the JIT
 * cannot inline into the caller: each kernel is compiled on its own, where the Vector API's
 * intrinsics always fit. Inlined into the Parquet reader's decode loop (a direct call), the
 * kernel was compiled with its vector operations left as calls into the Java fallback (C2's
 * inlining budget spent on the caller: {@code IntVector::species} "too big", {@code fromArray0}
 * a "virtual call"), so no trial was ever fast and the gate stayed shut for whole SF 10 scans
 * (bench/RESULTS.md, end of session 6). A call through a handle costs a few nanoseconds; a call
 * here decodes up to thousands of values.
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
    // the vector kernel's methods bound to it: deliberately not final (see the class comment),
    // so the JIT never treats them as constants it could inline through
    private MethodHandle vectorUnpack;
    private MethodHandle vectorGather64;
    private MethodHandle vectorGather32;
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
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            this.vectorUnpack = lookup.findVirtual(BitUnpackKernels.class, "unpack", MethodType.methodType(void.class,
                    byte[].class, int.class, int.class, int[].class, int.class, int.class)).bindTo(vector);
            this.vectorGather64 = lookup.findVirtual(BitUnpackKernels.class, "gatherInt64", MethodType.methodType(void.class,
                    long[].class, int[].class, int.class, MemorySegment.class, long.class)).bindTo(vector);
            this.vectorGather32 = lookup.findVirtual(BitUnpackKernels.class, "gatherInt32", MethodType.methodType(void.class,
                    int[].class, int[].class, int.class, MemorySegment.class, long.class)).bindTo(vector);
        } catch (ReflectiveOperationException e) {
            throw new LinkageError("BitUnpackKernels methods not found", e);
        }
    }

    private void vectorUnpack(byte[] src, int srcByte, int bitWidth, int[] out, int outPos, int count) {
        try {
            vectorUnpack.invokeExact(src, srcByte, bitWidth, out, outPos, count);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t); // the interface declares no checked exceptions
        }
    }

    private void vectorGatherInt64(long[] dict, int[] idx, int count, MemorySegment out, long outByte) {
        try {
            vectorGather64.invokeExact(dict, idx, count, out, outByte);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private void vectorGatherInt32(int[] dict, int[] idx, int count, MemorySegment out, long outByte) {
        try {
            vectorGather32.invokeExact(dict, idx, count, out, outByte);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static BitUnpackKernels of(BitUnpackKernels vector) {
        WarmingBitUnpackKernels k = new WarmingBitUnpackKernels(vector, ScalarBitUnpackKernels.INSTANCE);
        if (!ENABLED) {
            // still called through the handles: only the gate is off
            k.unpack.open = true;
            k.gather64.open = true;
            k.gather32.open = true;
        }
        return k;
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
            vectorUnpack(src, srcByte, bitWidth, out, outPos, count);
            return;
        }
        int split = unpack.split(count);
        int head = Math.abs(split);
        long t0 = split < 0 ? System.nanoTime() : 0;
        vectorUnpack(src, srcByte, bitWidth, out, outPos, head);
        if (split < 0) {
            unpack.timed(System.nanoTime() - t0, head);
        }
        // head is a multiple of 8 values: the rest starts on a byte
        scalar.unpack(src, srcByte + (int) ((long) head * bitWidth >>> 3), bitWidth, out, outPos + head, count - head);
    }

    @Override
    public void gatherInt64(long[] dict, int[] idx, int count, MemorySegment out, long outByte) {
        if (gather64.open) {
            vectorGatherInt64(dict, idx, count, out, outByte);
            return;
        }
        int split = gather64.split(count);
        int head = Math.abs(split);
        long t0 = split < 0 ? System.nanoTime() : 0;
        vectorGatherInt64(dict, idx, head, out, outByte);
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
            vectorGatherInt32(dict, idx, count, out, outByte);
            return;
        }
        int split = gather32.split(count);
        int head = Math.abs(split);
        long t0 = split < 0 ? System.nanoTime() : 0;
        vectorGatherInt32(dict, idx, head, out, outByte);
        if (split < 0) {
            gather32.timed(System.nanoTime() - t0, head);
        }
        for (int i = head; i < count; i++) {
            out.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, outByte + 4L * i, dict[idx[i]]);
        }
    }
}
