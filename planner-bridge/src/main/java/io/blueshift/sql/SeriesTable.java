package io.blueshift.sql;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.storage.LoadedBlock;
import io.blueshift.storage.Table;
import io.blueshift.storage.TableBlock;
import io.blueshift.storage.ZoneMap;

import java.util.List;

/**
 * The table functions {@code range(...)} and {@code generate_series(...)} in FROM, as DuckDB
 * has them: one BIGINT column named after the function holding start, start + step, ... up to
 * stop (range leaves stop out, generate_series includes it). Nothing is stored: each block's
 * values are computed when a scan loads it, so a long series costs no memory until it is read,
 * and its zone maps (and the column's uniqueness) are known without reading anything.
 */
final class SeriesTable implements Table {
    static final int BLOCK_ROWS = 1 << 16;

    private final String name;
    private final Schema schema;
    private final long start;
    private final long step;
    private final long rows;

    private SeriesTable(String name, String column, long start, long step, long rows) {
        this.name = name;
        this.schema = new Schema(List.of(new Field(column, DataType.INT64, false)));
        this.start = start;
        this.step = step;
        this.rows = rows;
    }

    /**
     * The series of {@code function} ("range" or "generate_series") over DuckDB's arguments:
     * {@code (stop)} from 0, {@code (start, stop)} by 1, or {@code (start, stop, step)}.
     */
    static SeriesTable of(String name, String function, long[] args) {
        boolean inclusive = function.equals("generate_series");
        if (args.length < 1 || args.length > 3) {
            throw new IllegalArgumentException(function + " takes 1 to 3 integer arguments, got " + args.length);
        }
        long start = args.length == 1 ? 0 : args[0];
        long stop = args.length == 1 ? args[0] : args[1];
        long step = args.length == 3 ? args[2] : 1;
        if (step == 0) {
            throw new IllegalArgumentException(function + ": the step cannot be 0");
        }
        // values start + k * step for k >= 0 while before stop (or at it, when inclusive)
        java.math.BigInteger span = java.math.BigInteger.valueOf(stop).subtract(java.math.BigInteger.valueOf(start));
        java.math.BigInteger s = java.math.BigInteger.valueOf(step);
        long count;
        if (span.signum() != 0 && span.signum() != s.signum()) {
            count = 0;
        } else if (span.signum() == 0) {
            count = inclusive ? 1 : 0;
        } else {
            java.math.BigInteger[] qr = span.abs().divideAndRemainder(s.abs());
            java.math.BigInteger n = qr[0].add(qr[1].signum() != 0 || inclusive ? java.math.BigInteger.ONE : java.math.BigInteger.ZERO);
            if (n.bitLength() > 62) {
                throw new IllegalArgumentException(function + ": too many values (" + n + ")");
            }
            count = n.longValueExact();
        }
        return new SeriesTable(name, function, start, step, count);
    }

    @Override public String name() { return name; }
    @Override public Schema schema() { return schema; }
    @Override public long rowCount() { return rows; }
    @Override public List<Integer> uniqueColumns() { return rows > 0 ? List.of(0) : List.of(); }
    @Override public long distinctValues(int column) { return rows; }

    @Override
    public int blockCount() {
        long blocks = (rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(schema.field(0).name() + ": too many values (" + rows + ")");
        }
        return (int) blocks;
    }

    @Override
    public int blockRowCount(int block) {
        return (int) Math.min(BLOCK_ROWS, rows - (long) block * BLOCK_ROWS);
    }

    private long first(int block) {
        return start + (long) block * BLOCK_ROWS * step;
    }

    @Override
    public ZoneMap zoneMap(int block, int column) {
        int n = blockRowCount(block);
        long a = first(block);
        long b = a + (n - 1) * step;
        return new ZoneMap(true, Math.min(a, b), Math.max(a, b), 0, 0, 0, n, step > 0);
    }

    @Override
    public LoadedBlock load(int block, int[] columns, MemoryPool pool) {
        int n = blockRowCount(block);
        long v = first(block);
        List<ColumnVector> cols = new java.util.ArrayList<>(columns.length);
        for (int c = 0; c < columns.length; c++) {
            ColumnVector values = ColumnVector.allocate(pool, DataType.INT64, n, false, name);
            long x = v;
            for (int i = 0; i < n; i++, x += step) {
                values.setLong(i, x);
            }
            cols.add(values);
        }
        return new LoadedBlock(cols, n, true);
    }

    /** Only scans read this table, block by block. */
    @Override
    public List<TableBlock> blocks() {
        throw new IllegalStateException(name + " is computed as it is scanned");
    }
}
