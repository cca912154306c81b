package io.blueshift.operators.plan;

import io.blueshift.kernels.CompareOp;
import io.blueshift.memory.DataType;
import io.blueshift.operators.aggregate.HashAggregate;
import io.blueshift.operators.aggregate.UngroupedAggregate;
import io.blueshift.operators.exec.CollectSink;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.exec.Operator;
import io.blueshift.operators.exec.Pipeline;
import io.blueshift.operators.exec.PipelineExecutor;
import io.blueshift.operators.exec.ResultSource;
import io.blueshift.operators.exec.Sink;
import io.blueshift.operators.exec.Source;
import io.blueshift.operators.expr.Expr;
import io.blueshift.operators.filter.FilterOperator;
import io.blueshift.operators.join.BuildSideSource;
import io.blueshift.operators.join.HashJoinBuild;
import io.blueshift.operators.join.HashJoinProbe;
import io.blueshift.operators.join.JoinKeyFilter;
import io.blueshift.operators.order.OrderBy;
import io.blueshift.operators.projection.ProjectOperator;
import io.blueshift.operators.scan.ScanPredicate;
import io.blueshift.operators.scan.TableScan;
import io.blueshift.operators.set.ConstantRows;
import io.blueshift.operators.set.UnionAllResult;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a physical plan: cuts it into pipelines at the breakers (aggregation, sort), runs each
 * pipeline morsel-driven, and feeds each breaker's result to the pipeline above it.
 * Filters directly over a scan also give the scan their simple conjuncts for zone-map
 * skipping. The caller owns (and closes) the returned result.
 */
public final class QueryExecutor {
    private final ExecutionContext ctx;

    private final io.blueshift.operators.exec.QueryProfile profile;

    public QueryExecutor(ExecutionContext ctx) {
        this(ctx, null);
    }

    /** With a profile, every plan node's rows and time are recorded (EXPLAIN ANALYZE). */
    public QueryExecutor(ExecutionContext ctx, io.blueshift.operators.exec.QueryProfile profile) {
        this(ctx, profile, null);
    }

    /** With an offload, nodes it takes run on an accelerator (see {@link NodeOffload}). */
    public QueryExecutor(ExecutionContext ctx, io.blueshift.operators.exec.QueryProfile profile, NodeOffload offload) {
        this.ctx = ctx;
        this.profile = profile;
        this.offload = offload;
    }

    private final NodeOffload offload;

    private Operator prof(PlanNode node, Operator op) {
        return profile == null ? op : profile.wrap(node, op);
    }

    private Source prof(PlanNode node, Source src) {
        return profile == null ? src : profile.wrap(node, src);
    }

    private Sink prof(PlanNode node, Sink sink) {
        return profile == null ? sink : profile.wrap(node, sink);
    }

    /** Runs a breaker that works on the caller's thread (sort, union), named in a memory-limit error. */
    private MaterializedResult timed(PlanNode node, String operator, java.util.function.Supplier<MaterializedResult> work) {
        ctx.checkCancelled();
        if (profile == null) {
            return attributed(operator, work);
        }
        long t0 = System.nanoTime();
        MaterializedResult r = attributed(operator, work);
        var stats = profile.of(node);
        stats.addNanos(System.nanoTime() - t0);
        stats.addRows(r.rowCount());
        return r;
    }

    private static MaterializedResult attributed(String operator, java.util.function.Supplier<MaterializedResult> work) {
        try {
            return work.get();
        } catch (io.blueshift.memory.MemoryLimitExceededException e) {
            throw e.attributedTo(operator);
        }
    }

    /** Filters on a scan whose predicate {@link #cheap} says is cheaper per row than a key bitmap test. */
    private final java.util.Set<Operator> cheapScanFilters = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    /** Comparisons, ranges and null tests of non-string columns and constants, combined with AND, OR and NOT. */
    static boolean cheap(Expr e) {
        return switch (e) {
            case Expr.ColumnRef c -> !(c.type() instanceof DataType.VarcharType);
            case Expr.Literal l -> true;
            case Expr.Comparison c -> cheap(c.left()) && cheap(c.right());
            case Expr.Between b -> cheap(b.value()) && cheap(b.low()) && cheap(b.high());
            case Expr.And a -> a.terms().stream().allMatch(QueryExecutor::cheap);
            case Expr.Or o -> o.terms().stream().allMatch(QueryExecutor::cheap);
            case Expr.Not n -> cheap(n.term());
            case Expr.IsNull n -> cheap(n.term());
            default -> false;
        };
    }

    /**
     * A pipeline under construction: where it starts and what runs so far. {@code cols[i]} is
     * the source column that output column i is (unchanged), or -1; {@code keyFilter} collects
     * the key bitmaps of joins up the pipeline, tested right after the source.
     */
    private record Open(Source source, List<Operator> operators, MaterializedResult feeding, int[] cols, JoinKeyFilter[] keyFilter,
                        List<Pipeline.Tail> tails) {
        Open(Source source, List<Operator> operators, MaterializedResult feeding) {
            this(source, operators, feeding, identity(source.outputSchema().size()), new JoinKeyFilter[1], new ArrayList<>());
        }

        /** The same pipeline whose output columns now map to the source as {@code newCols} says. */
        Open mapped(int[] newCols) {
            return new Open(source, operators, feeding, newCols, keyFilter, tails);
        }

        Open feeding(MaterializedResult newFeeding) {
            return new Open(source, operators, newFeeding, cols, keyFilter, tails);
        }
    }

    private static int[] identity(int n) {
        int[] cols = new int[n];
        for (int i = 0; i < n; i++) {
            cols[i] = i;
        }
        return cols;
    }

    /** Aggregates the plan computes more than once; set by the outermost {@link #execute} call. */
    private SharedResults shared;
    private boolean running;

    public MaterializedResult execute(PlanNode plan) {
        if (running) {
            return executeNode(plan);
        }
        SharedResults found = new SharedResults(plan);
        running = true;
        shared = found.isEmpty() ? null : found;
        try {
            return executeNode(plan);
        } finally {
            running = false;
            shared = null;
            found.releaseUnread();
        }
    }

    private MaterializedResult executeNode(PlanNode plan) {
        return switch (plan) {
            case PlanNode.Sort s -> {
                try (MaterializedResult input = execute(s.input())) {
                    yield timed(s, "OrderBy", () -> OrderBy.sort(input, s.keys(), s.offset(), s.limit(), ctx));
                }
            }
            case PlanNode.Limit l -> {
                // stream: stop the input pipeline once offset + limit rows have passed
                long wanted = l.limit() == Long.MAX_VALUE ? Long.MAX_VALUE : l.offset() + l.limit();
                MaterializedResult collected;
                if (wanted < Long.MAX_VALUE && !(l.input() instanceof PlanNode.Sort) && !(l.input() instanceof PlanNode.Limit)) {
                    Open in = open(l.input());
                    in.operators().add(prof(l, new io.blueshift.operators.limit.LimitOperator(l.input().schema(), wanted)));
                    collected = run(in, new CollectSink(l.schema()));
                } else {
                    collected = execute(l.input());
                }
                try (MaterializedResult input = collected) {
                    yield timed(l, "Limit", () -> OrderBy.sort(input, List.of(), l.offset(), l.limit(), ctx));
                }
            }
            default -> {
                Open open = open(plan);
                yield run(open, new CollectSink(plan.schema()));
            }
        };
    }

    private MaterializedResult run(Open open, Sink sink) {
        try {
            List<Operator> ops = open.operators();
            List<Pipeline.Tail> tails = open.tails();
            JoinKeyFilter keys = open.keyFilter()[0];
            if (keys != null) {
                // after a filter on the scan that is cheaper per row than a bitmap test (SIMD
                // comparisons of dense columns), else first
                ops = new ArrayList<>(ops);
                int at = !ops.isEmpty() && cheapScanFilters.contains(ops.getFirst()) ? 1 : 0;
                ops.add(at, keys);
                // the tails join later in the list (after their join's probe), never before the bitmap
                tails = tails.stream().map(t -> t.firstOperator() >= at ? new Pipeline.Tail(t.source(), t.firstOperator() + 1) : t).toList();
            }
            return PipelineExecutor.run(new Pipeline(open.source(), ops, sink, tails), ctx, profile);
        } finally {
            if (open.feeding() != null) {
                open.feeding().close();
            }
        }
    }

    private Open open(PlanNode node) {
        if (shared != null && !(node instanceof PlanNode.Aggregate)) {
            MaterializedResult rows = shared.getOrNull(node, () -> run(openNode(node), new CollectSink(node.schema())));
            if (rows != null) {
                return materialized(rows);
            }
        }
        return openNode(node);
    }

    private Open openNode(PlanNode node) {
        NodeOffload.Offloaded off = offload == null ? null : offload.offload(node, ctx, this::execute);
        if (off != null) {
            MaterializedResult resources = off.resources() == null ? null
                    : new MaterializedResult(node.schema(), List.of(), List.of(off.resources()));
            return new Open(prof(node, off.source()), new ArrayList<>(), resources);
        }
        return switch (node) {
            case PlanNode.Scan s -> new Open(prof(s, new TableScan(s.table(), s.columns(), List.of())), new ArrayList<>(), null);
            case PlanNode.Filter f when f.input() instanceof PlanNode.Scan s -> {
                List<ScanPredicate> skips = zoneMapPredicates(f.predicate(), s);
                List<Operator> ops = new ArrayList<>();
                ops.add(prof(f, new FilterOperator(f.schema(), f.predicate())));
                if (cheap(f.predicate())) {
                    cheapScanFilters.add(ops.getFirst());
                }
                yield new Open(prof(s, new TableScan(s.table(), s.columns(), skips)), ops, null);
            }
            case PlanNode.Filter f -> {
                Open in = open(f.input());
                in.operators().add(prof(f, new FilterOperator(f.schema(), f.predicate())));
                yield in;
            }
            case PlanNode.Project p -> {
                Open in = open(p.input());
                in.operators().add(prof(p, new ProjectOperator(p.schema(), p.expressions())));
                int[] cols = new int[p.expressions().size()];
                for (int i = 0; i < cols.length; i++) {
                    cols[i] = p.expressions().get(i) instanceof Expr.ColumnRef r ? in.cols()[r.index()] : -1;
                }
                yield in.mapped(cols);
            }
            case PlanNode.Aggregate a -> materialized(shared == null ? aggregate(a) : shared.get(a, () -> aggregate(a)));
            case PlanNode.Sort s -> ordered(execute(s));
            case PlanNode.Limit l -> ordered(execute(l));
            case PlanNode.HashJoin j -> join(j, j.probe(), j.build(), j.probeKeys(), j.buildKeys(), j.type(), j.residual(), j.schema());
            case PlanNode.NestedLoopJoin j -> {
                if (j.type() != PlanNode.JoinType.INNER && j.type() != PlanNode.JoinType.LEFT && j.type() != PlanNode.JoinType.SINGLE) {
                    throw new UnsupportedOperationException("not supported: nested loop join of type " + j.type());
                }
                Open oneRow = singleRowJoin(j);
                if (oneRow != null) {
                    yield oneRow;
                }
                yield join(j, j.left(), j.right(), new int[0], new int[0], j.type(), j.condition(), j.schema());
            }
            case PlanNode.UnionAll u -> materialized(unionAll(u));
            case PlanNode.Window w -> {
                try (MaterializedResult input = execute(w.input())) {
                    yield materialized(timed(w, "Window", () -> io.blueshift.operators.window.WindowEvaluator.evaluate(
                            input, w.partition(), w.order(), w.frame(), w.calls(), w.schema(), ctx)));
                }
            }
            case PlanNode.RecursiveUnion r -> materialized(timed(r, "RecursiveUnion",
                    () -> io.blueshift.operators.set.RecursiveUnion.run(r, this::execute, ctx)));
            case PlanNode.GroupAggregate g -> {
                try (MaterializedResult input = execute(g.input())) {
                    yield materialized(timed(g, "GroupAggregate", () -> io.blueshift.operators.holistic.GroupAggregates.evaluate(
                            input, g.keys(), g.calls(), g.schema(), ctx)));
                }
            }
            case PlanNode.Values v -> materialized(attributed("Values", () -> ConstantRows.materialize(v.schema(), v.rows(), ctx)));
        };
    }

    private MaterializedResult aggregate(PlanNode.Aggregate a) {
        if (a.input() instanceof PlanNode.Aggregate inner && inner.aggregates().isEmpty()) {
            // a GROUP BY over the distinct rows of a GROUP BY with more keys (COUNT(DISTINCT ...)): one sink
            io.blueshift.operators.aggregate.DistinctAggregate distinct = io.blueshift.operators.aggregate.DistinctAggregate
                    .create(inner.input().schema(), inner.keys(), a.keys(), a.aggregates());
            if (distinct != null) {
                return run(open(inner.input()), prof(a, distinct));
            }
        }
        Open in = open(a.input());
        Sink sink = a.keys().length == 0
                ? new UngroupedAggregate(a.input().schema(), a.aggregates())
                : new HashAggregate(a.input().schema(), a.keys(), a.aggregates());
        return run(in, prof(a, sink));
    }

    /**
     * An inner join with a side of one row by construction ({@link SingleRowJoin}): that row
     * first, then the left side's pipeline with a filter and projection on its values; null when
     * the join is not of that shape.
     */
    private Open singleRowJoin(PlanNode.NestedLoopJoin j) {
        int width = j.left().schema().size();
        if (j.type() != PlanNode.JoinType.INNER || !SingleRowJoin.oneRow(j.right())
                || !SingleRowJoin.readsLeftInEveryTerm(j.condition(), width)) {
            return null;
        }
        java.util.List<io.blueshift.operators.expr.Expr.Literal> row;
        try (MaterializedResult one = executeNode(j.right())) {
            row = SingleRowJoin.row(one, j.right().schema());
        }
        if (row == null) {
            return null;
        }
        Open in = open(j.left());
        in.operators().add(prof(j, SingleRowJoin.operator(j.schema(), j.left().schema(), j.condition(), row)));
        int[] cols = new int[j.schema().size()];
        java.util.Arrays.fill(cols, -1);
        System.arraycopy(in.cols(), 0, cols, 0, Math.min(in.cols().length, width));
        return in.mapped(cols);
    }

    /**
     * A join: the build side runs first into a hash table (no keys: every row is a candidate,
     * the nested-loop join), then the probe side's pipeline goes on through the probe. The
     * table lives until that pipeline ends.
     */
    private Open join(PlanNode node, PlanNode probe, PlanNode build, int[] probeKeys, int[] buildKeys, PlanNode.JoinType type,
                      Expr residual, io.blueshift.memory.Schema schema) {
        HashJoinBuild sink = new HashJoinBuild(build.schema(), buildKeys);
        MaterializedResult table;
        try {
            // the build's own time: its sink's work on every worker plus the table's finish
            // (the build side's operators record their own times)
            table = run(open(build), profile == null ? sink : profile.wrapTimeOnly(node, sink));
        } catch (RuntimeException e) {
            sink.close();
            throw e;
        }
        if (type.marksBuildRows()) {
            return buildSideJoin(node, probe, sink, table, probeKeys, type, residual, schema);
        }
        try {
            HashJoinProbe op = new HashJoinProbe(schema, probe.schema(), sink, probeKeys, type, residual);
            Open in = open(probe);
            pushKeyFilter(in, sink, probeKeys, op);
            in.operators().add(prof(node, op));
            MaterializedResult feeding = alsoHeld(in, table, schema);
            // the probe's columns pass through unchanged; a SINGLE join may fail on a row's
            // second match, so nothing is pushed through it
            int[] cols = new int[schema.size()];
            java.util.Arrays.fill(cols, -1);
            if (type != PlanNode.JoinType.SINGLE) {
                System.arraycopy(in.cols(), 0, cols, 0, Math.min(in.cols().length, cols.length));
            }
            return new Open(in.source(), in.operators(), feeding, cols, in.keyFilter(), in.tails());
        } catch (RuntimeException e) {
            table.close();
            throw e;
        }
    }

    /** What a pipeline must keep alive until it ends: what {@code in} holds, and {@code table}. */
    private static MaterializedResult alsoHeld(Open in, MaterializedResult table, io.blueshift.memory.Schema schema) {
        return in.feeding() == null ? table : new MaterializedResult(schema, List.of(), List.of(in.feeding(), table));
    }

    /**
     * RIGHT_SEMI, RIGHT_ANTI and RIGHT: the probe pipeline runs to its end flagging the build
     * rows that match (RIGHT also collects the matching pairs); then the flagged (or unflagged)
     * build rows start the pipeline above. The table lives until that pipeline ends.
     */
    private Open buildSideJoin(PlanNode node, PlanNode probe, HashJoinBuild sink, MaterializedResult table, int[] probeKeys,
                               PlanNode.JoinType type, Expr residual, io.blueshift.memory.Schema schema) {
        try {
            sink.trackMatches(ctx.pool());
            HashJoinProbe op = new HashJoinProbe(schema, probe.schema(), sink, probeKeys, type, residual);
            Open in = open(probe);
            pushKeyFilter(in, sink, probeKeys, op);
            in.operators().add(prof(node, op));
            if (type == PlanNode.JoinType.RIGHT) {
                // the matching pairs go on up the pipeline; once the probe has ended on every
                // worker, the unmatched build rows (NULL probe columns) follow them as a tail
                // into the operators above and the same sink
                in.tails().add(new Pipeline.Tail(new BuildSideSource(sink, schema, false, probe.schema()), in.operators().size()));
                MaterializedResult feeding = alsoHeld(in, table, schema);
                // no column passes through unchanged for the tail's rows: nothing is pushed below
                int[] cols = new int[schema.size()];
                java.util.Arrays.fill(cols, -1);
                return new Open(in.source(), in.operators(), feeding, cols, in.keyFilter(), in.tails());
            }
            run(in, new Discard(op.outputSchema())).close();
            Source rows = new BuildSideSource(sink, schema, type == PlanNode.JoinType.RIGHT_SEMI, null);
            return new Open(rows, new ArrayList<>(), table);
        } catch (RuntimeException e) {
            table.close();
            throw e;
        }
    }

    /**
     * Join filter pushdown: when {@code op} drops probe rows without a match, its table has a
     * key bitmap and the probe key it tests is a source column passed on unchanged, the bitmap is
     * tested right after the pipeline's source (one {@link JoinKeyFilter} per pipeline) and
     * the probe skips its own test.
     */
    private static void pushKeyFilter(Open in, HashJoinBuild build, int[] probeKeys, HashJoinProbe op) {
        if (!op.dropsUnmatched() || !JoinKeyFilter.canPush(build)) {
            return;
        }
        int col = in.cols()[probeKeys[JoinKeyFilter.keyIndex(build)]];
        if (col < 0) {
            return;
        }
        JoinKeyFilter f = in.keyFilter()[0];
        if (f == null) {
            f = new JoinKeyFilter(in.source().outputSchema());
            in.keyFilter()[0] = f;
        }
        f.add(build, col);
        op.keyBitsPushedDown();
    }

    /** The end of a pipeline whose operators did all the work (a probe that only flags build rows). */
    private record Discard(io.blueshift.memory.Schema outputSchema) implements Sink {
        @Override
        public io.blueshift.operators.exec.SinkState createLocalState(ExecutionContext ctx) {
            return () -> { };
        }

        @Override
        public void sink(io.blueshift.memory.Batch batch, io.blueshift.operators.exec.SinkState local) { }

        @Override
        public void combine(io.blueshift.operators.exec.SinkState local) { }

        @Override
        public MaterializedResult finish(ExecutionContext ctx) {
            return new MaterializedResult(outputSchema, List.of(), List.of());
        }

        @Override
        public String describe() {
            return "Discard";
        }
    }

    private MaterializedResult unionAll(PlanNode.UnionAll u) {
        io.blueshift.memory.Schema schema = UnionAllResult.unionSchema(u.inputs().stream().map(PlanNode::schema).toList());
        List<MaterializedResult> parts = new ArrayList<>();
        try {
            for (PlanNode in : u.inputs()) {
                parts.add(execute(in));
            }
        } catch (RuntimeException e) {
            parts.forEach(MaterializedResult::close);
            throw e;
        }
        return attributed("UnionAll", () -> UnionAllResult.concat(schema, parts));
    }

    private static Open materialized(MaterializedResult r) {
        return new Open(new ResultSource(r), new ArrayList<>(), r);
    }

    /** A sort's or limit's result: the pipeline above it keeps its row order (one worker). */
    private static Open ordered(MaterializedResult r) {
        return new Open(new ResultSource(r, true), new ArrayList<>(), r);
    }

    /** EXPLAIN ANALYZE text: the plan tree with each node's rows out and own time. */
    public static String explain(PlanNode plan, io.blueshift.operators.exec.QueryProfile profile) {
        String[] lines = explain(plan).split("\n");
        StringBuilder sb = new StringBuilder();
        List<PlanNode> order = new ArrayList<>();
        preorder(plan, order);
        for (int i = 0; i < lines.length; i++) {
            sb.append(lines[i]);
            var s = i < order.size() ? profile.find(order.get(i)) : null;
            if (s != null) {
                sb.append(String.format("   [rows=%,d time=%.1f ms]", s.rows(), s.millis()));
            }
            sb.append('\n');
        }
        List<io.blueshift.operators.exec.QueryProfile.PipelineStats> pipelines = profile.pipelines();
        if (!pipelines.isEmpty()) {
            sb.append("pipelines (wall ms, the finish on the caller; per worker: morsels taken, busy ms, cpu ms, from: ms after the hand-off):\n");
            for (int i = 0; i < pipelines.size(); i++) {
                sb.append(String.format("  %d. ", i + 1)).append(pipelines.get(i).describe()).append('\n');
            }
        }
        return sb.toString();
    }

    private static void preorder(PlanNode node, List<PlanNode> out) {
        out.add(node);
        for (PlanNode in : node.inputs()) {
            preorder(in, out);
        }
    }

    /** Conjuncts of the form {@code column OP constant} (or BETWEEN) on a scanned column. */
    static List<ScanPredicate> zoneMapPredicates(Expr predicate, PlanNode.Scan scan) {
        List<ScanPredicate> out = new ArrayList<>();
        List<Expr> conjuncts = predicate instanceof Expr.And and ? and.terms() : List.of(predicate);
        for (Expr e : conjuncts) {
            switch (e) {
                case Expr.Comparison c -> addComparison(c.op(), c.left(), c.right(), scan, out);
                case Expr.Between b -> {
                    addComparison(CompareOp.GE, b.value(), b.low(), scan, out);
                    addComparison(CompareOp.LE, b.value(), b.high(), scan, out);
                }
                default -> { }
            }
        }
        return out;
    }

    private static void addComparison(CompareOp op, Expr left, Expr right, PlanNode.Scan scan, List<ScanPredicate> out) {
        if (left instanceof Expr.Literal && right instanceof Expr.ColumnRef) {
            addComparison(op.flip(), right, left, scan, out);
            return;
        }
        if (!(left instanceof Expr.ColumnRef col) || !(right instanceof Expr.Literal lit) || lit.isNull()) {
            return;
        }
        int tableColumn = scan.columns()[col.index()];
        DataType t = col.type();
        if (t instanceof DataType.Float64Type && lit.value() instanceof Number n) {
            double v = lit.type() instanceof DataType.DecimalType d
                    ? BigDecimal.valueOf(n.longValue(), d.scale()).doubleValue() : n.doubleValue();
            out.add(ScanPredicate.ofDouble(tableColumn, op, v));
            return;
        }
        boolean integral = t instanceof DataType.Int32Type || t instanceof DataType.Int64Type
                || t instanceof DataType.DateType || t instanceof DataType.TimestampType || t instanceof DataType.DecimalType;
        if (integral && lit.value() instanceof Long) {
            int colScale = t instanceof DataType.DecimalType d ? d.scale() : 0;
            int litScale = lit.type() instanceof DataType.DecimalType d ? d.scale() : 0;
            var bound = io.blueshift.operators.expr.PredicateEvaluatorAccess.bound(op, lit, colScale, litScale);
            if (bound != null) {
                out.add(ScanPredicate.ofLong(tableColumn, bound.op(), bound.value()));
            }
        }
    }

    /** EXPLAIN text: one line per pipeline step, breakers first as they run. */
    public static String explain(PlanNode plan) {
        StringBuilder sb = new StringBuilder();
        explain(plan, 0, sb);
        return sb.toString();
    }

    private static void explain(PlanNode node, int depth, StringBuilder sb) {
        sb.append("  ".repeat(depth));
        switch (node) {
            case PlanNode.Scan s -> sb.append("Scan ").append(s.table().name()).append(' ').append(s.schema().names());
            case PlanNode.Filter f -> sb.append("Filter ").append(io.blueshift.operators.expr.ExprPrinter.print(f.predicate()));
            case PlanNode.Project p -> {
                List<String> parts = new ArrayList<>();
                for (int i = 0; i < p.expressions().size(); i++) {
                    parts.add(io.blueshift.operators.expr.ExprPrinter.print(p.expressions().get(i)) + " AS " + p.names().get(i));
                }
                sb.append("Project ").append(String.join(", ", parts));
            }
            case PlanNode.Aggregate a -> {
                List<String> keys = new ArrayList<>();
                for (int k : a.keys()) keys.add(a.input().schema().field(k).name());
                List<String> aggs = new ArrayList<>();
                for (var c : a.aggregates()) aggs.add(c.describe(c.input() < 0 ? "*" : a.input().schema().field(c.input()).name()) + " AS " + c.name());
                sb.append(a.keys().length == 0 ? "UngroupedAggregate " : "HashAggregate keys=" + keys + " ").append(aggs);
            }
            case PlanNode.Sort s -> sb.append("Sort ").append(s.keys().stream().map(k -> s.schema().field(k.column()).name() + (k.ascending() ? "" : " DESC")).toList())
                    .append(s.limit() == Long.MAX_VALUE ? "" : " LIMIT " + s.limit());
            case PlanNode.Limit l -> sb.append("Limit ").append(l.limit()).append(l.offset() > 0 ? " OFFSET " + l.offset() : "");
            case PlanNode.HashJoin j -> {
                List<String> keys = new ArrayList<>();
                for (int i = 0; i < j.probeKeys().length; i++) {
                    keys.add(j.probe().schema().field(j.probeKeys()[i]).name() + " = " + j.build().schema().field(j.buildKeys()[i]).name());
                }
                sb.append(keys.isEmpty() ? "NestedLoopJoin " : "HashJoin ").append(j.type()).append(keys.isEmpty() ? "" : " " + keys)
                        .append(j.residual() == null ? "" : (keys.isEmpty() ? " on " : " residual ")
                                + io.blueshift.operators.expr.ExprPrinter.print(j.residual()))
                        .append("  (probe first, build second)");
            }
            case PlanNode.NestedLoopJoin j -> sb.append("NestedLoopJoin ").append(j.type())
                    .append(j.condition() == null ? "" : " on " + io.blueshift.operators.expr.ExprPrinter.print(j.condition()));
            case PlanNode.UnionAll u -> sb.append("UnionAll");
            case PlanNode.Window w -> {
                io.blueshift.memory.Schema in = w.input().schema();
                List<String> parts = new ArrayList<>();
                for (int p : w.partition()) parts.add(in.field(p).name());
                List<String> fns = new ArrayList<>();
                for (var c : w.calls()) fns.add(c.describe(c.argument() < 0 ? "" : in.field(c.argument()).name()) + " AS " + c.name());
                sb.append("Window partition=").append(parts).append(" order=")
                        .append(w.order().stream().map(k -> in.field(k.column()).name() + (k.ascending() ? "" : " DESC")).toList())
                        .append(' ').append(w.frame().describe()).append(' ').append(fns);
            }
            case PlanNode.RecursiveUnion r -> sb.append("RecursiveUnion ").append(r.working().name()).append(r.all() ? " ALL" : "")
                    .append("  (seed first, then the step that reads it)");
            case PlanNode.GroupAggregate g -> {
                io.blueshift.memory.Schema in = g.input().schema();
                List<String> keys = new ArrayList<>();
                for (int k : g.keys()) keys.add(in.field(k).name());
                List<String> aggs = new ArrayList<>();
                for (var c : g.calls()) aggs.add(c.describe(c.input() < 0 ? "*" : in.field(c.input()).name()) + " AS " + c.name());
                sb.append("SortGroupAggregate keys=").append(keys).append(' ').append(aggs);
            }
            case PlanNode.Values v -> sb.append("Values ").append(v.rows().size()).append(" rows");
        }
        sb.append('\n');
        for (PlanNode in : node.inputs()) {
            explain(in, depth + 1, sb);
        }
    }
}
