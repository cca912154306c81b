package io.blueshift.bench.duckdb;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Compares a result with a reference result (both rows of Java values as
 * {@link DuckDbReference#query} returns them). Values match when:
 * <ul>
 *   <li>both are NULL;</li>
 *   <li>integers (Integer, Long, Short, Byte, BigInteger) and strings are equal exactly;</li>
 *   <li>two BigDecimals are equal at the coarser of their two scales (the finer one rounded
 *       half-up to it), so 1.50 matches 1.5 and 0.3333 matches 0.33333;</li>
 *   <li>an integer and a BigDecimal are numerically equal ({@code compareTo});</li>
 *   <li>when either side is a Double or Float, both are compared as doubles to a relative
 *       1e-9 (absolute 1e-9 near zero); NaN matches NaN;</li>
 *   <li>anything else is {@code equals} (dates, booleans), except that a Long of microseconds
 *       matches the LocalDateTime it stands for, and a LocalDateTime at midnight matches
 *       its LocalDate (DuckDB's DATE + INTERVAL is a TIMESTAMP).</li>
 * </ul>
 * Unordered comparisons sort both sides first; if that pairing fails (near-equal doubles can
 * sort apart), small results are matched row by row in any order before giving up.
 */
public final class ResultComparator {
    public static final double RELATIVE_TOLERANCE = 1e-9;
    public static final double ABSOLUTE_TOLERANCE = 1e-9;
    /** Largest result the any-order fallback matching (quadratic) is tried on. */
    static final int MAX_ROWS_FOR_ANY_ORDER_MATCH = 20_000;

    private ResultComparator() {
    }

    /** The outcome: matched, or a human-readable first difference. */
    public record Result(boolean matched, String message) {
        static final Result MATCH = new Result(true, "results match");

        static Result mismatch(String message) {
            return new Result(false, message);
        }
    }

    /**
     * Compares {@code actual} (ours) with {@code expected} (the reference). With {@code ordered}
     * the rows must come in the same order; otherwise any order matches.
     */
    public static Result compare(List<List<Object>> expected, List<List<Object>> actual, boolean ordered) {
        Objects.requireNonNull(expected, "expected is null");
        Objects.requireNonNull(actual, "actual is null");
        if (expected.size() != actual.size()) {
            return Result.mismatch("row count differs: expected " + expected.size() + " rows, actual "
                    + actual.size() + " rows" + firstRows(expected, actual));
        }
        if (ordered) {
            return compareInOrder(expected, actual, "");
        }
        List<List<Object>> e = sorted(expected);
        List<List<Object>> a = sorted(actual);
        Result sortedResult = compareInOrder(e, a, " (rows sorted)");
        if (sortedResult.matched() || expected.size() > MAX_ROWS_FOR_ANY_ORDER_MATCH) {
            return sortedResult;
        }
        return matchesInAnyOrder(e, a) ? Result.MATCH : sortedResult;
    }

    /** True when the two values match under the rules above. */
    public static boolean valuesMatch(Object expected, Object actual) {
        if (expected == null || actual == null) {
            return expected == actual;
        }
        if (expected instanceof Number e && actual instanceof Number a) {
            return numbersMatch(e, a);
        }
        if (expected instanceof LocalDateTime t && actual instanceof Long micros) {
            return micros(t) == micros;
        }
        if (expected instanceof Long micros && actual instanceof LocalDateTime t) {
            return micros(t) == micros;
        }
        // DuckDB's DATE +/- INTERVAL is a TIMESTAMP; ours stays a DATE
        if (expected instanceof LocalDateTime t && actual instanceof LocalDate d) {
            return t.equals(d.atStartOfDay());
        }
        if (expected instanceof LocalDate d && actual instanceof LocalDateTime t) {
            return t.equals(d.atStartOfDay());
        }
        return expected.equals(actual);
    }

    private static long micros(LocalDateTime t) {
        return Math.addExact(Math.multiplyExact(t.toEpochSecond(ZoneOffset.UTC), 1_000_000L), t.getNano() / 1000);
    }

    private static boolean numbersMatch(Number e, Number a) {
        if (isFloating(e) || isFloating(a)) {
            return doublesMatch(e.doubleValue(), a.doubleValue());
        }
        if (e instanceof BigDecimal de && a instanceof BigDecimal da) {
            int scale = Math.min(de.scale(), da.scale());
            return de.setScale(scale, RoundingMode.HALF_UP).compareTo(da.setScale(scale, RoundingMode.HALF_UP)) == 0;
        }
        BigDecimal de = exact(e);
        BigDecimal da = exact(a);
        if (de == null || da == null) {
            return e.equals(a);
        }
        return de.compareTo(da) == 0;
    }

    private static boolean isFloating(Number n) {
        return n instanceof Double || n instanceof Float;
    }

    private static BigDecimal exact(Number n) {
        return switch (n) {
            case BigDecimal d -> d;
            case BigInteger i -> new BigDecimal(i);
            case Long l -> BigDecimal.valueOf(l);
            case Integer i -> BigDecimal.valueOf(i);
            case Short s -> BigDecimal.valueOf(s);
            case Byte b -> BigDecimal.valueOf(b);
            default -> null;
        };
    }

    static boolean doublesMatch(double e, double a) {
        if (Double.isNaN(e) || Double.isNaN(a)) {
            return Double.isNaN(e) && Double.isNaN(a);
        }
        if (e == a) {
            return true; // also equal infinities
        }
        double diff = Math.abs(e - a);
        return diff <= ABSOLUTE_TOLERANCE || diff <= RELATIVE_TOLERANCE * Math.max(Math.abs(e), Math.abs(a));
    }

    private static Result compareInOrder(List<List<Object>> expected, List<List<Object>> actual, String note) {
        for (int r = 0; r < expected.size(); r++) {
            List<Object> e = expected.get(r);
            List<Object> a = actual.get(r);
            if (e.size() != a.size()) {
                return Result.mismatch("row " + (r + 1) + note + ": column count differs: expected " + e.size()
                        + " columns " + e + ", actual " + a.size() + " columns " + a);
            }
            for (int c = 0; c < e.size(); c++) {
                if (!valuesMatch(e.get(c), a.get(c))) {
                    return Result.mismatch("row " + (r + 1) + note + ", column " + (c + 1) + ": expected "
                            + describe(e.get(c)) + ", actual " + describe(a.get(c))
                            + "\n  expected row: " + e + "\n  actual row:   " + a);
                }
            }
        }
        return Result.MATCH;
    }

    private static boolean rowsMatch(List<Object> e, List<Object> a) {
        if (e.size() != a.size()) {
            return false;
        }
        for (int c = 0; c < e.size(); c++) {
            if (!valuesMatch(e.get(c), a.get(c))) {
                return false;
            }
        }
        return true;
    }

    /** Greedy matching of each expected row to an unused matching actual row. */
    private static boolean matchesInAnyOrder(List<List<Object>> expected, List<List<Object>> actual) {
        boolean[] used = new boolean[actual.size()];
        outer:
        for (List<Object> e : expected) {
            for (int i = 0; i < actual.size(); i++) {
                if (!used[i] && rowsMatch(e, actual.get(i))) {
                    used[i] = true;
                    continue outer;
                }
            }
            return false;
        }
        return true;
    }

    private static String describe(Object v) {
        if (v == null) {
            return "NULL";
        }
        String text = v instanceof String s ? "'" + s + "'" : v instanceof BigDecimal d ? d.toPlainString() : v.toString();
        return text + " (" + v.getClass().getSimpleName() + ")";
    }

    private static String firstRows(List<List<Object>> expected, List<List<Object>> actual) {
        int n = Math.min(3, Math.max(expected.size(), actual.size()));
        if (n == 0) {
            return "";
        }
        return "\n  expected first rows: " + expected.subList(0, Math.min(n, expected.size()))
                + "\n  actual first rows:   " + actual.subList(0, Math.min(n, actual.size()));
    }

    // ---- canonical order for unordered comparison ----

    private static List<List<Object>> sorted(List<List<Object>> rows) {
        List<List<Object>> copy = new ArrayList<>(rows);
        copy.sort(ROW_ORDER);
        return copy;
    }

    private static final Comparator<List<Object>> ROW_ORDER = (x, y) -> {
        int n = Math.min(x.size(), y.size());
        for (int i = 0; i < n; i++) {
            int c = compareValues(x.get(i), y.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.size(), y.size());
    };

    /** A total order: NULL first, then numbers (by double value), then others by class and value. */
    private static int compareValues(Object x, Object y) {
        if (x == null || y == null) {
            return x == null ? (y == null ? 0 : -1) : 1;
        }
        int rx = rank(x);
        int ry = rank(y);
        if (rx != ry) {
            return Integer.compare(rx, ry);
        }
        return switch (rx) {
            case 1 -> Double.compare(((Number) x).doubleValue(), ((Number) y).doubleValue());
            case 2 -> ((String) x).compareTo((String) y);
            case 3 -> ((LocalDate) x).compareTo((LocalDate) y);
            case 4 -> Boolean.compare((Boolean) x, (Boolean) y);
            default -> {
                int c = x.getClass().getName().compareTo(y.getClass().getName());
                yield c != 0 ? c : x.toString().compareTo(y.toString());
            }
        };
    }

    private static int rank(Object v) {
        return switch (v) {
            case Number n -> 1;
            case String s -> 2;
            case LocalDate d -> 3;
            case Boolean b -> 4;
            default -> 5;
        };
    }
}
