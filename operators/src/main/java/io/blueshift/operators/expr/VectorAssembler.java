package io.blueshift.operators.expr;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Validity;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One output vector assembled row by row from several source vectors of the same type (the
 * branches of a CASE, the arguments of COALESCE). Strings are not copied: views keep pointing
 * into their source's buffers, which the output lists.
 */
final class VectorAssembler {
    private final DataType type;
    private final int rows;
    private final MemorySegment data;
    private final MemorySegment validity;
    private final StringOutput strings;
    private boolean anyNull;

    VectorAssembler(Scratch scratch, DataType type, int rows) {
        this.type = type;
        this.rows = rows;
        if (type instanceof DataType.VarcharType) {
            this.strings = new StringOutput(scratch, rows);
            this.data = null;
        } else {
            this.strings = null;
            long bytes = type instanceof DataType.BooleanType ? Validity.bytesFor(rows) : (long) rows * type.byteWidth();
            this.data = scratch.take(Math.max(8, bytes));
        }
        this.validity = scratch.take(Validity.bytesFor(rows));
        Validity.setAll(validity, true);
    }

    /** Copies rows {@code sel[0..n)} of {@code v} (nulls included). */
    void copy(ColumnVector v, MemorySegment sel, int n) {
        for (int i = 0; i < n; i++) {
            int r = sel.getAtIndex(ValueLayout.JAVA_INT, i);
            copyRow(v, r);
        }
    }

    void copyRow(ColumnVector v, int r) {
        if (v.isNull(r)) {
            setNull(r);
            return;
        }
        switch (type) {
            case DataType.VarcharType t -> strings.copyView(v, r, r);
            case DataType.BooleanType t -> Validity.set(data, r, v.getBoolean(r));
            default -> {
                int w = type.byteWidth();
                MemorySegment.copy(v.data(), (long) r * w, data, (long) r * w, w);
            }
        }
    }

    void setNull(int r) {
        anyNull = true;
        Validity.set(validity, r, false);
    }

    ColumnVector finish() {
        MemorySegment valid = anyNull ? validity : null;
        return strings != null ? strings.finish(valid) : ColumnVector.wrap(type, rows, data, valid, null);
    }
}
