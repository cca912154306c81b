package io.blueshift.gpu;

/** Lets the CUDA backend build its grouped result the way the reference does. */
public final class ReferenceAccess {
    private ReferenceAccess() { }

    public static GroupedAggregate compact(long[] slotKeys, boolean[] used, long[][] values, long[][] counts, int groups) {
        return ReferenceAccelerator.compact(slotKeys, used, values, counts, groups);
    }
}
