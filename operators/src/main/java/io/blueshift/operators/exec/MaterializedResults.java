package io.blueshift.operators.exec;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.Schema;

import java.util.ArrayList;
import java.util.List;

/** Builds materialized results from whole owned columns, sliced into batch-sized pieces. */
public final class MaterializedResults {
    private MaterializedResults() {}

    /** Takes ownership of {@code columns} ({@code rows} rows each). */
    public static MaterializedResult chunked(Schema schema, List<ColumnVector> columns, int rows, int batchRows) {
        List<Batch> batches = new ArrayList<>();
        for (int offset = 0; offset < rows; offset += batchRows) {
            int n = Math.min(batchRows, rows - offset);
            List<ColumnVector> slices = new ArrayList<>(columns.size());
            for (ColumnVector c : columns) {
                slices.add(c.slice(offset, n));
            }
            batches.add(new Batch(slices, n));
        }
        return new MaterializedResult(schema, batches, columns);
    }
}
