package io.blueshift.operators.join;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Schema;
import io.blueshift.memory.SelectionVector;
import io.blueshift.memory.Validity;
import io.blueshift.operators.exec.BatchConsumer;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.Operator;
import io.blueshift.operators.exec.OperatorState;
import io.blueshift.operators.expr.Expr;
import io.blueshift.operators.expr.ExprPrinter;
import io.blueshift.operators.expr.ExpressionEvaluator;
import io.blueshift.operators.expr.PredicateEvaluator;
import io.blueshift.operators.expr.PredicateRewriter;
import io.blueshift.operators.expr.Scratch;
import io.blueshift.operators.plan.PlanNode.JoinType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Probes a {@link JoinHashTable} with each batch of the probe pipeline. Every live probe row
 * gets its first matching build row; then, in rounds, the build columns of the current match
 * of each still-active row are gathered into the probe batch's row space, so an output batch
 * is the probe batch's own columns (never copied) plus those gathered columns, under a
 * selection of the rows that matched in this round (narrowed by the residual condition).
 * Each row then steps to the next build row with its key; a key-unique build side needs one
 * round. LEFT and SINGLE add the unmatched rows with NULL build columns at the end; SEMI, ANTI
 * and MARK emit the probe batch under a selection, or with the mark column. RIGHT_SEMI,
 * RIGHT_ANTI and RIGHT flag the build rows that matched (RIGHT also emits the pairs); a
 * {@link BuildSideSource} emits the chosen build rows once the probe pipeline is done.
 */
public final class HashJoinProbe implements Operator {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private final Schema schema;
    private final JoinHashTable table;
    private final int[] probeKeys;
    private final JoinType type;
    private final Expr residual;
    /** True for the join types where a probe row without a match produces nothing. */
    private final boolean dropsUnmatched;
    /*
     * The join type's answers, worked out once: tested per batch as chains of comparisons of
     * the type, each comparison was a branch of its own that C2 compiled for the join types
     * seen so far and trapped on (unstable_if) at the next, throwing away the probe's compile
     * with the downstream operators inlined in it.
     */
    /** RIGHT SEMI / RIGHT ANTI without a residual: matched build chains are marked, nothing is emitted per batch. */
    private final boolean marksChainsOnly;
    /** SEMI, ANTI, MARK: a probe row's first match is enough. */
    private final boolean probeOnly;
    /** INNER, LEFT, SINGLE, RIGHT: matching pairs are emitted. */
    private final boolean emitPairs;
    /** The join marks the build rows that match (RIGHT and RIGHT SEMI / ANTI). */
    private final boolean markBuild;
    /** Which probe rows matched is recorded (every type but INNER and those marking build rows). */
    private final boolean flagsProbeRows;
    private final boolean single;
    /**
     * The residual when it is one comparison of a probe column with a build column of the
     * same fixed-width integral type (Q21's {@code l_suppkey <> l_suppkey}): tested pair by
     * pair from both sides' values, no build column gathered first; null otherwise.
     */
    private final ColumnCompare compare;

    /** {@code probe[probeCol] OP build[buildCol]}; {@code mask} has bit c+1 set for the Long.compare results c that pass. */
    private record ColumnCompare(int probeCol, int buildCol, int mask, boolean four) {}

    /** Set before the pipeline runs when a {@link JoinKeyFilter} at its start tests this join's key bitmap. */
    private boolean keyBitsPushed;

    /**
     * {@code build} must have finished; {@code residual} (may be null) refers to probe columns
     * then build columns. A keyless table with {@code probeKeys} empty is a nested-loop join.
     */
    public HashJoinProbe(Schema output, Schema probe, HashJoinBuild build, int[] probeKeys, JoinType type, Expr residual) {
        this.schema = Objects.requireNonNull(output, "output schema is null");
        this.table = build.table();
        if (type.marksBuildRows() && !table.tracksMatches()) {
            throw new IllegalArgumentException(type + " join: the build side does not track matches (HashJoinBuild.trackMatches)");
        }
        this.probeKeys = probeKeys.clone();
        this.type = Objects.requireNonNull(type, "type is null");
        this.residual = residual == null ? null : PredicateRewriter.rewrite(residual);
        this.dropsUnmatched = switch (type) {
            case INNER, SEMI, RIGHT_SEMI, RIGHT_ANTI, RIGHT -> true;
            case LEFT, ANTI, MARK, SINGLE -> false;
        };
        this.probeOnly = type == JoinType.SEMI || type == JoinType.ANTI || type == JoinType.MARK;
        this.marksChainsOnly = (type == JoinType.RIGHT_SEMI || type == JoinType.RIGHT_ANTI) && this.residual == null;
        this.emitPairs = type == JoinType.INNER || type == JoinType.LEFT || type == JoinType.SINGLE || type == JoinType.RIGHT;
        this.markBuild = type.marksBuildRows();
        this.flagsProbeRows = !markBuild && type != JoinType.INNER;
        this.single = type == JoinType.SINGLE;
        if (probeKeys.length != build.keyCount()) {
            throw new IllegalArgumentException(probeKeys.length + " probe keys for " + build.keyCount() + " build keys");
        }
        for (int i = 0; i < probeKeys.length; i++) {
            JoinKeys.checkComparable(probe.type(probeKeys[i]), build.keyType(i));
        }
        this.compare = columnCompare(this.residual, probe, table.columns());
    }

    private static ColumnCompare columnCompare(Expr residual, Schema probe, List<ColumnVector> build) {
        if (!(residual instanceof Expr.Comparison c) || !(c.left() instanceof Expr.ColumnRef l)
                || !(c.right() instanceof Expr.ColumnRef r)) {
            return null;
        }
        int width = probe.size();
        io.blueshift.kernels.CompareOp op = c.op();
        Expr.ColumnRef p = l;
        Expr.ColumnRef b = r;
        if (l.index() >= width && r.index() < width) {
            p = r;
            b = l;
            op = op.flip();
        } else if (l.index() >= width || r.index() < width) {
            return null;
        }
        if (b.index() - width >= build.size()) {
            return null;
        }
        DataType pt = probe.type(p.index());
        DataType bt = build.get(b.index() - width).type();
        boolean integral = pt instanceof DataType.Int32Type || pt instanceof DataType.Int64Type || pt instanceof DataType.DateType;
        if (!integral || !pt.equals(bt)) {
            return null;
        }
        int mask = switch (op) {
            case LT -> 0b001;
            case EQ -> 0b010;
            case GT -> 0b100;
            case LE -> 0b011;
            case GE -> 0b110;
            case NE -> 0b101;
        };
        return new ColumnCompare(p.index(), b.index() - width, mask, pt.byteWidth() == 4);
    }

    /**
     * Writes to {@code passed} the rows of the {@code m} pairs (probe row {@code active[j]},
     * build row {@code buildRow[j]}) whose values pass {@link #compare} (neither NULL), and
     * to {@code passIndex} each one's j; returns how many.
     */
    private int comparePairs(List<ColumnVector> probeColumns, MemorySegment active, int[] buildRow, int m,
                             MemorySegment passed, int[] passIndex) {
        ColumnCompare cc = compare;
        ColumnVector pv = probeColumns.get(cc.probeCol());
        ColumnVector bv = table.columns().get(cc.buildCol());
        MemorySegment pd = pv.data();
        MemorySegment bd = bv.data();
        MemorySegment pn = pv.validity();
        MemorySegment bn = bv.validity();
        int mask = cc.mask();
        int k = 0;
        if (cc.four()) {
            for (int j = 0; j < m; j++) {
                int row = active.getAtIndex(INT, j);
                int c = Integer.compare(pd.getAtIndex(INT, row), bd.getAtIndex(INT, buildRow[j]));
                passed.setAtIndex(INT, k, row);
                passIndex[k] = j;
                k += (mask >>> (c + 1)) & 1;
            }
        } else {
            for (int j = 0; j < m; j++) {
                int row = active.getAtIndex(INT, j);
                int c = Long.compare(pd.getAtIndex(LONG, row), bd.getAtIndex(LONG, buildRow[j]));
                passed.setAtIndex(INT, k, row);
                passIndex[k] = j;
                k += (mask >>> (c + 1)) & 1;
            }
        }
        if (pn != null || bn != null) {
            // a comparison with NULL is never TRUE
            int kept = 0;
            for (int q = 0; q < k; q++) {
                int row = passed.getAtIndex(INT, q);
                int j = passIndex[q];
                if ((pn == null || Validity.isValid(pn, row)) && (bn == null || Validity.isValid(bn, buildRow[j]))) {
                    passed.setAtIndex(INT, kept, row);
                    passIndex[kept++] = j;
                }
            }
            k = kept;
        }
        return k;
    }

    @Override
    public Schema outputSchema() { return schema; }

    /** True when a {@link JoinKeyFilter} may test this join's key bitmap earlier in the pipeline. */
    public boolean dropsUnmatched() { return dropsUnmatched; }

    /** Tells the probe that a {@link JoinKeyFilter} earlier in its pipeline already tests its key bitmap. */
    public void keyBitsPushedDown() { keyBitsPushed = true; }

    private static final class State implements OperatorState {
        final ExecutionContext ctx;
        final JoinScratch arrays;
        final Scratch buffers;
        final ExpressionEvaluator values;
        final PredicateEvaluator predicates;

        State(ExecutionContext ctx) {
            this.ctx = ctx;
            this.arrays = new JoinScratch(ctx.pool());
            this.buffers = new Scratch(ctx.pool(), "hash join probe output");
            this.values = new ExpressionEvaluator(ctx.kernels(), ctx.pool());
            this.predicates = new PredicateEvaluator(ctx.kernels(), values);
        }

        @Override
        public void close() {
            arrays.close();
            buffers.close();
            values.close();
        }
    }

    @Override
    public OperatorState createState(ExecutionContext ctx) {
        return new State(ctx);
    }

    @Override
    public void process(Batch input, OperatorState state, BatchConsumer downstream) {
        int n = input.liveCount();
        if (n == 0) {
            return;
        }
        State s = (State) state;
        s.buffers.reset();
        JoinScratch a = s.arrays;
        a.ensure(n);
        MemorySegment sel = input.selection() == null ? null : input.selection().segment();
        if (dropsUnmatched && table.hasKeyBits() && !keyBitsPushed) {
            // rows whose key no build row has cannot match: leave them out before hashing
            // over plain arrays (the kernels' form), the kept rows copied into a selection once
            int[] rows = a.kept;
            int[] in = null;
            if (sel != null) {
                MemorySegment.copy(sel, INT, 0, rows, 0, n);
                in = rows;
            }
            n = table.keepByKeyBits(input.column(probeKeys[table.keyBitsColumn()]), in, n, rows);
            if (n == 0) {
                return;
            }
            MemorySegment kept = s.buffers.take(n * 4L);
            MemorySegment.copy(rows, 0, kept, INT, 0, n);
            sel = kept;
        }
        List<ColumnVector> keys = new ArrayList<>(probeKeys.length);
        for (int k : probeKeys) {
            keys.add(input.column(k));
        }
        int[] cand = a.cand;
        if (!table.keyless() && !table.direct()) {
            JoinKeys.hash(s.ctx.kernels().hash(), keys, sel, n, MemorySegment.ofArray(a.hashes));
        }
        table.findMatches(keys, sel, n, a.hashes, cand, a.pos);

        if (marksChainsOnly) {
            // every build row of a matched key matches: mark whole chains, emit nothing now
            for (int i = 0; i < n; i++) {
                int c = cand[i];
                if (c >= 0) {
                    table.markChain(c);
                }
            }
            return;
        }
        byte[] matched = a.matched;
        java.util.Arrays.fill(matched, 0, n, (byte) 0);
        if (probeOnly && residual == null) {
            for (int i = 0; i < n; i++) {
                if (cand[i] >= 0) {
                    matched[i] = 1;
                }
            }
        } else {
            rounds(input, s, sel, n, matched, downstream);
        }
        switch (type) {
            case INNER, RIGHT, RIGHT_SEMI, RIGHT_ANTI -> { }
            case LEFT, SINGLE -> emitUnmatched(input, s, sel, n, matched, downstream);
            case SEMI, ANTI -> {
                MemorySegment rows = s.buffers.take(n * 4L);
                byte want = (byte) (type == JoinType.SEMI ? 1 : 0);
                int k = 0;
                for (int i = 0; i < n; i++) {
                    if (matched[i] == want) {
                        rows.setAtIndex(INT, k++, sel == null ? i : sel.getAtIndex(INT, i));
                    }
                }
                emit(input.columns(), input.rowCount(), rows, k, s, downstream);
            }
            case MARK -> emitMark(input, s, sel, n, keys, matched, downstream);
        }
    }

    /**
     * Emits matching pairs round by round (INNER, LEFT, SINGLE, RIGHT) or records which rows (or
     * build rows) match. Each loop over the rows is a small method of its own whose shape does
     * not depend on the join type or the batch: the JIT compiles each once, as a whole method
     * (no on-stack replacement of one large method, no loop predicates that a later batch breaks).
     */
    private void rounds(Batch input, State s, MemorySegment sel, int n, byte[] matched, BatchConsumer downstream) {
        int rowCount = input.rowCount();
        JoinScratch a = s.arrays;
        int[] cand = a.cand;
        int[] activeIndex = a.activeIndex;
        int[] buildRow = a.buildRow;
        MemorySegment active = s.buffers.take(n * 4L);
        MemorySegment passed = residual == null ? null : s.buffers.take(rowCount * 4L);
        List<ColumnVector> built = new ArrayList<>();
        for (ColumnVector c : table.columns()) {
            built.add(rowSpaceVector(s, c, rowCount));
        }
        List<ColumnVector> columns = new ArrayList<>(input.columns());
        columns.addAll(built);
        int[] next = table.next();
        boolean unique = table.unique();
        while (true) {
            int m = collect(cand, n, activeIndex, buildRow);
            if (m == 0) {
                return;
            }
            if (sel == null) {
                writeRows(activeIndex, m, active);
            } else {
                writeRows(sel, activeIndex, m, active);
            }
            s.ctx.checkCancelled();
            if (compare != null) {
                // the residual from both sides' values; build columns gathered only for pairs that pass
                int[] passIndex = a.passIndex;
                int k = comparePairs(input.columns(), active, buildRow, m, passed, passIndex);
                if (markBuild) {
                    markBuildPassed(table, buildRow, passIndex, k);
                } else if (flagsProbeRows) {
                    flagPassed(activeIndex, passIndex, k, matched, single);
                }
                if (emitPairs && k > 0) {
                    int[] passBuild = a.passBuild;
                    pick(buildRow, passIndex, k, passBuild);
                    for (int c = 0; c < built.size(); c++) {
                        gatherInto(table.columns().get(c), built.get(c), passed, passBuild, k);
                    }
                    emit(columns, rowCount, passed, k, s, downstream);
                }
            } else {
                for (int c = 0; c < built.size(); c++) {
                    gatherInto(table.columns().get(c), built.get(c), active, buildRow, m);
                }
                MemorySegment out = active;
                int k = m;
                if (residual != null) {
                    s.values.reset();
                    k = s.predicates.select(residual, new Batch(columns, rowCount, new SelectionVector(active, m)), passed);
                    out = passed;
                }
                if (markBuild) {
                    if (residual == null) {
                        markBuildAll(table, buildRow, m);
                    } else {
                        markBuildSelected(table, out, k, active, buildRow);
                    }
                } else if (flagsProbeRows) {
                    flagSelected(out, k, active, activeIndex, matched, single);
                }
                if (emitPairs && k > 0) {
                    emit(columns, rowCount, out, k, s, downstream);
                }
            }
            if (unique) {
                // every row had its only candidate: no next round
                return;
            }
            if (probeOnly) {
                advanceUnmatched(cand, activeIndex, buildRow, m, next, matched);
            } else {
                advance(cand, activeIndex, buildRow, m, next);
            }
        }
    }

    /**
     * The rows with a candidate: their index in {@code activeIndex}, the candidate in {@code
     * buildRow}; returns how many. Written without a branch on whether each has one (every row
     * is written at m; only those with one move m on).
     */
    private static int collect(int[] cand, int n, int[] activeIndex, int[] buildRow) {
        int m = 0;
        for (int i = 0; i < n; i++) {
            int c = cand[i];
            activeIndex[m] = i;
            buildRow[m] = c;
            m += ~c >>> 31;
        }
        return m;
    }

    private static void writeRows(int[] activeIndex, int m, MemorySegment active) {
        MemorySegment.copy(activeIndex, 0, active, INT, 0, m);
    }

    private static void writeRows(MemorySegment sel, int[] activeIndex, int m, MemorySegment active) {
        for (int j = 0; j < m; j++) {
            active.set(INT, (long) j << 2, sel.get(INT, (long) activeIndex[j] << 2));
        }
    }

    private static void pick(int[] buildRow, int[] passIndex, int k, int[] out) {
        for (int q = 0; q < k; q++) {
            out[q] = buildRow[passIndex[q]];
        }
    }

    private static void markBuildPassed(JoinHashTable table, int[] buildRow, int[] passIndex, int k) {
        for (int q = 0; q < k; q++) {
            table.mark(buildRow[passIndex[q]]);
        }
    }

    private static void markBuildAll(JoinHashTable table, int[] buildRow, int m) {
        for (int j = 0; j < m; j++) {
            table.mark(buildRow[j]);
        }
    }

    /** Marks the build rows of the pairs whose probe rows {@code out[0..k)} (a subsequence of {@code active}) passed. */
    private static void markBuildSelected(JoinHashTable table, MemorySegment out, int k, MemorySegment active, int[] buildRow) {
        for (int q = 0, j = 0; q < k; q++, j++) {
            int row = out.getAtIndex(INT, q);
            while (active.getAtIndex(INT, j) != row) {
                j++;
            }
            table.mark(buildRow[j]);
        }
    }

    private static void flagPassed(int[] activeIndex, int[] passIndex, int k, byte[] matched, boolean single) {
        for (int q = 0; q < k; q++) {
            int i = activeIndex[passIndex[q]];
            if (single && matched[i] != 0) {
                throw tooManyRows();
            }
            matched[i] = 1;
        }
    }

    /** Flags the probe rows {@code out[0..k)} (a subsequence of {@code active}) as matched. */
    private static void flagSelected(MemorySegment out, int k, MemorySegment active, int[] activeIndex, byte[] matched,
                                     boolean single) {
        for (int q = 0, j = 0; q < k; q++, j++) {
            int row = out.getAtIndex(INT, q);
            while (active.getAtIndex(INT, j) != row) {
                j++;
            }
            int i = activeIndex[j];
            if (single && matched[i] != 0) {
                throw tooManyRows();
            }
            matched[i] = 1;
        }
    }

    private static IllegalStateException tooManyRows() {
        return new IllegalStateException("more than one row returned by a subquery used as an expression");
    }

    /** Every active row steps to the next build row with its key. */
    private static void advance(int[] cand, int[] activeIndex, int[] buildRow, int m, int[] next) {
        for (int j = 0; j < m; j++) {
            cand[activeIndex[j]] = next[buildRow[j]];
        }
    }

    /** SEMI, ANTI, MARK: active rows not yet matched step to the next build row, matched ones stop. */
    private static void advanceUnmatched(int[] cand, int[] activeIndex, int[] buildRow, int m, int[] next, byte[] matched) {
        for (int j = 0; j < m; j++) {
            int i = activeIndex[j];
            cand[i] = matched[i] != 0 ? -1 : next[buildRow[j]];
        }
    }

    /** A scratch vector of {@code rows} values shaped like build column {@code c}. */
    private static ColumnVector rowSpaceVector(State s, ColumnVector c, int rows) {
        DataType t = c.type();
        MemorySegment data = s.buffers.take(Math.max(dataBytes(t, rows), 1));
        MemorySegment validity = c.validity() == null ? null : s.buffers.take(Validity.bytesFor(rows));
        return ColumnVector.wrap(t, rows, data, validity, c.varBuffers());
    }

    /** A vector of {@code rows} NULLs of type {@code t} in {@code scratch} (the missing side of an outer join). */
    static ColumnVector allNull(Scratch scratch, DataType t, int rows) {
        MemorySegment data = scratch.take(Math.max(dataBytes(t, rows), 1));
        data.fill((byte) 0);
        MemorySegment validity = scratch.take(Validity.bytesFor(rows));
        validity.fill((byte) 0);
        return ColumnVector.wrap(t, rows, data, validity, null);
    }

    private static long dataBytes(DataType t, int rows) {
        return t instanceof DataType.BooleanType ? Validity.bytesFor(rows) : (long) rows * t.byteWidth();
    }

    /**
     * {@code dst[active[j]] = src[buildRow[j]]} for the first {@code m} pairs, NULLs included;
     * one small method per value width (each compiled on its own, tight). Chosen by the width,
     * a number: a switch on the column's type class speculated on the classes seen so far and
     * trapped (and recompiled the probe) at each new one.
     */
    private static void gatherInto(ColumnVector src, ColumnVector dst, MemorySegment active, int[] buildRow, int m) {
        MemorySegment from = src.data();
        MemorySegment to = dst.data();
        switch (src.byteWidth()) {
            case 0 -> gatherBits(from, to, active, buildRow, m);      // bit-packed BOOLEAN
            case 4 -> gather32(from, to, active, buildRow, m);
            case 8 -> gather64(from, to, active, buildRow, m);
            default -> gather128(from, to, active, buildRow, m);     // string views
        }
        MemorySegment validity = src.validity();
        if (validity != null) {
            gatherBits(validity, dst.validity(), active, buildRow, m);
        }
    }

    // rows read and written at byte offsets: getAtIndex also checks each index's alignment, a
    // check the JIT does not hoist out of these loops

    private static void gatherBits(MemorySegment from, MemorySegment to, MemorySegment active, int[] buildRow, int m) {
        for (int j = 0; j < m; j++) {
            Validity.set(to, active.get(INT, (long) j << 2), Validity.isValid(from, buildRow[j]));
        }
    }

    /** 16-byte values (string views). */
    private static void gather128(MemorySegment from, MemorySegment to, MemorySegment active, int[] buildRow, int m) {
        for (int j = 0; j < m; j++) {
            long a = (long) active.get(INT, (long) j << 2) << 4;
            long b = (long) buildRow[j] << 4;
            to.set(LONG, a, from.get(LONG, b));
            to.set(LONG, a + 8, from.get(LONG, b + 8));
        }
    }

    private static void gather32(MemorySegment from, MemorySegment to, MemorySegment active, int[] buildRow, int m) {
        for (int j = 0; j < m; j++) {
            to.set(INT, (long) active.get(INT, (long) j << 2) << 2, from.get(INT, (long) buildRow[j] << 2));
        }
    }

    private static void gather64(MemorySegment from, MemorySegment to, MemorySegment active, int[] buildRow, int m) {
        for (int j = 0; j < m; j++) {
            to.set(LONG, (long) active.get(INT, (long) j << 2) << 3, from.get(LONG, (long) buildRow[j] << 3));
        }
    }

    /** LEFT and SINGLE: rows without a (passing) match, with every build column NULL. */
    private void emitUnmatched(Batch input, State s, MemorySegment sel, int n, byte[] matched, BatchConsumer downstream) {
        MemorySegment rows = s.buffers.take(n * 4L);
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (matched[i] == 0) {
                rows.setAtIndex(INT, k++, sel == null ? i : sel.getAtIndex(INT, i));
            }
        }
        if (k == 0) {
            return;
        }
        List<ColumnVector> columns = new ArrayList<>(input.columns());
        for (ColumnVector c : table.columns()) {
            columns.add(allNull(s.buffers, c.type(), input.rowCount()));
        }
        emit(columns, input.rowCount(), rows, k, s, downstream);
    }

    /**
     * MARK: TRUE where a row matched; where not, NULL if its key is NULL or the build side has
     * a NULL key (x IN (..., NULL) is never FALSE), else FALSE; FALSE for an empty build side.
     */
    private void emitMark(Batch input, State s, MemorySegment sel, int n, List<ColumnVector> keys,
                          byte[] matched, BatchConsumer downstream) {
        int rowCount = input.rowCount();
        MemorySegment data = s.buffers.take(Validity.bytesFor(rowCount));
        MemorySegment validity = s.buffers.take(Validity.bytesFor(rowCount));
        data.fill((byte) 0);
        Validity.setAll(validity, true);
        boolean empty = table.rowCount() == 0;
        for (int i = 0; i < n; i++) {
            int row = sel == null ? i : sel.getAtIndex(INT, i);
            if (matched[i] != 0) {
                Validity.set(data, row, true);
            } else if (!empty && (table.hasNullKey() || JoinKeys.anyNull(keys, row))) {
                Validity.set(validity, row, false);
            }
        }
        List<ColumnVector> columns = new ArrayList<>(input.columns());
        columns.add(ColumnVector.wrap(DataType.BOOLEAN, rowCount, data, validity, null));
        emit(columns, rowCount, sel, n, s, downstream);
    }

    /** Pushes the {@code count} rows of {@code rows} (null = all) in batches of at most batchRows live rows. */
    private static void emit(List<ColumnVector> columns, int rowCount, MemorySegment rows, int count, State s,
                             BatchConsumer downstream) {
        if (count == 0) {
            return;
        }
        int limit = s.ctx.batchRows();
        if (count <= limit) {
            boolean all = rows == null || count == rowCount;
            downstream.accept(new Batch(columns, rowCount, all ? null : new SelectionVector(rows, count)));
            return;
        }
        if (rows == null) {
            rows = s.buffers.take(count * 4L);
            for (int i = 0; i < count; i++) {
                rows.setAtIndex(INT, i, i);
            }
        }
        for (int from = 0; from < count; from += limit) {
            int c = Math.min(limit, count - from);
            downstream.accept(new Batch(columns, rowCount, new SelectionVector(rows.asSlice(from * 4L, c * 4L), c)));
        }
    }

    @Override
    public String describe() {
        return "HashJoinProbe " + type + " keys=" + Arrays.toString(probeKeys)
                + (residual == null ? "" : " residual " + ExprPrinter.print(residual));
    }
}
