package io.blueshift.operators.set;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.exec.MaterializedResults;

import java.util.ArrayList;
import java.util.List;

/**
 * VALUES: constant rows as owned columns, in batch-sized pieces for the pipeline above.
 * Values are as in {@code Expr.Literal}: Long (or any integral Number) for INT32, INT64,
 * DATE days, TIMESTAMP µs and DECIMAL unscaled; Double; String; Boolean; null for NULL.
 */
public final class ConstantRows {
    private ConstantRows() {}

    public static MaterializedResult materialize(Schema schema, List<List<Object>> rows, ExecutionContext ctx) {
        for (int r = 0; r < rows.size(); r++) {
            if (rows.get(r).size() != schema.size()) {
                throw new IllegalArgumentException("VALUES row " + (r + 1) + " has " + rows.get(r).size()
                        + " values for " + schema.size() + " columns");
            }
        }
        List<ColumnVector> columns = new ArrayList<>(schema.size());
        try {
            for (int c = 0; c < schema.size(); c++) {
                columns.add(column(ctx.pool(), schema.type(c), rows, c));
            }
        } catch (RuntimeException e) {
            columns.forEach(ColumnVector::close);
            throw e;
        }
        return MaterializedResults.chunked(schema, columns, rows.size(), ctx.batchRows());
    }

    private static ColumnVector column(MemoryPool pool, DataType type, List<List<Object>> rows, int c) {
        boolean nullable = rows.stream().anyMatch(r -> r.get(c) == null);
        ColumnVector v = ColumnVector.allocate(pool, type, Math.max(rows.size(), 1), nullable, "VALUES column " + c);
        try {
            for (int r = 0; r < rows.size(); r++) {
                Object value = rows.get(r).get(c);
                if (value == null) {
                    v.setNull(r);
                    continue;
                }
                switch (type) {
                    case DataType.BooleanType t -> v.setBoolean(r, (Boolean) value);
                    case DataType.Float64Type t -> v.setDouble(r, ((Number) value).doubleValue());
                    case DataType.VarcharType t -> v.setString(r, (String) value);
                    case DataType.Int32Type t -> v.setInt(r, Math.toIntExact(((Number) value).longValue()));
                    case DataType.DateType t -> v.setInt(r, Math.toIntExact(((Number) value).longValue()));
                    default -> v.setLong(r, ((Number) value).longValue());
                }
            }
            return v;
        } catch (ClassCastException e) {
            v.close();
            throw new IllegalArgumentException("VALUES column " + c + " of type " + type.sqlName() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            v.close();
            throw e;
        }
    }
}
