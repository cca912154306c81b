package io.blueshift.memory;

import java.util.List;
import java.util.Objects;

/**
 * A set of equally long columns plus an optional selection of live rows. Operators pass
 * batches down a pipeline; a filter narrows the selection instead of copying columns.
 */
public final class Batch {
    private final List<ColumnVector> columns;
    private final int rowCount;
    private final SelectionVector selection;

    public Batch(List<ColumnVector> columns, int rowCount, SelectionVector selection) {
        this.columns = List.copyOf(Objects.requireNonNull(columns, "columns is null"));
        if (rowCount < 0) {
            throw new IllegalArgumentException("row count must be >= 0, got " + rowCount);
        }
        for (ColumnVector c : this.columns) {
            if (c.capacity() < rowCount) {
                throw new IllegalArgumentException("column of " + c.capacity() + " values in a batch of " + rowCount + " rows");
            }
        }
        this.rowCount = rowCount;
        this.selection = selection;
    }

    public Batch(List<ColumnVector> columns, int rowCount) {
        this(columns, rowCount, null);
    }

    public List<ColumnVector> columns() { return columns; }
    public ColumnVector column(int i) { return columns.get(i); }
    public int columnCount() { return columns.size(); }
    /** Physical rows in each column, selected or not. */
    public int rowCount() { return rowCount; }
    /** The selection, or {@code null} when every row is live. */
    public SelectionVector selection() { return selection; }

    /** Rows that are live: the selection's count, or every row. */
    public int liveCount() {
        return selection == null ? rowCount : selection.count();
    }

    /** Row id of the {@code i}-th live row. */
    public int liveRow(int i) {
        return selection == null ? i : selection.get(i);
    }

    public Batch withSelection(SelectionVector newSelection) {
        return new Batch(columns, rowCount, newSelection);
    }

    public Batch withColumns(List<ColumnVector> newColumns) {
        return new Batch(newColumns, rowCount, selection);
    }
}
