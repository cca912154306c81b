package io.blueshift.storage;

import io.blueshift.memory.Schema;

import java.util.List;

/**
 * A named table the engine can scan: a schema and blocks of rows. Scans go through
 * {@link #blockCount}, {@link #zoneMap(int, int)} and {@link #load}, so a table may keep its
 * blocks in memory ({@link InMemoryTable}) or read each one when a morsel needs it (a Parquet
 * file opened lazily); {@link #blocks()} holds every block in memory at once.
 */
public interface Table {
    String name();

    Schema schema();

    /** Every block with every column in memory (a lazily read table reads them all on first call). */
    List<TableBlock> blocks();

    /** Blocks, each one morsel of a scan. */
    default int blockCount() {
        return blocks().size();
    }

    default int blockRowCount(int block) {
        return blocks().get(block).rowCount();
    }

    /** Bounds of {@code column} in {@code block}, known without reading the block's values. */
    default ZoneMap zoneMap(int block, int column) {
        return blocks().get(block).zoneMap(column);
    }

    /**
     * The given columns (schema indices, in that order) of one block. In-memory tables return
     * views; others read the values with memory from {@code pool}, freed when the result is closed.
     */
    default LoadedBlock load(int block, int[] columns, io.blueshift.memory.MemoryPool pool) {
        TableBlock b = blocks().get(block);
        List<io.blueshift.memory.ColumnVector> cols = new java.util.ArrayList<>(columns.length);
        for (int c : columns) {
            cols.add(b.column(c));
        }
        return new LoadedBlock(cols, b.rowCount(), false);
    }

    /**
     * A zone-map test a scan hands to {@link #load(int, int[], io.blueshift.memory.MemoryPool, int[], RowFilter)}:
     * true when no row of a range whose {@code column} (schema index) has bounds {@code zone} can pass.
     */
    @FunctionalInterface
    interface RowFilter {
        boolean excludes(int column, ZoneMap zone);
    }

    /**
     * As {@link #load(int, int[], io.blueshift.memory.MemoryPool)}, but the table may leave out
     * rows of the block that {@code filter} rules out for one of {@code filterColumns} (by finer
     * statistics than the block's zone map, such as a Parquet page index); it never leaves out a
     * row that could pass, and keeps the others in order. The scan's filter still runs above.
     */
    default LoadedBlock load(int block, int[] columns, io.blueshift.memory.MemoryPool pool, int[] filterColumns, RowFilter filter) {
        return load(block, columns, pool);
    }

    /**
     * Whether the blocks are held in memory, so that a scan can cut a block into views of whole
     * batches at no cost (one morsel each) and keep every worker busy on a table of few blocks.
     * A table that stands for another (a lazily made one) answers for it.
     */
    default boolean inMemory() {
        return false;
    }

    /**
     * Whether {@link #load(int, int, int, int[], io.blueshift.memory.MemoryPool, int[], RowFilter)}
     * can read a range of the block's rows for these columns at less than the cost of the whole
     * block (a file read page by page): 0 when it cannot, else the fewest rows a range should hold
     * (a range of fewer rows than the columns' largest page would decode that page again and
     * again). A scan then cuts a large block into row ranges, one morsel each, so that a file of
     * few row groups still keeps every worker busy. In-memory tables answer 0 (their scans cut
     * the block's views themselves).
     */
    default int rowRangeGrain(int block, int[] columns) {
        return 0;
    }

    /**
     * Rows {@code [from, to)} of a block, as {@link #load(int, int[], io.blueshift.memory.MemoryPool, int[], RowFilter)}
     * gives the whole block: the table may leave out rows {@code filter} rules out, keeping the
     * others in order. Only for tables with a {@link #rowRangeGrain}.
     */
    default LoadedBlock load(int block, int from, int to, int[] columns, io.blueshift.memory.MemoryPool pool,
                             int[] filterColumns, RowFilter filter) {
        throw new UnsupportedOperationException("table " + name() + " does not read row ranges");
    }

    /**
     * Columns whose values are known to be distinct: those stored strictly increasing across
     * the whole table (every block's zone map says so, and each block starts above the
     * previous one's maximum). The optimizer uses them as keys to estimate join sizes.
     */
    default java.util.List<Integer> uniqueColumns() {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        int blocks = blockCount();
        if (blocks == 0) {
            return out;
        }
        for (int c = 0; c < schema().size(); c++) {
            boolean unique = true;
            long previousMax = Long.MIN_VALUE;
            for (int b = 0; b < blocks && unique; b++) {
                ZoneMap z = zoneMap(b, c);
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

    /**
     * What names the values of {@code column} (a schema index) while they stay as they are, so that
     * a copy kept across queries (the GPU's column cache, per block) is never served after they
     * change: equal identities mean equal values in equal blocks. Null (the default) when the
     * table cannot promise that; such a table is never cached.
     */
    default ColumnIdentity columnIdentity(int column) {
        return null;
    }

    default long rowCount() {
        long rows = 0;
        for (int b = 0; b < blockCount(); b++) {
            rows += blockRowCount(b);
        }
        return rows;
    }
}
