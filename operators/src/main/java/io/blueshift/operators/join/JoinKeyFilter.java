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
import java.lang.foreign.ValueLayout;
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
        /** The rows kept so far (plain arrays: see {@link JoinHashTable#keepByKeyBits(ColumnVector, int[], int, int[])}). */
        int[] kept = new int[0];
        int[] in = new int[0];
        Allocation arrays;

        /** Room for {@code rows} in both arrays, accounted against the query's pool. */
        void ensure(int rows) {
            if (kept.length >= rows) {
                return;
            }
            int cap = Math.max(rows, Math.max(ctx.batchRows(), kept.length * 2));
            Allocation grown = ctx.pool().reserveExternal(cap * 8L, "join key filter rows");
            if (arrays != null) {
                arrays.close();
            }
            arrays = grown;
            kept = new int[cap];
            in = new int[cap];
        }

        State(ExecutionContext ctx) {
            this.ctx = ctx;
        }

        MemorySegment selectionFor(int rows) {
            if (selection == null || selection.byteSize() < rows * 4L) {
                if (selection != null) {
                    selection.close();
                }
                // kept when freed: the next query's filter takes it back (MemoryPool.allocateScratch)
                selection = ctx.pool().allocateScratch(Math.max(rows, ctx.batchRows()) * 4L, "join key filter selection", false);
            }
            return selection.segment();
        }

        @Override
        public void close() {
            if (selection != null) {
                selection.close();
            }
            if (arrays != null) {
                arrays.close();
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
        s.ensure(live);
        int[] kept = s.kept;
        int[] sel = null;
        if (input.selection() != null) {
            sel = s.in;
            MemorySegment.copy(input.selection().segment(), ValueLayout.JAVA_INT_UNALIGNED, 0, sel, 0, live);
        }
        int n = live;
        // each pass reads position i before writing position k <= i, so later passes narrow in place
        for (int f = 0; f < tables.size() && n > 0; f++) {
            n = tables.get(f).keepByKeyBits(input.column(columns.get(f)), sel, n, kept);
            sel = kept;
        }
        if (n == 0) {
            return;
        }
        if (n == live) {
            downstream.accept(input);
            return;
        }
        MemorySegment out = s.selectionFor(input.rowCount());
        MemorySegment.copy(kept, 0, out, ValueLayout.JAVA_INT_UNALIGNED, 0, n);
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
