package io.blueshift.gpu.offload;

import io.blueshift.storage.Table;

/**
 * Runs of consecutive table blocks a device filter takes in one pass, each up to
 * {@code segmentRows} rows (a bigger block alone): the launches and synchronisation of a pass
 * are then paid per segment, not per block (a 64K-row block costs the device about as much
 * in fixed costs as it takes a CPU thread to filter it). {@code first[s]} is segment s's first
 * block; {@code first[count]} the table's block count.
 */
record BlockSegments(int[] first) {
    /** A million rows: on an H100 a pass over them takes about as long as its fixed costs. */
    static final int DEFAULT_SEGMENT_ROWS = 1 << 20;

    static BlockSegments of(Table table, int segmentRows) {
        int blocks = table.blockCount();
        int[] first = new int[blocks + 1];
        int n = 0;
        long rows = 0;
        for (int b = 0; b < blocks; b++) {
            long r = table.blockRowCount(b);
            if (b == 0 || rows + r > segmentRows) {
                first[n++] = b;
                rows = 0;
            }
            rows += r;
        }
        first[n] = blocks;
        return new BlockSegments(java.util.Arrays.copyOf(first, n + 1));
    }

    /** Segments a table will have, without asking a table that cannot say yet (files not open): its rows over the segment size. */
    static int estimate(Table table, int segmentRows) {
        try {
            return of(table, segmentRows).count();
        } catch (IllegalStateException e) {
            return (int) Math.max(1, (table.rowCount() + segmentRows - 1) / segmentRows);
        }
    }

    int count() { return first.length - 1; }

    int start(int segment) { return first[segment]; }

    int end(int segment) { return first[segment + 1]; }
}
