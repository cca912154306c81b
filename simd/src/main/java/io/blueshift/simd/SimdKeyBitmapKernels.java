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
 * lanes, the range tested unsigned, the bits read from the bitmap per lane into a mask and the
 * kept row ids compressed into {@code out}. Keys of selected rows are first copied into a small
 * array; the rows under a whole vector are tested one at a time.
 *
 * <p>Only Vector API calls that are {@code @ForceInline} down to their intrinsic are used, so
 * that no C2 inlining budget can leave one out of line: the bits are read lane by lane (the
 * API's gather looks up its index species with {@code IntVector.species(shape)}, which C2 inlines
 * only while the compile is small; refused, the gather and every operation after it ran in the
 * API's Java fallback, boxing each vector, in some processes and not others), and lanes change
 * width with {@code convertShape} and a constant conversion, not {@code castShape}, whose lookup
 * of the conversion is such a plain method too.
 */
final class SimdKeyBitmapKernels implements KeyBitmapKernels {
    static final SimdKeyBitmapKernels INSTANCE = new SimdKeyBitmapKernels();

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
        int whole = n - n % LONG.length();
        int k = sel == null ? exactRows64(bits, min, range, data, validity, whole, out)
                : exactSelected(bits, min, range, data, false, validity, sel, whole, out);
        return exactTail(bits, min, range, data, false, validity, sel, whole, n, out, k);
    }

    @Override
    public int keepExact32(long[] bits, long min, long range, MemorySegment data, MemorySegment validity, int[] sel, int n, int[] out) {
        int whole = n - n % LONG.length();
        int k = sel == null ? exactRows32(bits, min, range, data, validity, whole, out)
                : exactSelected(bits, min, range, data, true, validity, sel, whole, out);
        return exactTail(bits, min, range, data, true, validity, sel, whole, n, out, k);
    }

    @Override
    public int keepHashed64(long[] bits, long multiplier, int shift, MemorySegment data, MemorySegment validity, int[] sel, int n, int[] out) {
        int whole = n - n % LONG.length();
        int k = sel == null ? hashedRows64(bits, multiplier, shift, data, validity, whole, out)
                : hashedSelected(bits, multiplier, shift, data, false, validity, sel, whole, out);
        return hashedTail(bits, multiplier, shift, data, false, validity, sel, whole, n, out, k);
    }

    @Override
    public int keepHashed32(long[] bits, long multiplier, int shift, MemorySegment data, MemorySegment validity, int[] sel, int n, int[] out) {
        int whole = n - n % LONG.length();
        int k = sel == null ? hashedRows32(bits, multiplier, shift, data, validity, whole, out)
                : hashedSelected(bits, multiplier, shift, data, true, validity, sel, whole, out);
        return hashedTail(bits, multiplier, shift, data, true, validity, sel, whole, n, out, k);
    }

    // One loop per bitmap kind and key access, each with straight-line vector code: a vector or
    // mask that merges with another at a branch (or with null) is kept boxed by the JIT, on the heap.

    /*
     * Runs of RUN rows whose keys all miss the bitmap are dropped whole: the run's lowest and
     * highest key (vector min and max) bound its keys, and when the bitmap has no bit between
     * them (read from a few words) no row of the run is kept. That pays where probe keys are
     * clustered (a table stored in key order, several rows per key) and the bitmap is sparse:
     * most runs then fall between build keys. Where runs keep failing the test (keys spread
     * out, a dense bitmap) it is tried on ever fewer runs, so it costs little there.
     */

    /** Rows of a run tested as a whole (a multiple of any lane count). */
    private static final int RUN = 64;
    /** The most bitmap words read to rule a run out. */
    private static final int RUN_WORDS = 4;
    /** After failures (each doubles the wait, each success halves it) the test waits up to this many runs. */
    private static final int RUN_MAX_WAIT = 63;

    private static int exactRows64(long[] bits, long min, long range, MemorySegment data, MemorySegment validity, int whole, int[] out) {
        int lanes = LONG.length();
        long[] offsets = new long[lanes];
        int k = 0;
        int fails = 0;
        int wait = 0;
        for (int run = 0, end; run < whole; run = end) {
            if (wait == 0 && whole - run >= RUN) {
                if (runMisses64(bits, min, range, data, run)) {
                    fails >>>= 1;
                    end = run + RUN;
                    continue;
                }
                fails = Math.min(2 * fails + 1, RUN_MAX_WAIT);
                wait = fails;
                end = run + RUN;
            } else {
                // the runs the test waits out (or the last, short one) in one loop
                end = (int) Math.min(whole, run + (long) Math.max(wait, 1) * RUN);
                wait = 0;
            }
            for (int i = run; i < end; i += lanes) {
                LongVector off = LongVector.fromMemorySegment(LONG, data, (long) i << 3, ORDER).sub(min);
                VectorMask<Long> in = off.compare(VectorOperators.ULT, range);
                // lanes out of range read bit 0 of word 0 and are dropped by the mask
                off.blend(0L, in.not()).intoArray(offsets, 0);
                k = storeRows(i, bitsAt(bits, offsets) & in.toLong() & BitmapWords.lanes(validity, i, lanes), out, k);
            }
        }
        return k;
    }

    private static int exactRows32(long[] bits, long min, long range, MemorySegment data, MemorySegment validity, int whole, int[] out) {
        int lanes = LONG.length();
        long[] offsets = new long[lanes];
        int k = 0;
        int fails = 0;
        int wait = 0;
        for (int run = 0, end; run < whole; run = end) {
            if (wait == 0 && whole - run >= RUN) {
                if (runMisses32(bits, min, range, data, run)) {
                    fails >>>= 1;
                    end = run + RUN;
                    continue;
                }
                fails = Math.min(2 * fails + 1, RUN_MAX_WAIT);
                wait = fails;
                end = run + RUN;
            } else {
                // the runs the test waits out (or the last, short one) in one loop
                end = (int) Math.min(whole, run + (long) Math.max(wait, 1) * RUN);
                wait = 0;
            }
            for (int i = run; i < end; i += lanes) {
                LongVector off = ((LongVector) IntVector.fromMemorySegment(IDS, data, (long) i << 2, ORDER)
                        .convertShape(VectorOperators.I2L, LONG, 0)).sub(min);
                VectorMask<Long> in = off.compare(VectorOperators.ULT, range);
                off.blend(0L, in.not()).intoArray(offsets, 0);
                k = storeRows(i, bitsAt(bits, offsets) & in.toLong() & BitmapWords.lanes(validity, i, lanes), out, k);
            }
        }
        return k;
    }

    /** True when no key of rows {@code [i, i + RUN)} can have its bit set (see above). */
    private static boolean runMisses64(long[] bits, long min, long range, MemorySegment data, int i) {
        int lanes = LONG.length();
        LongVector lo = LongVector.fromMemorySegment(LONG, data, (long) i << 3, ORDER);
        LongVector hi = lo;
        for (int j = lanes; j < RUN; j += lanes) {
            LongVector v = LongVector.fromMemorySegment(LONG, data, (long) (i + j) << 3, ORDER);
            lo = lo.min(v);
            hi = hi.max(v);
        }
        return ScalarKeyBitmapKernels.noBitBetween(bits, min, range, lo.reduceLanes(VectorOperators.MIN),
                hi.reduceLanes(VectorOperators.MAX), RUN_WORDS);
    }

    private static boolean runMisses32(long[] bits, long min, long range, MemorySegment data, int i) {
        int lanes = IDS.length();
        IntVector lo = IntVector.fromMemorySegment(IDS, data, (long) i << 2, ORDER);
        IntVector hi = lo;
        for (int j = lanes; j < RUN; j += lanes) {
            IntVector v = IntVector.fromMemorySegment(IDS, data, (long) (i + j) << 2, ORDER);
            lo = lo.min(v);
            hi = hi.max(v);
        }
        return ScalarKeyBitmapKernels.noBitBetween(bits, min, range, lo.reduceLanes(VectorOperators.MIN),
                hi.reduceLanes(VectorOperators.MAX), RUN_WORDS);
    }

    private static int hashedRows64(long[] bits, long multiplier, int shift, MemorySegment data, MemorySegment validity, int whole, int[] out) {
        int lanes = LONG.length();
        long[] offsets = new long[lanes];
        int k = 0;
        for (int i = 0; i < whole; i += lanes) {
            LongVector.fromMemorySegment(LONG, data, (long) i << 3, ORDER)
                    .mul(multiplier).lanewise(VectorOperators.LSHR, shift).intoArray(offsets, 0);
            k = storeRows(i, bitsAt(bits, offsets) & BitmapWords.lanes(validity, i, lanes), out, k);
        }
        return k;
    }

    private static int hashedRows32(long[] bits, long multiplier, int shift, MemorySegment data, MemorySegment validity, int whole, int[] out) {
        int lanes = LONG.length();
        long[] offsets = new long[lanes];
        int k = 0;
        for (int i = 0; i < whole; i += lanes) {
            ((LongVector) IntVector.fromMemorySegment(IDS, data, (long) i << 2, ORDER)
                    .convertShape(VectorOperators.I2L, LONG, 0))
                    .mul(multiplier).lanewise(VectorOperators.LSHR, shift).intoArray(offsets, 0);
            k = storeRows(i, bitsAt(bits, offsets) & BitmapWords.lanes(validity, i, lanes), out, k);
        }
        return k;
    }

    private static int exactSelected(long[] bits, long min, long range, MemorySegment data, boolean four,
                                     MemorySegment validity, int[] sel, int whole, int[] out) {
        int lanes = LONG.length();
        long[] offsets = new long[lanes];
        long[] keys = new long[Math.min(CHUNK, whole)];
        int k = 0;
        for (int from = 0; from < whole; from += CHUNK) {
            int to = Math.min(whole, from + CHUNK);
            copyKeys(data, four, sel, from, to, keys);
            for (int i = from; i < to; i += lanes) {
                LongVector off = LongVector.fromArray(LONG, keys, i - from).sub(min);
                VectorMask<Long> in = off.compare(VectorOperators.ULT, range);
                off.blend(0L, in.not()).intoArray(offsets, 0);
                k = storeIds(sel, i, bitsAt(bits, offsets) & in.toLong() & validSelected(validity, sel, i, lanes), out, k);
            }
        }
        return k;
    }

    private static int hashedSelected(long[] bits, long multiplier, int shift, MemorySegment data, boolean four,
                                      MemorySegment validity, int[] sel, int whole, int[] out) {
        int lanes = LONG.length();
        long[] offsets = new long[lanes];
        long[] keys = new long[Math.min(CHUNK, whole)];
        int k = 0;
        for (int from = 0; from < whole; from += CHUNK) {
            int to = Math.min(whole, from + CHUNK);
            copyKeys(data, four, sel, from, to, keys);
            for (int i = from; i < to; i += lanes) {
                LongVector.fromArray(LONG, keys, i - from)
                        .mul(multiplier).lanewise(VectorOperators.LSHR, shift).intoArray(offsets, 0);
                k = storeIds(sel, i, bitsAt(bits, offsets) & validSelected(validity, sel, i, lanes), out, k);
            }
        }
        return k;
    }

    /** The keys of rows {@code sel[from..to)} into {@code keys[0..)}, sign-extended. */
    private static void copyKeys(MemorySegment data, boolean four, int[] sel, int from, int to, long[] keys) {
        if (four) {
            for (int i = from; i < to; i++) {
                keys[i - from] = data.get(INT_LAYOUT, (long) sel[i] << 2);
            }
        } else {
            for (int i = from; i < to; i++) {
                keys[i - from] = data.get(LONG_LAYOUT, (long) sel[i] << 3);
            }
        }
    }

    /**
     * The bits at {@code offsets} (one per lane) as a lane mask, read one lane at a time (see the
     * class comment); a vector store then scalar loads, as scalar stores then a vector load stall.
     */
    private static long bitsAt(long[] bits, long[] offsets) {
        long mask = 0;
        for (int j = 0; j < LONG.length(); j++) {
            long offset = offsets[j];
            mask |= ((bits[(int) (offset >>> 6)] >>> offset) & 1L) << j;
        }
        return mask;
    }

    /** The validity of rows {@code sel[i, i + lanes)} as lane bits (all set without a bitmap). */
    private static long validSelected(MemorySegment validity, int[] sel, int i, int lanes) {
        long valid = -1L;
        if (validity != null) {
            valid = 0;
            for (int j = 0; j < lanes; j++) {
                valid |= (long) BitmapWords.bit(validity, sel[i + j]) << j;
            }
        }
        return valid;
    }

    /*
     * The kept lanes leave the loops as lane bits (a long), and the stores below make their
     * vectors themselves: no helper here takes or returns a vector or mask. A helper that does is
     * compiled on its own once its caller's compile has grown large, and then every call boxes
     * its vectors on the heap and runs the API's Java fallback (session 20: Q16 at one thread
     * allocated 72 MiB a run in exact/valid/store, at twice the CPU, in some processes).
     */

    /** Stores rows {@code base + lane} of the lanes set in {@code keep} at {@code out[k..)}; returns the new count. */
    private static int storeRows(int base, long keep, int[] out, int k) {
        // k <= base: the whole vector stored at k stays inside the n rows of out
        IOTA.add(base).compress(VectorMask.fromLong(IDS, keep)).intoArray(out, k);
        return k + Long.bitCount(keep);
    }

    /** Stores ids {@code sel[i + lane]} of the lanes set in {@code keep} at {@code out[k..)}; returns the new count. */
    private static int storeIds(int[] sel, int i, long keep, int[] out, int k) {
        // the ids at i are loaded before the store at k <= i may overwrite them (out may be sel)
        IntVector.fromArray(IDS, sel, i).compress(VectorMask.fromLong(IDS, keep)).intoArray(out, k);
        return k + Long.bitCount(keep);
    }

    /** Rows {@code [from, n)} (under a whole vector) one at a time, after the {@code k} kept so far. */
    private static int exactTail(long[] bits, long min, long range, MemorySegment data, boolean four,
                                 MemorySegment validity, int[] sel, int from, int n, int[] out, int k) {
        for (int i = from; i < n; i++) {
            int row = sel == null ? i : sel[i];
            long v = four ? data.get(INT_LAYOUT, (long) row << 2) : data.get(LONG_LAYOUT, (long) row << 3);
            out[k] = row;
            k += ScalarKeyBitmapKernels.exactBit(bits, v - min, range) & BitmapWords.bit(validity, row);
        }
        return k;
    }

    private static int hashedTail(long[] bits, long multiplier, int shift, MemorySegment data, boolean four,
                                  MemorySegment validity, int[] sel, int from, int n, int[] out, int k) {
        for (int i = from; i < n; i++) {
            int row = sel == null ? i : sel[i];
            long v = four ? data.get(INT_LAYOUT, (long) row << 2) : data.get(LONG_LAYOUT, (long) row << 3);
            out[k] = row;
            k += ScalarKeyBitmapKernels.hashedBit(bits, v, multiplier, shift) & BitmapWords.bit(validity, row);
        }
        return k;
    }
}
