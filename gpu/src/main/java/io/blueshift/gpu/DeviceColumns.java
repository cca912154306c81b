package io.blueshift.gpu;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Validity;

/** Host-to-device copies of our column vectors. */
public final class DeviceColumns {
    private DeviceColumns() { }

    /** Join and group keys go to the device as int64: INT32 and DATE columns are widened on the host first. */
    public static DeviceColumn uploadAsInt64(Accelerator acc, ColumnVector v, int rows, MemoryPool pool, String owner) {
        ValueKind kind = ValueKind.of(v.type()).orElse(ValueKind.FLOAT64);
        if (kind == ValueKind.INT64) return upload(acc, v, rows, pool, owner);
        if (kind != ValueKind.INT32) throw new IllegalArgumentException(v.type().sqlName() + " is not an integer key");
        try (io.blueshift.memory.Allocation wide = pool.allocate((long) rows * 8, owner + " widened")) {
            var seg = wide.segment();
            for (int i = 0; i < rows; i++) {
                seg.setAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG, i, v.getInt(i));
            }
            ColumnVector w = ColumnVector.wrap(io.blueshift.memory.DataType.INT64, rows, seg, v.validity(), null);
            return upload(acc, w, rows, pool, owner);
        }
    }

    /** The first {@code rows} values of {@code v} (and its validity bitmap, when it has one) on the device. */
    public static DeviceColumn upload(Accelerator acc, ColumnVector v, int rows, MemoryPool pool, String owner) {
        ValueKind kind = ValueKind.of(v.type())
                .orElseThrow(() -> new IllegalArgumentException(v.type().sqlName() + " columns cannot go to the device"));
        long bytes = (long) rows * kind.bytes();
        DeviceBuffer data = acc.allocate(bytes, pool, owner);
        DeviceBuffer validity = null;
        try {
            acc.copyToDevice(v.data().asSlice(0, bytes), data, 0);
            if (v.validity() != null) {
                long vb = Validity.bytesFor(rows);
                validity = acc.allocate(vb, pool, owner + " validity");
                acc.copyToDevice(v.validity().asSlice(0, Math.min(vb, v.validity().byteSize())), validity, 0);
            }
            return new DeviceColumn(kind, data, validity);
        } catch (RuntimeException e) {
            data.close();
            if (validity != null) validity.close();
            throw e;
        }
    }
}
