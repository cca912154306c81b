package io.blueshift.operators.scan;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.Field;
import io.blueshift.memory.Schema;
import io.blueshift.operators.exec.BatchConsumer;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.Source;
import io.blueshift.storage.Table;
import io.blueshift.storage.LoadedBlock;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scans the chosen columns of a table. One morsel is one block; blocks that a zone-map
 * predicate rules out are never touched (for file tables: never read). Only the scan's
 * columns are loaded. Batches are zero-copy slices of the block's vectors.
 */
public final class TableScan implements Source {
    private final Table table;
    private final int[] columns;
    private final List<ScanPredicate> predicates;
    private final int[] filterColumns;
    private final Schema schema;
    private final AtomicInteger cursor = new AtomicInteger();
    private final AtomicLong blocksSkipped = new AtomicLong();
    private volatile int[] morselBlocks = new int[0];

    public TableScan(Table table, int[] columns, List<ScanPredicate> predicates) {
        this.table = table;
        this.columns = columns.clone();
        this.predicates = List.copyOf(predicates);
        this.filterColumns = this.predicates.stream().mapToInt(ScanPredicate::column).distinct().toArray();
        List<Field> fields = new ArrayList<>(columns.length);
        for (int c : columns) {
            fields.add(table.schema().field(c));
        }
        this.schema = new Schema(fields);
    }

    @Override
    public Schema outputSchema() { return schema; }

    @Override
    public void open(ExecutionContext ctx) {
        int blocks = table.blockCount();
        int[] keep = new int[blocks];
        int n = 0;
        long skipped = 0;
        for (int b = 0; b < blocks; b++) {
            if (canSkip(b)) {
                skipped++;
            } else {
                keep[n++] = b;
            }
        }
        morselBlocks = java.util.Arrays.copyOf(keep, n);
        blocksSkipped.set(skipped);
        cursor.set(0);
    }

    /** Whether a range of rows with these bounds of {@code column} fails one of the predicates. */
    private boolean excludes(int column, io.blueshift.storage.ZoneMap zone) {
        for (ScanPredicate p : predicates) {
            if (p.column() == column && p.excludes(zone)) {
                return true;
            }
        }
        return false;
    }

    private boolean canSkip(int block) {
        for (ScanPredicate p : predicates) {
            if (p.excludes(table.zoneMap(block, p.column()))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int morselCount() {
        return morselBlocks.length;
    }

    @Override
    public int nextMorsel() {
        int i = cursor.getAndIncrement();
        int[] blocks = morselBlocks;
        return i < blocks.length ? blocks[i] : -1;
    }

    /**
     * Pushes the block's batches, then closes it: a block read for this morsel is freed here,
     * which is safe because operators copy whatever they keep beyond one batch.
     */
    @Override
    public void scan(int morsel, ExecutionContext ctx, BatchConsumer downstream) {
        try (LoadedBlock block = predicates.isEmpty() ? table.load(morsel, columns, ctx.pool())
                : table.load(morsel, columns, ctx.pool(), filterColumns, this::excludes)) {
            int rows = block.rowCount();
            int step = ctx.batchRows();
            List<ColumnVector> slices = new ArrayList<>(columns.length);
            for (int offset = 0; offset < rows; offset += step) {
                int n = Math.min(step, rows - offset);
                slices.clear();
                for (int c = 0; c < columns.length; c++) {
                    slices.add(block.column(c).slice(offset, n));
                }
                downstream.accept(new Batch(slices, n));
            }
        }
    }

    public long blocksSkipped() { return blocksSkipped.get(); }

    public Table table() { return table; }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("TableScan ").append(table.name()).append(" ").append(schema.names());
        if (!predicates.isEmpty()) {
            List<String> ps = new ArrayList<>();
            for (ScanPredicate p : predicates) {
                ps.add(p.describe(table.schema().field(p.column()).name()));
            }
            sb.append(" zone-map skip: ").append(String.join(" AND ", ps));
        }
        return sb.toString();
    }
}
