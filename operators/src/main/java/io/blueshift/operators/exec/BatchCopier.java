package io.blueshift.operators.exec;

import io.blueshift.kernels.GatherKernels;
import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.StringViews;

import java.lang.foreign.MemorySegment;


/** Copies the live rows of one column of a batch into a new dense, owned vector. */
final class BatchCopier {
    private BatchCopier() {}

    /**
     * One method per kind of column (strings, booleans, fixed width), each small: the one
     * method that did all three was compiled for the kinds the queries so far had shown and
     * compiled again at the next.
     */
    static ColumnVector copyLive(ExecutionContext ctx, ColumnVector src, Batch batch) {
        int n = batch.liveCount();
        DataType type = src.type();
        ColumnVector out = ColumnVector.allocate(ctx.pool(), type, Math.max(n, 1), src.mayHaveNulls(), "result column");
        try {
            if (type instanceof DataType.VarcharType) {
                copyStrings(src, batch, n, out);
            } else if (type instanceof DataType.BooleanType) {
                copyBooleans(src, batch, n, out);
            } else {
                copyFixed(ctx.kernels().gather(), src, batch, n, out);
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    private static void copyStrings(ColumnVector src, Batch batch, int n, ColumnVector out) {
        long outOfLine = 0;
        for (int i = 0; i < n; i++) {
            int r = batch.liveRow(i);
            if (!src.isNull(r)) {
                int len = StringViews.length(src.data(), r);
                if (len > StringViews.INLINE_MAX) {
                    outOfLine += len;
                }
            }
        }
        out.reserveStringBytes(outOfLine);
        for (int i = 0; i < n; i++) {
            int r = batch.liveRow(i);
            if (src.isNull(r)) {
                out.setNull(i);
            } else if (StringViews.length(src.data(), r) <= StringViews.INLINE_MAX) {
                // an inline view is the whole string: copy its 16 bytes
                MemorySegment.copy(src.data(), (long) r << 4, out.data(), (long) i << 4, 16);
            } else {
                out.setString(i, src.getStringBytes(r));
            }
        }
    }

    private static void copyBooleans(ColumnVector src, Batch batch, int n, ColumnVector out) {
        for (int i = 0; i < n; i++) {
            int r = batch.liveRow(i);
            if (src.isNull(r)) {
                out.setNull(i);
            } else {
                out.setBoolean(i, src.getBoolean(r));
            }
        }
    }

    private static void copyFixed(GatherKernels g, ColumnVector src, Batch batch, int n, ColumnVector out) {
        MemorySegment sel = batch.selection() == null ? null : batch.selection().segment();
        int width = src.type().byteWidth();
        if (sel == null) {
            MemorySegment.copy(src.data(), 0, out.data(), 0, (long) n * width);
        } else if (width == 4) {
            g.gatherInt32(src.data(), sel, n, out.data());
        } else {
            g.gatherInt64(src.data(), sel, n, out.data());
        }
        if (src.validity() != null) {
            if (sel == null) {
                for (int i = 0; i < n; i++) {
                    if (src.isNull(i)) out.setNull(i);
                }
            } else {
                g.gatherBits(src.validity(), sel, n, out.validity());
            }
        }
    }
}
