package io.blueshift.gpu;

import io.blueshift.memory.ColumnVector;

import java.lang.foreign.MemorySegment;
import java.util.List;

/** Test access to {@link DeviceColumns}' bitmap concatenation from other packages. */
public final class DeviceColumnsAccess {
    private DeviceColumnsAccess() { }

    public static void concatValidity(List<ColumnVector> parts, int[] rows, MemorySegment out) {
        DeviceColumns.concatValidity(parts, rows, out);
    }
}
