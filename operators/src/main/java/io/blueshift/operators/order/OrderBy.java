package io.blueshift.operators.order;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Schema;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.exec.MaterializedResults;
import io.blueshift.operators.expr.PredicateEvaluator.ValueComparator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Sorts a materialized result by several keys (stable) and returns it densely in the new
 * order, optionally keeping only {@code limit} rows after {@code offset}. Meant for the
 * small results at the top of a plan; large sorts arrive with the parallel sort.
 */
public final class OrderBy {
    private OrderBy() {}

    public static MaterializedResult sort(MaterializedResult input, List<SortKey> keys, long offset, long limit,
                                          ExecutionContext ctx) {
        List<Batch> batches = input.batches();
        int total = Math.toIntExact(input.rowCount());
        // (batch index, row) packed into a long: row ids stay small
        long[] refs = new long[total];
        int k = 0;
        for (int b = 0; b < batches.size(); b++) {
            Batch batch = batches.get(b);
            for (int i = 0; i < batch.liveCount(); i++) {
                refs[k++] = ((long) b << 32) | batch.liveRow(i);
            }
        }
        Long[] boxed = Arrays.stream(refs).boxed().toArray(Long[]::new);
        Arrays.sort(boxed, comparator(batches, keys));
        int from = (int) Math.min(offset, total);
        int to = (int) Math.min(total, from + Math.min(limit, Integer.MAX_VALUE));
        int n = to - from;
        Schema schema = input.schema();
        List<ColumnVector> out = new ArrayList<>();
        try {
            for (int c = 0; c < schema.size(); c++) {
                DataType type = schema.type(c);
                ColumnVector v = ColumnVector.allocate(ctx.pool(), type, Math.max(n, 1), false, "sorted " + schema.field(c).name());
                out.add(v);
                for (int i = 0; i < n; i++) {
                    long ref = boxed[from + i];
                    ColumnVector src = batches.get((int) (ref >>> 32)).column(c);
                    copyValue(src, (int) ref, v, i);
                }
            }
        } catch (RuntimeException e) {
            out.forEach(ColumnVector::close);
            throw e;
        }
        return MaterializedResults.chunked(schema, out, n, ctx.batchRows());
    }

    private static Comparator<Long> comparator(List<Batch> batches, List<SortKey> keys) {
        return (x, y) -> {
            Batch bx = batches.get((int) (x >>> 32));
            Batch by = batches.get((int) (y >>> 32));
            int rx = (int) (long) x;
            int ry = (int) (long) y;
            for (SortKey key : keys) {
                ColumnVector cx = bx.column(key.column());
                ColumnVector cy = by.column(key.column());
                boolean nx = cx.isNull(rx);
                boolean ny = cy.isNull(ry);
                int cmp;
                if (nx || ny) {
                    if (nx && ny) {
                        continue;
                    }
                    cmp = nx == key.nullsFirst() ? -1 : 1;
                    return cmp;
                }
                cmp = ValueComparator.of(cx, cy).compare(rx, ry);
                if (cmp != 0) {
                    return key.ascending() ? cmp : -cmp;
                }
            }
            return 0;
        };
    }

    static void copyValue(ColumnVector src, int row, ColumnVector dst, int i) {
        if (src.isNull(row)) {
            dst.setNull(i);
            return;
        }
        switch (src.type()) {
            case DataType.VarcharType t -> dst.setString(i, src.getStringBytes(row));
            case DataType.BooleanType t -> dst.setBoolean(i, src.getBoolean(row));
            case DataType.Float64Type t -> dst.setDouble(i, src.getDouble(row));
            default -> {
                if (src.type().byteWidth() == 4) dst.setInt(i, src.getInt(row));
                else dst.setLong(i, src.getLong(row));
            }
        }
    }
}
