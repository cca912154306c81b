package io.blueshift.gpu;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Validity;

import java.lang.foreign.MemorySegment;
import java.util.List;

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

    /**
     * Consecutive pieces of one column (table blocks) as one device column: {@code rows[i]}
     * values of {@code parts.get(i)} after those before it; a validity bitmap when any piece has one.
     */
    public static DeviceColumn uploadParts(Accelerator acc, List<ColumnVector> parts, int[] rows, MemoryPool pool, String owner) {
        if (parts.size() == 1) return upload(acc, parts.getFirst(), rows[0], pool, owner);
        Shape shape = Shape.of(parts, rows);
        ValueKind kind = shape.kind();
        long total = shape.rows();
        boolean nulls = shape.nulls();
        if (total > Integer.MAX_VALUE) throw new IllegalArgumentException("more than 2^31 rows in one device column");
        DeviceBuffer data = acc.allocate(Math.max(total, 1) * kind.bytes(), pool, owner);
        DeviceBuffer validity = null;
        try {
            long at = 0;
            for (int i = 0; i < parts.size(); i++) {
                if (rows[i] > 0) acc.copyToDevice(parts.get(i).data().asSlice(0, (long) rows[i] * kind.bytes()), data, at * kind.bytes());
                at += rows[i];
            }
            if (nulls) {
                long vb = Validity.bytesFor((int) total);
                validity = acc.allocate(vb, pool, owner + " validity");
                try (io.blueshift.memory.Allocation host = pool.allocate(vb, owner + " validity (host)")) {
                    concatValidity(parts, rows, host.segment());
                    acc.copyToDevice(host.segment(), validity, 0);
                }
            }
            return new DeviceColumn(kind, data, validity);
        } catch (RuntimeException e) {
            data.close();
            if (validity != null) validity.close();
            throw e;
        }
    }

    /** What consecutive pieces of one column make on the device: their kind, their rows in all, and whether any has nulls. */
    record Shape(ValueKind kind, long rows, boolean nulls) {
        static Shape of(List<ColumnVector> parts, int[] rows) {
            ValueKind kind = ValueKind.of(parts.getFirst().type())
                    .orElseThrow(() -> new IllegalArgumentException(parts.getFirst().type().sqlName() + " columns cannot go to the device"));
            long total = 0;
            boolean nulls = false;
            for (int i = 0; i < parts.size(); i++) {
                total += rows[i];
                nulls |= parts.get(i).validity() != null;
            }
            return new Shape(kind, total, nulls);
        }
    }

    /** The pieces' bitmaps one after the other (a piece without one is all valid); whole bytes where a piece starts on one. */
    static void concatValidity(List<ColumnVector> parts, int[] rows, MemorySegment out) {
        int at = 0;
        for (int i = 0; i < parts.size(); i++) {
            MemorySegment v = parts.get(i).validity();
            int n = rows[i];
            if ((at & 7) == 0) {
                long bytes = (n + 7L) >>> 3; // the rest of a last partial byte is the next piece's, set bit by bit
                if (v == null) {
                    out.asSlice(at >>> 3, bytes).fill((byte) 0xFF);
                } else {
                    MemorySegment.copy(v, 0, out, at >>> 3, Math.min(bytes, v.byteSize()));
                }
            } else {
                for (int r = 0; r < n; r++) Validity.set(out, at + r, v == null || Validity.isValid(v, r));
            }
            at += n;
        }
    }
}
