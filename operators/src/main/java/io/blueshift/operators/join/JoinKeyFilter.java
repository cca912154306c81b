package io.blueshift.operators.join;

import io.blueshift.memory.Allocation;
import io.blueshift.memory.Batch;
import io.blueshift.memory.Schema;
import io.blueshift.memory.SelectionVector;
import io.blueshift.operators.exec.BatchConsumer;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.Operator;
import io.blueshift.operators.exec.OperatorState;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Join filter pushdown: the key bitmaps of the hash joins further up a pipeline, applied at
 * its start (right after the source), so rows that no build side can match are dropped before
 * filters, other probes, gathers and projections see them. Each entry is a finished build
 * whose table has a key bitmap and the source column its probe key comes from unchanged; a
 * probe that drops unmatched rows (INNER, SEMI, RIGHT*) is the only kind that may be
 * represented here. The bitmaps are exact, so this drops only rows the joins would drop.
 * The sparsest bitmap goes first.
 */
public final class JoinKeyFilter implements Operator {
    private final Schema schema;
    private final List<JoinHashTable> tables = new ArrayList<>();
    private final List<Integer> columns = new ArrayList<>();

    public JoinKeyFilter(Schema schema) {
        this.schema = Objects.requireNonNull(schema, "schema is null");
    }

    /** True when {@code build}'s table (finished) has a key bitmap a pushed-down filter can test. */
    public static boolean canPush(HashJoinBuild build) {
        return build.table().hasKeyBits();
    }

    /** Which of the join's keys (an index into its probe keys) {@code build}'s bitmap tests. */
    public static int keyIndex(HashJoinBuild build) {
        return build.table().keyBitsColumn();
    }

    /** Adds {@code build}'s bitmap, tested on source column {@code column}; keeps the sparsest first. */
    public void add(HashJoinBuild build, int column) {
        JoinHashTable t = build.table();
        if (!t.hasKeyBits()) {
            throw new IllegalArgumentException("the build side has no key bitmap");
        }
        int at = 0;
        while (at < tables.size() && tables.get(at).keyBitsDensity() <= t.keyBitsDensity()) {
            at++;
        }
        tables.add(at, t);
        columns.add(at, column);
    }

    public boolean isEmpty() { return tables.isEmpty(); }

    @Override
    public Schema outputSchema() { return schema; }

    private static final class State implements OperatorState {
        final ExecutionContext ctx;
        Allocation selection;

        State(ExecutionContext ctx) {
            this.ctx = ctx;
        }

        MemorySegment selectionFor(int rows) {
            if (selection == null || selection.byteSize() < rows * 4L) {
                if (selection != null) {
                    selection.close();
                }
                selection = ctx.pool().allocate(Math.max(rows, ctx.batchRows()) * 4L, "join key filter selection");
            }
            return selection.segment();
        }

        @Override
        public void close() {
            if (selection != null) {
                selection.close();
            }
        }
    }

    @Override
    public OperatorState createState(ExecutionContext ctx) {
        return new State(ctx);
    }

    @Override
    public void process(Batch input, OperatorState state, BatchConsumer downstream) {
        int live = input.liveCount();
        if (live == 0) {
            return;
        }
        State s = (State) state;
        MemorySegment out = s.selectionFor(input.rowCount());
        MemorySegment sel = input.selection() == null ? null : input.selection().segment();
        int n = live;
        // each pass reads row i before writing position k <= i, so later passes narrow in place
        for (int f = 0; f < tables.size() && n > 0; f++) {
            n = tables.get(f).keepByKeyBits(input.column(columns.get(f)), sel, n, out);
            sel = out;
        }
        if (n == 0) {
            return;
        }
        if (n == live) {
            downstream.accept(input);
            return;
        }
        downstream.accept(input.withSelection(new SelectionVector(out, n)));
    }

    @Override
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (int f = 0; f < tables.size(); f++) {
            parts.add(schema.field(columns.get(f)).name());
        }
        return "JoinKeyFilter " + parts;
    }
}
