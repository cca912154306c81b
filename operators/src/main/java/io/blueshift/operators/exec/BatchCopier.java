package io.blueshift.operators.exec;

import io.blueshift.kernels.GatherKernels;
import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;

import java.lang.foreign.MemorySegment;


/** Copies the live rows of one column of a batch into a new dense, owned vector. */
final class BatchCopier {
    private BatchCopier() {}

    static ColumnVector copyLive(ExecutionContext ctx, ColumnVector src, Batch batch) {
        int n = batch.liveCount();
        DataType type = src.type();
        ColumnVector out = ColumnVector.allocate(ctx.pool(), type, Math.max(n, 1), src.mayHaveNulls(), "result column");
        try {
            MemorySegment sel = batch.selection() == null ? null : batch.selection().segment();
            GatherKernels g = ctx.kernels().gather();
            if (type instanceof DataType.VarcharType) {
                long outOfLine = 0;
                for (int i = 0; i < n; i++) {
                    int r = batch.liveRow(i);
                    if (!src.isNull(r)) {
                        int len = io.blueshift.memory.StringViews.length(src.data(), r);
                        if (len > io.blueshift.memory.StringViews.INLINE_MAX) {
                            outOfLine += len;
                        }
                    }
                }
                out.reserveStringBytes(outOfLine);
            }
            if (type instanceof DataType.VarcharType || type instanceof DataType.BooleanType) {
                for (int i = 0; i < n; i++) {
                    int r = batch.liveRow(i);
                    if (src.isNull(r)) {
                        out.setNull(i);
                    } else if (type instanceof DataType.VarcharType) {
                        if (io.blueshift.memory.StringViews.length(src.data(), r) <= io.blueshift.memory.StringViews.INLINE_MAX) {
                            // an inline view is the whole string: copy its 16 bytes
                            MemorySegment.copy(src.data(), (long) r << 4, out.data(), (long) i << 4, 16);
                        } else {
                            out.setString(i, src.getStringBytes(r));
                        }
                    } else {
                        out.setBoolean(i, src.getBoolean(r));
                    }
                }
                return out;
            }
            int width = type.byteWidth();
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
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

}
