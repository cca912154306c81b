package io.blueshift.storage;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends rows column by column into blocks of {@code blockRows} rows and seals each full
 * block with its zone maps. Use: {@code setX(col, v)} for every column, then {@link #endRow()}.
 * Not thread-safe: parallel loaders use one builder each and {@link #concat} the results.
 */
public final class TableBuilder implements AutoCloseable {
    public static final int DEFAULT_BLOCK_ROWS = 1 << 16;

    private final MemoryPool pool;
    private final String name;
    private final Schema schema;
    private final int blockRows;
    private final List<TableBlock> blocks = new ArrayList<>();
    private List<ColumnVector> current;
    private int row;
    private boolean built;

    public TableBuilder(MemoryPool pool, String name, Schema schema, int blockRows) {
        if (blockRows <= 0 || (blockRows & 7) != 0) {
            throw new IllegalArgumentException("block rows must be a positive multiple of 8, got " + blockRows);
        }
        this.pool = pool;
        this.name = name;
        this.schema = schema;
        this.blockRows = blockRows;
    }

    public TableBuilder(MemoryPool pool, String name, Schema schema) {
        this(pool, name, schema, DEFAULT_BLOCK_ROWS);
    }

    public Schema schema() { return schema; }

    private ColumnVector col(int c) {
        if (current == null) {
            current = new ArrayList<>(schema.size());
            for (int i = 0; i < schema.size(); i++) {
                current.add(ColumnVector.allocate(pool, schema.type(i), blockRows, false,
                        name + "." + schema.field(i).name()));
            }
        }
        return current.get(c);
    }

    public void setInt(int c, int v) { col(c).setInt(row, v); }
    public void setLong(int c, long v) { col(c).setLong(row, v); }
    public void setDouble(int c, double v) { col(c).setDouble(row, v); }
    public void setBoolean(int c, boolean v) { col(c).setBoolean(row, v); }
    public void setString(int c, String v) { col(c).setString(row, v.getBytes(StandardCharsets.UTF_8)); }
    public void setString(int c, byte[] utf8) { col(c).setString(row, utf8); }
    public void setNull(int c) { col(c).setNull(row); }

    /** Sets a value from a Java object of the column's natural class (null for NULL). */
    public void setObject(int c, Object value) {
        if (value == null) {
            setNull(c);
            return;
        }
        DataType type = schema.type(c);
        switch (type) {
            case DataType.BooleanType t -> setBoolean(c, (Boolean) value);
            case DataType.Int32Type t -> setInt(c, ((Number) value).intValue());
            case DataType.Int64Type t -> setLong(c, ((Number) value).longValue());
            case DataType.Float64Type t -> setDouble(c, ((Number) value).doubleValue());
            case DataType.DateType t -> setInt(c, value instanceof java.time.LocalDate d
                    ? (int) d.toEpochDay() : ((Number) value).intValue());
            case DataType.TimestampType t -> setLong(c, ((Number) value).longValue());
            case DataType.DecimalType t -> setLong(c, value instanceof java.math.BigDecimal d
                    ? d.setScale(t.scale(), java.math.RoundingMode.UNNECESSARY).unscaledValue().longValueExact()
                    : ((Number) value).longValue());
            case DataType.VarcharType t -> setString(c, value.toString());
        }
    }

    public void endRow() {
        col(0);
        row++;
        if (row == blockRows) {
            seal();
        }
    }

    private void seal() {
        if (current == null || row == 0) {
            return;
        }
        List<ZoneMap> maps = new ArrayList<>(current.size());
        for (ColumnVector v : current) {
            maps.add(ZoneMap.compute(v, row));
        }
        blocks.add(new TableBlock(current, maps, row));
        current = null;
        row = 0;
    }

    public InMemoryTable build() {
        seal();
        built = true;
        return new InMemoryTable(name, schema, blocks);
    }

    /** Joins tables built in parallel (same schema) into one, keeping block order. */
    public static InMemoryTable concat(String name, Schema schema, List<InMemoryTable> parts) {
        List<TableBlock> all = new ArrayList<>();
        for (InMemoryTable t : parts) {
            all.addAll(t.blocks());
        }
        return new InMemoryTable(name, schema, all);
    }

    /** Frees a half-built table (after an error); a built table is owned by its InMemoryTable. */
    @Override
    public void close() {
        if (built) {
            return;
        }
        if (current != null) {
            current.forEach(ColumnVector::close);
        }
        for (TableBlock b : blocks) {
            b.columns().forEach(ColumnVector::close);
        }
    }
}
