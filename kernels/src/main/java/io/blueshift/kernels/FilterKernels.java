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

    /**
     * Range test of rows {@code [0, count)} of an INT32 column into a bitmap, for a conjunction
     * of ranges on several columns evaluated in one pass per column (no selection vector
     * between them): bit {@code r & 63} of long {@code r >>> 6} of {@code bits} is set when row
     * {@code r} is valid and {@code low <= data[r] <= high} (an Arrow bitmap, read and written
     * as little-endian 64-bit words). With {@code and} false the words
     * are overwritten; with {@code and} true they are ANDed into, and a word already zero is
     * left as it is without reading its rows. Bits at and past {@code count} in the last word
     * are cleared. {@code bits} holds at least {@code (count + 63) / 64} words;
     * {@link SelectionKernels#fromBitmap} turns it into row ids.
     */
    void rangeBitsInt32(MemorySegment data, MemorySegment validity, int count, int low, int high, MemorySegment bits, boolean and);

    /** As {@link #rangeBitsInt32} for an INT64 column (DECIMAL as unscaled values). */
    void rangeBitsInt64(MemorySegment data, MemorySegment validity, int count, long low, long high, MemorySegment bits, boolean and);
}
