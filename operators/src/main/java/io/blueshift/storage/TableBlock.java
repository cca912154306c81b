package io.blueshift.storage;

import io.blueshift.memory.ColumnVector;

import java.util.List;

/** A run of rows of a table, one vector per column, with a zone map per column. */
public record TableBlock(List<ColumnVector> columns, List<ZoneMap> zoneMaps, int rowCount) {
    public TableBlock {
        columns = List.copyOf(columns);
        zoneMaps = List.copyOf(zoneMaps);
    }

    public ColumnVector column(int i) { return columns.get(i); }

    public ZoneMap zoneMap(int i) { return zoneMaps.get(i); }
}
