package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Element-wise INT64 arithmetic, also used for DECIMAL on unscaled values (the caller
 * rescales operands to a common scale first with {@link #scaleUpInt64}). Every result that
 * does not fit in 64 bits throws {@link ArithmeticException}, never wraps.
 *
 * <p>When {@code sel} is {@code null} rows {@code [0, count)} are computed; otherwise only
 * the {@code count} row ids in {@code sel}. Results go to {@code out} at the same row id,
 * so the output keeps the input's row space and selection. Null rows are computed on
 * whatever their slot holds, except that overflow there is ignored; the caller merges
 * validity. {@code out} may be {@code a} or {@code b} (in-place); when a row overflows the
 * exception names the first such row, and rows before it may already have been written.
 */
public interface ArithmeticKernels {
    void addInt64(MemorySegment a, MemorySegment b, MemorySegment aValidity, MemorySegment bValidity,
                  MemorySegment sel, int count, MemorySegment out);

    void subtractInt64(MemorySegment a, MemorySegment b, MemorySegment aValidity, MemorySegment bValidity,
                       MemorySegment sel, int count, MemorySegment out);

    void multiplyInt64(MemorySegment a, MemorySegment b, MemorySegment aValidity, MemorySegment bValidity,
                       MemorySegment sel, int count, MemorySegment out);

    /** {@code out = a + constant}. */
    void addInt64Constant(MemorySegment a, MemorySegment aValidity, long constant,
                          MemorySegment sel, int count, MemorySegment out);

    /** {@code out = constant - a} (e.g. {@code 1 - discount}). */
    void subtractFromConstantInt64(long constant, MemorySegment a, MemorySegment aValidity,
                                   MemorySegment sel, int count, MemorySegment out);

    /** {@code out = a * constant}. */
    void multiplyInt64Constant(MemorySegment a, MemorySegment aValidity, long constant,
                               MemorySegment sel, int count, MemorySegment out);

    /** {@code out = a * 10^digits}: raises a DECIMAL's scale by {@code digits} (0..18). */
    void scaleUpInt64(MemorySegment a, MemorySegment aValidity, int digits,
                      MemorySegment sel, int count, MemorySegment out);

    /** {@code out = (double) a / 10^scale}: DECIMAL to FLOAT64. */
    void decimalToFloat64(MemorySegment a, int scale, MemorySegment sel, int count, MemorySegment out);
}
