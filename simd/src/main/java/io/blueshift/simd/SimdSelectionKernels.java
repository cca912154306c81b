package io.blueshift.simd;

import static io.blueshift.simd.SimdSpecies.ORDER;

import java.lang.foreign.MemorySegment;

import io.blueshift.kernels.BitmapWords;
import io.blueshift.kernels.ScalarSelectionKernels;
import io.blueshift.kernels.SelectionKernels;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link #fromBitmap} compresses row ids a vector at a time and skips empty 64-row words;
 * AND, OR and NOT are data-dependent merges of sorted lists, which stay scalar.
 */
final class SimdSelectionKernels implements SelectionKernels {
    static final SimdSelectionKernels INSTANCE = new SimdSelectionKernels();

    private static final SelectionKernels SCALAR = ScalarSelectionKernels.INSTANCE;
    private static final VectorSpecies<Integer> INT = SimdSpecies.INT;

    private SimdSelectionKernels() {}

    @Override
    public int and(MemorySegment a, int aCount, MemorySegment b, int bCount, MemorySegment out) {
        return SCALAR.and(a, aCount, b, bCount, out);
    }

    @Override
    public int or(MemorySegment a, int aCount, MemorySegment b, int bCount, MemorySegment out) {
        return SCALAR.or(a, aCount, b, bCount, out);
    }

    /** 0, 1, 2, ... as a constant (see SimdFilterKernels.FIRST_IDS). */
    private static final IntVector IOTA = IntVector.zero(INT).addIndex(1);

    @Override
    public int complement(MemorySegment a, int aCount, int count, MemorySegment out) {
        return SCALAR.complement(a, aCount, count, out);
    }

    @Override
    public int fromBitmap(MemorySegment bitmap, int count, MemorySegment out) {
        int lanes = INT.length();
        long laneBits = lanes == 64 ? -1L : (1L << lanes) - 1;
        IntVector iota = IOTA;
        int k = 0;
        int fullWords = count >>> 6;
        for (int w = 0; w < fullWords; w++) {
            long word = BitmapWords.word(bitmap, w);
            if (word == 0) {
                continue;
            }
            for (int j = 0; j < 64; j += lanes) {
                VectorMask<Integer> set = VectorMask.fromLong(INT, (word >>> j) & laneBits);
                // k <= row id, so a full store stays inside the room for count ids
                // ids made afresh, not carried over from the last j (see SimdFilterKernels NO_CARRIED_VECTOR)
                iota.add((w << 6) + j).compress(set).intoMemorySegment(out, (long) k << 2, ORDER);
                k += set.trueCount();
            }
        }
        int rest = count - (fullWords << 6);
        if (rest > 0) {
            long word = BitmapWords.word(bitmap, fullWords) & ((1L << rest) - 1);
            for (int j = 0; j < rest; j++) {
                out.setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, k, (fullWords << 6) + j);
                k += (int) ((word >>> j) & 1);
            }
        }
        return k;
    }
}
