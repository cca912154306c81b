package io.blueshift.sql;

import io.blueshift.kernels.CompareOp;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Schema;
import io.blueshift.operators.expr.Expr;
import io.blueshift.operators.expr.ExprTypes;
import io.blueshift.operators.plan.Exprs;
import org.apache.calcite.avatica.util.TimeUnitRange;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.NlsString;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Calcite row expressions to ours, typed by our rules against the input's schema (our
 * DECIMAL arithmetic, FLOAT64 averages), not by Calcite's inferred types.
 */
final class RexTranslator {
    private final RexBuilder rexBuilder;

    RexTranslator(RexBuilder rexBuilder) {
        this.rexBuilder = rexBuilder;
    }

    Expr translate(RexNode node, Schema input) {
        Expr e = translateRaw(node, input);
        return fold(e);
    }

    /**
     * Folds arithmetic and casts over literals that Calcite left unreduced (e.g. {@code CAST(1 +
     * 10 AS DECIMAL(15,2))}), exactly with BigDecimal, so filters see a constant and take the
     * kernel path. Anything it cannot fold exactly is left as it is.
     */
    static Expr fold(Expr e) {
        try {
            return switch (e) {
                case Expr.Arithmetic a when a.left() instanceof Expr.Literal l && a.right() instanceof Expr.Literal r
                        && !l.isNull() && !r.isNull() && a.op() != Expr.ArithmeticOp.DIVIDE
                        && !(a.type() instanceof DataType.Float64Type) -> {
                    java.math.BigDecimal x = decimalValue(l);
                    java.math.BigDecimal y = decimalValue(r);
                    if (x == null || y == null) {
                        yield e;
                    }
                    java.math.BigDecimal v = switch (a.op()) {
                        case ADD -> x.add(y);
                        case SUBTRACT -> x.subtract(y);
                        default -> x.multiply(y);
                    };
                    yield literalOf(v, a.type(), e);
                }
                case Expr.Cast c when c.term() instanceof Expr.Arithmetic inner -> {
                    Expr folded = fold(inner);
                    yield folded instanceof Expr.Literal ? fold(new Expr.Cast(folded, c.type())) : e;
                }
                case Expr.Cast c when c.term() instanceof Expr.Literal l && !l.isNull() -> {
                    java.math.BigDecimal v = decimalValue(l);
                    yield v == null ? e : literalOf(v, c.type(), e);
                }
                case Expr.Call c when (c.function() == Expr.Function.DATE_ADD_DAYS || c.function() == Expr.Function.DATE_ADD_MONTHS)
                        && c.args().get(0) instanceof Expr.Literal d && !d.isNull()
                        && c.args().get(1) instanceof Expr.Literal n && !n.isNull() -> {
                    // a constant date: filters compare the column with a literal (TPC-H's date ranges)
                    java.time.LocalDate day = java.time.LocalDate.ofEpochDay(d.longValue());
                    day = c.function() == Expr.Function.DATE_ADD_MONTHS ? day.plusMonths(n.longValue()) : day.plusDays(n.longValue());
                    yield new Expr.Literal((long) Math.toIntExact(day.toEpochDay()), DataType.DATE);
                }
                default -> e;
            };
        } catch (ArithmeticException | java.time.DateTimeException overflowOrRounding) {
            return e; // leave it to run time, which reports it properly
        }
    }

    private static java.math.BigDecimal decimalValue(Expr.Literal l) {
        return switch (l.type()) {
            case DataType.Int32Type t -> java.math.BigDecimal.valueOf(l.longValue());
            case DataType.Int64Type t -> java.math.BigDecimal.valueOf(l.longValue());
            case DataType.DecimalType d -> java.math.BigDecimal.valueOf(l.longValue(), d.scale());
            default -> null;
        };
    }

    /** {@code v} as a literal of {@code type} when it fits exactly; else the original expression. */
    private static Expr literalOf(java.math.BigDecimal v, DataType type, Expr original) {
        return switch (type) {
            case DataType.Int32Type t -> new Expr.Literal((long) v.intValueExact(), type);
            case DataType.Int64Type t -> new Expr.Literal(v.longValueExact(), type);
            case DataType.DecimalType d -> {
                java.math.BigDecimal scaled = v.setScale(d.scale(), java.math.RoundingMode.UNNECESSARY);
                if (scaled.precision() - scaled.scale() > d.precision() - d.scale()) {
                    yield original;
                }
                yield new Expr.Literal(scaled.unscaledValue().longValueExact(), type);
            }
            case DataType.Float64Type t -> new Expr.Literal(v.doubleValue(), type);
            default -> original;
        };
    }

    private Expr translateRaw(RexNode node, Schema input) {
        return switch (node) {
            case RexInputRef ref -> new Expr.ColumnRef(ref.getIndex(), input.type(ref.getIndex()), input.field(ref.getIndex()).name());
            case RexLiteral lit -> literal(lit);
            case RexCall call -> call(call, input);
            default -> throw new UnsupportedOperationException("not supported: expression " + node);
        };
    }

    static Expr.Literal literal(RexLiteral lit) {
        if (lit.isNull()) {
            return Exprs.nullOf(CalciteCatalog.fromCalcite(lit.getType()));
        }
        return switch (lit.getType().getSqlTypeName()) {
            case TINYINT, SMALLINT, INTEGER -> new Expr.Literal(lit.getValueAs(Long.class), DataType.INT32);
            case BIGINT -> new Expr.Literal(lit.getValueAs(Long.class), DataType.INT64);
            case DECIMAL -> {
                BigDecimal d = lit.getValueAs(BigDecimal.class);
                int p = lit.getType().getPrecision();
                int sc = lit.getType().getScale();
                if (d.setScale(Math.max(sc, 0), java.math.RoundingMode.HALF_UP).precision() - Math.max(sc, 0) > p - sc) {
                    // a constant CAST the planner folded without checking the target's range
                    throw new ArithmeticException("value " + d.toPlainString() + " is out of range for DECIMAL(" + p + "," + sc + ")");
                }
                if (d.scale() <= 0 && d.abs().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
                    yield new Expr.Literal(d.longValueExact(), DataType.INT32);
                }
                yield Exprs.decimal(d.toPlainString());
            }
            case FLOAT, REAL, DOUBLE -> Exprs.float64(lit.getValueAs(Double.class));
            case CHAR, VARCHAR -> Exprs.string(lit.getValueAs(String.class));
            case BOOLEAN -> new Expr.Literal(lit.getValueAs(Boolean.class), DataType.BOOLEAN);
            case DATE -> new Expr.Literal((long) lit.getValueAs(DateString.class).getDaysSinceEpoch(), DataType.DATE);
            case TIMESTAMP -> new Expr.Literal(timestampMicros(lit.getValueAs(org.apache.calcite.util.TimestampString.class)), DataType.TIMESTAMP);
            default -> throw new UnsupportedOperationException("not supported: literal " + lit + " of type " + lit.getType());
        };
    }

    /** Microseconds since the epoch of a TIMESTAMP literal (its fraction to the microsecond). */
    static long timestampMicros(org.apache.calcite.util.TimestampString ts) {
        java.time.LocalDateTime t = java.time.LocalDateTime.parse(ts.toString().replace(' ', 'T'));
        return Math.addExact(Math.multiplyExact(t.toEpochSecond(java.time.ZoneOffset.UTC), 1_000_000L), t.getNano() / 1000);
    }

    /**
     * {@code x IN (a, b, ...)} and {@code x NOT IN (...)} over string or integer constants as one
     * membership test ({@code x} computed once, not once per constant: TPC-H Q22's
     * {@code SUBSTRING(c_phone, 1, 2) IN} seven codes); other searches (ranges, NULL handling
     * other than SQL's) as the comparisons Calcite expands them to.
     */
    private Expr search(RexCall call, Schema input) {
        RexNode expanded = RexUtil.expandSearch(rexBuilder, null, call);
        Expr in = inList(expanded, input);
        return in != null ? in : translate(expanded, input);
    }

    private Expr.InList inList(RexNode expanded, Schema input) {
        boolean negated = expanded.getKind() == SqlKind.AND;
        if (!(expanded instanceof RexCall c) || (c.getKind() != SqlKind.OR && !negated)) {
            return null;
        }
        SqlKind termKind = negated ? SqlKind.NOT_EQUALS : SqlKind.EQUALS;
        RexNode value = null;
        List<Expr.Literal> constants = new java.util.ArrayList<>();
        for (RexNode t : c.getOperands()) {
            if (t.getKind() != termKind || !(((RexCall) t).getOperands().get(1) instanceof RexLiteral lit) || lit.isNull()) {
                return null;
            }
            RexNode x = ((RexCall) t).getOperands().get(0);
            if (value != null && !value.equals(x)) {
                return null;
            }
            value = x;
            if (!(translate(lit, input) instanceof Expr.Literal l)) {
                return null;
            }
            constants.add(l);
        }
        Expr x = translate(value, input);
        boolean strings = x.type() instanceof DataType.VarcharType && constants.stream().allMatch(l -> l.value() instanceof String);
        boolean integers = (x.type() instanceof DataType.Int32Type || x.type() instanceof DataType.Int64Type)
                && constants.stream().allMatch(l -> l.value() instanceof Long
                        && (l.type() instanceof DataType.Int32Type || l.type() instanceof DataType.Int64Type));
        return strings || integers ? new Expr.InList(x, constants, negated) : null;
    }

    private Expr call(RexCall call, Schema input) {
        SqlKind kind = call.getKind();
        List<RexNode> ops = call.getOperands();
        return switch (kind) {
            case SEARCH -> search(call, input);
            case EQUALS -> compare(CompareOp.EQ, ops, input);
            case NOT_EQUALS -> compare(CompareOp.NE, ops, input);
            case LESS_THAN -> compare(CompareOp.LT, ops, input);
            case LESS_THAN_OR_EQUAL -> compare(CompareOp.LE, ops, input);
            case GREATER_THAN -> compare(CompareOp.GT, ops, input);
            case GREATER_THAN_OR_EQUAL -> compare(CompareOp.GE, ops, input);
            case AND -> new Expr.And(all(ops, input));
            case OR -> new Expr.Or(all(ops, input));
            case NOT -> new Expr.Not(translate(ops.getFirst(), input));
            case IS_NULL -> new Expr.IsNull(translate(ops.getFirst(), input), false);
            case IS_NOT_NULL -> new Expr.IsNull(translate(ops.getFirst(), input), true);
            // IS [NOT] TRUE/FALSE never yield NULL: spell them with IS [NOT] NULL
            case IS_TRUE -> {
                Expr x = translate(ops.getFirst(), input);
                yield new Expr.And(List.of(new Expr.IsNull(x, true), x));
            }
            case IS_NOT_FALSE -> {
                Expr x = translate(ops.getFirst(), input);
                yield new Expr.Or(List.of(new Expr.IsNull(x, false), x));
            }
            case IS_FALSE -> {
                Expr x = translate(ops.getFirst(), input);
                yield new Expr.And(List.of(new Expr.IsNull(x, true), new Expr.Not(x)));
            }
            case IS_NOT_TRUE -> {
                Expr x = translate(ops.getFirst(), input);
                yield new Expr.Or(List.of(new Expr.IsNull(x, false), new Expr.Not(x)));
            }
            case PLUS -> arithmetic(Expr.ArithmeticOp.ADD, ops, input, call);
            case MINUS -> arithmetic(Expr.ArithmeticOp.SUBTRACT, ops, input, call);
            case TIMES -> arithmetic(Expr.ArithmeticOp.MULTIPLY, ops, input, call);
            case DIVIDE -> arithmetic(Expr.ArithmeticOp.DIVIDE, ops, input, call);
            case MINUS_PREFIX -> {
                Expr e = translate(ops.getFirst(), input);
                yield new Expr.Call(Expr.Function.NEGATE, List.of(e), e.type());
            }
            case PLUS_PREFIX -> translate(ops.getFirst(), input);
            case CAST -> {
                Expr e = translate(ops.getFirst(), input);
                DataType target = CalciteCatalog.fromCalcite(call.getType());
                yield sameType(e.type(), target) ? e : new Expr.Cast(e, target);
            }
            case SAFE_CAST -> {
                // TRY_CAST: NULL where a value does not convert
                Expr e = translate(ops.getFirst(), input);
                DataType target = CalciteCatalog.fromCalcite(call.getType());
                yield sameType(e.type(), target) ? e : new Expr.Call(Expr.Function.TRY_CAST, List.of(e), target);
            }
            case CASE -> caseExpr(call, input);
            case LIKE -> {
                if (!(ops.get(1) instanceof RexLiteral p)) {
                    Expr value = translate(ops.getFirst(), input);
                    Expr pattern = translate(ops.get(1), input);
                    String name = call.getOperator().getName().toUpperCase();
                    if (name.endsWith("ILIKE")) {
                        value = new Expr.Call(Expr.Function.LOWER, List.of(value), DataType.VARCHAR);
                        pattern = new Expr.Call(Expr.Function.LOWER, List.of(pattern), DataType.VARCHAR);
                    }
                    List<Expr> args = new ArrayList<>(List.of(value, pattern));
                    if (ops.size() > 2) {
                        args.add(translate(ops.get(2), input));
                    }
                    Expr like = new Expr.Call(Expr.Function.LIKE_ROWS, args, DataType.BOOLEAN);
                    yield name.startsWith("NOT") ? new Expr.Not(like) : like;
                }
                Character escape = null;
                if (ops.size() > 2 && ops.get(2) instanceof RexLiteral e) {
                    String s = e.getValueAs(String.class);
                    escape = s == null || s.isEmpty() ? null : s.charAt(0);
                }
                Expr value = translate(ops.getFirst(), input);
                String pattern = p.getValueAs(String.class);
                boolean negated = call.getOperator().getName().toUpperCase().startsWith("NOT");
                if (call.getOperator().getName().toUpperCase().endsWith("ILIKE")) {
                    // case-insensitive: both sides lower-cased
                    value = new Expr.Call(Expr.Function.LOWER, List.of(value), DataType.VARCHAR);
                    pattern = pattern == null ? null : pattern.toLowerCase(java.util.Locale.ROOT);
                }
                Expr like = new Expr.Like(value, pattern, escape, false);
                yield negated ? new Expr.Not(like) : like;
            }
            case EXTRACT -> {
                TimeUnitRange unit = ((RexLiteral) ops.getFirst()).getValueAs(TimeUnitRange.class);
                yield new Expr.Call(extractPart(unit.name()), List.of(translate(ops.get(1), input)), DataType.INT64);
            }
            case TRIM -> {
                // TRIM(BOTH|LEADING|TRAILING chars FROM s): operands flag, chars, s
                var flag = ((RexLiteral) ops.get(0)).getValueAs(org.apache.calcite.sql.fun.SqlTrimFunction.Flag.class);
                Expr.Function f = switch (flag) {
                    case LEADING -> Expr.Function.LTRIM;
                    case TRAILING -> Expr.Function.RTRIM;
                    default -> Expr.Function.TRIM;
                };
                yield new Expr.Call(f, List.of(translate(ops.get(2), input), translate(ops.get(1), input)), DataType.VARCHAR);
            }
            case POSITION -> {
                if (ops.size() > 2) {
                    throw new UnsupportedOperationException("not supported: POSITION ... FROM");
                }
                yield new Expr.Call(Expr.Function.STRPOS, List.of(translate(ops.get(1), input), translate(ops.get(0), input)), DataType.INT64);
            }
            case COALESCE -> new Expr.Call(Expr.Function.COALESCE, all(ops, input), CalciteCatalog.fromCalcite(call.getType()));
            default -> function(call, input);
        };
    }

    /** The EXTRACT / DATE_PART function for a part name (Calcite's TimeUnitRange or DuckDB's spelling). */
    static Expr.Function extractPart(String part) {
        return switch (part.trim().toUpperCase(java.util.Locale.ROOT)) {
            case "YEAR", "YEARS", "Y", "YR", "YRS", "YYYY" -> Expr.Function.EXTRACT_YEAR;
            case "MONTH", "MONTHS", "MON", "MONS" -> Expr.Function.EXTRACT_MONTH;
            case "DAY", "DAYS", "D", "DAYOFMONTH" -> Expr.Function.EXTRACT_DAY;
            case "QUARTER", "QUARTERS" -> Expr.Function.EXTRACT_QUARTER;
            case "DOW", "DAYOFWEEK", "WEEKDAY" -> Expr.Function.EXTRACT_DOW;
            case "ISODOW" -> Expr.Function.EXTRACT_ISODOW;
            case "DOY", "DAYOFYEAR" -> Expr.Function.EXTRACT_DOY;
            case "WEEK", "WEEKS", "W", "WEEKOFYEAR" -> Expr.Function.EXTRACT_WEEK;
            case "HOUR", "HOURS", "H", "HR" -> Expr.Function.EXTRACT_HOUR;
            case "MINUTE", "MINUTES", "MIN", "MINS" -> Expr.Function.EXTRACT_MINUTE;
            case "SECOND", "SECONDS", "S", "SEC", "SECS" -> Expr.Function.EXTRACT_SECOND;
            default -> throw new UnsupportedOperationException("not supported: date part " + part);
        };
    }

    /** Functions that compute in and return FLOAT64 whatever their arguments. */
    private static final java.util.Set<Expr.Function> DOUBLE_FUNCTIONS = java.util.EnumSet.of(
            Expr.Function.SQRT, Expr.Function.CBRT, Expr.Function.EXP, Expr.Function.LN, Expr.Function.LOG10,
            Expr.Function.LOG2, Expr.Function.SIN, Expr.Function.COS, Expr.Function.TAN, Expr.Function.ASIN,
            Expr.Function.ACOS, Expr.Function.ATAN, Expr.Function.DEGREES, Expr.Function.RADIANS, Expr.Function.POWER,
            Expr.Function.ATAN2, Expr.Function.LOG_BASE);

    private Expr function(RexCall call, Schema input) {
        String name = call.getOperator().getName().toUpperCase();
        switch (name) {
            case "PI" -> {
                return Exprs.float64(Math.PI);
            }
            case "CURRENT_DATE" -> {
                return new Expr.Literal(java.time.LocalDate.now().toEpochDay(), DataType.DATE);
            }
            case "CURRENT_TIMESTAMP", "NOW", "LOCALTIMESTAMP" -> {
                java.time.LocalDateTime now = java.time.LocalDateTime.now();
                return new Expr.Literal(now.toEpochSecond(java.time.ZoneOffset.UTC) * 1_000_000L + now.getNano() / 1000, DataType.TIMESTAMP);
            }
            case "$DATE_PLUS_DAYS" -> {
                return new Expr.Call(Expr.Function.DATE_ADD_DAYS, all(call.getOperands(), input), DataType.DATE);
            }
            case "$DATE_MINUS_DATE" -> {
                // days from the second date to the first
                List<Expr> ab = all(call.getOperands(), input);
                return new Expr.Call(Expr.Function.DATE_DIFF, List.of(Exprs.string("day"), ab.get(1), ab.get(0)), DataType.INT64);
            }
            case "DATE_PART" -> {
                if (!(call.getOperands().getFirst() instanceof RexLiteral part)) {
                    throw new UnsupportedOperationException("not supported: DATE_PART with a non-constant part");
                }
                String p = part.getValueAs(String.class);
                Expr arg = translate(call.getOperands().get(1), input);
                return "epoch".equalsIgnoreCase(p.trim()) ? new Expr.Call(Expr.Function.EPOCH, List.of(arg), DataType.FLOAT64)
                        : new Expr.Call(extractPart(p), List.of(arg), DataType.INT64);
            }
            case "EPOCH", "EPOCH_MS", "EPOCH_US", "EPOCH_NS" -> {
                Expr arg = translate(call.getOperands().getFirst(), input);
                boolean fromNumber = !(arg.type() instanceof DataType.DateType || arg.type() instanceof DataType.TimestampType);
                Expr.Function f = fromNumber ? Expr.Function.TIMESTAMP_FROM_MILLIS : switch (name) {
                    case "EPOCH" -> Expr.Function.EPOCH;
                    case "EPOCH_MS" -> Expr.Function.EPOCH_MS;
                    case "EPOCH_US" -> Expr.Function.EPOCH_US;
                    default -> Expr.Function.EPOCH_NS;
                };
                DataType type = f == Expr.Function.EPOCH ? DataType.FLOAT64 : fromNumber ? DataType.TIMESTAMP : DataType.INT64;
                return new Expr.Call(f, List.of(arg), type);
            }
            case "DAYNAME", "MONTHNAME" -> {
                // the day's or month's English name: strftime's %A and %B
                return new Expr.Call(Expr.Function.STRFTIME, List.of(translate(call.getOperands().getFirst(), input),
                        Exprs.string(name.equals("DAYNAME") ? "%A" : "%B")), DataType.VARCHAR);
            }
            case "MAKE_TIMESTAMP" -> {
                List<Expr> args = all(call.getOperands(), input);
                return new Expr.Call(args.size() == 1 ? Expr.Function.TIMESTAMP_FROM_MICROS : Expr.Function.MAKE_TIMESTAMP, args,
                        DataType.TIMESTAMP);
            }
            default -> { }
        }
        List<Expr> args = all(call.getOperands(), input);
        DataType type = CalciteCatalog.fromCalcite(call.getType());
        Expr.Function f = switch (name) {
            case "SUBSTRING" -> Expr.Function.SUBSTRING;
            case "UPPER" -> Expr.Function.UPPER;
            case "LOWER" -> Expr.Function.LOWER;
            case "CHAR_LENGTH", "CHARACTER_LENGTH", "LENGTH" -> Expr.Function.LENGTH;
            case "ABS" -> Expr.Function.ABS;
            case "ROUND" -> Expr.Function.ROUND;
            case "||" -> Expr.Function.CONCAT;
            case "CONCAT" -> Expr.Function.CONCAT_FN;
            case "CONCAT_WS" -> Expr.Function.CONCAT_WS;
            case "SUBSTR" -> Expr.Function.SUBSTRING;
            case "STRLEN", "OCTET_LENGTH" -> Expr.Function.OCTET_LENGTH;
            case "LTRIM" -> Expr.Function.LTRIM;
            case "RTRIM" -> Expr.Function.RTRIM;
            case "REPLACE" -> Expr.Function.REPLACE;
            case "STRPOS", "INSTR" -> Expr.Function.STRPOS;
            case "STARTS_WITH", "PREFIX" -> Expr.Function.STARTS_WITH;
            case "ENDS_WITH", "SUFFIX" -> Expr.Function.ENDS_WITH;
            case "CONTAINS" -> Expr.Function.CONTAINS;
            case "LEFT" -> Expr.Function.LEFT;
            case "RIGHT" -> Expr.Function.RIGHT;
            case "REVERSE" -> Expr.Function.REVERSE;
            case "REPEAT" -> Expr.Function.REPEAT;
            case "LPAD" -> Expr.Function.LPAD;
            case "RPAD" -> Expr.Function.RPAD;
            case "ASCII" -> Expr.Function.ASCII;
            case "CHR" -> Expr.Function.CHR;
            case "SQRT" -> Expr.Function.SQRT;
            case "CBRT" -> Expr.Function.CBRT;
            case "EXP" -> Expr.Function.EXP;
            case "LN" -> Expr.Function.LN;
            case "LOG10" -> Expr.Function.LOG10;
            case "LOG2" -> Expr.Function.LOG2;
            case "LOG" -> args.size() == 1 ? Expr.Function.LOG10 : Expr.Function.LOG_BASE;
            case "SIN" -> Expr.Function.SIN;
            case "COS" -> Expr.Function.COS;
            case "TAN" -> Expr.Function.TAN;
            case "ASIN" -> Expr.Function.ASIN;
            case "ACOS" -> Expr.Function.ACOS;
            case "ATAN" -> Expr.Function.ATAN;
            case "ATAN2" -> Expr.Function.ATAN2;
            case "DEGREES" -> Expr.Function.DEGREES;
            case "RADIANS" -> Expr.Function.RADIANS;
            case "POWER", "POW" -> Expr.Function.POWER;
            case "SIGN" -> Expr.Function.SIGN;
            case "TRUNC", "TRUNCATE" -> {
                if (args.size() > 1) {
                    throw new UnsupportedOperationException("not supported: TRUNC with a number of digits");
                }
                yield Expr.Function.TRUNC;
            }
            case "GREATEST" -> Expr.Function.GREATEST;
            case "LEAST" -> Expr.Function.LEAST;
            case "DATE_TRUNC" -> Expr.Function.DATE_TRUNC;
            case "SPLIT_PART" -> Expr.Function.SPLIT_PART;
            case "REGEXP_MATCHES" -> Expr.Function.REGEXP_MATCHES;
            case "REGEXP_REPLACE" -> Expr.Function.REGEXP_REPLACE;
            case "REGEXP_EXTRACT" -> Expr.Function.REGEXP_EXTRACT;
            case "STRFTIME" -> Expr.Function.STRFTIME;
            case "MAKE_DATE" -> Expr.Function.MAKE_DATE;
            case "LAST_DAY" -> Expr.Function.LAST_DAY;
            case "DATE_DIFF", "DATEDIFF" -> Expr.Function.DATE_DIFF;
            case "MOD", "%", "$MOD" -> Expr.Function.MOD;
            case "$INT_DIV" -> Expr.Function.INT_DIV;
            case "FLOOR" -> Expr.Function.FLOOR;
            case "CEIL", "CEILING" -> Expr.Function.CEIL;
            default -> throw new UnsupportedOperationException("not supported: function " + call.getOperator().getName());
        };
        if (f == Expr.Function.LENGTH || f == Expr.Function.OCTET_LENGTH || f == Expr.Function.STRPOS || f == Expr.Function.DATE_DIFF) {
            type = DataType.INT64;
        } else if (f == Expr.Function.SIGN || f == Expr.Function.ASCII) {
            type = DataType.INT32;
        } else if (f == Expr.Function.STARTS_WITH || f == Expr.Function.ENDS_WITH || f == Expr.Function.CONTAINS) {
            type = DataType.BOOLEAN;
        } else if (f == Expr.Function.DATE_TRUNC) {
            type = DataType.TIMESTAMP;
        } else if (f == Expr.Function.TRUNC || f == Expr.Function.FLOOR || f == Expr.Function.CEIL) {
            type = args.getFirst().type() instanceof DataType.DecimalType d ? DataType.decimal(d.precision(), 0) : args.getFirst().type();
        } else if (DOUBLE_FUNCTIONS.contains(f)) {
            type = DataType.FLOAT64;
        } else if (f == Expr.Function.ABS || f == Expr.Function.ROUND) {
            type = args.getFirst().type();
        } else if (f == Expr.Function.INT_DIV) {
            DataType a = args.get(0).type();
            DataType b = args.get(1).type();
            boolean integers = (a instanceof DataType.Int32Type || a instanceof DataType.Int64Type)
                    && (b instanceof DataType.Int32Type || b instanceof DataType.Int64Type);
            type = !integers ? DataType.FLOAT64
                    : a instanceof DataType.Int64Type || b instanceof DataType.Int64Type ? DataType.INT64 : DataType.INT32;
        } else if (f == Expr.Function.MOD) {
            DataType a = args.get(0).type();
            DataType b = args.get(1).type();
            type = a instanceof DataType.Float64Type || b instanceof DataType.Float64Type ? DataType.FLOAT64
                    : a instanceof DataType.DecimalType || b instanceof DataType.DecimalType ? modDecimal(a, b)
                    : a instanceof DataType.Int64Type || b instanceof DataType.Int64Type ? DataType.INT64 : DataType.INT32;
        }
        return new Expr.Call(f, args, type);
    }

    /** DECIMAL MOD's type ({@link SqlFunctions#modPrecision}, the larger scale), as Calcite is told it ({@code SqlFunctions.MOD}). */
    private static DataType modDecimal(DataType a, DataType b) {
        int sa = a instanceof DataType.DecimalType d ? d.scale() : 0;
        int sb = b instanceof DataType.DecimalType d ? d.scale() : 0;
        return DataType.decimal(SqlFunctions.modPrecision(digits(a), sa, digits(b), sb), Math.max(sa, sb));
    }

    private static int digits(DataType t) {
        return switch (t) {
            case DataType.DecimalType d -> d.precision();
            case DataType.Int64Type i -> 19;
            case DataType.Int32Type i -> 10;
            default -> 5; // SMALLINT, TINYINT widen to INT32 before they get here
        };
    }

    private List<Expr> all(List<RexNode> ops, Schema input) {
        List<Expr> out = new ArrayList<>(ops.size());
        for (RexNode op : ops) {
            out.add(translate(op, input));
        }
        return out;
    }

    private Expr compare(CompareOp op, List<RexNode> ops, Schema input) {
        return new Expr.Comparison(op, translate(ops.get(0), input), translate(ops.get(1), input));
    }

    private Expr arithmetic(Expr.ArithmeticOp op, List<RexNode> ops, Schema input, RexCall call) {
        Expr interval = dateInterval(op, ops, input);
        if (interval != null) {
            return interval;
        }
        Expr l = translate(ops.get(0), input);
        Expr r = translate(ops.get(1), input);
        if (l.type() instanceof DataType.DateType || r.type() instanceof DataType.DateType) {
            throw new UnsupportedOperationException("not supported: date arithmetic on a non-constant date (" + call + ")");
        }
        return new Expr.Arithmetic(op, l, r, ExprTypes.arithmetic(op, l.type(), r.type()));
    }

    /** {@code date ± INTERVAL literal} (either order for +) as a day or month addition; else null. */
    private Expr dateInterval(Expr.ArithmeticOp op, List<RexNode> ops, Schema input) {
        if (op != Expr.ArithmeticOp.ADD && op != Expr.ArithmeticOp.SUBTRACT) {
            return null;
        }
        RexNode a = ops.get(0);
        RexNode b = ops.get(1);
        if (op == Expr.ArithmeticOp.ADD && isInterval(a) && !isInterval(b)) {
            RexNode t = a; a = b; b = t;
        }
        if (!isInterval(b)) {
            return null;
        }
        java.math.BigDecimal v = intervalValue(b);
        if (v == null) {
            throw new UnsupportedOperationException("not supported: an interval that is not a constant (" + b + ")");
        }
        Expr date = translate(a, input);
        var typeName = b.getType().getSqlTypeName();
        boolean months = typeName.getFamily() == org.apache.calcite.sql.type.SqlTypeFamily.INTERVAL_YEAR_MONTH;
        if (date.type() instanceof DataType.TimestampType) {
            // months as months; day-time intervals (milliseconds) as microseconds
            long amount = months ? v.longValueExact() : v.multiply(java.math.BigDecimal.valueOf(1000)).longValueExact();
            if (op == Expr.ArithmeticOp.SUBTRACT) {
                amount = -amount;
            }
            return new Expr.Call(months ? Expr.Function.TIMESTAMP_ADD_MONTHS : Expr.Function.TIMESTAMP_ADD_MICROS,
                    List.of(date, new Expr.Literal(amount, DataType.INT64)), DataType.TIMESTAMP);
        }
        if (!(date.type() instanceof DataType.DateType)) {
            throw new UnsupportedOperationException("not supported: interval arithmetic on " + date.type().sqlName());
        }
        long amount;
        if (months) {
            amount = v.longValueExact();
        } else {
            java.math.BigDecimal days = v.divide(java.math.BigDecimal.valueOf(86_400_000L));
            if (days.stripTrailingZeros().scale() > 0) {
                throw new UnsupportedOperationException("not supported: adding a fraction of a day to a DATE");
            }
            amount = days.longValueExact();
        }
        if (op == Expr.ArithmeticOp.SUBTRACT) {
            amount = -amount;
        }
        return new Expr.Call(months ? Expr.Function.DATE_ADD_MONTHS : Expr.Function.DATE_ADD_DAYS,
                List.of(date, new Expr.Literal(amount, DataType.INT64)), DataType.DATE);
    }

    /**
     * The value of a constant interval (milliseconds, or months for YEAR/MONTH intervals):
     * a literal, DuckDB's {@code INTERVAL 3 DAY} (Calcite's {@code 3 * INTERVAL '1' DAY}) or a
     * negation; null when not constant.
     */
    private static java.math.BigDecimal intervalValue(RexNode n) {
        if (n instanceof RexLiteral lit) {
            return lit.isNull() ? null : lit.getValueAs(java.math.BigDecimal.class);
        }
        if (!(n instanceof RexCall call)) {
            return null;
        }
        List<RexNode> ops = call.getOperands();
        switch (call.getKind()) {
            case TIMES, CHECKED_TIMES -> {
                RexNode scalar = isInterval(ops.get(0)) ? ops.get(1) : ops.get(0);
                RexNode interval = isInterval(ops.get(0)) ? ops.get(0) : ops.get(1);
                java.math.BigDecimal i = intervalValue(interval);
                java.math.BigDecimal k = constantNumber(scalar);
                return i == null || k == null ? null : i.multiply(k);
            }
            case MINUS_PREFIX -> {
                java.math.BigDecimal i = intervalValue(ops.getFirst());
                return i == null ? null : i.negate();
            }
            case CAST, PLUS_PREFIX -> {
                return isInterval(ops.getFirst()) && ops.getFirst().getType().getSqlTypeName().getFamily()
                        == n.getType().getSqlTypeName().getFamily() ? intervalValue(ops.getFirst()) : null;
            }
            default -> {
                return null;
            }
        }
    }

    /** A numeric literal, or one negated ({@code INTERVAL -3 DAY}); null otherwise. */
    private static java.math.BigDecimal constantNumber(RexNode n) {
        if (n instanceof RexLiteral lit) {
            return lit.isNull() ? null : lit.getValueAs(java.math.BigDecimal.class);
        }
        if (n instanceof RexCall call && call.getKind() == org.apache.calcite.sql.SqlKind.MINUS_PREFIX) {
            java.math.BigDecimal k = constantNumber(call.getOperands().getFirst());
            return k == null ? null : k.negate();
        }
        return null;
    }

    private static boolean isInterval(RexNode n) {
        return org.apache.calcite.sql.type.SqlTypeUtil.isInterval(n.getType());
    }

    private Expr caseExpr(RexCall call, Schema input) {
        List<RexNode> ops = call.getOperands();
        List<Expr> conditions = new ArrayList<>();
        List<Expr> results = new ArrayList<>();
        for (int i = 0; i + 1 < ops.size(); i += 2) {
            conditions.add(translate(ops.get(i), input));
            results.add(translate(ops.get(i + 1), input));
        }
        Expr otherwise = translate(ops.getLast(), input);
        DataType type = commonType(results, otherwise, CalciteCatalog.fromCalcite(call.getType()));
        List<Expr> cast = new ArrayList<>();
        for (Expr r : results) {
            cast.add(castTo(r, type));
        }
        return new Expr.Case(conditions, cast, castTo(otherwise, type), type);
    }

    /** The branches' type when they agree, else Calcite's (our CAST aligns the others). */
    private static DataType commonType(List<Expr> results, Expr otherwise, DataType calcite) {
        DataType t = null;
        List<Expr> all = new ArrayList<>(results);
        all.add(otherwise);
        for (Expr e : all) {
            if (e instanceof Expr.Literal l && l.isNull()) {
                continue;
            }
            if (t == null) {
                t = e.type();
            } else if (!t.equals(e.type())) {
                if (t instanceof DataType.DecimalType a && e.type() instanceof DataType.DecimalType b) {
                    int scale = Math.max(a.scale(), b.scale());
                    t = DataType.decimal(DataType.DecimalType.MAX_PRECISION, scale);
                } else {
                    return calcite;
                }
            }
        }
        return t == null ? calcite : t;
    }

    private static Expr castTo(Expr e, DataType type) {
        if (e instanceof Expr.Literal l && l.isNull()) {
            return Exprs.nullOf(type);
        }
        return sameType(e.type(), type) ? e : new Expr.Cast(e, type);
    }

    private static boolean sameType(DataType a, DataType b) {
        return a.equals(b);
    }

    static String string(RexLiteral lit) {
        Object v = lit.getValue();
        return v instanceof NlsString n ? n.getValue() : String.valueOf(v);
    }
}
