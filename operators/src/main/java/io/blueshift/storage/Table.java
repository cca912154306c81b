package io.blueshift.storage;

import io.blueshift.memory.Schema;

import java.util.List;

/** A named table the engine can scan: a schema and blocks of rows. */
public interface Table {
    String name();

    Schema schema();

    List<TableBlock> blocks();

    /**
     * Columns whose values are known to be distinct: those stored strictly increasing across
     * the whole table (every block's zone map says so, and each block starts above the
     * previous one's maximum). The optimizer uses them as keys to estimate join sizes.
     */
    default java.util.List<Integer> uniqueColumns() {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        List<TableBlock> blocks = blocks();
        if (blocks.isEmpty()) {
            return out;
        }
        for (int c = 0; c < schema().size(); c++) {
            boolean unique = true;
            long previousMax = Long.MIN_VALUE;
            for (int b = 0; b < blocks.size() && unique; b++) {
                ZoneMap z = blocks.get(b).zoneMap(c);
                unique = z.strictlyIncreasing() && (b == 0 || z.minLong() > previousMax);
                previousMax = z.maxLong();
            }
            if (unique) {
                out.add(c);
            }
        }
        return out;
    }

    /** Estimated number of distinct non-null values in a column. */
    default long distinctValues(int column) {
        return DistinctCount.estimate(this, column);
    }

    default long rowCount() {
        long rows = 0;
        for (TableBlock b : blocks()) {
            rows += b.rowCount();
        }
        return rows;
    }
}
