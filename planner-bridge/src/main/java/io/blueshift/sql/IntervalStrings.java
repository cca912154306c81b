package io.blueshift.sql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DuckDB's and PostgreSQL's interval strings, {@code INTERVAL '1 day'}, {@code INTERVAL '3
 * months'}, {@code INTERVAL '1 day 2 hours'}, {@code INTERVAL '01:30:00'} and the casts
 * {@code '2 weeks'::INTERVAL} / {@code CAST('2 weeks' AS INTERVAL)}, written as the SQL
 * standard's qualified literals Calcite parses ({@code INTERVAL '1' DAY(2)}, {@code INTERVAL
 * '0 1:30:00.000000' DAY(1) TO SECOND(6)}). A string that already has its qualifier after it
 * ({@code INTERVAL '1' DAY}) is left alone. Years, quarters and months make a year-month
 * interval; weeks, days, hours, minutes, seconds, milliseconds and microseconds a day-time
 * one; a string with both is refused with a clear error (Calcite has no interval holding
 * both), as is a unit we do not know.
 */
final class IntervalStrings {
    private IntervalStrings() {
    }

    private static final List<String> QUALIFIERS = List.of("year", "quarter", "month", "week", "day", "hour", "minute",
            "second", "millisecond", "microsecond");

    private static final Pattern PART = Pattern.compile("\\s*([+-]?\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]+)\\s*");
    private static final Pattern CLOCK = Pattern.compile("\\s*([+-])?(\\d+):(\\d{1,2})(?::(\\d{1,2}(?:\\.\\d{1,6})?))?\\s*");
    private static final BigInteger MICROS_PER_DAY = BigInteger.valueOf(86_400_000_000L);

    static String rewrite(String sql) {
        String lower = sql.toLowerCase(Locale.ROOT);
        if (!lower.contains("interval")) {
            return sql;
        }
        List<SqlLexer.Token> toks = SqlLexer.tokenize(sql);
        StringBuilder out = null;
        int copied = 0;
        for (int i = 0; i + 1 < toks.size(); i++) {
            SqlLexer.Token t = toks.get(i);
            int from;
            int to;
            SqlLexer.Token text;
            if (t.is("interval") && toks.get(i + 1).kind() == SqlLexer.Kind.STRING
                    && (i + 2 >= toks.size() || !isQualifier(toks.get(i + 2)))) {
                from = t.start();
                text = toks.get(i + 1);
                to = text.end();
            } else if (t.is("cast") && i + 5 < toks.size() && toks.get(i + 1).isSymbol("(")
                    && toks.get(i + 2).kind() == SqlLexer.Kind.STRING && toks.get(i + 3).is("as")
                    && toks.get(i + 4).is("interval") && toks.get(i + 5).isSymbol(")")) {
                from = t.start();
                text = toks.get(i + 2);
                to = toks.get(i + 5).end();
            } else {
                continue;
            }
            String literal;
            try {
                String[] parts = literal(text.value());
                SqlLexer.Token before = i > 0 ? toks.get(i - 1) : null;
                if (parts[0] != null && parts[1] != null) {
                    // months and days or time: two literals, added (or subtracted) one after the other,
                    // months first as DuckDB applies them; only right after the + or - that applies them
                    if (before == null || !(before.isSymbol("+") || before.isSymbol("-"))) {
                        throw new IllegalArgumentException("not supported: interval '" + text.value()
                                + "' holds both months and days or time here; write it after + or -, or add two intervals");
                    }
                    literal = parts[0] + " " + before.text() + " " + parts[1];
                } else {
                    literal = parts[0] != null ? parts[0] : parts[1];
                }
            } catch (IllegalArgumentException e) {
                throw new SqlException("line " + text.line() + ", column " + text.column() + ": " + e.getMessage());
            }
            if (out == null) {
                out = new StringBuilder(sql.length() + 32);
            }
            out.append(sql, copied, from).append(literal);
            copied = to;
        }
        return out == null ? sql : out.append(sql, copied, sql.length()).toString();
    }

    private static boolean isQualifier(SqlLexer.Token t) {
        if (t.kind() != SqlLexer.Kind.WORD) {
            return false;
        }
        String w = t.text().toLowerCase(Locale.ROOT);
        return QUALIFIERS.contains(w.endsWith("s") ? w.substring(0, w.length() - 1) : w);
    }

    /**
     * The standard literals of one interval string: its months (e.g. {@code '3 months'} as
     * {@code INTERVAL '3' MONTH(2)}) and its days and time, either null where the string has none.
     */
    static String[] literal(String text) {
        BigInteger months = BigInteger.ZERO;
        BigDecimal micros = BigDecimal.ZERO;
        boolean yearMonth = false;
        boolean dayTime = false;
        String rest = text;
        Matcher clock = CLOCK.matcher(text);
        int cut = -1;
        // a trailing clock time ('1 day 02:30:00', '01:30'): hours, minutes and seconds
        for (int s = 0; s <= text.length(); s++) {
            if ((s == 0 || Character.isWhitespace(text.charAt(s - 1))) && clock.region(s, text.length()).matches()) {
                cut = s;
                break;
            }
        }
        if (cut >= 0) {
            BigDecimal hms = new BigDecimal(clock.group(2)).multiply(BigDecimal.valueOf(3_600_000_000L))
                    .add(new BigDecimal(clock.group(3)).multiply(BigDecimal.valueOf(60_000_000L)))
                    .add(clock.group(4) == null ? BigDecimal.ZERO : new BigDecimal(clock.group(4)).multiply(BigDecimal.valueOf(1_000_000L)));
            micros = "-".equals(clock.group(1)) ? hms.negate() : hms;
            dayTime = true;
            rest = text.substring(0, cut);
        }
        Matcher part = PART.matcher(rest);
        int at = 0;
        while (at < rest.length() && !rest.substring(at).isBlank()) {
            if (!part.region(at, rest.length()).lookingAt()) {
                throw new IllegalArgumentException("not an interval: '" + text + "' (write e.g. INTERVAL '3 days' or INTERVAL '1 month')");
            }
            BigDecimal n = new BigDecimal(part.group(1));
            String unit = part.group(2).toLowerCase(Locale.ROOT);
            at = part.end();
            long monthsPer = switch (unit) {
                case "year", "years", "y", "yr", "yrs" -> 12;
                case "quarter", "quarters" -> 3;
                case "month", "months", "mon", "mons" -> 1;
                case "decade", "decades" -> 120;
                case "century", "centuries" -> 1200;
                default -> 0;
            };
            if (monthsPer > 0) {
                BigDecimal m = n.multiply(BigDecimal.valueOf(monthsPer));
                if (m.stripTrailingZeros().scale() > 0) {
                    throw new IllegalArgumentException("not supported: a fraction of a month in interval '" + text + "'");
                }
                months = months.add(m.toBigIntegerExact());
                yearMonth = true;
                continue;
            }
            long microsPer = switch (unit) {
                case "week", "weeks", "w" -> 7 * 86_400_000_000L;
                case "day", "days", "d" -> 86_400_000_000L;
                case "hour", "hours", "h", "hr", "hrs" -> 3_600_000_000L;
                case "minute", "minutes", "min", "mins", "m" -> 60_000_000L;
                case "second", "seconds", "s", "sec", "secs" -> 1_000_000L;
                case "millisecond", "milliseconds", "ms", "msec", "msecs" -> 1_000L;
                case "microsecond", "microseconds", "us", "usec", "usecs" -> 1L;
                default -> throw new IllegalArgumentException("unknown unit '" + part.group(2) + "' in interval '" + text
                        + "' (years, quarters, months, weeks, days, hours, minutes, seconds, milliseconds, microseconds)");
            };
            micros = micros.add(n.multiply(BigDecimal.valueOf(microsPer)));
            dayTime = true;
        }
        if (!yearMonth && !dayTime) {
            throw new IllegalArgumentException("not an interval: '" + text + "' (write e.g. INTERVAL '3 days' or INTERVAL '1 month')");
        }
        String monthPart = yearMonth ? "INTERVAL '" + months + "' MONTH(" + precision(months.abs()) + ")" : null;
        return new String[] {monthPart, dayTime ? dayTime(text, micros) : null};
    }

    private static String dayTime(String text, BigDecimal micros) {
        if (micros.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("not supported: a fraction of a microsecond in interval '" + text + "'");
        }
        BigInteger total = micros.toBigIntegerExact();
        BigInteger[] dayAndRest = total.abs().divideAndRemainder(MICROS_PER_DAY);
        if (dayAndRest[1].signum() == 0) {
            return "INTERVAL '" + (total.signum() < 0 ? "-" : "") + dayAndRest[0] + "' DAY(" + precision(dayAndRest[0]) + ")";
        }
        long r = dayAndRest[1].longValueExact();
        String clockText = String.format(Locale.ROOT, "%d:%02d:%02d.%06d", r / 3_600_000_000L, r / 60_000_000L % 60,
                r / 1_000_000L % 60, r % 1_000_000L);
        return "INTERVAL '" + (total.signum() < 0 ? "-" : "") + dayAndRest[0] + " " + clockText + "' DAY("
                + precision(dayAndRest[0]) + ") TO SECOND(6)";
    }

    private static int precision(BigInteger n) {
        return Math.max(2, n.toString().length());
    }
}
