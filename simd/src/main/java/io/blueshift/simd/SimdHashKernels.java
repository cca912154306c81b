package io.blueshift.simd;

import static io.blueshift.simd.SimdSpecies.ORDER;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import io.blueshift.kernels.BitmapWords;
import io.blueshift.kernels.HashKernels;
import io.blueshift.kernels.KeyHash;
import io.blueshift.kernels.ScalarHashKernels;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link KeyHash#hashLong} lane-wise over dense INT64/INT32 keys (INT32 widened first), null
 * lanes blended to {@link #NULL_HASH}. Selected rows need a gather and strings a loop over
 * bytes of varying length: those run the scalar twin.
 */
final class SimdHashKernels implements HashKernels {
    static final SimdHashKernels INSTANCE = new SimdHashKernels();

    private static final HashKernels SCALAR = ScalarHashKernels.INSTANCE;
    private static final VectorSpecies<Long> LONG = SimdSpecies.LONG;
    private static final VectorSpecies<Integer> INT_PER_LONG = SimdSpecies.INT_PER_LONG;
    private static final ValueLayout.OfInt INT_LAYOUT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG_LAYOUT = ValueLayout.JAVA_LONG_UNALIGNED;

    private SimdHashKernels() {}

    /*
     * One vector loop per key width and per hash/combine, chosen once per call: with the two
     * choices as flags inside one loop, C2 compiled the loop for the flags seen so far and
     * trapped on the next (profile_predicate). Each returns the first row it left to the tail.
     * The hash is written out in each loop: helpers that took and returned vectors (mix,
     * hashes, combined) were compiled on their own in some processes and then boxed every
     * vector of every call (session 20, Q16). Rows without a validity bitmap blend with an
     * all-set mask rather than skip the blend: a vector that merges at a branch is boxed too.
     */

    private static int hashLongs(MemorySegment data, MemorySegment validity, int count, MemorySegment out) {
        LongVector nulls = LongVector.broadcast(LONG, NULL_HASH);
        int lanes = LONG.length();
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            LongVector k = LongVector.fromMemorySegment(LONG, data, (long) i << 3, ORDER).lanewise(VectorOperators.XOR, KeyHash.SEED);
            k = k.lanewise(VectorOperators.XOR, k.lanewise(VectorOperators.LSHR, 33)).mul(KeyHash.M1);
            k = k.lanewise(VectorOperators.XOR, k.lanewise(VectorOperators.LSHR, 33)).mul(KeyHash.M2);
            k = k.lanewise(VectorOperators.XOR, k.lanewise(VectorOperators.LSHR, 33));
            nulls.blend(k, VectorMask.fromLong(LONG, BitmapWords.lanes(validity, i, lanes))).intoMemorySegment(out, (long) i << 3, ORDER);
        }
        return i;
    }

    private static int hashInts(MemorySegment data, MemorySegment validity, int count, MemorySegment out) {
        LongVector nulls = LongVector.broadcast(LONG, NULL_HASH);
        int lanes = LONG.length();
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            LongVector k = ((LongVector) IntVector.fromMemorySegment(INT_PER_LONG, data, (long) i << 2, ORDER)
                    .convertShape(VectorOperators.I2L, LONG, 0)).lanewise(VectorOperators.XOR, KeyHash.SEED);
            k = k.lanewise(VectorOperators.XOR, k.lanewise(VectorOperators.LSHR, 33)).mul(KeyHash.M1);
            k = k.lanewise(VectorOperators.XOR, k.lanewise(VectorOperators.LSHR, 33)).mul(KeyHash.M2);
            k = k.lanewise(VectorOperators.XOR, k.lanewise(VectorOperators.LSHR, 33));
            nulls.blend(k, VectorMask.fromLong(LONG, BitmapWords.lanes(validity, i, lanes))).intoMemorySegment(out, (long) i << 3, ORDER);
        }
        return i;
    }

    /** As {@link #hashLongs}, each hash combined with the one already in {@code out}, as {@link KeyHash#combine}. */
    private static int combineLongs(MemorySegment data, MemorySegment validity, int count, MemorySegment out) {
        LongVector nulls = LongVector.broadcast(LONG, NULL_HASH);
        int lanes = LONG.length();
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            LongVector k = LongVector.fromMemorySegment(LONG, data, (long) i << 3, ORDER).lanewise(VectorOperators.XOR, KeyHash.SEED);
            k = k.lanewise(VectorOperators.XOR, k.lanewise(VectorOperators.LSHR, 33)).mul(KeyHash.M1);
            k = k.lanewise(VectorOperators.XOR, k.lanewise(VectorOperators.LSHR, 33)).mul(KeyHash.M2);
            k = k.lanewise(VectorOperators.XOR, k.lanewise(VectorOperators.LSHR, 33));
            LongVector h = nulls.blend(k, VectorMask.fromLong(LONG, BitmapWords.lanes(validity, i, lanes)));
            LongVector.fromMemorySegment(LONG, out, (long) i << 3, ORDER).mul(KeyHash.P1).add(h)
                    .intoMemorySegment(out, (long) i << 3, ORDER);
        }
        return i;
    }

    private static int combineInts(MemorySegment data, MemorySegment validity, int count, MemorySegment out) {
        LongVector nulls = LongVector.broadcast(LONG, NULL_HASH);
        int lanes = LONG.length();
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            LongVector k = ((LongVector) IntVector.fromMemorySegment(INT_PER_LONG, data, (long) i << 2, ORDER)
                    .convertShape(VectorOperators.I2L, LONG, 0)).lanewise(VectorOperators.XOR, KeyHash.SEED);
            k = k.lanewise(VectorOperators.XOR, k.lanewise(VectorOperators.LSHR, 33)).mul(KeyHash.M1);
            k = k.lanewise(VectorOperators.XOR, k.lanewise(VectorOperators.LSHR, 33)).mul(KeyHash.M2);
            k = k.lanewise(VectorOperators.XOR, k.lanewise(VectorOperators.LSHR, 33));
            LongVector h = nulls.blend(k, VectorMask.fromLong(LONG, BitmapWords.lanes(validity, i, lanes)));
            LongVector.fromMemorySegment(LONG, out, (long) i << 3, ORDER).mul(KeyHash.P1).add(h)
                    .intoMemorySegment(out, (long) i << 3, ORDER);
        }
        return i;
    }

    /**
     * Rows {@code [i, count)}, fewer than a vector, row by row as the scalar twin does: masked
     * loads of the narrower INT32 species ran JDK code shared with the full-width species,
     * whose profile made C2 guess the wrong class (class_check traps, session 7).
     */
    private static void tail(boolean int32, boolean combine, MemorySegment data, MemorySegment validity,
                             int i, int count, MemorySegment out) {
        for (; i < count; i++) {
            long key = int32 ? data.getAtIndex(INT_LAYOUT, i) : data.getAtIndex(LONG_LAYOUT, i);
            long h = BitmapWords.bit(validity, i) != 0 ? KeyHash.hashLong(key) : NULL_HASH;
            if (combine) {
                h = KeyHash.combine(out.getAtIndex(LONG_LAYOUT, i), h);
            }
            out.setAtIndex(LONG_LAYOUT, i, h);
        }
    }

    @Override
    public void hashInt64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count, MemorySegment out) {
        if (sel != null) {
            SCALAR.hashInt64(data, validity, sel, count, out);
        } else {
            tail(false, false, data, validity, hashLongs(data, validity, count, out), count, out);
        }
    }

    @Override
    public void hashInt32(MemorySegment data, MemorySegment validity, MemorySegment sel, int count, MemorySegment out) {
        if (sel != null) {
            SCALAR.hashInt32(data, validity, sel, count, out);
        } else {
            tail(true, false, data, validity, hashInts(data, validity, count, out), count, out);
        }
    }

    @Override
    public void combineInt64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count, MemorySegment out) {
        if (sel != null) {
            SCALAR.combineInt64(data, validity, sel, count, out);
        } else {
            tail(false, true, data, validity, combineLongs(data, validity, count, out), count, out);
        }
    }

    @Override
    public void combineInt32(MemorySegment data, MemorySegment validity, MemorySegment sel, int count, MemorySegment out) {
        if (sel != null) {
            SCALAR.combineInt32(data, validity, sel, count, out);
        } else {
            tail(true, true, data, validity, combineInts(data, validity, count, out), count, out);
        }
    }

    @Override
    public void hashStringViews(MemorySegment views, List<MemorySegment> buffers, MemorySegment validity,
                                MemorySegment sel, int count, MemorySegment out) {
        SCALAR.hashStringViews(views, buffers, validity, sel, count, out);
    }

    @Override
    public void combineStringViews(MemorySegment views, List<MemorySegment> buffers, MemorySegment validity,
                                   MemorySegment sel, int count, MemorySegment out) {
        SCALAR.combineStringViews(views, buffers, validity, sel, count, out);
    }

    /**
     * A vector of keys against each known key in turn (a compare and a blend of the id per known
     * key); group ids as int lanes as many as the long lanes; the tail as the scalar twin.
     */
    @Override
    public int matchKeys(long[] keys, int n, long[] known, int[] ids, int k, int[] out) {
        VectorSpecies<Long> longs = SimdSpecies.LONG;
        VectorSpecies<Integer> ints = SimdSpecies.INT_PER_LONG;
        int lanes = longs.length();
        IntVector none = IntVector.broadcast(ints, -1);
        int missing = 0;
        int i = 0;
        for (; i <= n - lanes; i += lanes) {
            LongVector v = LongVector.fromArray(longs, keys, i);
            IntVector id = none;
            for (int j = 0; j < k; j++) {
                id = id.blend(ids[j], v.eq(known[j]).cast(ints));
            }
            id.intoArray(out, i);
            missing += id.lt(0).trueCount();
        }
        return missing + ScalarHashKernels.matchKeys(keys, i, n, known, ids, k, out);
    }
}
