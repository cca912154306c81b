package io.blueshift.simd;

import static io.blueshift.simd.SimdSpecies.ORDER;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.blueshift.kernels.ScalarStringKernels;
import io.blueshift.kernels.StringKernels;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * View-header tests on whole vectors of views: each view's first 8 bytes (length, prefix) are
 * one long lane, its second 8 bytes the lane after, so the even lanes carry the test and the
 * passing rows are read off the even bits of the mask. Selected rows (no gather from memory
 * segments in the Vector API) and the tail use the scalar twin. The substring search compares
 * a vector of candidate starts at once (first, second and last byte of the literal; the scalar
 * twin tests first and last eight at a time).
 */
final class SimdStringKernels implements StringKernels {
    static final SimdStringKernels INSTANCE = new SimdStringKernels();

    private static final VectorSpecies<Long> LONG = SimdSpecies.LONG;
    private static final VectorSpecies<Byte> BYTE = SimdSpecies.BYTE;
    private static final long EVEN_BITS = 0x5555_5555_5555_5555L;
    private static final ScalarStringKernels SCALAR = ScalarStringKernels.INSTANCE;

    private SimdStringKernels() {}

    /** Lane j takes lane 2j of the concatenation of two vectors: the first word of each of their views. */
    private static final VectorShuffle<Long> FIRST_WORDS = VectorShuffle.fromOp(LONG, j -> 2 * j);

    /**
     * Eight views (two vectors of longs) at a time: their first words gathered into one vector
     * by a two-vector rearrange, then the field made and ORed in lane-wise; the tail as the
     * scalar twin does.
     */
    @Override
    public int packHeaders(MemorySegment views, int count, long[] packed, int shift, int lengthBits, long byteMask) {
        int lanes = LONG.length();
        if (lanes < 2 || ORDER != java.nio.ByteOrder.LITTLE_ENDIAN) {
            return SCALAR.packHeaders(views, count, packed, shift, lengthBits, byteMask);
        }
        long lengthMask = (1L << lengthBits) - 1;
        LongVector longest = LongVector.zero(LONG);
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            long at = (long) i << 4;
            LongVector a = LongVector.fromMemorySegment(LONG, views, at, ORDER);
            LongVector b = LongVector.fromMemorySegment(LONG, views, at + ((long) lanes << 3), ORDER);
            LongVector w = a.rearrange(FIRST_WORDS, b);
            longest = longest.max(w.lanewise(VectorOperators.LSHL, 32).lanewise(VectorOperators.ASHR, 32));
            LongVector field = w.lanewise(VectorOperators.LSHR, 32).and(byteMask).lanewise(VectorOperators.LSHL, lengthBits)
                    .or(w.and(lengthMask)).lanewise(VectorOperators.LSHL, shift);
            LongVector.fromArray(LONG, packed, i).or(field).intoArray(packed, i);
        }
        int most = (int) longest.reduceLanes(VectorOperators.MAX);
        for (; i < count; i++) {
            long w = views.get(ValueLayout.JAVA_LONG_UNALIGNED, (long) i << 4);
            most = Math.max(most, (int) w);
            packed[i] |= ((((w >>> 32) & byteMask) << lengthBits) | (w & lengthMask)) << shift;
        }
        return most;
    }

    @Override
    public int selectByHeader(MemorySegment views, MemorySegment validity, MemorySegment sel, int count,
                              int minLength, int maxLength, int prefix, int prefixMask, MemorySegment out) {
        if (sel != null || LONG.length() < 2) {
            return SCALAR.selectByHeader(views, validity, sel, count, minLength, maxLength, prefix, prefixMask, out);
        }
        int lanes = LONG.length();
        int perVector = lanes / 2;
        // length in the low half of the lane (little-endian), prefix in the high half
        LongVector wantPrefix = LongVector.broadcast(LONG, (long) (prefix & prefixMask) << 32);
        LongVector prefixBits = LongVector.broadcast(LONG, (long) prefixMask << 32);
        LongVector lengthBits = LongVector.broadcast(LONG, 0xFFFF_FFFFL);
        int k = 0;
        int i = 0;
        for (; i <= count - perVector; i += perVector) {
            LongVector w = LongVector.fromMemorySegment(LONG, views, (long) i << 4, ORDER);
            LongVector len = w.and(lengthBits);
            VectorMask<Long> pass = w.and(prefixBits).compare(VectorOperators.EQ, wantPrefix)
                    .and(len.compare(VectorOperators.GE, minLength))
                    .and(len.compare(VectorOperators.LE, maxLength));
            long bits = pass.toLong() & EVEN_BITS;
            while (bits != 0) {
                int row = i + (Long.numberOfTrailingZeros(bits) >>> 1);
                bits &= bits - 1;
                if (validity == null || (validity.get(ValueLayout.JAVA_BYTE, row >>> 3) >>> (row & 7) & 1) != 0) {
                    out.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, k++, row);
                }
            }
        }
        for (; i < count; i++) {
            k = ScalarStringKernels.test(views, validity, i, minLength, maxLength, prefix, prefixMask, out, k);
        }
        return k;
    }

    @Override
    public long indexOf(MemorySegment s, long offset, int length, byte[] literal) {
        int lanes = BYTE.length();
        if (literal.length == 0 || lanes > 64) {
            return SCALAR.indexOf(s, offset, length, literal);
        }
        int tail = literal.length - 1;
        long last = (long) length - literal.length;   // the last start that fits
        // whole vectors while both loads stay inside s (a string's bytes are followed by others
        // in its buffer, so nearly every string is searched this way); the rest by the twin
        long vectorEnd = s.byteSize() - tail - lanes - offset;   // starts i with i <= vectorEnd load safely
        // the first, second and last bytes: with the first and last only, text of a small
        // vocabulary ('s' ... 'l' in "slyly", "carefully") gave a false candidate per vector or more
        int mid = Math.min(1, tail);
        ByteVector firsts = ByteVector.broadcast(BYTE, literal[0]);
        ByteVector seconds = ByteVector.broadcast(BYTE, literal[mid]);
        ByteVector lasts = ByteVector.broadcast(BYTE, literal[tail]);
        long i = 0;
        for (; i <= last && i <= vectorEnd; i += lanes) {
            ByteVector a = ByteVector.fromMemorySegment(BYTE, s, offset + i, ORDER);
            ByteVector m = ByteVector.fromMemorySegment(BYTE, s, offset + i + mid, ORDER);
            ByteVector b = ByteVector.fromMemorySegment(BYTE, s, offset + i + tail, ORDER);
            long hits = a.compare(VectorOperators.EQ, firsts).and(m.compare(VectorOperators.EQ, seconds))
                    .and(b.compare(VectorOperators.EQ, lasts)).toLong();
            long fit = last - i + 1;   // starts in this vector that leave room for the literal
            if (fit < lanes) {
                hits &= (1L << fit) - 1;
            }
            while (hits != 0) {
                long j = i + Long.numberOfTrailingZeros(hits);
                if (ScalarStringKernels.equalsAt(s, offset + j, literal, 1)) {
                    return j;
                }
                hits &= hits - 1;
            }
        }
        if (i > last) {
            return -1;
        }
        long at = SCALAR.indexOf(s, offset + i, (int) (length - i), literal);
        return at < 0 ? -1 : i + at;
    }
}
