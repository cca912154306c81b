package io.blueshift.operators.expr;

import io.blueshift.kernels.CompareOp;
import io.blueshift.memory.DataType;

import java.util.List;
import java.util.Objects;

/**
 * Scalar expressions over the columns of a batch, typed when built (see {@link ExprTypes}).
 * Column references are by position in the input of the node that holds the expression.
 */
public sealed interface Expr {
    DataType type();

    /** Column {@code index} of the input. */
    record ColumnRef(int index, DataType type, String name) implements Expr {
        public ColumnRef {
            Objects.requireNonNull(type, "type is null");
        }
    }

    /**
     * A constant. Values: Boolean, Long (INT32/INT64/DATE days/TIMESTAMP µs/DECIMAL unscaled),
     * Double, String; {@code null} is SQL NULL of the given type.
     */
    record Literal(Object value, DataType type) implements Expr {
        public Literal {
            Objects.requireNonNull(type, "type is null");
        }

        public long longValue() { return ((Number) value).longValue(); }
        public double doubleValue() { return ((Number) value).doubleValue(); }
        public boolean isNull() { return value == null; }
    }

    enum ArithmeticOp {
        ADD("+"), SUBTRACT("-"), MULTIPLY("*"), DIVIDE("/");

        private final String symbol;
        ArithmeticOp(String symbol) { this.symbol = symbol; }
        public String symbol() { return symbol; }
    }

    record Arithmetic(ArithmeticOp op, Expr left, Expr right, DataType type) implements Expr {}

    record Comparison(CompareOp op, Expr left, Expr right) implements Expr {
        public DataType type() { return DataType.BOOLEAN; }
    }

    /** {@code value BETWEEN low AND high}, inclusive. */
    record Between(Expr value, Expr low, Expr high) implements Expr {
        public DataType type() { return DataType.BOOLEAN; }
    }

    record And(List<Expr> terms) implements Expr {
        public And { terms = List.copyOf(terms); }
        public DataType type() { return DataType.BOOLEAN; }
    }

    record Or(List<Expr> terms) implements Expr {
        public Or { terms = List.copyOf(terms); }
        public DataType type() { return DataType.BOOLEAN; }
    }

    record Not(Expr term) implements Expr {
        public DataType type() { return DataType.BOOLEAN; }
    }

    record IsNull(Expr term, boolean negated) implements Expr {
        public DataType type() { return DataType.BOOLEAN; }
    }

    record Cast(Expr term, DataType type) implements Expr {}

    /** {@code CASE WHEN c1 THEN r1 ... ELSE e END}; a missing ELSE is a NULL literal. */
    record Case(List<Expr> conditions, List<Expr> results, Expr elseResult, DataType type) implements Expr {
        public Case {
            conditions = List.copyOf(conditions);
            results = List.copyOf(results);
            Objects.requireNonNull(elseResult, "elseResult is null (use a NULL literal)");
        }
    }

    /** {@code value [NOT] LIKE pattern [ESCAPE escape]} with SQL's % and _. */
    record Like(Expr value, String pattern, Character escape, boolean negated) implements Expr {
        public DataType type() { return DataType.BOOLEAN; }
    }

    /** {@code value [NOT] IN (constants)}; a NULL constant makes a non-match NULL, as in SQL. */
    record InList(Expr value, List<Literal> values, boolean negated) implements Expr {
        public InList {
            values = List.copyOf(values);
        }

        public DataType type() { return DataType.BOOLEAN; }
    }

    /** Scalar functions evaluated by the engine. */
    enum Function {
        /** SUBSTRING(s, start [, length]), 1-based, in characters. */
        SUBSTRING,
        /** EXTRACT(YEAR|MONTH|DAY FROM date) as INT64. */
        EXTRACT_YEAR, EXTRACT_MONTH, EXTRACT_DAY,
        /** First non-NULL argument. */
        COALESCE,
        NEGATE, ABS, UPPER, LOWER, LENGTH,
        /** ROUND(decimal or double, digits). */
        ROUND,
        /** String concatenation {@code a || b}. */
        CONCAT,
        /** DATE plus a number of days (negative subtracts): {@code d + INTERVAL 'n' DAY}. */
        DATE_ADD_DAYS,
        /** DATE plus a number of months, clamped to the month's last day (as SQL's interval arithmetic). */
        DATE_ADD_MONTHS,
        /** Integer remainder with the sign of the dividend; division by zero is an error. */
        MOD,
        /** DuckDB's {@code a // b}: integer division toward zero (an error by zero); DOUBLE division for other numbers. */
        INT_DIV,
        FLOOR, CEIL,
        /** SINGLE_VALUE(x, rows): x, or an error where a scalar subquery's group had more than one row. */
        SINGLE_VALUE,
        /** TRIM/LTRIM/RTRIM(s, chars): the characters of {@code chars} cut from both ends, the start or the end. */
        TRIM, LTRIM, RTRIM,
        /** REPLACE(s, from, to): every occurrence, left to right; an empty {@code from} changes nothing. */
        REPLACE,
        /** STRPOS(s, sub): 1-based character position of the first occurrence, 0 when absent (INT64). */
        STRPOS,
        /** BOOLEAN tests of a string against another. */
        STARTS_WITH, ENDS_WITH, CONTAINS,
        /** LEFT/RIGHT(s, n): the first/last n characters; a negative n drops -n characters from the other end. */
        LEFT, RIGHT,
        REVERSE,
        /** REPEAT(s, n): s n times (nothing when n <= 0). */
        REPEAT,
        /** LPAD/RPAD(s, n, fill): s cut or padded with {@code fill} to n characters. */
        LPAD, RPAD,
        /** CONCAT(a, b, ...): NULL arguments count as empty strings. */
        CONCAT_FN,
        /** CONCAT_WS(separator, a, b, ...): the non-NULL arguments joined; NULL when the separator is. */
        CONCAT_WS,
        /** OCTET_LENGTH(s): bytes of the UTF-8 string (INT64), DuckDB's STRLEN. */
        OCTET_LENGTH,
        /** ASCII(s): the first character's code point (INT32); CHR(n): the character of code point n. */
        ASCII, CHR,
        /** FLOAT64 functions of FLOAT64 arguments, as in java.lang.Math (NaN and infinities pass through). */
        SQRT, CBRT, EXP, LN, LOG10, LOG2, SIN, COS, TAN, ASIN, ACOS, ATAN, DEGREES, RADIANS, POWER, ATAN2,
        /** LOG(base, x). */
        LOG_BASE,
        /** SIGN(x): -1, 0 or 1 (INT32). */
        SIGN,
        /** TRUNC(x): toward zero, keeping x's type. */
        TRUNC,
        /** GREATEST/LEAST(a, b, ...): NULL arguments are skipped; NULL only when all are. */
        GREATEST, LEAST,
        /** More parts for EXTRACT: QUARTER, DOW (Sunday 0), ISODOW (Monday 1), DOY, ISO WEEK, and the time of day. */
        EXTRACT_QUARTER, EXTRACT_DOW, EXTRACT_ISODOW, EXTRACT_DOY, EXTRACT_WEEK,
        EXTRACT_HOUR, EXTRACT_MINUTE, EXTRACT_SECOND,
        /** DATE_TRUNC(part, d): a constant part name first; a TIMESTAMP result. */
        DATE_TRUNC,
        /** DATE_DIFF(part, a, b): part boundaries crossed from a to b (INT64). */
        DATE_DIFF,
        /** LIKE_ROWS(s, pattern [, escape]): LIKE whose pattern is a column, compiled per distinct pattern (BOOLEAN). */
        LIKE_ROWS,
        /** SPLIT_PART(s, separator, n): the n-th part, 1-based, negative from the end; '' out of range. */
        SPLIT_PART,
        /** REGEXP_MATCHES(s, pattern [, options]): the pattern found anywhere in s (BOOLEAN). */
        REGEXP_MATCHES,
        /** REGEXP_REPLACE(s, pattern, replacement [, options]): the first match ('g': every match); \\1 names group 1. */
        REGEXP_REPLACE,
        /** REGEXP_EXTRACT(s, pattern [, group]): the group (0: the whole match) of the first match; '' without one. */
        REGEXP_EXTRACT,
        /** STRFTIME(date or timestamp, format): strftime's %-codes. */
        STRFTIME,
        /** MAKE_DATE(year, month, day) as a DATE. */
        MAKE_DATE,
        /** LAST_DAY(date): the last day of its month. */
        LAST_DAY,
        /** TIMESTAMP plus a number of microseconds (negative subtracts): {@code t + INTERVAL '1' HOUR}. */
        TIMESTAMP_ADD_MICROS,
        /** TIMESTAMP plus a number of months, the day clamped to the month's last, the time kept. */
        TIMESTAMP_ADD_MONTHS,
        /** TRY_CAST(x AS type): the call's type; NULL where a value does not convert. */
        TRY_CAST,
        /** EPOCH(date or timestamp): seconds since 1970-01-01 00:00 as FLOAT64 (DuckDB's epoch and date_part('epoch', ...)). */
        EPOCH,
        /** EPOCH_MS/US/NS(date or timestamp): milli-, micro- or nanoseconds since the epoch (INT64, milliseconds rounded down). */
        EPOCH_MS, EPOCH_US, EPOCH_NS,
        /** TIMESTAMP_FROM_MILLIS/MICROS(n): the TIMESTAMP n milli- or microseconds after the epoch (epoch_ms(n), make_timestamp(n)). */
        TIMESTAMP_FROM_MILLIS, TIMESTAMP_FROM_MICROS,
        /** MAKE_TIMESTAMP(year, month, day, hour, minute, seconds): seconds may have a fraction (to the microsecond). */
        MAKE_TIMESTAMP
    }

    record Call(Function function, List<Expr> args, DataType type) implements Expr {
        public Call {
            args = List.copyOf(args);
            Objects.requireNonNull(type, "type is null");
        }
    }
}
