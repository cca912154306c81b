package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Predicates on one column that produce a selection vector: the ascending int32 row ids of
 * the rows that pass, written to {@code out}; each method returns how many it wrote.
 *
 * <p>Common contract: {@code data} holds values from row 0; {@code validity} is an Arrow
 * validity bitmap or {@code null} (no nulls); a null row never passes. The dense forms test
 * rows {@code [0, count)}; the {@code Selected} forms test only the {@code selCount} row ids
 * in {@code sel} (ascending) and keep their order. {@code out} has room for every candidate
 * and may be the same memory as {@code sel}. DECIMAL uses the INT64 forms on unscaled values,
 * DATE the INT32 forms on day numbers. FLOAT64 compares follow IEEE: NaN passes only NE.
 * BETWEEN is inclusive on both ends. Slots of {@code out} past the returned count (up to the
 * number of candidates) may be overwritten with scratch values.
 */
public interface FilterKernels {
    int compareInt32(CompareOp op, MemorySegment data, MemorySegment validity, int count, int constant, MemorySegment out);

    int compareInt64(CompareOp op, MemorySegment data, MemorySegment validity, int count, long constant, MemorySegment out);

    int compareFloat64(CompareOp op, MemorySegment data, MemorySegment validity, int count, double constant, MemorySegment out);

    int betweenInt32(MemorySegment data, MemorySegment validity, int count, int low, int high, MemorySegment out);

    int betweenInt64(MemorySegment data, MemorySegment validity, int count, long low, long high, MemorySegment out);

    int betweenFloat64(MemorySegment data, MemorySegment validity, int count, double low, double high, MemorySegment out);

    int compareInt32Selected(CompareOp op, MemorySegment data, MemorySegment validity,
                             MemorySegment sel, int selCount, int constant, MemorySegment out);

    int compareInt64Selected(CompareOp op, MemorySegment data, MemorySegment validity,
                             MemorySegment sel, int selCount, long constant, MemorySegment out);

    int compareFloat64Selected(CompareOp op, MemorySegment data, MemorySegment validity,
                               MemorySegment sel, int selCount, double constant, MemorySegment out);

    int betweenInt32Selected(MemorySegment data, MemorySegment validity,
                             MemorySegment sel, int selCount, int low, int high, MemorySegment out);

    int betweenInt64Selected(MemorySegment data, MemorySegment validity,
                             MemorySegment sel, int selCount, long low, long high, MemorySegment out);

    int betweenFloat64Selected(MemorySegment data, MemorySegment validity,
                               MemorySegment sel, int selCount, double low, double high, MemorySegment out);

    /**
     * {@code left[r] OP right[r]} for two INT32 columns (DATE, or DECIMAL of one scale, use the
     * matching width): rows {@code [0, count)}, or the {@code count} ids of {@code sel} when it
     * is not null; a row null in either column never passes.
     */
    int compareColumnsInt32(CompareOp op, MemorySegment left, MemorySegment leftValidity,
                            MemorySegment right, MemorySegment rightValidity, MemorySegment sel, int count, MemorySegment out);

    /** As {@link #compareColumnsInt32} for two INT64 columns. */
    int compareColumnsInt64(CompareOp op, MemorySegment left, MemorySegment leftValidity,
                            MemorySegment right, MemorySegment rightValidity, MemorySegment sel, int count, MemorySegment out);
}
