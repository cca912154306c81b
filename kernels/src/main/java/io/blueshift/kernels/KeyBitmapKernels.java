package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Tests join keys against a bitmap of the build side's key values (a hash join's filter
 * pushed down to its probe side): each kernel writes to {@code out}, in order, the candidate
 * rows whose key is valid (not NULL) and whose bit is set, and returns how many. The
 * candidates are {@code sel[0..n)}, or rows {@code 0..n-1} when {@code sel} is null;
 * {@code out} may be {@code sel} (a kernel reads position i before it writes any position
 * k <= i) and must have room for {@code n} rows. {@code validity} is an Arrow bitmap of the
 * key column, or null when it has no NULLs.
 * <ul>
 *   <li>exact: bit {@code v - min} of {@code bits} for {@code min <= v < min + range}, no bit
 *       (dropped) outside; {@code range} is positive and {@code min + range} does not overflow;</li>
 *   <li>hashed: bit {@code (v * multiplier) >>> shift}, for a bitmap of {@code 2^(64 - shift)} bits.</li>
 * </ul>
 * 32-bit keys are sign-extended to 64 bits first.
 */
public interface KeyBitmapKernels {
    int keepExact64(long[] bits, long min, long range, MemorySegment data, MemorySegment validity, int[] sel, int n, int[] out);

    int keepExact32(long[] bits, long min, long range, MemorySegment data, MemorySegment validity, int[] sel, int n, int[] out);

    int keepHashed64(long[] bits, long multiplier, int shift, MemorySegment data, MemorySegment validity, int[] sel, int n, int[] out);

    int keepHashed32(long[] bits, long multiplier, int shift, MemorySegment data, MemorySegment validity, int[] sel, int n, int[] out);
}
