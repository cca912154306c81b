package io.blueshift.operators.exec;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Feeds a materialized result into the next pipeline; one batch per morsel. With more than one
 * thread, batches without a selection (a breaker's result is often one batch: an aggregate's
 * groups) are cut into views of about {@link #MORSELS_PER_WORKER} morsels per worker, no
 * smaller than {@link #MIN_MORSEL_ROWS} rows and no larger than {@code ctx.batchRows()}, so
 * the pipeline above it (TPC-H Q2's final probe of the minimum costs at SF 10: 4,667 rows,
 * one batch) splits across the workers instead of running on one; at one thread the batches
 * go as they are.
 */
public final class ResultSource implements Source {
    private final MaterializedResult result;
    /**
     * The result's row order is the answer's (a sort's or a limit's output): one morsel with every
     * batch in order, so the pipeline above it runs on one worker and its sink keeps that order
     * (a sink joins its workers' rows in the order they finish).
     */
    private final boolean ordered;
    private final AtomicInteger cursor = new AtomicInteger();
    /** Per morsel: its batch and row range ({@code to} -1: the whole batch). */
    private volatile Morsels morsels;

    private record Morsels(int[] batch, int[] from, int[] to) {}

    /** Morsels per worker a result is cut into, when its rows allow. */
    static final int MORSELS_PER_WORKER = 2;
    /** Fewest rows in a cut morsel (a multiple of 64): below that a hand-off costs more than the rows. */
    static final int MIN_MORSEL_ROWS = 1024;

    public ResultSource(MaterializedResult result) {
        this(result, false);
    }

    public ResultSource(MaterializedResult result, boolean ordered) {
        this.result = result;
        this.ordered = ordered;
        this.morsels = ordered ? new Morsels(new int[1], new int[1], new int[1]) : whole(result.batches().size());
    }

    @Override
    public Schema outputSchema() { return result.schema(); }

    @Override
    public void open(ExecutionContext ctx) {
        if (ordered) {
            cursor.set(0);
            return;
        }
        morsels = split(result.batches(), step(result.rowCount(), ctx.threads(), ctx.batchRows()));
        cursor.set(0);
    }

    /** Rows per cut morsel: a multiple of 64 near {@code rows / (threads * MORSELS_PER_WORKER)}, within bounds; one thread: no cut. */
    static int step(long rows, int threads, int batchRows) {
        if (threads <= 1) {
            return Integer.MAX_VALUE;
        }
        long target = (rows + (long) threads * MORSELS_PER_WORKER - 1) / ((long) threads * MORSELS_PER_WORKER);
        target = (target + 63) & ~63L;
        return (int) Math.min(batchRows, Math.max(MIN_MORSEL_ROWS, target));
    }

    private static Morsels whole(int batches) {
        int[] batch = new int[batches];
        int[] to = new int[batches];
        for (int i = 0; i < batches; i++) {
            batch[i] = i;
            to[i] = -1;
        }
        return new Morsels(batch, new int[batches], to);
    }

    /** Batches over {@code step} rows without a selection cut into ranges of {@code step} rows (a multiple of 64). */
    static Morsels split(List<Batch> batches, int step) {
        boolean any = false;
        for (Batch b : batches) {
            any |= b.selection() == null && b.rowCount() > step;
        }
        if (!any) {
            return whole(batches.size());
        }
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            Batch b = batches.get(i);
            if (b.selection() != null || b.rowCount() <= step) {
                out.add(new int[] {i, 0, -1});
                continue;
            }
            for (int from = 0; from < b.rowCount(); from += step) {
                out.add(new int[] {i, from, Math.min(b.rowCount(), from + step)});
            }
        }
        int[] batch = new int[out.size()];
        int[] from = new int[out.size()];
        int[] to = new int[out.size()];
        for (int i = 0; i < out.size(); i++) {
            batch[i] = out.get(i)[0];
            from[i] = out.get(i)[1];
            to[i] = out.get(i)[2];
        }
        return new Morsels(batch, from, to);
    }

    @Override
    public int morselCount() {
        return morsels.batch().length;
    }

    @Override
    public int nextMorsel() {
        int i = cursor.getAndIncrement();
        return i < morsels.batch().length ? i : -1;
    }

    @Override
    public void scan(int morsel, ExecutionContext ctx, BatchConsumer downstream) {
        if (ordered) {
            for (Batch b : result.batches()) {
                downstream.accept(b);
            }
            return;
        }
        Morsels m = morsels;
        Batch b = result.batches().get(m.batch()[morsel]);
        int to = m.to()[morsel];
        if (to < 0) {
            downstream.accept(b);
            return;
        }
        int from = m.from()[morsel];
        List<ColumnVector> slices = new ArrayList<>(b.columnCount());
        for (ColumnVector c : b.columns()) {
            slices.add(c.slice(from, to - from));
        }
        downstream.accept(new Batch(slices, to - from));
    }

    @Override
    public String describe() {
        return "Materialized " + result.rowCount() + " rows";
    }
}
