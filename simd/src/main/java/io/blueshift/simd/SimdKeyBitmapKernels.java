package io.blueshift.simd;

import static io.blueshift.simd.SimdSpecies.ORDER;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.blueshift.kernels.BitmapWords;
import io.blueshift.kernels.KeyBitmapKernels;
import io.blueshift.kernels.ScalarKeyBitmapKernels;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link KeyBitmapKernels} a vector of keys at a time: the bitmap offsets computed in long
 * lanes, the range tested unsigned, the words gathered from the bitmap by index, the bits
 * shifted out per lane and the kept row ids compressed into {@code out}. Keys of selected rows
 * are first copied into a small array (the Vector API gathers only from arrays); the rows
 * under a whole vector go to the scalar twin.
 */
final class SimdKeyBitmapKernels implements KeyBitmapKernels {
    static final SimdKeyBitmapKernels INSTANCE = new SimdKeyBitmapKernels();

    private static final KeyBitmapKernels SCALAR = ScalarKeyBitmapKernels.INSTANCE;
    private static final VectorSpecies<Long> LONG = SimdSpecies.LONG;
    private static final VectorSpecies<Integer> IDS = SimdSpecies.INT_PER_LONG;
    private static final ValueLayout.OfInt INT_LAYOUT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG_LAYOUT = ValueLayout.JAVA_LONG_UNALIGNED;
    /** 0, 1, 2, ... in int lanes as many as a long vector has. */
    private static final IntVector IOTA = IntVector.zero(IDS).addIndex(1);
    /** Keys of selected rows copied per round (a multiple of any lane count). */
    private static final int CHUNK = 256;

    private SimdKeyBitmapKernels() {}

    @Override
    public int keepExact64(long[] bits, long min, long range, MemorySegment data, MemorySegment validity, int[] sel, int n, int[] out) {
        return keep(bits, min, range, 0, 0, false, data, validity, sel, n, out);
    }

    @Override
    public int keepExact32(long[] bits, long min, long range, MemorySegment data, MemorySegment validity, int[] sel, int n, int[] out) {
        return keep(bits, min, range, 0, 0, true, data, validity, sel, n, out);
    }

    @Override
    public int keepHashed64(long[] bits, long multiplier, int shift, MemorySegment data, MemorySegment validity, int[] sel, int n, int[] out) {
        return keep(bits, 0, 0, multiplier, shift, false, data, validity, sel, n, out);
    }

    @Override
    public int keepHashed32(long[] bits, long multiplier, int shift, MemorySegment data, MemorySegment validity, int[] sel, int n, int[] out) {
        return keep(bits, 0, 0, multiplier, shift, true, data, validity, sel, n, out);
    }

    /** Exact when {@code range > 0}, else hashed by {@code multiplier} and {@code shift}. */
    private static int keep(long[] bits, long min, long range, long multiplier, int shift, boolean four,
                            MemorySegment data, MemorySegment validity, int[] sel, int n, int[] out) {
        int lanes = LONG.length();
        int whole = n - n % lanes;
        int[] index = new int[lanes];
        int k = 0;
        if (sel == null) {
            for (int i = 0; i < whole; i += lanes) {
                LongVector v = four
                        ? (LongVector) IntVector.fromMemorySegment(IDS, data, (long) i << 2, ORDER).castShape(LONG, 0)
                        : LongVector.fromMemorySegment(LONG, data, (long) i << 3, ORDER);
                VectorMask<Long> keep = test(bits, min, range, multiplier, shift, v, index);
                if (validity != null) {
                    keep = keep.and(VectorMask.fromLong(LONG, BitmapWords.lanes(validity, i, lanes)));
                }
                VectorMask<Integer> kept = keep.cast(IDS);
                // k <= i: the whole vector stored at k stays inside the n rows of out
                IOTA.add(i).compress(kept).intoArray(out, k);
                k += kept.trueCount();
            }
        } else {
            long[] keys = new long[Math.min(CHUNK, whole)];
            for (int from = 0; from < whole; from += CHUNK) {
                int to = Math.min(whole, from + CHUNK);
                if (four) {
                    for (int i = from; i < to; i++) {
                        keys[i - from] = data.get(INT_LAYOUT, (long) sel[i] << 2);
                    }
                } else {
                    for (int i = from; i < to; i++) {
                        keys[i - from] = data.get(LONG_LAYOUT, (long) sel[i] << 3);
                    }
                }
                for (int i = from; i < to; i += lanes) {
                    LongVector v = LongVector.fromArray(LONG, keys, i - from);
                    VectorMask<Long> keep = test(bits, min, range, multiplier, shift, v, index);
                    if (validity != null) {
                        long valid = 0;
                        for (int j = 0; j < lanes; j++) {
                            valid |= (long) BitmapWords.bit(validity, sel[i + j]) << j;
                        }
                        keep = keep.and(VectorMask.fromLong(LONG, valid));
                    }
                    VectorMask<Integer> kept = keep.cast(IDS);
                    // the ids at i are loaded before the store at k <= i may overwrite them (out may be sel)
                    IntVector.fromArray(IDS, sel, i).compress(kept).intoArray(out, k);
                    k += kept.trueCount();
                }
            }
        }
        if (whole == n) {
            return k;
        }
        // the tail through the scalar twin, its candidates moved to the front of out first
        int[] tail = new int[n - whole];
        for (int i = whole; i < n; i++) {
            tail[i - whole] = sel == null ? i : sel[i];
        }
        int[] kept = new int[tail.length];
        int t = range > 0
                ? (four ? SCALAR.keepExact32(bits, min, range, data, validity, tail, tail.length, kept)
                        : SCALAR.keepExact64(bits, min, range, data, validity, tail, tail.length, kept))
                : (four ? SCALAR.keepHashed32(bits, multiplier, shift, data, validity, tail, tail.length, kept)
                        : SCALAR.keepHashed64(bits, multiplier, shift, data, validity, tail, tail.length, kept));
        System.arraycopy(kept, 0, out, k, t);
        return k + t;
    }

    /** The lanes of {@code v} whose bit is set (exact: and in range). */
    private static VectorMask<Long> test(long[] bits, long min, long range, long multiplier, int shift,
                                         LongVector v, int[] index) {
        LongVector off;
        VectorMask<Long> in;
        LongVector word;
        if (range > 0) {
            off = v.sub(min);
            in = off.compare(VectorOperators.ULT, range);
            word = off.lanewise(VectorOperators.LSHR, 6).blend(0L, in.not());
        } else {
            off = v.mul(multiplier).lanewise(VectorOperators.LSHR, shift);
            in = null;
            word = off.lanewise(VectorOperators.LSHR, 6);
        }
        ((IntVector) word.castShape(IDS, 0)).intoArray(index, 0);
        LongVector words = LongVector.fromArray(LONG, bits, 0, index, 0);
        VectorMask<Long> set = words.lanewise(VectorOperators.LSHR, off).and(1L).compare(VectorOperators.NE, 0L);
        return in == null ? set : set.and(in);
    }
}
