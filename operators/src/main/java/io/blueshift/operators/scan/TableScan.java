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
 * <p>
 * An in-memory table with fewer blocks than four per worker (a small table: customer's
 * 150K rows are three 64K blocks) has its blocks cut into row ranges of whole batches, so the
 * workers share it evenly; loading a block of such a table only takes views, so a block
 * loaded by several morsels costs nothing more. Blocks of file tables stay whole (each load
 * reads and decodes).
 */
public final class TableScan implements Source {
    private final Table table;
    private final int[] columns;
    private final List<ScanPredicate> predicates;
    private final int[] filterColumns;
    private final Schema schema;
    private final AtomicInteger cursor = new AtomicInteger();
    private final AtomicLong blocksSkipped = new AtomicLong();
    /** Per morsel: its block and row range ({@code to} -1: the whole block). */
    private volatile Morsels morsels = new Morsels(new int[0], new int[0], new int[0]);

    private record Morsels(int[] block, int[] from, int[] to) {}

    /** Morsels per worker below which an in-memory table's blocks are cut into row ranges. */
    private static final int MORSELS_PER_WORKER = 4;
    private static final int[] NO_COLUMNS = new int[0];
    /** {@code -Dblueshift.scan.readRanges=false}: a file's block stays one morsel (for comparisons). */
    private static final boolean READ_RANGES = !"false".equals(System.getProperty("blueshift.scan.readRanges"));
    /** A row range read from a file re-reads its pages' dictionaries and the pages it shares with the next: not smaller than this. */
    public static final int MIN_READ_RANGE_ROWS = 16_384;

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
        morsels = split(java.util.Arrays.copyOf(keep, n), ctx);
        blocksSkipped.set(skipped);
        cursor.set(0);
    }

    /**
     * One morsel per block, or, when there are fewer blocks than the workers want, each block cut
     * into about equal ranges of whole batches: views of an in-memory table's block, or row
     * ranges a file reads page by page (at least {@link #MIN_READ_RANGE_ROWS} rows, and not less
     * than the columns' largest page).
     */
    private Morsels split(int[] blocks, ExecutionContext ctx) {
        int wanted = ctx.threads() * MORSELS_PER_WORKER;
        boolean inMemory = table.inMemory();
        if (ctx.threads() == 1 || blocks.length == 0 || blocks.length >= wanted || !(inMemory || READ_RANGES)) {
            return whole(blocks);
        }
        int pieces = (wanted + blocks.length - 1) / blocks.length;
        int step = ctx.batchRows();
        List<int[]> out = new ArrayList<>();
        for (int b : blocks) {
            int rows = table.blockRowCount(b);
            int least = step;
            if (!inMemory) {
                int grain = table.rowRangeGrain(b, columns);
                least = grain <= 0 ? Integer.MAX_VALUE : Math.max(MIN_READ_RANGE_ROWS, grain);
            }
            int pieceRows = (int) Math.min(Integer.MAX_VALUE,
                    Math.max(least, ((long) (rows + pieces - 1) / pieces + step - 1) / step * step));
            if (pieceRows >= rows) {
                out.add(new int[] {b, 0, -1}); // whole: read as a block
                continue;
            }
            for (int from = 0; from < rows; from += pieceRows) {
                out.add(new int[] {b, from, Math.min(rows, from + pieceRows)});
            }
        }
        int[] block = new int[out.size()];
        int[] from = new int[out.size()];
        int[] to = new int[out.size()];
        for (int i = 0; i < out.size(); i++) {
            block[i] = out.get(i)[0];
            from[i] = out.get(i)[1];
            to[i] = out.get(i)[2];
        }
        return new Morsels(block, from, to);
    }

    private static Morsels whole(int[] blocks) {
        int[] none = new int[blocks.length];
        java.util.Arrays.fill(none, -1);
        return new Morsels(blocks, new int[blocks.length], none);
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
        return morsels.block().length;
    }

    @Override
    public int nextMorsel() {
        int i = cursor.getAndIncrement();
        return i < morsels.block().length ? i : -1;
    }

    /**
     * Pushes the batches of the morsel's rows, then closes the block: a block read for this
     * morsel is freed here, which is safe because operators copy whatever they keep beyond one
     * batch.
     */
    @Override
    public void scan(int morsel, ExecutionContext ctx, BatchConsumer downstream) {
        Morsels m = morsels;
        int b = m.block()[morsel];
        // a range of a file's block is read alone (its rows come first); an in-memory block is viewed
        boolean read = m.to()[morsel] >= 0 && !table.inMemory();
        int[] filters = predicates.isEmpty() ? NO_COLUMNS : filterColumns;
        try (LoadedBlock block = read ? table.load(b, m.from()[morsel], m.to()[morsel], columns, ctx.pool(), filters, this::excludes)
                : predicates.isEmpty() ? table.load(b, columns, ctx.pool())
                : table.load(b, columns, ctx.pool(), filterColumns, this::excludes)) {
            int rows = read || m.to()[morsel] < 0 ? block.rowCount() : Math.min(block.rowCount(), m.to()[morsel]);
            int step = ctx.batchRows();
            ColumnVector[] whole = new ColumnVector[columns.length];
            for (int c = 0; c < columns.length; c++) {
                whole[c] = block.column(c);
                // rows the block keeps in ascending order stay so in any part of it (a load leaves
                // rows out only in order): kernels may then search them (AscendingKeyBitmapKernels)
                io.blueshift.storage.ZoneMap zone = table.zoneMap(b, columns[c]);
                if (zone != null && zone.ascending() && whole[c].validity() == null) {
                    whole[c] = whole[c].asAscending();
                }
            }
            List<ColumnVector> slices = new ArrayList<>(columns.length);
            for (int offset = read ? 0 : m.from()[morsel]; offset < rows; offset += step) {
                int n = Math.min(step, rows - offset);
                slices.clear();
                for (int c = 0; c < columns.length; c++) {
                    slices.add(whole[c].slice(offset, n));
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
