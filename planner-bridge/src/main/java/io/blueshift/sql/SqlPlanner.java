package io.blueshift.sql;

import io.blueshift.operators.plan.PlanNode;
import io.blueshift.storage.Catalog;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.hep.HepMatchOrder;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.SqlExplainFormat;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql2rel.RelDecorrelator;
import org.apache.calcite.tools.RelBuilder;

/**
 * SQL text to our physical plan: Calcite parses, validates against our catalog and rewrites
 * the logical plan (subqueries to joins, decorrelation, predicate push-down, constant
 * folding, join order by estimated cardinality, column pruning); {@link RelTranslator}
 * turns the result into a {@link PlanNode} that our operators run. Calcite never executes.
 */
public final class SqlPlanner {
    private final Catalog catalog;
    private final java.util.Map<String, String> views;
    private final FileResolver files;

    public SqlPlanner(Catalog catalog) {
        this(catalog, java.util.Map.of(), null);
    }

    /**
     * {@code views}: view name (lower case) to its SQL; {@code files} resolves file references
     * ({@code FROM 'x.parquet'}, {@code read_csv(...)}), or null to refuse them.
     */
    public SqlPlanner(Catalog catalog, java.util.Map<String, String> views, FileResolver files) {
        PlannerActivity.planning();
        this.catalog = catalog;
        this.views = views;
        this.files = files;
    }

    /** The file references of the query being planned, for naming them in error messages. */
    private final java.util.List<FileReferences.FileRef> refs = new java.util.ArrayList<>();

    private static final java.util.Set<org.apache.calcite.sql.SqlKind> STATISTICS = java.util.EnumSet.of(
            org.apache.calcite.sql.SqlKind.STDDEV_POP, org.apache.calcite.sql.SqlKind.STDDEV_SAMP,
            org.apache.calcite.sql.SqlKind.VAR_POP, org.apache.calcite.sql.SqlKind.VAR_SAMP,
            org.apache.calcite.sql.SqlKind.COVAR_POP, org.apache.calcite.sql.SqlKind.COVAR_SAMP);

    private static final org.apache.calcite.plan.RelOptRule REDUCE_STATISTICS =
            org.apache.calcite.rel.rules.AggregateReduceFunctionsRule.Config.DEFAULT.withFunctionsToReduce(STATISTICS).toRule();

    private static boolean hasStatisticalAggregates(RelNode rel) {
        if (rel instanceof org.apache.calcite.rel.core.Aggregate a
                && a.getAggCallList().stream().anyMatch(c -> STATISTICS.contains(c.getAggregation().getKind()))) {
            return true;
        }
        for (RelNode in : rel.getInputs()) {
            if (hasStatisticalAggregates(in)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasWindowFunctions(RelNode rel) {
        if (rel instanceof org.apache.calcite.rel.core.Project p
                && org.apache.calcite.rex.RexOver.containsOver(p.getProjects(), null)) {
            return true;
        }
        for (RelNode in : rel.getInputs()) {
            if (hasWindowFunctions(in)) {
                return true;
            }
        }
        return false;
    }

    /** Replaces the file references of {@code sql} by tables added to {@code root}. */
    private String prepare(String sql, String prefix, SchemaPlus root) {
        FileReferences.Rewritten rw = FileReferences.rewrite(sql, prefix,
                n -> catalog.contains(n) || views.containsKey(n.toLowerCase()) || root.tables().get(n) != null);
        for (FileReferences.FileRef ref : rw.refs()) {
            if (FileReferences.isSeries(ref)) {
                long[] args = ref.paths().stream().mapToLong(Long::parseLong).toArray();
                try {
                    root.add(ref.name(), new CalciteCatalog.CalciteTable(SeriesTable.of(ref.name(), ref.format(), args)));
                } catch (IllegalArgumentException e) {
                    throw new SqlException("error at " + ref.where() + ": " + e.getMessage(), ref.line(), ref.column(), e);
                }
                refs.add(ref);
                continue;
            }
            if (files == null) {
                throw new SqlException("error at " + ref.where() + ": file references need a session (Blueshift.open)", ref.line(), ref.column(), null);
            }
            root.add(ref.name(), new CalciteCatalog.CalciteTable(files.resolve(ref)));
            refs.add(ref);
        }
        return SqlFunctions.respell(rw.sql());
    }

    /** The optimized logical plan (for EXPLAIN and tests). */
    public RelNode logicalPlan(String sql) {
        RelNode rel = rewritten(sql);
        long t0 = System.nanoTime();
        rel = trimmed(rel);
        times = new PlanningTimes(times.setupNanos(), times.parseNanos(), times.validateNanos(), times.toRelNanos(),
                times.rewriteNanos() + System.nanoTime() - t0, 0);
        return rel;
    }

    /** The builder of the query being planned (its cluster), for the field trimmer. */
    private RelBuilder relBuilder;

    /** Calcite's field trimming, then the joins an aggregate makes redundant. */
    private RelNode trimmed(RelNode rel) {
        // the rewrite pass left its conditions and expressions simplified: renumbering their fields keeps them so
        rel = new FieldTrimmer(relBuilder.transform(c -> c.withSimplify(false))).trim(rel);
        return AggregateJoinReduction.apply(rel);
    }

    /** The logical plan after every rewrite but field trimming. */
    private RelNode rewritten(String sql) {
        long start = System.nanoTime();
        SchemaPlus root = CalciteCatalog.rootSchema(catalog);
        SqlFrontEnd front = new SqlFrontEnd(root);
        refs.clear();
        for (var v : views.entrySet()) {
            if (!catalog.contains(v.getKey())) {
                root.add(v.getKey(), new ViewTable(v.getKey(), v.getValue(), front, body -> prepare(body, "_" + v.getKey() + "_f", root)));
            }
        }
        sql = prepare(sql, "_f", root);
        long t0 = System.nanoTime();
        SqlNode parsed;
        try {
            parsed = SqlFrontEnd.parse(sql);
        } catch (SqlParseException e) {
            var pos = e.getPos();
            int line = pos == null ? 0 : pos.getLineNum();
            int col = pos == null ? 0 : pos.getColumnNum();
            throw new SqlException("syntax error at line " + line + ", column " + col + ": " + firstLine(e.getMessage()), line, col, e);
        }
        if (!parsed.isA(org.apache.calcite.sql.SqlKind.QUERY)) {
            // ALTER ..., MERGE, INSERT/UPDATE/DELETE reaching here: Calcite's validator takes only queries
            var pos = parsed.getParserPosition();
            throw new SqlException("error at line " + pos.getLineNum() + ", column " + pos.getColumnNum() + ": not supported: "
                    + parsed.getKind().lowerName.replace('_', ' ') + " statements", pos.getLineNum(), pos.getColumnNum(), null);
        }
        if (containsIgnoreCase(sql, "escape")) {
            checkLikeEscapes(parsed);
        }
        OutputNames.name(parsed, sql);
        SqlFrontEnd.rewriteParsed(parsed, sql);
        long t1 = System.nanoTime();
        SqlNode validated;
        SqlValidator validator = front.validator();
        try {
            validated = validator.validate(parsed);
        } catch (SqlException e) {
            throw named(e);
        } catch (RuntimeException e) {
            throw named(validationError(e));
        }
        long t2 = System.nanoTime();
        RelRoot relRoot;
        try {
            relRoot = front.toRel(validator, validated);
        } catch (SqlException e) {
            throw e;
        } catch (Exception e) {
            throw new SqlException("cannot plan the query: " + firstLine(e.getMessage()), 0, 0, e);
        }
        RelNode rel = relRoot.project();
        outputNames = rel.getRowType().getFieldNames();
        if (hasStatisticalAggregates(rel)) {
            // STDDEV/VARIANCE as SUM(x), SUM(x * x) and COUNT(x)
            rel = hep(rel, STATISTICS_REDUCTION);
        }
        if (hasWindowFunctions(rel)) {
            // OVER (...) as Window nodes our translator turns into window operators
            rel = hep(rel, WINDOWS);
        }
        long t3 = System.nanoTime();
        relBuilder = front.relBuilder();
        // passes whose rules cannot match are skipped: each still copies the plan into a graph
        if (any(rel, SqlPlanner::hasSubQuery)) {
            rel = hep(rel, SUBQUERIES);
        }
        debug("correlated", rel);
        // (without a Correlate the decorrelator returns the plan as it is, after a walk of every
        // expression; correlations come only from the subqueries removed above)
        if (any(rel, SqlPlanner::isCorrelate)) {
            // MIN/MAX subqueries over the outer block's own tables and predicates: a window over its rows
            rel = SubqueryCoalescing.apply(rel);
            rel = ExistsToSemiJoin.apply(rel, relBuilder);
            // scalar aggregates correlated by equalities: LEFT joins with grouped aggregates
            // (-Dblueshift.planner.calciteDecorrelation=true leaves them to Calcite, for comparisons)
            if (!CALCITE_DECORRELATION) {
                rel = ScalarSubqueryToJoin.apply(rel);
            }
            if (any(rel, SqlPlanner::isCorrelate)) {
                rel = RelDecorrelator.decorrelateQuery(rel, relBuilder);
            }
        }
        debug("decorrelated", rel);
        rel = pullCommonFactors(rel);
        // comma joins' filters at their joins: the pass finds them there
        RelNode placed = CALCITE_FILTER_PLACEMENT ? rel : FilterPlacement.apply(rel);
        if (FilterPlacement.check && placed != rel) {
            String ours = withoutIds(hep(placed, REWRITES));
            String calcite = withoutIds(hep(rel, REWRITES));
            if (!ours.equals(calcite)) {
                throw new IllegalStateException("filters placed before the rewrite pass give another plan:\n" + ours + "\n" + calcite);
            }
        }
        rel = hep(placed, REWRITES);
        // without joins the join passes change nothing, and the last pass's other rules ran to a
        // fixed point in the pass above
        // GROUP BY a unique key and the columns it determines: join those after grouping
        rel = GroupByUniqueKey.apply(rel);
        // a scalar subquery's total over the rows a GROUP BY of the query aggregates: from its groups
        rel = TotalsFromGroups.apply(rel);
        debug("rewritten", rel);
        if (any(rel, r -> r instanceof org.apache.calcite.rel.core.Join)) {
            // inner join graphs: ordered by our estimates; the rest by Calcite's rule
            RelNode ordered = orderedWithoutPass(rel, relBuilder);
            boolean calciteOrdered;
            if (ordered != null) {
                rel = ordered;
                calciteOrdered = false;
            } else {
                rel = GreedyJoinOrder.apply(hep(rel, TO_MULTI_JOINS));
                calciteOrdered = any(rel, r -> r instanceof org.apache.calcite.rel.rules.MultiJoin);
            }
            if (calciteOrdered) {
                rel = hep(rel, MULTI_JOIN_ORDER);
            } else {
                // our join order leaves a projection restoring the field order: merged here
                rel = mergeProjections(rel, relBuilder);
            }
            if (calciteOrdered || any(rel, SqlPlanner::filterToMove)) {
                rel = hep(rel, AFTER_JOIN_ORDER);
            }
        }
        times = new PlanningTimes(t0 - start, t1 - t0, t2 - t1, t3 - t2, System.nanoTime() - t3, 0);
        return rel;
    }

    /**
     * The plan with its join trees ordered by {@link GreedyJoinOrder} from MultiJoins built
     * without Calcite's pass ({@link MultiJoins}); null when that pass is needed: an outer join,
     * or a MultiJoin our order leaves to Calcite's rule.
     * {@code -Dblueshift.planner.calciteMultiJoins=true} always takes the pass (for comparisons).
     */
    private static RelNode orderedWithoutPass(RelNode rel, RelBuilder relBuilder) {
        if (CALCITE_MULTI_JOINS) {
            return null;
        }
        RelNode multi = MultiJoins.build(rel, relBuilder);
        if (multi == null) {
            return null;
        }
        RelNode ordered = GreedyJoinOrder.apply(multi);
        if (any(ordered, r -> r instanceof org.apache.calcite.rel.rules.MultiJoin)) {
            return null;
        }
        if (MultiJoins.check) {
            String ours = withoutIds(ordered);
            String calcite = withoutIds(GreedyJoinOrder.apply(hep(rel, TO_MULTI_JOINS)));
            if (!ours.equals(calcite)) {
                throw new IllegalStateException("MultiJoins built without Calcite's pass order differently:\n" + ours + "\n" + calcite);
            }
        }
        return ordered;
    }

    private static String withoutIds(RelNode rel) {
        return RelOptUtil.toString(rel, SqlExplainLevel.ALL_ATTRIBUTES).replaceAll(", id = \\d+", "") + rel.getRowType().getFullTypeString();
    }

    /** {@code -Dblueshift.planner.calciteFilterPlacement=true}: comma joins' filters left to the rewrite pass (for comparisons). */
    private static final boolean CALCITE_FILTER_PLACEMENT = Boolean.getBoolean("blueshift.planner.calciteFilterPlacement");

    private static final boolean CALCITE_MULTI_JOINS = Boolean.getBoolean("blueshift.planner.calciteMultiJoins");

    private static final boolean CALCITE_DECORRELATION = Boolean.getBoolean("blueshift.planner.calciteDecorrelation");

    /**
     * A node whose physical plan our column pruning cuts as Calcite's field trimming would (so
     * that the trimming is not needed first): scans, values, filters, windows, projections without window
     * functions, sorts, joins with equality keys (or inner and left joins, run as nested loops), and
     * aggregates of SUM, MIN, MAX, AVG and COUNT(*) (or COUNT of columns without NULLs, which the trimming
     * writes as COUNT(*) and our translation counts as COUNT(*) too). The translation is then checked again
     * ({@link ColumnPruning#applyIfComplete}): an aggregate value nothing uses is found only there.
     */
    private static boolean prunedWithoutTrimming(RelNode rel) {
        return switch (rel) {
            case org.apache.calcite.rel.core.TableScan s -> true;
            case org.apache.calcite.rel.core.Values v -> true;
            case org.apache.calcite.rel.core.Filter f -> true;
            case org.apache.calcite.rel.core.Sort s -> true;
            case org.apache.calcite.rel.core.Project p -> !org.apache.calcite.rex.RexOver.containsOver(p.getProjects(), null);
            // the trimming keeps a window and its input whole; our pruning cuts the input
            case org.apache.calcite.rel.core.Window w -> true;
            case org.apache.calcite.rel.core.Join j -> switch (j.getJoinType()) {
                case INNER, LEFT -> true;
                case RIGHT, SEMI, ANTI -> !j.analyzeCondition().leftKeys.isEmpty();
                default -> false;
            };
            case org.apache.calcite.rel.core.Aggregate a -> a.getGroupType() == org.apache.calcite.rel.core.Aggregate.Group.SIMPLE
                    && a.getAggCallList().stream().allMatch(c -> !c.isDistinct() && !c.hasFilter() && switch (c.getAggregation().getKind()) {
                        case SUM, SUM0, MIN, MAX, AVG -> true;
                        // COUNT(*), or of columns without NULLs, which our translation counts as COUNT(*)
                        case COUNT -> c.getArgList().stream().noneMatch(i -> a.getInput().getRowType().getFieldList().get(i).getType().isNullable());
                        default -> false;
                    });
            default -> false;
        };
    }

    /** {@code -Dblueshift.planner.trimFirst=true}: Calcite's field trimming before every translation (for comparisons). */
    private static final boolean TRIM_FIRST = Boolean.getBoolean("blueshift.planner.trimFirst");

    private PlanningTimes times = PlanningTimes.NONE;

    /** Where the last {@link #plan} or {@link #logicalPlan} call spent its time. */
    public PlanningTimes times() {
        return times;
    }

    /** Whether {@code rel} or a node under it passes {@code test}. */
    private static boolean any(RelNode rel, java.util.function.Predicate<RelNode> test) {
        if (test.test(rel)) {
            return true;
        }
        for (RelNode in : rel.getInputs()) {
            if (any(in, test)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isCorrelate(RelNode rel) {
        return rel instanceof org.apache.calcite.rel.core.Correlate;
    }

    private static boolean hasSubQuery(RelNode rel) {
        return switch (rel) {
            case org.apache.calcite.rel.core.Filter f -> org.apache.calcite.rex.RexUtil.SubQueryFinder.containsSubQuery(f);
            case org.apache.calcite.rel.core.Project p -> org.apache.calcite.rex.RexUtil.SubQueryFinder.containsSubQuery(p);
            case org.apache.calcite.rel.core.Join j -> org.apache.calcite.rex.RexUtil.SubQueryFinder.containsSubQuery(j);
            default -> false;
        };
    }

    private static void debug(String stage, RelNode rel) {
        if (Boolean.getBoolean("blueshift.debug.plan")) {
            System.err.println("-- " + stage + "\n" + RelOptUtil.toString(rel));
        }
    }

    /** Plans {@code sql} into a physical plan for our executor. */
    public PlanNode plan(String sql) {
        RelNode rel = rewritten(sql);
        long t0 = System.nanoTime();
        // Our column pruning of the physical plan cuts what Calcite's field trimming would, except
        // below the nodes it keeps whole and in aggregates' unused values: the trimming (6-10% of
        // planning) and a second translation only then
        PlanNode plan = null;
        if (!TRIM_FIRST && !any(rel, r -> !prunedWithoutTrimming(r))) {
            try {
                plan = ColumnPruning.applyIfComplete(new RelTranslator(catalog).translate(AggregateJoinReduction.apply(rel)));
            } catch (RuntimeException e) {
                // a column the trimming would have dropped that we cannot translate: trimmed below, as before
            }
        }
        if (plan == null) {
            plan = ColumnPruning.apply(new RelTranslator(catalog).translate(trimmed(rel)));
        }
        // a table's filter that the plan evaluates twice (a subquery's, a self-join's): evaluated once
        plan = io.blueshift.operators.plan.CommonSubplans.unify(plan);
        plan = named(plan, outputNames);
        times = new PlanningTimes(times.setupNanos(), times.parseNanos(), times.validateNanos(), times.toRelNanos(), times.rewriteNanos(),
                System.nanoTime() - t0);
        return plan;
    }

    /** The query's column names, as validated (the rewrites drop projections that only rename). */
    private java.util.List<String> outputNames = java.util.List.of();

    private static PlanNode named(PlanNode plan, java.util.List<String> names) {
        io.blueshift.memory.Schema s = plan.schema();
        if (names.size() != s.size() || java.util.stream.IntStream.range(0, s.size()).allMatch(i -> s.field(i).name().equalsIgnoreCase(names.get(i)))) {
            return plan;
        }
        java.util.List<io.blueshift.operators.expr.Expr> refs = new java.util.ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            refs.add(new io.blueshift.operators.expr.Expr.ColumnRef(i, s.type(i), s.field(i).name()));
        }
        return new PlanNode.Project(plan, refs, names);
    }

    public String explainLogical(String sql) {
        return RelOptUtil.dumpPlan("", logicalPlan(sql), SqlExplainFormat.TEXT, SqlExplainLevel.EXPPLAN_ATTRIBUTES);
    }

    /**
     * What {@link #AFTER_JOIN_ORDER}'s projection rules do, without a rewrite pass: a projection
     * over a projection merged (unless an expression would be repeated too often, as Calcite's
     * rule), an identity projection removed. After {@link GreedyJoinOrder} these are all that
     * pass changed unless a filter was left to move ({@link #filterToMove}); the pass copied the
     * whole plan into a graph and tried every rule on every node for it.
     */
    private static RelNode mergeProjections(RelNode root, RelBuilder builder) {
        return root.accept(new org.apache.calcite.rel.RelShuttleImpl() {
            @Override
            public RelNode visit(org.apache.calcite.rel.logical.LogicalProject project) {
                RelNode visited = super.visit(project);
                if (!(visited instanceof org.apache.calcite.rel.core.Project top)) {
                    return visited;
                }
                if (top.getInput() instanceof org.apache.calcite.rel.core.Project bottom
                        && !org.apache.calcite.rex.RexOver.containsOver(bottom.getProjects(), null)
                        && !org.apache.calcite.rex.RexOver.containsOver(top.getProjects(), null)) {
                    java.util.List<org.apache.calcite.rex.RexNode> merged =
                            RelOptUtil.pushPastProjectUnlessBloat(top.getProjects(), bottom, PROJECT_MERGE_BLOAT);
                    if (merged != null) {
                        RelNode built = builder.push(bottom.getInput()).project(merged, top.getRowType().getFieldNames()).build();
                        if (!(built instanceof org.apache.calcite.rel.core.Project p)) {
                            return built;
                        }
                        top = p;
                    }
                }
                if (org.apache.calcite.rex.RexUtil.isIdentity(top.getProjects(), top.getInput().getRowType())) {
                    // as Calcite's rule: a projection below takes the removed one's names
                    return top.getInput() instanceof org.apache.calcite.rel.core.Project child
                            ? child.copy(child.getTraitSet(), child.getInput(), child.getProjects(), top.getRowType())
                            : top.getInput();
                }
                return top;
            }
        });
    }

    /** Calcite's ProjectMergeRule's default: no merge that repeats an expression more than this. */
    private static final int PROJECT_MERGE_BLOAT = 100;

    /** A filter {@link #AFTER_JOIN_ORDER}'s filter rules could move or merge. */
    private static boolean filterToMove(RelNode rel) {
        return rel instanceof org.apache.calcite.rel.core.Filter f
                && (f.getInput() instanceof org.apache.calcite.rel.core.Filter || f.getInput() instanceof org.apache.calcite.rel.core.Project
                        || f.getInput() instanceof org.apache.calcite.rel.core.Join);
    }

    /**
     * {@code (a AND x) OR (a AND y)} becomes {@code a AND (x OR y)} in filters and join
     * conditions, so the common conjuncts can be pushed down and hashed (TPC-H Q19).
     */
    private static RelNode pullCommonFactors(RelNode root) {
        return root.accept(new org.apache.calcite.rel.RelShuttleImpl() {
            @Override
            public RelNode visit(org.apache.calcite.rel.logical.LogicalFilter filter) {
                RelNode input = filter.getInput().accept(this);
                var rex = filter.getCluster().getRexBuilder();
                org.apache.calcite.rex.RexNode condition = org.apache.calcite.rex.RexUtil.pullFactors(rex, filter.getCondition());
                // unchanged nodes kept: a copy derives its row type and its parents' again
                if (input == filter.getInput() && condition.equals(filter.getCondition())) {
                    return filter;
                }
                return filter.copy(filter.getTraitSet(), input, condition);
            }

            @Override
            public RelNode visit(org.apache.calcite.rel.logical.LogicalJoin join) {
                RelNode left = join.getLeft().accept(this);
                RelNode right = join.getRight().accept(this);
                var rex = join.getCluster().getRexBuilder();
                org.apache.calcite.rex.RexNode condition = org.apache.calcite.rex.RexUtil.pullFactors(rex, join.getCondition());
                if (left == join.getLeft() && right == join.getRight() && condition.equals(join.getCondition())) {
                    return join;
                }
                return join.copy(join.getTraitSet(), condition, left, right, join.getJoinType(), join.isSemiJoinDone());
            }
        });
    }

    /** Puts the file reference back where a message names its generated table. */
    private SqlException named(SqlException e) {
        String m = e.getMessage();
        boolean changed = false;
        for (FileReferences.FileRef r : refs) {
            if (m.contains("'" + r.name() + "'")) {
                m = m.replace("'" + r.name() + "'", r.text());
                changed = true;
            }
        }
        return changed ? new SqlException(m, e.line(), e.column(), e.getCause()) : e;
    }

    /** One line describing a planning failure (a SqlException's message, or Calcite's first line). */
    static String describe(Throwable e) {
        Throwable t = e;
        while (t != null && !(t instanceof CalciteContextException) && !(t instanceof SqlException)) {
            t = t.getCause();
        }
        if (t instanceof SqlException s) {
            return s.getMessage();
        }
        if (t instanceof CalciteContextException c) {
            String msg = c.getCause() != null && c.getCause().getMessage() != null ? c.getCause().getMessage() : c.getMessage();
            return firstLine(ourWords(msg));
        }
        return firstLine(e.getMessage());
    }

    /** A Calcite validation message in our words: "table 'x' not found", "column 'y' not found ...". */
    private static String ourWords(String msg) {
        return msg.replace("Object '", "table '").replace("Column '", "column '");
    }

    /** Rule applications in one rewrite pass; real queries need a few hundred at most. */
    static final int REWRITE_MATCH_LIMIT = 2_000;

    // The rewrite programs: immutable (each HepPlanner keeps its own state), so built once.

    /**
     * Calcite's rules moving filters into and through joins, with a builder that does not simplify
     * the filters it makes: their conjuncts come from conditions already simplified (by SQL-to-rel's
     * builder, or the reductions of the pass), and the pass's filter and join reductions simplify
     * again what they put together. Each push simplified the whole remaining condition once more.
     */
    private static final org.apache.calcite.tools.RelBuilderFactory NOT_SIMPLIFYING =
            RelBuilder.proto(RelBuilder.Config.DEFAULT.withSimplify(false));

    static final org.apache.calcite.plan.RelOptRule FILTER_INTO_JOIN =
            CoreRules.FILTER_INTO_JOIN.config.withRelBuilderFactory(NOT_SIMPLIFYING).toRule();

    private static final org.apache.calcite.plan.RelOptRule JOIN_CONDITION_PUSH =
            CoreRules.JOIN_CONDITION_PUSH.config.withRelBuilderFactory(NOT_SIMPLIFYING).toRule();

    /**
     * A filter's scalar subqueries, when it has no other kind, are removed with a builder that
     * does not simplify: each becomes a field of a join below, and the rule's filter simplified
     * the whole condition again (already simplified by SQL-to-rel's builder) for that one
     * reference; the rewrite pass's reductions see the filter later. (EXISTS and IN leave
     * expressions that our semi-join rewrite finds only simplified.)
     */
    private static final org.apache.calcite.plan.RelOptRule FILTER_SCALAR_SUB_QUERIES = CoreRules.FILTER_SUB_QUERY_TO_CORRELATE.config
            .withRelBuilderFactory(NOT_SIMPLIFYING)
            .withDescription("SubQueryRemoveRule:Filter(scalar)")
            .withOperandSupplier(b -> b.operand(org.apache.calcite.rel.core.Filter.class)
                    .predicate(f -> scalarSubQueriesOnly(f.getCondition())).anyInputs())
            .as(org.apache.calcite.rel.rules.SubQueryRemoveRule.Config.class).toRule();

    private static final org.apache.calcite.plan.RelOptRule FILTER_OTHER_SUB_QUERIES = CoreRules.FILTER_SUB_QUERY_TO_CORRELATE.config
            .withOperandSupplier(b -> b.operand(org.apache.calcite.rel.core.Filter.class)
                    .predicate(f -> org.apache.calcite.rex.RexUtil.SubQueryFinder.containsSubQuery(f) && !scalarSubQueriesOnly(f.getCondition()))
                    .anyInputs())
            .as(org.apache.calcite.rel.rules.SubQueryRemoveRule.Config.class).toRule();

    /** Whether {@code condition} has subqueries and all of them are scalar queries. */
    private static boolean scalarSubQueriesOnly(org.apache.calcite.rex.RexNode condition) {
        boolean[] found = {false, true}; // any subquery, all scalar
        condition.accept(new org.apache.calcite.rex.RexVisitorImpl<Void>(true) {
            @Override
            public Void visitSubQuery(org.apache.calcite.rex.RexSubQuery subQuery) {
                found[0] = true;
                found[1] &= subQuery.getKind() == org.apache.calcite.sql.SqlKind.SCALAR_QUERY;
                return super.visitSubQuery(subQuery);
            }
        });
        return found[0] && found[1];
    }

    private static final HepProgram SUBQUERIES = HepProgram.builder()
            // one collection: a filter's removal can bring up a subquery's filter with subqueries of the other kind
            .addRuleCollection(java.util.List.of(FILTER_SCALAR_SUB_QUERIES, FILTER_OTHER_SUB_QUERIES))
            .addRuleInstance(CoreRules.PROJECT_SUB_QUERY_TO_CORRELATE)
            .addRuleInstance(CoreRules.JOIN_SUB_QUERY_TO_CORRELATE)
            .build();

    /**
     * The rules that move and merge nodes and use no metadata: filters into and through joins,
     * projections and aggregates, merges, constant folding of projections, set operations.
     */
    private static final java.util.List<org.apache.calcite.plan.RelOptRule> STRUCTURAL = java.util.List.of(
            ProjectReduction.INSTANCE,
            FILTER_INTO_JOIN,
            JOIN_CONDITION_PUSH,
            CoreRules.FILTER_PROJECT_TRANSPOSE,
            CoreRules.FILTER_AGGREGATE_TRANSPOSE,
            CoreRules.FILTER_MERGE,
            CoreRules.PROJECT_MERGE,
            CoreRules.PROJECT_REMOVE,
            CoreRules.AGGREGATE_PROJECT_MERGE,
            CoreRules.AGGREGATE_EXPAND_DISTINCT_AGGREGATES_TO_JOIN,
            CoreRules.INTERSECT_TO_DISTINCT,
            CoreRules.MINUS_TO_DISTINCT);

    /**
     * The structural rules to their fixed point first, then all rules, those using the
     * predicates pulled up from a node's inputs (filter and join simplification, transitive
     * predicates) included. In one collection the predicate rules ran on every node at every
     * step of the push-down, each step discarding the metadata computed so far (a rule that
     * fires invalidates the cluster's metadata): two to three times the tries, for the same plans
     * (the 22 TPC-H logical and physical plans are unchanged).
     */
    /**
     * Calcite's transitive predicates, except across a join with a VALUES list on either side
     * (under projections and filters): a VALUES list's pulled-up predicates are the sets of its
     * column values, and the predicate inferred from one side was pushed onto the other, not
     * recognised as already holding there, and pushed again until the match limit: a LEFT JOIN
     * of two three-row VALUES lists took 46 s to plan.
     */
    private static final org.apache.calcite.plan.RelOptRule TRANSITIVE_PREDICATES = new PredicateFields.TransitivePredicates(
            org.apache.calcite.rel.rules.JoinPushTransitivePredicatesRule.Config.DEFAULT
                    .withOperandSupplier(b -> b.operand(org.apache.calcite.rel.core.Join.class)
                            .predicate(j -> !overValues(j.getLeft()) && !overValues(j.getRight())).anyInputs())
                    .as(org.apache.calcite.rel.rules.JoinPushTransitivePredicatesRule.Config.class));

    private static boolean overValues(org.apache.calcite.rel.RelNode rel) {
        while (true) {
            if (rel instanceof org.apache.calcite.plan.hep.HepRelVertex v) {
                rel = v.getCurrentRel();
            } else if (rel instanceof org.apache.calcite.rel.core.Project || rel instanceof org.apache.calcite.rel.core.Filter) {
                rel = rel.getInput(0);
            } else {
                return rel instanceof org.apache.calcite.rel.core.Values;
            }
        }
    }

    private static final HepProgram REWRITES = HepProgram.builder()
            // transitive predicates through a CASE (or other non-strict) join key can be
            // pushed and re-inferred forever; every step keeps the plan correct, so stop
            // (the limit holds for each collection)
            .addMatchLimit(REWRITE_MATCH_LIMIT)
            .addRuleCollection(STRUCTURAL)
            .addRuleCollection(java.util.List.of(
                    PredicateFields.FilterReduction.INSTANCE,
                    ProjectReduction.INSTANCE,
                    PredicateFields.JoinReduction.INSTANCE,
                    FILTER_INTO_JOIN,
                    JOIN_CONDITION_PUSH,
                    TRANSITIVE_PREDICATES,
                    CoreRules.FILTER_PROJECT_TRANSPOSE,
                    CoreRules.FILTER_AGGREGATE_TRANSPOSE,
                    CoreRules.FILTER_MERGE,
                    CoreRules.PROJECT_MERGE,
                    CoreRules.PROJECT_REMOVE,
                    CoreRules.AGGREGATE_PROJECT_MERGE,
                    CoreRules.AGGREGATE_EXPAND_DISTINCT_AGGREGATES_TO_JOIN,
                    CoreRules.INTERSECT_TO_DISTINCT,
                    CoreRules.MINUS_TO_DISTINCT))
            .build();

    private static final HepProgram TO_MULTI_JOINS = HepProgram.builder()
            .addMatchOrder(HepMatchOrder.BOTTOM_UP)
            .addRuleInstance(CoreRules.JOIN_TO_MULTI_JOIN)
            .addRuleInstance(CoreRules.PROJECT_MULTI_JOIN_MERGE)
            .addRuleInstance(CoreRules.FILTER_MULTI_JOIN_MERGE)
            .build();

    /** Calcite's join order for the MultiJoins {@link GreedyJoinOrder} left (outer joins, no equi-join edge). */
    private static final HepProgram MULTI_JOIN_ORDER = HepProgram.builder()
            .addRuleInstance(CoreRules.MULTI_JOIN_OPTIMIZE)
            .build();

    private static final HepProgram AFTER_JOIN_ORDER = HepProgram.builder()
            .addRuleCollection(java.util.List.of(
                    CoreRules.FILTER_INTO_JOIN,
                    CoreRules.JOIN_CONDITION_PUSH,
                    CoreRules.FILTER_PROJECT_TRANSPOSE,
                    CoreRules.FILTER_MERGE,
                    CoreRules.PROJECT_MERGE,
                    CoreRules.PROJECT_REMOVE))
            .build();

    private static final HepProgram STATISTICS_REDUCTION = HepProgram.builder().addRuleInstance(REDUCE_STATISTICS).build();

    private static final HepProgram WINDOWS = HepProgram.builder()
            .addRuleInstance(CoreRules.PROJECT_TO_LOGICAL_PROJECT_AND_WINDOW).build();

    /** Whether {@code text} has {@code word} in any case (without a lower-case copy of the text). */
    private static boolean containsIgnoreCase(String text, String word) {
        for (int i = 0, last = text.length() - word.length(); i <= last; i++) {
            if (text.regionMatches(true, i, word, 0, word.length())) {
                return true;
            }
        }
        return false;
    }

    /** ESCAPE must be one character (Calcite's simplifier fails on an empty one with an index error). */
    private static void checkLikeEscapes(SqlNode parsed) {
        parsed.accept(new org.apache.calcite.sql.util.SqlBasicVisitor<Void>() {
            @Override
            public Void visit(org.apache.calcite.sql.SqlCall call) {
                if ((call.getKind() == org.apache.calcite.sql.SqlKind.LIKE || call.getKind() == org.apache.calcite.sql.SqlKind.SIMILAR)
                        && call.operandCount() > 2
                        && call.operand(2) instanceof org.apache.calcite.sql.SqlCharStringLiteral lit
                        && lit.getValueAs(String.class).length() != 1) {
                    var pos = lit.getParserPosition();
                    throw new SqlException("error at line " + pos.getLineNum() + ", column " + pos.getColumnNum()
                            + ": the ESCAPE of LIKE must be one character, got '" + lit.getValueAs(String.class) + "'",
                            pos.getLineNum(), pos.getColumnNum(), null);
                }
                return super.visit(call);
            }
        });
    }

    private static RelNode hep(RelNode rel, HepProgram program) {
        HepPlanner hep = new HepPlanner(program);
        if (RuleStatistics.ON) {
            hep.addListener(new RuleStatistics());
        }
        hep.setRoot(rel);
        return hep.findBestExp();
    }

    private static SqlException validationError(RuntimeException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SqlException s) {
                return s;
            }
        }
        Throwable t = e;
        while (t != null && !(t instanceof CalciteContextException)) {
            t = t.getCause();
        }
        if (t instanceof CalciteContextException c) {
            String msg = c.getCause() != null && c.getCause().getMessage() != null ? c.getCause().getMessage() : c.getMessage();
            msg = ourWords(msg);
            return new SqlException("error at line " + c.getPosLine() + ", column " + c.getPosColumn() + ": " + firstLine(msg),
                    c.getPosLine(), c.getPosColumn(), e);
        }
        return new SqlException(firstLine(e.getMessage()), 0, 0, e);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
