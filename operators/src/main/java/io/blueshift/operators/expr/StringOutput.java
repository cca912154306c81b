package io.blueshift.operators.expr;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.StringViews;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a computed VARCHAR vector in scratch memory. Views live in a scratch slot; bytes of
 * strings over 12 bytes go to data buffers that are scratch slots too (an arena that ends with
 * the evaluator's {@code reset}, i.e. with the batch). A result that is a piece of an input
 * string (SUBSTRING, CASE, COALESCE) can point into the input's buffers instead of copying:
 * those are listed first, under the indexes {@link #share} returns.
 */
final class StringOutput {
    private static final int CHUNK_BYTES = 64 << 10;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    private final Scratch scratch;
    private final int rows;
    private final MemorySegment views;
    private final List<MemorySegment> buffers = new ArrayList<>();
    private final List<List<MemorySegment>> shared = new ArrayList<>();
    private final List<Integer> sharedBase = new ArrayList<>();
    private MemorySegment chunk;
    private int chunkIndex = -1;
    private long fill;

    StringOutput(Scratch scratch, int rows) {
        this.scratch = scratch;
        this.rows = rows;
        this.views = scratch.take(Math.max(1L, (long) rows * StringViews.VIEW_BYTES));
    }

    /** Makes {@code source}'s buffers addressable from this vector; returns the index of its buffer 0. */
    int share(List<MemorySegment> source) {
        for (int i = 0; i < shared.size(); i++) {
            if (shared.get(i) == source) {
                return sharedBase.get(i);
            }
        }
        int base = buffers.size();
        buffers.addAll(source);
        shared.add(source);
        sharedBase.add(base);
        chunkIndex = -1; // the next copy starts a new chunk after the shared ones
        chunk = null;
        return base;
    }

    /** Writes {@code len} bytes from {@code src[off..]} as row {@code row}'s value. */
    void put(int row, MemorySegment src, long off, int len) {
        long base = (long) row * StringViews.VIEW_BYTES;
        views.set(ValueLayout.JAVA_LONG_UNALIGNED, base, 0L);
        views.set(ValueLayout.JAVA_LONG_UNALIGNED, base + 8, 0L);
        views.set(INT, base, len);
        if (len <= StringViews.INLINE_MAX) {
            MemorySegment.copy(src, off, views, base + 4, len);
            return;
        }
        if (chunk == null || fill + len > chunk.byteSize()) {
            chunk = scratch.take(Math.max(CHUNK_BYTES, len));
            buffers.add(chunk);
            chunkIndex = buffers.size() - 1;
            fill = 0;
        }
        MemorySegment.copy(src, off, chunk, fill, len);
        MemorySegment.copy(src, off, views, base + 4, 4);
        views.set(INT, base + 8, chunkIndex);
        views.set(INT, base + 12, (int) fill);
        fill += len;
    }

    void put(int row, byte[] bytes) {
        put(row, MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    /**
     * Row {@code row} as {@code len} bytes at {@code offset} of shared buffer {@code buffer}
     * (an index returned by {@link #share} plus the source's own buffer index); no copy.
     */
    void reference(int row, int buffer, int offset, int len) {
        MemorySegment b = buffers.get(buffer);
        if (len <= StringViews.INLINE_MAX) {
            put(row, b, offset, len);
            return;
        }
        long base = (long) row * StringViews.VIEW_BYTES;
        views.set(INT, base, len);
        MemorySegment.copy(b, offset, views, base + 4, 4);
        views.set(INT, base + 8, buffer);
        views.set(INT, base + 12, offset);
    }

    /** Copies the view of {@code v}'s row {@code from} into row {@code to}, sharing its buffer. */
    void copyView(ColumnVector v, int from, int to) {
        long src = (long) from * StringViews.VIEW_BYTES;
        long dst = (long) to * StringViews.VIEW_BYTES;
        MemorySegment.copy(v.data(), src, views, dst, StringViews.VIEW_BYTES);
        if (v.data().get(INT, src) > StringViews.INLINE_MAX) {
            int base = share(v.varBuffers());
            views.set(INT, dst + 8, base + v.data().get(INT, src + 8));
        }
    }

    /** Row {@code to} gets the same value as the already written row {@code from}. */
    void copyRow(int from, int to) {
        MemorySegment.copy(views, (long) from * StringViews.VIEW_BYTES, views, (long) to * StringViews.VIEW_BYTES, StringViews.VIEW_BYTES);
    }

    ColumnVector finish(MemorySegment validity) {
        return ColumnVector.wrap(DataType.VARCHAR, rows, views, validity, buffers);
    }

    // ---- reading a string value in place ----

    /** The segment holding row {@code row}'s bytes: the views themselves (inline) or its buffer. */
    static MemorySegment segment(ColumnVector v, int row) {
        long base = (long) row * StringViews.VIEW_BYTES;
        int len = v.data().get(INT, base);
        return len <= StringViews.INLINE_MAX ? v.data() : v.varBuffers().get(v.data().get(INT, base + 8));
    }

    /** Where row {@code row}'s bytes start in {@link #segment}. */
    static long offset(ColumnVector v, int row) {
        long base = (long) row * StringViews.VIEW_BYTES;
        int len = v.data().get(INT, base);
        return len <= StringViews.INLINE_MAX ? base + 4 : v.data().get(INT, base + 12);
    }

    static int length(ColumnVector v, int row) {
        return v.data().get(INT, (long) row * StringViews.VIEW_BYTES);
    }
}
