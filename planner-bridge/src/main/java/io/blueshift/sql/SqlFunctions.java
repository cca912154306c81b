package io.blueshift.sql;

import org.apache.calcite.sql.SqlBasicFunction;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlOperandCountRanges;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.util.SqlOperatorTables;

import java.util.List;

/**
 * The SQL functions our users know from DuckDB and PostgreSQL that Calcite's standard table
 * lacks (LENGTH, STRPOS, STARTS_WITH, GREATEST, DATE_TRUNC, ...), declared for the validator;
 * {@link RexTranslator} maps each to an {@code Expr.Function} by name.
 */
final class SqlFunctions {
    private SqlFunctions() {
    }

    private static final SqlFunctionCategory STRING = SqlFunctionCategory.STRING;
    private static final SqlFunctionCategory NUMERIC = SqlFunctionCategory.NUMERIC;
    private static final SqlFunctionCategory DATE = SqlFunctionCategory.TIMEDATE;

    private static SqlFunction fn(String name, org.apache.calcite.sql.type.SqlReturnTypeInference type,
                                  org.apache.calcite.sql.type.SqlOperandTypeChecker operands, SqlFunctionCategory category) {
        return SqlBasicFunction.create(name, type, operands, category);
    }

    private static final org.apache.calcite.sql.type.SqlReturnTypeInference TIMESTAMP_NULLABLE = binding ->
            binding.getTypeFactory().createTypeWithNullability(
                    binding.getTypeFactory().createSqlType(org.apache.calcite.sql.type.SqlTypeName.TIMESTAMP, 6), true);

    /** DATE_PART's type: DOUBLE for the part 'epoch' (seconds with their fraction, as DuckDB), BIGINT otherwise. */
    private static final org.apache.calcite.sql.type.SqlReturnTypeInference DATE_PART_TYPE = binding -> {
        String part = binding.isOperandLiteral(0, false) ? binding.getOperandLiteralValue(0, String.class) : null;
        return "epoch".equalsIgnoreCase(part == null ? null : part.trim())
                ? ReturnTypes.DOUBLE_NULLABLE.inferReturnType(binding) : ReturnTypes.BIGINT_NULLABLE.inferReturnType(binding);
    };

    /** EPOCH_MS: BIGINT milliseconds of a date or timestamp, or the TIMESTAMP of a number of milliseconds. */
    private static final org.apache.calcite.sql.type.SqlReturnTypeInference EPOCH_MS_TYPE = binding ->
            SqlTypeFamily.DATETIME.contains(binding.getOperandType(0)) ? ReturnTypes.BIGINT_NULLABLE.inferReturnType(binding)
                    : TIMESTAMP_NULLABLE.inferReturnType(binding);

    private static final List<SqlFunction> FUNCTIONS = List.of(
            // strings
            fn("LENGTH", ReturnTypes.BIGINT_NULLABLE, OperandTypes.CHARACTER, STRING),
            fn("STRLEN", ReturnTypes.BIGINT_NULLABLE, OperandTypes.CHARACTER, STRING),
            fn("SUBSTR", ReturnTypes.ARG0_NULLABLE_VARYING,
                    OperandTypes.or(OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER),
                            OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER, SqlTypeFamily.INTEGER)), STRING),
            fn("LTRIM", ReturnTypes.ARG0_NULLABLE_VARYING,
                    OperandTypes.or(OperandTypes.CHARACTER, OperandTypes.STRING_STRING), STRING),
            fn("RTRIM", ReturnTypes.ARG0_NULLABLE_VARYING,
                    OperandTypes.or(OperandTypes.CHARACTER, OperandTypes.STRING_STRING), STRING),
            fn("STRPOS", ReturnTypes.BIGINT_NULLABLE, OperandTypes.STRING_STRING, STRING),
            fn("INSTR", ReturnTypes.BIGINT_NULLABLE, OperandTypes.STRING_STRING, STRING),
            fn("STARTS_WITH", ReturnTypes.BOOLEAN_NULLABLE, OperandTypes.STRING_STRING, STRING),
            fn("PREFIX", ReturnTypes.BOOLEAN_NULLABLE, OperandTypes.STRING_STRING, STRING),
            fn("ENDS_WITH", ReturnTypes.BOOLEAN_NULLABLE, OperandTypes.STRING_STRING, STRING),
            fn("SUFFIX", ReturnTypes.BOOLEAN_NULLABLE, OperandTypes.STRING_STRING, STRING),
            fn("CONTAINS", ReturnTypes.BOOLEAN_NULLABLE, OperandTypes.STRING_STRING, STRING),
            fn("LEFT", ReturnTypes.ARG0_NULLABLE_VARYING, OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER), STRING),
            fn("RIGHT", ReturnTypes.ARG0_NULLABLE_VARYING, OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER), STRING),
            fn("REVERSE", ReturnTypes.ARG0_NULLABLE_VARYING, OperandTypes.CHARACTER, STRING),
            fn("REPEAT", ReturnTypes.VARCHAR_NULLABLE, OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER), STRING),
            fn("LPAD", ReturnTypes.VARCHAR_NULLABLE,
                    OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER, SqlTypeFamily.CHARACTER), STRING),
            fn("RPAD", ReturnTypes.VARCHAR_NULLABLE,
                    OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER, SqlTypeFamily.CHARACTER), STRING),
            fn("CONCAT", ReturnTypes.VARCHAR, OperandTypes.variadic(SqlOperandCountRanges.from(1)), STRING),
            fn("CONCAT_WS", ReturnTypes.VARCHAR_NULLABLE, OperandTypes.variadic(SqlOperandCountRanges.from(2)), STRING),
            fn("CHR", ReturnTypes.VARCHAR_NULLABLE, OperandTypes.INTEGER, STRING),
            fn("SPLIT_PART", ReturnTypes.VARCHAR_NULLABLE,
                    OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER), STRING),
            fn("REGEXP_MATCHES", ReturnTypes.BOOLEAN_NULLABLE,
                    OperandTypes.or(OperandTypes.STRING_STRING, OperandTypes.STRING_STRING_STRING), STRING),
            fn("REGEXP_REPLACE", ReturnTypes.VARCHAR_NULLABLE,
                    OperandTypes.or(OperandTypes.STRING_STRING_STRING,
                            OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER,
                                    SqlTypeFamily.CHARACTER)), STRING),
            fn("REGEXP_EXTRACT", ReturnTypes.VARCHAR_NULLABLE,
                    OperandTypes.or(OperandTypes.STRING_STRING,
                            OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.CHARACTER, SqlTypeFamily.INTEGER)), STRING),
            fn("STRFTIME", ReturnTypes.VARCHAR_NULLABLE,
                    OperandTypes.family(SqlTypeFamily.DATETIME, SqlTypeFamily.CHARACTER), STRING),
            fn("DAYNAME", ReturnTypes.VARCHAR_NULLABLE, OperandTypes.DATETIME, DATE),
            fn("MONTHNAME", ReturnTypes.VARCHAR_NULLABLE, OperandTypes.DATETIME, DATE),
            fn("MAKE_DATE", ReturnTypes.DATE_NULLABLE,
                    OperandTypes.family(SqlTypeFamily.INTEGER, SqlTypeFamily.INTEGER, SqlTypeFamily.INTEGER), DATE),
            // numbers
            fn("POW", ReturnTypes.DOUBLE_NULLABLE, OperandTypes.NUMERIC_NUMERIC, NUMERIC),
            fn("LOG2", ReturnTypes.DOUBLE_NULLABLE, OperandTypes.NUMERIC, NUMERIC),
            fn("LOG", ReturnTypes.DOUBLE_NULLABLE, OperandTypes.or(OperandTypes.NUMERIC, OperandTypes.NUMERIC_NUMERIC), NUMERIC),
            fn("TRUNC", ReturnTypes.ARG0_NULLABLE, OperandTypes.NUMERIC, NUMERIC),
            fn("GREATEST", ReturnTypes.LEAST_RESTRICTIVE.andThen(org.apache.calcite.sql.type.SqlTypeTransforms.TO_NULLABLE_ALL),
                    OperandTypes.SAME_VARIADIC, SqlFunctionCategory.SYSTEM),
            fn("LEAST", ReturnTypes.LEAST_RESTRICTIVE.andThen(org.apache.calcite.sql.type.SqlTypeTransforms.TO_NULLABLE_ALL),
                    OperandTypes.SAME_VARIADIC, SqlFunctionCategory.SYSTEM),
            // dates: the part is a string literal, as in DuckDB
            fn("DATE_TRUNC", ReturnTypes.explicit(org.apache.calcite.sql.type.SqlTypeName.TIMESTAMP)
                            .andThen(org.apache.calcite.sql.type.SqlTypeTransforms.TO_NULLABLE),
                    OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.DATETIME), DATE),
            fn("DATE_PART", DATE_PART_TYPE,
                    OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.DATETIME), DATE),
            fn("EPOCH", ReturnTypes.DOUBLE_NULLABLE, OperandTypes.DATETIME, DATE),
            fn("EPOCH_MS", EPOCH_MS_TYPE, OperandTypes.or(OperandTypes.DATETIME, OperandTypes.INTEGER), DATE),
            fn("EPOCH_US", ReturnTypes.BIGINT_NULLABLE, OperandTypes.DATETIME, DATE),
            fn("EPOCH_NS", ReturnTypes.BIGINT_NULLABLE, OperandTypes.DATETIME, DATE),
            fn("MAKE_TIMESTAMP", TIMESTAMP_NULLABLE, OperandTypes.or(OperandTypes.INTEGER,
                    OperandTypes.family(SqlTypeFamily.INTEGER, SqlTypeFamily.INTEGER, SqlTypeFamily.INTEGER,
                            SqlTypeFamily.INTEGER, SqlTypeFamily.INTEGER, SqlTypeFamily.NUMERIC)), DATE),
            fn("DATE_DIFF", ReturnTypes.BIGINT_NULLABLE,
                    OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.DATETIME, SqlTypeFamily.DATETIME), DATE),
            fn("DATEDIFF", ReturnTypes.BIGINT_NULLABLE,
                    OperandTypes.family(SqlTypeFamily.CHARACTER, SqlTypeFamily.DATETIME, SqlTypeFamily.DATETIME), DATE));

    /**
     * DuckDB's {@code date + n} and {@code date - n} (n days, a DATE) and {@code date - date}
     * (days between, a BIGINT), which Calcite's {@code +} and {@code -} refuse: the validator
     * ({@link SqlFrontEnd#validator}) turns those calls into these before typing them.
     */
    static final SqlFunction DATE_PLUS_DAYS = fn("$DATE_PLUS_DAYS", ReturnTypes.DATE_NULLABLE,
            OperandTypes.family(SqlTypeFamily.DATE, SqlTypeFamily.INTEGER), DATE);
    static final SqlFunction DATE_MINUS_DATE = fn("$DATE_MINUS_DATE", ReturnTypes.BIGINT_NULLABLE,
            OperandTypes.family(SqlTypeFamily.DATE, SqlTypeFamily.DATE), DATE);

    /**
     * {@code MOD(a, b)} and {@code a % b} typed as our MOD computes them: DOUBLE when either side
     * is DOUBLE, else DECIMAL when either is DECIMAL (DuckDB's precision and scale, at most
     * 18 digits), else BIGINT when either is BIGINT, else INTEGER. Calcite types them as
     * the divisor, so {@code CAST(bigint_col % 97 AS INTEGER)} and {@code CAST(decimal % 2 AS
     * INTEGER)} lost their CAST as a no-op (a BIGINT column, or 0.50 where 1 was meant); the
     * validator ({@link SqlFrontEnd#validator}) puts this operator in their place before typing.
     */
    static final SqlFunction MOD = fn("$MOD", binding -> {
        org.apache.calcite.rel.type.RelDataTypeFactory f = binding.getTypeFactory();
        org.apache.calcite.rel.type.RelDataType a = binding.getOperandType(0);
        org.apache.calcite.rel.type.RelDataType b = binding.getOperandType(1);
        org.apache.calcite.sql.type.SqlTypeName t;
        boolean nullable = a.isNullable() || b.isNullable();
        if (org.apache.calcite.sql.type.SqlTypeUtil.isApproximateNumeric(a) || org.apache.calcite.sql.type.SqlTypeUtil.isApproximateNumeric(b)) {
            t = org.apache.calcite.sql.type.SqlTypeName.DOUBLE;
        } else if (org.apache.calcite.sql.type.SqlTypeUtil.isDecimal(a) || org.apache.calcite.sql.type.SqlTypeUtil.isDecimal(b)) {
            int scale = Math.max(a.getScale(), b.getScale());
            return f.createTypeWithNullability(f.createSqlType(org.apache.calcite.sql.type.SqlTypeName.DECIMAL,
                    modPrecision(a.getPrecision(), a.getScale(), b.getPrecision(), b.getScale()), scale), nullable);
        } else if (a.getSqlTypeName() == org.apache.calcite.sql.type.SqlTypeName.BIGINT
                || b.getSqlTypeName() == org.apache.calcite.sql.type.SqlTypeName.BIGINT) {
            t = org.apache.calcite.sql.type.SqlTypeName.BIGINT;
        } else {
            t = org.apache.calcite.sql.type.SqlTypeName.INTEGER;
        }
        return f.createTypeWithNullability(f.createSqlType(t), nullable);
    }, OperandTypes.NUMERIC_NUMERIC, NUMERIC);

    /**
     * DuckDB's {@code a // b} ({@link IntegerDivision}): the wider integer type when both sides
     * are integers, else DOUBLE (DuckDB divides other numbers as doubles).
     */
    static final SqlFunction INT_DIV = fn("$INT_DIV", binding -> {
        org.apache.calcite.rel.type.RelDataTypeFactory f = binding.getTypeFactory();
        org.apache.calcite.rel.type.RelDataType a = binding.getOperandType(0);
        org.apache.calcite.rel.type.RelDataType b = binding.getOperandType(1);
        boolean nullable = a.isNullable() || b.isNullable();
        org.apache.calcite.sql.type.SqlTypeName t;
        if (org.apache.calcite.sql.type.SqlTypeUtil.isIntType(a) && org.apache.calcite.sql.type.SqlTypeUtil.isIntType(b)) {
            t = a.getSqlTypeName() == org.apache.calcite.sql.type.SqlTypeName.BIGINT
                    || b.getSqlTypeName() == org.apache.calcite.sql.type.SqlTypeName.BIGINT
                    ? org.apache.calcite.sql.type.SqlTypeName.BIGINT : org.apache.calcite.sql.type.SqlTypeName.INTEGER;
        } else {
            t = org.apache.calcite.sql.type.SqlTypeName.DOUBLE;
        }
        return f.createTypeWithNullability(f.createSqlType(t), nullable);
    }, OperandTypes.NUMERIC_NUMERIC, NUMERIC);

    /**
     * DECIMAL MOD's precision, as DuckDB's: the larger integer part plus the larger scale (the
     * result's scale), at most 18 digits. Also {@link RexTranslator}'s type of our MOD.
     */
    static int modPrecision(int precisionA, int scaleA, int precisionB, int scaleB) {
        int whole = Math.max(precisionA - scaleA, precisionB - scaleB);
        return Math.min(io.blueshift.memory.DataType.DecimalType.MAX_PRECISION, whole + Math.max(scaleA, scaleB));
    }

    /**
     * MEDIAN and QUANTILE_CONT's type in DuckDB: DOUBLE for integers and doubles, the input's
     * DECIMAL, TIMESTAMP for dates and timestamps, the input's type otherwise (strings take
     * the lower middle value).
     */
    private static final org.apache.calcite.sql.type.SqlReturnTypeInference CONTINUOUS = binding -> {
        org.apache.calcite.rel.type.RelDataType in = binding.getOperandType(0);
        var f = binding.getTypeFactory();
        org.apache.calcite.rel.type.RelDataType t = switch (in.getSqlTypeName()) {
            case TINYINT, SMALLINT, INTEGER, BIGINT, FLOAT, REAL, DOUBLE -> f.createSqlType(org.apache.calcite.sql.type.SqlTypeName.DOUBLE);
            case DATE, TIMESTAMP -> f.createSqlType(org.apache.calcite.sql.type.SqlTypeName.TIMESTAMP, 6);
            default -> in;
        };
        return f.createTypeWithNullability(t, true);
    };

    private static final org.apache.calcite.sql.type.SqlReturnTypeInference ARG0_NULLABLE =
            ReturnTypes.ARG0.andThen(org.apache.calcite.sql.type.SqlTypeTransforms.FORCE_NULLABLE);

    private static org.apache.calcite.sql.SqlAggFunction agg(String name, org.apache.calcite.sql.type.SqlReturnTypeInference type,
                                                             org.apache.calcite.sql.type.SqlOperandTypeChecker operands) {
        return org.apache.calcite.sql.fun.SqlBasicAggFunction.create(name, org.apache.calcite.sql.SqlKind.OTHER_FUNCTION, type, operands)
                .withFunctionType(SqlFunctionCategory.SYSTEM);
    }

    /**
     * DuckDB's aggregates that need a group's values together (run by a sort-based GROUP BY,
     * {@code PlanNode.GroupAggregate}), with Calcite's STRING_AGG, BOOL_AND/BOOL_OR and
     * MIN_BY/MAX_BY (ARG_MIN, ARG_MAX, MODE and LISTAGG are in Calcite's standard table).
     */
    private static final List<org.apache.calcite.sql.SqlOperator> AGGREGATES = List.of(
            agg("MEDIAN", CONTINUOUS, OperandTypes.ANY),
            agg("QUANTILE_CONT", CONTINUOUS, OperandTypes.family(SqlTypeFamily.ANY, SqlTypeFamily.NUMERIC)),
            agg("QUANTILE_DISC", ARG0_NULLABLE, OperandTypes.family(SqlTypeFamily.ANY, SqlTypeFamily.NUMERIC)),
            agg("QUANTILE", ARG0_NULLABLE, OperandTypes.family(SqlTypeFamily.ANY, SqlTypeFamily.NUMERIC)),
            org.apache.calcite.sql.fun.SqlLibraryOperators.STRING_AGG,
            org.apache.calcite.sql.fun.SqlLibraryOperators.BOOL_AND,
            org.apache.calcite.sql.fun.SqlLibraryOperators.BOOL_OR,
            org.apache.calcite.sql.fun.SqlLibraryOperators.MIN_BY,
            org.apache.calcite.sql.fun.SqlLibraryOperators.MAX_BY);

    /** Calcite's standard operators, then ours. */
    static final SqlOperatorTable OPERATORS = SqlOperatorTables.chain(
            SqlStdOperatorTable.instance(), SqlOperatorTables.of(FUNCTIONS), SqlOperatorTables.of(AGGREGATES),
            SqlOperatorTables.of(DATE_PLUS_DAYS, DATE_MINUS_DATE, MOD, INT_DIV, org.apache.calcite.sql.fun.SqlLibraryOperators.TRY_CAST,
                    org.apache.calcite.sql.fun.SqlLibraryOperators.ILIKE, org.apache.calcite.sql.fun.SqlLibraryOperators.NOT_ILIKE));

    /**
     * DuckDB spellings Calcite's grammar takes for something else, made plain calls:
     * {@code date_diff(part, a, b)} (Calcite parses BigQuery's DATE_DIFF(a, b, part)),
     * the column {@code range} of {@code range(n)} (a window frame's keyword there),
     * {@code ifnull(a, b)} and {@code count_if(c)} (as COALESCE and COUNT(*) FILTER (WHERE c)),
     * {@code now()} and {@code today()} (as CURRENT_TIMESTAMP and CURRENT_DATE),
     * {@code x::TYPE} casts ({@link InfixCasts}) and
     * {@code contains(s, t)} and {@code day(d)} (reserved words there) become {@code datediff}, a
     * quoted name and {@code dayofmonth}.
     */
    static String respell(String sql) {
        sql = InfixCasts.rewrite(sql);
        sql = IntegerDivision.mark(sql);   // after the casts: a // b::INT divides by the cast b
        sql = StarModifiers.mark(ByAll.mark(IntervalStrings.rewrite(sql)));
        StringBuilder out = null;
        int copied = 0;
        java.util.List<SqlLexer.Token> toks = SqlLexer.tokenize(sql);
        for (int i = 0; i < toks.size(); i++) {
            SqlLexer.Token t = toks.get(i);
            String to;
            if (t.is("range")) {
                // the column of range(...) (a reserved word there) unless it starts a window frame
                SqlLexer.Token next = i + 1 < toks.size() ? toks.get(i + 1) : null;
                boolean frame = next != null && (next.is("between") || next.is("unbounded") || next.is("current")
                        || next.is("interval") || next.kind() == SqlLexer.Kind.NUMBER || next.isSymbol("("));
                to = frame ? null : "\"range\"";
            } else if (i + 1 >= toks.size() || !toks.get(i + 1).isSymbol("(") || (i > 0 && toks.get(i - 1).isSymbol("."))) {
                continue;
            } else if (t.is("day") && i > 0 && (toks.get(i - 1).kind() == SqlLexer.Kind.STRING || toks.get(i - 1).kind() == SqlLexer.Kind.NUMBER)) {
                continue;   // INTERVAL '90' DAY (3): a precision, not the function day(d)
            } else if (t.is("extract") && i + 3 < toks.size() && toks.get(i + 1).isSymbol("(") && toks.get(i + 2).is("epoch")
                    && toks.get(i + 3).is("from")) {
                // EXTRACT(EPOCH FROM x): seconds with their fraction (DOUBLE), as date_part('epoch', x)
                if (out == null) {
                    out = new StringBuilder(sql.length() + 16);
                }
                out.append(sql, copied, t.start()).append("date_part('epoch', ");
                copied = toks.get(i + 3).end();
                continue;
            } else if ((t.is("now") || t.is("today")) && i + 2 < toks.size() && toks.get(i + 2).isSymbol(")")) {
                // now() and today(): the SQL standard's niladic CURRENT_TIMESTAMP and CURRENT_DATE
                if (out == null) {
                    out = new StringBuilder(sql.length() + 16);
                }
                out.append(sql, copied, t.start()).append(t.is("now") ? "current_timestamp" : "current_date");
                copied = toks.get(i + 2).end();
                continue;
            } else {
                to = t.is("date_diff") ? "datediff" : t.is("contains") ? "\"CONTAINS\"" : t.is("day") ? "dayofmonth"
                        : Regressions.NAMES.contains(t.text().toLowerCase(java.util.Locale.ROOT)) ? "\"" + t.text().toUpperCase(java.util.Locale.ROOT) + "\""
                        : t.is("ifnull") ? "coalesce" : t.is("count_if") ? "count(*) FILTER (WHERE " : null;
            }
            if (to != null) {
                if (out == null) {
                    out = new StringBuilder(sql.length() + 8);
                }
                out.append(sql, copied, t.start()).append(to);
                // count_if(c) is count(*) FILTER (WHERE c): its parenthesis becomes the filter's
                copied = t.is("count_if") ? toks.get(i + 1).end() : t.end();
            }
        }
        return out == null ? sql : out.append(sql, copied, sql.length()).toString();
    }
}
