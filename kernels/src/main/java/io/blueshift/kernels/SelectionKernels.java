package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Set operations on selection vectors (ascending, duplicate-free int32 row ids), for AND and
 * OR of predicates, and conversion to and from bitmaps. Each returns the number written.
 * {@code out} of {@link #and} may be {@code a} or {@code b}; the others' must not overlap their inputs.
 */
public interface SelectionKernels {
    /** Row ids in both {@code a} and {@code b}. */
    int and(MemorySegment a, int aCount, MemorySegment b, int bCount, MemorySegment out);

    /** Row ids in {@code a} or {@code b} (or both), ascending. */
    int or(MemorySegment a, int aCount, MemorySegment b, int bCount, MemorySegment out);

    /** Row ids of {@code [0, count)} not in {@code a} (for NOT). */
    int complement(MemorySegment a, int aCount, int count, MemorySegment out);

    /**
     * Row ids of the set bits among the first {@code count} bits of an Arrow bitmap.
     * {@code out} must have room for {@code count} ids (vector stores write whole vectors).
     */
    int fromBitmap(MemorySegment bitmap, int count, MemorySegment out);
}
