package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Aggregates over one column, skipping null rows. {@code sel == null} means rows
 * {@code [0, count)}, otherwise the {@code count} row ids in {@code sel}.
 *
 * <p>Ungrouped forms return the result; MIN/MAX of no rows return the type's identity
 * ({@code Long.MAX_VALUE} for min, ...): callers use {@link #countValid} to tell an empty
 * input. INT64 sums are exact: they throw {@link ArithmeticException} if the true sum does
 * not fit in 64 bits. FLOAT64 sums may differ from a sequential sum in the last bits (and, near
 * {@code Double.MAX_VALUE}, in whether an intermediate overflows to infinity). FLOAT64 MIN/MAX
 * order NaN above every number (as SQL does): MAX is NaN if any valid value is, MIN only if all
 * are; -0.0 counts as less than 0.0; no rows give +Infinity for MIN and -Infinity for MAX.
 *
 * <p>Grouped forms update accumulators in {@code acc} (one slot per group, int64 or float64
 * as named) at index {@code groupIds[i]} for the i-th candidate row ({@code groupIds} is
 * dense: one entry per candidate, not per row id). The caller initializes {@code acc} (0 for
 * sums and counts, the identity for min/max); grouped INT64 sums check overflow at each step.
 * Row ids ({@code rows}, null for {@code [0, count)}), group ids and accumulators are plain
 * arrays: they are the aggregation's hot per-thread state, and array accesses compile to
 * tight loops where segment accesses that see both heap and native memory do not.
 */
public interface AggregateKernels {
    long countValid(MemorySegment validity, MemorySegment sel, int count);

    long sumInt64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count);

    /** Sum of INT32 values as an exact 64-bit sum. */
    long sumInt32(MemorySegment data, MemorySegment validity, MemorySegment sel, int count);

    double sumFloat64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count);

    long minInt64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count);

    long maxInt64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count);

    int minInt32(MemorySegment data, MemorySegment validity, MemorySegment sel, int count);

    int maxInt32(MemorySegment data, MemorySegment validity, MemorySegment sel, int count);

    double minFloat64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count);

    double maxFloat64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count);

    /** {@code acc[g] += data[row]} with overflow checks, for each valid candidate row. */
    void sumInt64Grouped(MemorySegment data, MemorySegment validity, int[] rows, int count,
                         int[] groupIds, long[] acc);

    void sumFloat64Grouped(MemorySegment data, MemorySegment validity, int[] rows, int count,
                           int[] groupIds, double[] acc);

    /** {@code acc[g] += 1} for each valid candidate row ({@code validity == null}: every row). */
    void countGrouped(MemorySegment validity, int[] rows, int count,
                      int[] groupIds, long[] acc);

    /**
     * Sums of few groups over a span of rows: {@code rowGroups[r]} is row {@code r}'s group, in
     * {@code [0, groups)}, or negative for a row that does not count (not live), for rows
     * {@code [0, span)} (a row-space map, not one entry per candidate). Adds each group's sum of
     * its valid rows to {@code acc[g]}. Exact, checked once per call: throws
     * {@link ArithmeticException} when {@code acc[g]} plus the group's total does not fit in 64
     * bits; partial sums on the way may pass the range. For a GROUP BY with a handful of groups,
     * where a scatter by group id waits on the previous update of the same slot.
     */
    void sumInt64FewGroups(MemorySegment data, MemorySegment validity, int[] rowGroups, int span,
                           int groups, long[] acc);

    /** {@code acc[g] += } the valid rows {@code r < span} with {@code rowGroups[r] == g} ({@code validity == null}: every such row). */
    void countFewGroups(MemorySegment validity, int[] rowGroups, int span, int groups, long[] acc);

    void minInt64Grouped(MemorySegment data, MemorySegment validity, int[] rows, int count,
                         int[] groupIds, long[] acc);

    void maxInt64Grouped(MemorySegment data, MemorySegment validity, int[] rows, int count,
                         int[] groupIds, long[] acc);
}
