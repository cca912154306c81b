package io.blueshift.operators.join;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Schema;
import io.blueshift.memory.SelectionVector;
import io.blueshift.operators.exec.BatchConsumer;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.Source;
import io.blueshift.operators.expr.Scratch;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The build rows a RIGHT_SEMI, RIGHT_ANTI or RIGHT join emits once its probe pipeline has
 * finished: those flagged as matched (RIGHT_SEMI) or not (RIGHT_ANTI, RIGHT). For RIGHT each
 * row is preceded by the probe side's columns, all NULL. Morsels are runs of build rows;
 * batches are zero-copy slices of the build columns under a selection, so the join's table
 * must outlive the pipeline this source starts.
 */
public final class BuildSideSource implements Source {
    private static final int MORSEL_ROWS = 1 << 16;

    private final JoinHashTable table;
    private final Schema schema;
    private final boolean wantMatched;
    private final List<DataType> nullProbeColumns;
    private final AtomicInteger cursor = new AtomicInteger();
    private volatile int morselRows = MORSEL_ROWS;
    private volatile int morsels;

    /** {@code nullProbe}: the probe schema whose columns come first, all NULL (RIGHT), or null. */
    public BuildSideSource(HashJoinBuild build, Schema output, boolean wantMatched, Schema nullProbe) {
        this.table = build.table();
        if (!table.tracksMatches()) {
            throw new IllegalArgumentException("the build side does not track matches");
        }
        this.schema = output;
        this.wantMatched = wantMatched;
        this.nullProbeColumns = nullProbe == null ? List.of() : nullProbe.fields().stream().map(f -> f.type()).toList();
    }

    @Override
    public Schema outputSchema() { return schema; }

    @Override
    public void open(ExecutionContext ctx) {
        morselRows = morselRows(table.rowCount(), ctx.threads(), ctx.batchRows());
        morsels = (table.rowCount() + morselRows - 1) / morselRows;
        cursor.set(0);
    }

    /** Rows per morsel: about four morsels per worker, in whole batches, at most {@link #MORSEL_ROWS}. */
    static int morselRows(int rows, int threads, int batchRows) {
        long perMorsel = ((long) rows + threads * 4L - 1) / (threads * 4L);
        long batches = Math.max(1, (perMorsel + batchRows - 1) / batchRows);
        return (int) Math.min(MORSEL_ROWS, Math.max(batchRows, batches * batchRows));
    }

    @Override
    public int morselCount() {
        return morsels;
    }

    @Override
    public int nextMorsel() {
        int m = cursor.getAndIncrement();
        return m < morsels ? m : -1;
    }

    @Override
    public void scan(int morsel, ExecutionContext ctx, BatchConsumer downstream) {
        int rowsPerMorsel = morselRows;
        int from = morsel * rowsPerMorsel;
        int end = (int) Math.min(table.rowCount(), (long) from + rowsPerMorsel);
        int step = ctx.batchRows();
        try (Scratch scratch = new Scratch(ctx.pool(), "build-side rows")) {
            for (int start = from; start < end; start += step) {
                int n = Math.min(step, end - start);
                MemorySegment sel = scratch.take(n * 4L);
                int k = 0;
                for (int r = 0; r < n; r++) {
                    if (table.matched(start + r) == wantMatched) {
                        sel.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, k++, r);
                    }
                }
                if (k == 0) {
                    continue;
                }
                List<ColumnVector> columns = new ArrayList<>(schema.size());
                for (DataType t : nullProbeColumns) {
                    columns.add(HashJoinProbe.allNull(scratch, t, n));
                }
                for (ColumnVector c : table.columns()) {
                    columns.add(c.slice(start, n));
                }
                downstream.accept(new Batch(columns, n, k == n ? null : new SelectionVector(sel, k)));
                scratch.reset();
            }
        }
    }

    @Override
    public String describe() {
        return "BuildSideSource " + (wantMatched ? "matched" : "unmatched") + " rows";
    }
}
