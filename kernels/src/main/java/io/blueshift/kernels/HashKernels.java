package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * 64-bit hashes of key columns for hash joins and aggregation. Results go to {@code out}
 * densely: the i-th candidate's hash at index i ({@code sel == null}: candidate i is row i).
 * Every implementation must produce the same bits for the same input, so a table built by
 * one provider can be probed by another. Null keys hash to {@link #NULL_HASH}. The functions
 * are those of {@link KeyHash}: an INT32 key hashes like the same value as INT64, and
 * combining is order-sensitive ({@code (a, b)} and {@code (b, a)} differ).
 */
public interface HashKernels {
    long NULL_HASH = 0x5bd1e9955bd1e995L;

    void hashInt64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count, MemorySegment out);

    void hashInt32(MemorySegment data, MemorySegment validity, MemorySegment sel, int count, MemorySegment out);

    /** Hash of the string bytes a view points to (equal strings hash equal, whatever the buffer). */
    void hashStringViews(MemorySegment views, List<MemorySegment> buffers, MemorySegment validity,
                         MemorySegment sel, int count, MemorySegment out);

    /** {@code out[i] = combine(out[i], hash(data[row]))}: adds a further INT64 key column. */
    void combineInt64(MemorySegment data, MemorySegment validity, MemorySegment sel, int count, MemorySegment out);

    void combineInt32(MemorySegment data, MemorySegment validity, MemorySegment sel, int count, MemorySegment out);

    void combineStringViews(MemorySegment views, List<MemorySegment> buffers, MemorySegment validity,
                            MemorySegment sel, int count, MemorySegment out);

    /**
     * Looks keys up among a few known ones, without hashing: for each {@code i < n},
     * {@code out[i] = ids[j]} where {@code keys[i] == known[j]} ({@code j < k}; the known keys
     * are distinct), or -1 when no known key equals it. Returns how many got -1. For GROUP BY
     * keys packed into longs when the groups are few (a probe of a hash map costs a hash, a
     * dependent load and a branch per row).
     */
    int matchKeys(long[] keys, int n, long[] known, int[] ids, int k, int[] out);
}
