package io.blueshift.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Compaction by row ids: {@code dst[i] = src[rows[i]]} for i in {@code [0, count)}. Used to
 * make selected rows dense and to fetch build-side rows in joins. Row ids need not be sorted.
 * {@code dst} must not overlap {@code src} or {@code rows}.
 */
public interface GatherKernels {
    void gatherInt32(MemorySegment src, MemorySegment rows, int count, MemorySegment dst);

    void gatherInt64(MemorySegment src, MemorySegment rows, int count, MemorySegment dst);

    /** 16-byte values: string views (the buffers they point into stay where they are). */
    void gatherInt128(MemorySegment src, MemorySegment rows, int count, MemorySegment dst);

    /** Bits of an Arrow bitmap ({@code dst} bits {@code [0, count)} are overwritten). */
    void gatherBits(MemorySegment src, MemorySegment rows, int count, MemorySegment dst);
}
