package io.blueshift.sql.slt;

import io.blueshift.memory.DataType;
import io.blueshift.memory.Schema;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Values as {@code .slt} text, and the comparison of result rows with expected rows. A row is
 * its cells joined by one space; lines compare with runs of whitespace collapsed, so expected
 * rows may be tab- or space-separated. NULL is {@code NULL}, the empty string {@code (empty)},
 * decimals print at their scale, doubles to 12 significant digits (compared to a relative 1e-9).
 */
final class SltValues {
    private static final double TOLERANCE = 1e-9;

    private SltValues() {
    }

    static String cell(Object v) {
        return switch (v) {
            case null -> "NULL";
            case String s -> s.isEmpty() ? "(empty)" : s;
            case BigDecimal d -> d.toPlainString();
            case Double d -> real(d);
            case Float f -> real(f);
            default -> v.toString();
        };
    }

    private static String real(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return Double.toString(d);
        }
        if (d == 0) {
            return "0.0";
        }
        BigDecimal b = new BigDecimal(d).round(new MathContext(12, RoundingMode.HALF_EVEN)).stripTrailingZeros();
        return b.scale() <= 0 ? b.setScale(1).toPlainString() : b.toPlainString();
    }

    static List<String> lines(List<List<Object>> rows, boolean rowsort) {
        List<String> out = new ArrayList<>(rows.size());
        for (List<Object> row : rows) {
            StringBuilder line = new StringBuilder();
            for (Object v : row) {
                line.append(line.isEmpty() ? "" : " ").append(cell(v));
            }
            out.add(line.toString());
        }
        if (rowsort) {
            out.sort(null);
        }
        return out;
    }

    /** The type letter of one of our result columns. */
    static char letter(DataType type) {
        return switch (type) {
            case DataType.Int32Type t -> 'I';
            case DataType.Int64Type t -> 'I';
            case DataType.Float64Type t -> 'R';
            case DataType.DecimalType t -> 'N';
            case DataType.VarcharType t -> 'T';
            case DataType.DateType t -> 'D';
            case DataType.TimestampType t -> 'D';
            case DataType.BooleanType t -> 'B';
        };
    }

    static String letters(Schema schema) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < schema.size(); i++) {
            s.append(letter(schema.type(i)));
        }
        return s.toString();
    }

    /** Type letters guessed from a reference result's values (for rows our engine cannot produce yet). */
    static String letters(List<List<Object>> rows, int columns) {
        StringBuilder s = new StringBuilder();
        for (int c = 0; c < columns; c++) {
            char letter = 'T';
            for (List<Object> row : rows) {
                Object v = row.get(c);
                if (v != null) {
                    letter = switch (v) {
                        case Integer i -> 'I';
                        case Long l -> 'I';
                        case Double d -> 'R';
                        case BigDecimal d -> 'N';
                        case Boolean b -> 'B';
                        case java.time.LocalDate d -> 'D';
                        default -> 'T';
                    };
                    break;
                }
            }
            s.append(letter);
        }
        return s.toString();
    }

    /**
     * Null when {@code actual} matches {@code expected}, else the first difference.
     * {@code strict}: cells must be equal as text (doubles within tolerance); otherwise, for a
     * reference engine with other result types, numbers also match at the coarser of the two
     * scales and any double within tolerance.
     */
    static String compare(List<String> expected, List<String> actual, String types, boolean rowsort, boolean strict) {
        List<String> e = normalized(expected, rowsort);
        List<String> a = normalized(actual, rowsort);
        if (e.size() != a.size()) {
            return "expected " + e.size() + " rows, got " + a.size() + listing(e, a);
        }
        String first = null;
        for (int r = 0; r < e.size(); r++) {
            if (!rowMatches(e.get(r), a.get(r), types, strict)) {
                first = "row " + (r + 1) + (rowsort ? " (rows sorted)" : "") + ": expected '" + e.get(r) + "', got '" + a.get(r) + "'";
                break;
            }
        }
        if (first == null || (rowsort && matchInAnyOrder(e, a, types, strict))) {
            return null;
        }
        return first + listing(e, a);
    }

    private static List<String> normalized(List<String> lines, boolean rowsort) {
        List<String> out = new ArrayList<>(lines.size());
        for (String l : lines) {
            out.add(l.strip().replaceAll("\\s+", " "));
        }
        if (rowsort) {
            out.sort(null);
        }
        return out;
    }

    private static boolean matchInAnyOrder(List<String> e, List<String> a, String types, boolean strict) {
        boolean[] used = new boolean[a.size()];
        outer:
        for (String row : e) {
            for (int i = 0; i < a.size(); i++) {
                if (!used[i] && rowMatches(row, a.get(i), types, strict)) {
                    used[i] = true;
                    continue outer;
                }
            }
            return false;
        }
        return true;
    }

    private static boolean rowMatches(String e, String a, String types, boolean strict) {
        if (e.equals(a)) {
            return true;
        }
        String[] ec = e.split(" ");
        String[] ac = a.split(" ");
        if (ec.length != ac.length || ec.length != types.length()) {
            return false;
        }
        for (int c = 0; c < ec.length; c++) {
            if (!cellMatches(ec[c], ac[c], types.charAt(c), strict)) {
                return false;
            }
        }
        return true;
    }

    private static boolean cellMatches(String e, String a, char type, boolean strict) {
        if (e.equals(a)) {
            return true;
        }
        BigDecimal de = number(e);
        BigDecimal da = number(a);
        if (de == null || da == null) {
            return false;
        }
        if (type == 'R' || (!strict && (isReal(e) || isReal(a)))) {
            double x = de.doubleValue();
            double y = da.doubleValue();
            double diff = Math.abs(x - y);
            return diff <= TOLERANCE || diff <= TOLERANCE * Math.max(Math.abs(x), Math.abs(y));
        }
        if (strict) {
            return false;
        }
        int scale = Math.min(de.scale(), da.scale());
        return de.setScale(scale, RoundingMode.HALF_UP).compareTo(da.setScale(scale, RoundingMode.HALF_UP)) == 0;
    }

    private static boolean isReal(String s) {
        return s.contains("E") || s.contains("e") || s.endsWith(".0");
    }

    private static BigDecimal number(String s) {
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String listing(List<String> e, List<String> a) {
        int n = 12;
        return "\n  expected:\n    " + String.join("\n    ", e.subList(0, Math.min(n, e.size())))
                + (e.size() > n ? "\n    ..." : "")
                + "\n  got:\n    " + String.join("\n    ", a.subList(0, Math.min(n, a.size())))
                + (a.size() > n ? "\n    ..." : "");
    }
}
