package io.blueshift.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Ascending int32 row ids of the rows of a batch that are still alive. Filters write one
 * instead of copying columns; operators that need dense data compact lazily.
 */
public final class SelectionVector implements AutoCloseable {
    private final Allocation allocation;
    private final MemorySegment rows;
    private final int capacity;
    private int count;

    public SelectionVector(MemoryPool pool, int capacity) {
        this.allocation = pool.allocate((long) capacity * Integer.BYTES, "selection vector");
        this.rows = allocation.segment();
        this.capacity = capacity;
    }

    /** Wraps caller-owned memory; close does nothing. */
    public SelectionVector(MemorySegment rows, int count) {
        this.allocation = null;
        this.rows = rows;
        this.capacity = (int) (rows.byteSize() / Integer.BYTES);
        this.count = count;
    }

    public MemorySegment segment() { return rows; }
    public int capacity() { return capacity; }
    public int count() { return count; }

    public void setCount(int count) {
        if (count < 0 || count > capacity) {
            throw new IllegalArgumentException("selection count " + count + " outside 0.." + capacity);
        }
        this.count = count;
    }

    public int get(int i) {
        return rows.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
    }

    public void set(int i, int row) {
        rows.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i, row);
    }

    @Override
    public void close() {
        if (allocation != null) {
            allocation.close();
        }
    }
}
