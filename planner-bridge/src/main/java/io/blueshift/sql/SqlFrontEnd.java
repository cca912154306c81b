package io.blueshift.sql;

import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.config.CalciteConnectionConfig;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.config.Lex;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.apache.calcite.sql2rel.RelDecorrelator;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.sql2rel.StandardConvertletTable;
import org.apache.calcite.tools.RelBuilder;

import java.util.List;

/**
 * Calcite's parser, validator and SQL-to-rel converter for one query, wired by hand. Calcite's
 * {@code Planner} does the same steps but also builds, per query, a cost-based (Volcano)
 * planner with all of Calcite's default rules registered, and {@code RelBuilder.create} opens
 * a JDBC connection to make a second cluster; we use neither (our rewrites run on
 * {@link HepPlanner}s), so the query's one cluster sits on an empty rule planner. Functions come
 * from {@link SqlFunctions#OPERATORS} only: our schemas hold tables, never functions, so the
 * catalog reader is not asked for every call and identifier (as a nullary function).
 */
final class SqlFrontEnd implements RelOptTable.ViewExpander {
    static final SqlParser.Config PARSER = SqlParser.config()
            .withLex(Lex.MYSQL_ANSI)
            .withUnquotedCasing(Casing.TO_LOWER)
            .withQuotedCasing(Casing.UNCHANGED)
            .withCaseSensitive(false)
            .withConformance(SqlConformanceEnum.LENIENT);

    /**
     * Calcite's connection defaults with the parser's case sensitivity and conformance, as its own planner sets them.
     * The catalog reader made for every query asks for the case sensitivity, which Calcite's config parses from its
     * properties on every call: answered from the parser's config here.
     */
    private static final CalciteConnectionConfig CONNECTION = new FixedCaseConfig();

    private static final class FixedCaseConfig extends CalciteConnectionConfigImpl {
        FixedCaseConfig() {
            super(properties());
        }

        private static java.util.Properties properties() {
            java.util.Properties p = new java.util.Properties();
            p.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), String.valueOf(PARSER.caseSensitive()));
            p.setProperty(CalciteConnectionProperty.CONFORMANCE.camelName(), String.valueOf(PARSER.conformance()));
            return p;
        }

        @Override
        public boolean caseSensitive() {
            return PARSER.caseSensitive();
        }
    }

    private static final SqlValidator.Config VALIDATOR = SqlValidator.Config.DEFAULT
            .withDefaultNullCollation(CONNECTION.defaultNullCollation())
            .withLenientOperatorLookup(CONNECTION.lenientOperatorLookup())
            .withConformance(CONNECTION.conformance())
            .withIdentifierExpansion(true);

    /** Subqueries stay {@code RexSubQuery} nodes for our rewrites; fields are trimmed after them. */
    private static final SqlToRelConverter.Config TO_REL = SqlToRelConverter.config()
            .withExpand(false)
            .withTrimUnusedFields(false);

    /**
     * One type factory and expression builder for every query: types are interned by Calcite in static caches, the
     * builder holds only its type factory and four literals, and the factory's one map is for Java classes' record
     * types, which our schemas never use. (A builder made per query spent most of its setup on those literals.)
     */
    private static final JavaTypeFactoryImpl TYPE_FACTORY = new JavaTypeFactoryImpl(BlueshiftTypeSystem.INSTANCE);
    private static final RexBuilder REX_BUILDER = new RexBuilder(TYPE_FACTORY);

    /** The program of the query cluster's planner, which runs no rules (each rewrite pass has its own planner). */
    private static final HepProgram NO_RULES = HepProgram.builder().build();

    private final JavaTypeFactoryImpl typeFactory = TYPE_FACTORY;
    private final CalciteCatalogReader catalogReader;
    private final RelOptCluster cluster;

    SqlFrontEnd(SchemaPlus root) {
        this.catalogReader = new CalciteCatalogReader(CalciteSchema.from(root), List.of(), typeFactory, CONNECTION);
        this.cluster = RelOptCluster.create(new HepPlanner(NO_RULES), REX_BUILDER);
    }

    RelOptCluster cluster() {
        return cluster;
    }

    /** A builder of logical nodes in this query's cluster. */
    RelBuilder relBuilder() {
        return RelFactories.LOGICAL_BUILDER.create(cluster, catalogReader);
    }

    static SqlNode parse(String sql) throws SqlParseException {
        return ReusedParser.parse(sql, false);
    }

    /**
     * Calcite's generated parser, kept per thread and re-initialised for each statement: a new
     * one allocates its character buffers three times per statement (about 100 KiB, a tenth of
     * what planning a TPC-H query allocates). A parser whose statement failed is dropped, so a
     * half-finished parse never leaks state into the next.
     */
    static final class ReusedParser extends org.apache.calcite.sql.parser.impl.SqlParserImpl {
        private static final ThreadLocal<ReusedParser> IDLE = new ThreadLocal<>();

        private ReusedParser(java.io.Reader reader) {
            super(reader);
        }

        /** Parses one statement ({@code query}: a query only, as a view's body). */
        static SqlNode parse(String sql, boolean query) throws SqlParseException {
            ReusedParser cached = IDLE.get();
            IDLE.remove(); // taken: a nested parse on this thread gets its own
            ReusedParser[] used = {cached};
            SqlParser.Config config = PARSER.withParserFactory(reader -> {
                ReusedParser p = used[0];
                if (p == null) {
                    p = new ReusedParser(reader);
                    used[0] = p;
                } else {
                    p.ReInit(reader);
                    p.nDynamicParams = 0;
                    p.warnings.clear();
                }
                p.setOriginalSql(reader instanceof org.apache.calcite.util.SourceStringReader s ? s.getSourceString() : null);
                return p;
            });
            SqlParser parser = SqlParser.create(sql, config);
            SqlNode parsed = query ? parser.parseQuery() : parser.parseStmt();
            IDLE.set(used[0]);
            return parsed;
        }
    }

    /** A fresh validator: it keeps the scopes and types of the one statement it validates. */
    SqlValidator validator() {
        return newValidator(catalogReader);
    }

    private SqlValidator newValidator(CalciteCatalogReader reader) {
        return new DateArithmeticValidator(SqlFunctions.OPERATORS, reader, typeFactory);
    }

    /**
     * Calcite's validator that also types DuckDB's date arithmetic: {@code date + n},
     * {@code n + date} and {@code date - n} (integer days) become {@link SqlFunctions#DATE_PLUS_DAYS}
     * and {@code date - date} {@link SqlFunctions#DATE_MINUS_DATE}, decided from the operands'
     * types just before the call is typed; every other {@code +} and {@code -} is Calcite's.
     */
    private static final class DateArithmeticValidator extends org.apache.calcite.sql.validate.SqlValidatorImpl {
        DateArithmeticValidator(org.apache.calcite.sql.SqlOperatorTable operators, CalciteCatalogReader reader,
                                JavaTypeFactoryImpl typeFactory) {
            super(operators, reader, typeFactory, VALIDATOR);
        }

        @Override
        public RelDataType deriveType(org.apache.calcite.sql.validate.SqlValidatorScope scope, SqlNode expr) {
            if (expr instanceof org.apache.calcite.sql.SqlBasicCall call && call.operandCount() == 2
                    && (call.getOperator() == org.apache.calcite.sql.fun.SqlStdOperatorTable.PLUS
                        || call.getOperator() == org.apache.calcite.sql.fun.SqlStdOperatorTable.MINUS)) {
                boolean plus = call.getOperator() == org.apache.calcite.sql.fun.SqlStdOperatorTable.PLUS;
                RelDataType a = super.deriveType(scope, call.operand(0));
                RelDataType b = super.deriveType(scope, call.operand(1));
                boolean aDate = a.getSqlTypeName() == org.apache.calcite.sql.type.SqlTypeName.DATE;
                boolean bDate = b.getSqlTypeName() == org.apache.calcite.sql.type.SqlTypeName.DATE;
                boolean aInt = org.apache.calcite.sql.type.SqlTypeUtil.isIntType(a);
                boolean bInt = org.apache.calcite.sql.type.SqlTypeUtil.isIntType(b);
                if (aDate && bInt) {
                    if (!plus) {
                        SqlNode n = call.operand(1);
                        call.setOperand(1, org.apache.calcite.sql.fun.SqlStdOperatorTable.UNARY_MINUS.createCall(n.getParserPosition(), n));
                    }
                    call.setOperator(SqlFunctions.DATE_PLUS_DAYS);
                } else if (plus && aInt && bDate) {
                    SqlNode n = call.operand(0);
                    call.setOperand(0, call.operand(1));
                    call.setOperand(1, n);
                    call.setOperator(SqlFunctions.DATE_PLUS_DAYS);
                } else if (!plus && aDate && bDate) {
                    call.setOperator(SqlFunctions.DATE_MINUS_DATE);
                }
            }
            return super.deriveType(scope, expr);
        }
    }

    /** The validated statement as a logical plan (subqueries not yet expanded). */
    RelRoot toRel(SqlValidator validator, SqlNode validated) {
        SqlToRelConverter converter = new SqlToRelConverter(this, validator, catalogReader, cluster,
                StandardConvertletTable.INSTANCE, TO_REL);
        RelRoot root = converter.convertQuery(validated, false, true);
        return root.withRel(flatten(converter, root.rel));
    }

    /** The row type of a query (a view's body), validated against this query's schema, its columns named as a query's. */
    RelDataType validatedType(String sql) throws SqlParseException {
        SqlValidator validator = validator();
        SqlNode parsed = parse(sql);
        OutputNames.name(parsed, sql);
        rewriteParsed(parsed, sql);
        SqlNode validated = validator.validate(parsed);
        return validator.getValidatedNodeType(validated);
    }

    /**
     * The rewrites of a parsed query before validation, the same for queries and views: DATE
     * +/- INTERVAL widened as DuckDB types it, CASTs of text to TIMESTAMP made literals (with
     * their microseconds), CORR and REGR_* written with the aggregates we run, {@code GROUP BY ALL} / {@code ORDER BY ALL}
     * expanded, star modifiers turned into Calcite's star nodes.
     */
    static void rewriteParsed(SqlNode parsed, String sql) {
        // each rewrite walks the whole tree; one whose nodes need a word the text {@code parsed} came from lacks
        // (its name, a keyword, a marker of the text rewrites) cannot change anything and is skipped
        String text = sql.toLowerCase(java.util.Locale.ROOT);
        if (text.contains("mod") || text.indexOf('%') >= 0) {
            ourMod(parsed);
        }
        if (text.contains("$intdiv")) {
            IntegerDivision.rewrite(parsed);
        }
        if (text.contains("values")) {
            ValuesNames.rewrite(parsed);
        }
        TimestampCasts.fold(parsed);
        if (text.contains("corr") || text.contains("regr_")) {
            Regressions.expand(parsed);
        }
        if (text.contains("date_add")) {
            DateAddCalls.rewrite(parsed);
        }
        if (text.contains("interval")) {
            IntervalResults.widen(parsed);
        }
        if (text.contains(ByAll.MARKER)) {
            ByAll.expand(parsed);
        }
        if (text.contains("$star_")) {
            StarModifiers.expand(parsed);
        }
    }

    /** Every {@code MOD(a, b)} and {@code a % b} typed as ours ({@link SqlFunctions#MOD}), before validation copies any call. */
    private static void ourMod(SqlNode parsed) {
        parsed.accept(new org.apache.calcite.sql.util.SqlBasicVisitor<Void>() {
            @Override
            public Void visit(org.apache.calcite.sql.SqlCall call) {
                if (call instanceof org.apache.calcite.sql.SqlBasicCall b && b.operandCount() == 2
                        && b.getOperator().getKind() == org.apache.calcite.sql.SqlKind.MOD) {
                    b.setOperator(SqlFunctions.MOD);
                }
                return super.visit(call);
            }
        });
    }

    /**
     * Calcite's structured-type flattening, which copies every node of the plan; a plan with no
     * ROW-typed column or expression anywhere (subqueries included) is already flat and is kept.
     */
    static RelNode flatten(SqlToRelConverter converter, RelNode rel) {
        if (FlatPlans.isFlat(rel)) {
            if (checkFlattening) {
                RelNode flattened = converter.flattenTypes(rel, true);
                String a = explain(rel);
                String b = explain(flattened);
                if (!a.equals(b) || !rel.deepEquals(flattened)) {
                    throw new IllegalStateException("a plan taken as flat changes when flattened:\n" + a + "\n" + b);
                }
            }
            return rel;
        }
        return converter.flattenTypes(rel, true);
    }

    private static String explain(RelNode rel) {
        return org.apache.calcite.plan.RelOptUtil.toString(rel, org.apache.calcite.sql.SqlExplainLevel.ALL_ATTRIBUTES)
                .replaceAll(", id = \\d+", "") + rel.getRowType().getFullTypeString();
    }

    /** Tests: also flatten the plans taken as flat and fail if that changes them. */
    static volatile boolean checkFlattening = Boolean.getBoolean("blueshift.check.flattening");

    @Override
    public RelRoot expandView(RelDataType rowType, String queryString, List<String> schemaPath, List<String> viewPath) {
        SqlNode parsed;
        try {
            parsed = ReusedParser.parse(queryString, true);
        } catch (SqlParseException e) {
            throw new RuntimeException("parse failed", e);
        }
        rewriteParsed(parsed, queryString);
        CalciteCatalogReader reader = catalogReader.withSchemaPath(schemaPath);
        SqlValidator validator = newValidator(reader);
        SqlToRelConverter converter = new SqlToRelConverter(this, validator, reader, cluster,
                StandardConvertletTable.INSTANCE, TO_REL);
        RelRoot root = converter.convertQuery(parsed, true, false);
        RelRoot flat = root.withRel(flatten(converter, root.rel));
        return flat.withRel(RelDecorrelator.decorrelateQuery(flat.rel, relBuilder()));
    }
}
