package io.blueshift.simd;

import static io.blueshift.simd.SimdSpecies.ORDER;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import io.blueshift.kernels.BitUnpackKernels;
import io.blueshift.kernels.ScalarBitUnpackKernels;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Bit-unpacking a vector of values at a time: one load of a full byte vector, a byte shuffle
 * that gives each lane the bytes its value starts in (the same pattern for every step, as a
 * step ends on a byte boundary), a per-lane right shift and a mask. Values that fit a 32-bit
 * window whatever their bit offset go in int lanes (16 a step with 512-bit vectors); wider
 * ones in long lanes (8 a step) narrowed to ints. Dictionary lookup is a vector gather
 * written straight into the output. Tails, and input too near the end of the array for a
 * full-vector load, go to the scalar twin.
 */
final class SimdBitUnpackKernels implements BitUnpackKernels {
    static final SimdBitUnpackKernels INSTANCE = new SimdBitUnpackKernels();

    private static final BitUnpackKernels SCALAR = ScalarBitUnpackKernels.INSTANCE;
    private static final VectorSpecies<Byte> BYTE = SimdSpecies.BYTE;
    private static final VectorSpecies<Integer> INT = SimdSpecies.INT;
    private static final VectorSpecies<Long> LONG = SimdSpecies.LONG;
    private static final VectorSpecies<Integer> INT_PER_LONG = SimdSpecies.INT_PER_LONG;
    private static final int BYTES = BYTE.length();
    private static final boolean LITTLE = ORDER == ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfLong OUT_LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt OUT_INT = ValueLayout.JAVA_INT_UNALIGNED;

    /** Per bit width: 1 = int lanes, 2 = long lanes, 0 = scalar only. */
    private static final int[] PATH = new int[33];
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Byte>[] SHUFFLES = new VectorShuffle[33];
    private static final IntVector[] INT_SHIFTS = new IntVector[33];
    private static final LongVector[] LONG_SHIFTS = new LongVector[33];

    static {
        for (int w = 1; w <= 32; w++) {
            if (LITTLE && INT.length() % 8 == 0 && fits(INT.length(), w, 4)) {
                PATH[w] = 1;
                SHUFFLES[w] = shuffle(INT.length(), w, 4);
                int[] shifts = new int[INT.length()];
                for (int j = 0; j < shifts.length; j++) {
                    shifts[j] = (j * w) & 7;
                }
                INT_SHIFTS[w] = IntVector.fromArray(INT, shifts, 0);
            } else if (LITTLE && LONG.length() % 8 == 0 && fits(LONG.length(), w, 8)) {
                PATH[w] = 2;
                SHUFFLES[w] = shuffle(LONG.length(), w, 8);
                long[] shifts = new long[LONG.length()];
                for (int j = 0; j < shifts.length; j++) {
                    shifts[j] = (j * w) & 7;
                }
                LONG_SHIFTS[w] = LongVector.fromArray(LONG, shifts, 0);
            }
        }
    }

    /** Whether {@code lanes} values of {@code w} bits each fit a {@code laneBytes} window at their first byte. */
    private static boolean fits(int lanes, int w, int laneBytes) {
        for (int j = 0; j < lanes; j++) {
            if (((j * w) & 7) + w > laneBytes * 8 || ((j * w) >>> 3) + laneBytes > BYTES) {
                return false;
            }
        }
        return true;
    }

    /** Byte {@code k} of lane {@code j} comes from byte {@code j*w/8 + k} of the loaded vector. */
    private static VectorShuffle<Byte> shuffle(int lanes, int w, int laneBytes) {
        int[] idx = new int[BYTES];
        for (int j = 0; j < lanes; j++) {
            for (int k = 0; k < laneBytes; k++) {
                idx[j * laneBytes + k] = ((j * w) >>> 3) + k;
            }
        }
        return VectorShuffle.fromArray(BYTE, idx, 0);
    }

    private SimdBitUnpackKernels() {}

    @Override
    public void unpack(byte[] src, int srcByte, int bitWidth, int[] out, int outPos, int count) {
        if (bitWidth <= 0 || bitWidth > 32 || PATH[bitWidth] == 0) {
            SCALAR.unpack(src, srcByte, bitWidth, out, outPos, count);
            return;
        }
        int done = PATH[bitWidth] == 1
                ? unpackInts(src, srcByte, bitWidth, out, outPos, count)
                : unpackLongs(src, srcByte, bitWidth, out, outPos, count);
        // every step ends on a byte boundary
        SCALAR.unpack(src, srcByte + (int) ((long) done * bitWidth >>> 3), bitWidth, out, outPos + done, count - done);
    }

    private static int unpackInts(byte[] src, int srcByte, int w, int[] out, int outPos, int count) {
        final int step = INT.length();
        final int stepBytes = step * w >>> 3;
        final VectorShuffle<Byte> shuffle = SHUFFLES[w];
        final IntVector shifts = INT_SHIFTS[w];
        final int mask = (int) ((1L << w) - 1);
        int p = srcByte;
        int i = 0;
        for (; i <= count - step && p <= src.length - BYTES; i += step, p += stepBytes) {
            ByteVector.fromArray(BYTE, src, p).rearrange(shuffle).reinterpretAsInts()
                    .lanewise(VectorOperators.LSHR, shifts).and(mask)
                    .intoArray(out, outPos + i);
        }
        return i;
    }

    private static int unpackLongs(byte[] src, int srcByte, int w, int[] out, int outPos, int count) {
        final int step = LONG.length();
        final int stepBytes = step * w >>> 3;
        final VectorShuffle<Byte> shuffle = SHUFFLES[w];
        final LongVector shifts = LONG_SHIFTS[w];
        final long mask = (1L << w) - 1;
        int p = srcByte;
        int i = 0;
        for (; i <= count - step && p <= src.length - BYTES; i += step, p += stepBytes) {
            LongVector v = ByteVector.fromArray(BYTE, src, p).rearrange(shuffle).reinterpretAsLongs()
                    .lanewise(VectorOperators.LSHR, shifts).and(mask);
            ((IntVector) v.convertShape(VectorOperators.L2I, INT_PER_LONG, 0)).intoArray(out, outPos + i);
        }
        return i;
    }

    @Override
    public void gatherInt64(long[] dict, int[] idx, int count, MemorySegment out, long outByte) {
        int lanes = LONG.length();
        int i = 0;
        if (dict.length <= SMALL_DICT_VECTORS * lanes && INT_PER_LONG.length() == lanes) {
            i = selectSmall(dict, idx, count, out, outByte);
        }
        for (; i <= count - lanes; i += lanes) {
            LongVector.fromArray(LONG, dict, 0, idx, i).intoMemorySegment(out, outByte + 8L * i, ORDER);
        }
        for (; i < count; i++) {
            out.set(OUT_LONG, outByte + 8L * i, dict[idx[i]]);
        }
    }

    /**
     * Dictionaries up to this many vectors of values are looked up by permutes instead of
     * gathers (measured on Zen 5: 16 entries faster by permute; 50 entries, four permutes and
     * three blends a step, slower than the gather).
     */
    private static final int SMALL_DICT_VECTORS = 2;

    /**
     * A small dictionary (up to {@link #SMALL_DICT_VECTORS} vectors of values) stays in registers:
     * each pair of vectors answers the indices below 2 * lanes of its base with one two-vector
     * permute, and a blend on the index keeps the right pair's answer (no memory gather).
     * Indices are checked first, as the permutes would wrap them. Returns how many values it wrote.
     */
    private static int selectSmall(long[] dict, int[] idx, int count, MemorySegment out, long outByte) {
        int lanes = LONG.length();
        int pairs = (dict.length + 2 * lanes - 1) / (2 * lanes);
        long[] padded = java.util.Arrays.copyOf(dict, 2 * lanes * pairs);
        LongVector[] v = new LongVector[2 * pairs];
        for (int j = 0; j < v.length; j++) {
            v[j] = LongVector.fromArray(LONG, padded, j * lanes);
        }
        int size = dict.length;
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            IntVector k = IntVector.fromArray(INT_PER_LONG, idx, i);
            if (k.compare(VectorOperators.UGE, size).anyTrue()) {
                throw new IndexOutOfBoundsException("dictionary index out of range 0.." + (size - 1));
            }
            LongVector keys = (LongVector) k.convertShape(VectorOperators.I2L, LONG, 0);
            LongVector r = keys.selectFrom(v[0], v[1]);
            for (int p = 1; p < pairs; p++) {
                r = r.blend(keys.selectFrom(v[2 * p], v[2 * p + 1]), keys.compare(VectorOperators.GE, 2L * lanes * p));
            }
            r.intoMemorySegment(out, outByte + 8L * i, ORDER);
        }
        return i;
    }

    @Override
    public void gatherInt32(int[] dict, int[] idx, int count, MemorySegment out, long outByte) {
        int lanes = INT.length();
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            IntVector.fromArray(INT, dict, 0, idx, i).intoMemorySegment(out, outByte + 4L * i, ORDER);
        }
        for (; i < count; i++) {
            out.set(OUT_INT, outByte + 4L * i, dict[idx[i]]);
        }
    }
}
