package io.blueshift.memory;

import java.util.List;
import java.util.Objects;

/**
 * A set of equally long columns plus an optional selection of live rows. Operators pass
 * batches down a pipeline; a filter narrows the selection instead of copying columns.
 */
public final class Batch {
    // an array, not a List: List.copyOf gives one class for one or two columns and another for
    // more, and column(i) in the kernels' callers then trapped on the class it had not seen
    private final ColumnVector[] columns;
    private final List<ColumnVector> columnList;
    private final int rowCount;
    private final SelectionVector selection;

    public Batch(List<ColumnVector> columns, int rowCount, SelectionVector selection) {
        this.columnList = List.copyOf(Objects.requireNonNull(columns, "columns is null"));
        this.columns = columnList.toArray(new ColumnVector[0]);
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

    public List<ColumnVector> columns() { return columnList; }
    public ColumnVector column(int i) { return columns[i]; }
    public int columnCount() { return columns.length; }
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
        return new Batch(columnList, rowCount, newSelection);
    }

    public Batch withColumns(List<ColumnVector> newColumns) {
        return new Batch(newColumns, rowCount, selection);
    }
}
