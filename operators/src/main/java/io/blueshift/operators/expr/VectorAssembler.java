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
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final int STRINGS = -1;
    private static final int BOOLEANS = 0;

    private final DataType type;
    /** Bytes per value (4 or 8), or STRINGS / BOOLEANS. */
    private final int width;
    private final int rows;
    private final MemorySegment data;
    private final MemorySegment validity;
    private final StringOutput strings;
    private boolean anyNull;

    VectorAssembler(Scratch scratch, DataType type, int rows) {
        this.type = type;
        this.rows = rows;
        this.width = type instanceof DataType.VarcharType ? STRINGS : type instanceof DataType.BooleanType ? BOOLEANS : type.byteWidth();
        if (width != STRINGS && width != BOOLEANS && width != 4 && width != 8) {
            throw new IllegalArgumentException("no assembler for " + type.sqlName());
        }
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

    /**
     * Copies rows {@code sel[0..n)} of {@code v} (nulls included): one loop per kind of value,
     * chosen once per call. (A switch on the type per row was compiled for the types seen so
     * far and trapped on the next, with the row loop and the CASE evaluation around it.)
     */
    void copy(ColumnVector v, MemorySegment sel, int n) {
        switch (width) {
            case STRINGS -> copyStrings(v, sel, n);
            case BOOLEANS -> copyBooleans(v, sel, n);
            case 4 -> copyInts(v, sel, n);
            default -> copyLongs(v, sel, n);
        }
    }

    private void copyStrings(ColumnVector v, MemorySegment sel, int n) {
        for (int i = 0; i < n; i++) {
            int r = sel.getAtIndex(ValueLayout.JAVA_INT, i);
            if (v.isNull(r)) {
                setNull(r);
            } else {
                strings.copyView(v, r, r);
            }
        }
    }

    private void copyBooleans(ColumnVector v, MemorySegment sel, int n) {
        for (int i = 0; i < n; i++) {
            int r = sel.getAtIndex(ValueLayout.JAVA_INT, i);
            if (v.isNull(r)) {
                setNull(r);
            } else {
                Validity.set(data, r, v.getBoolean(r));
            }
        }
    }

    private void copyInts(ColumnVector v, MemorySegment sel, int n) {
        MemorySegment src = v.data();
        for (int i = 0; i < n; i++) {
            int r = sel.getAtIndex(ValueLayout.JAVA_INT, i);
            if (v.isNull(r)) {
                setNull(r);
            } else {
                data.setAtIndex(INT, r, src.getAtIndex(INT, r));
            }
        }
    }

    private void copyLongs(ColumnVector v, MemorySegment sel, int n) {
        MemorySegment src = v.data();
        for (int i = 0; i < n; i++) {
            int r = sel.getAtIndex(ValueLayout.JAVA_INT, i);
            if (v.isNull(r)) {
                setNull(r);
            } else {
                data.setAtIndex(LONG, r, src.getAtIndex(LONG, r));
            }
        }
    }

    void copyRow(ColumnVector v, int r) {
        if (v.isNull(r)) {
            setNull(r);
            return;
        }
        switch (width) {
            case STRINGS -> strings.copyView(v, r, r);
            case BOOLEANS -> Validity.set(data, r, v.getBoolean(r));
            case 4 -> data.setAtIndex(INT, r, v.data().getAtIndex(INT, r));
            default -> data.setAtIndex(LONG, r, v.data().getAtIndex(LONG, r));
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
