package io.blueshift.storage.csv;

/**
 * Values to text the way DuckDB prints them, so a CSV file we write reads back the same in
 * DuckDB and in our reader: doubles in their shortest round-trip digits ({@code 100.0},
 * {@code 1e+20}, {@code 1.5e-07}, {@code nan}, {@code inf}), decimals with exactly their
 * scale, dates {@code yyyy-mm-dd}, timestamps {@code yyyy-mm-dd hh:mm:ss[.ffffff]} with the
 * fraction's trailing zeros dropped.
 */
public final class CsvTextFormat {
    private CsvTextFormat() {}

    static void appendLong(StringBuilder out, long v) {
        out.append(v);
    }

    static void appendDouble(StringBuilder out, double v) {
        if (Double.isNaN(v)) {
            out.append("nan");
            return;
        }
        if (Double.isInfinite(v)) {
            out.append(v > 0 ? "inf" : "-inf");
            return;
        }
        if (v == 0) {
            out.append((Double.doubleToRawLongBits(v) < 0) ? "-0.0" : "0.0");
            return;
        }
        // the JDK's shortest round-trip digits, re-laid out like Python's repr (as DuckDB does)
        String java = Double.toString(Math.abs(v));
        int ePos = java.indexOf('E');
        String mantissa = ePos < 0 ? java : java.substring(0, ePos);
        int exp = ePos < 0 ? 0 : Integer.parseInt(java.substring(ePos + 1));
        int dot = mantissa.indexOf('.');
        String intPart = mantissa.substring(0, dot);
        String fracPart = mantissa.substring(dot + 1);
        String all = intPart + fracPart;
        int pointAt = intPart.length() + exp; // digits of `all` before the decimal point
        int lead = 0;
        while (lead < all.length() - 1 && all.charAt(lead) == '0') {
            lead++;
        }
        String digits = all.substring(lead);
        pointAt -= lead;
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        digits = digits.substring(0, end);
        int sci = pointAt - 1; // value = d.ddd x 10^sci
        if (digits.length() == 2) {
            // the JDK never prints one digit (5e-324 comes out as 4.9E-324): try the one-digit neighbours
            int first = digits.charAt(0) - '0';
            double abs = Math.abs(v);
            int up = first + 1;
            String down = Integer.toString(first);
            boolean upFirst = digits.charAt(1) >= '5'; // the nearer one-digit neighbour first
            for (int attempt = 0; attempt < 2; attempt++) {
                boolean tryUp = upFirst == (attempt == 0);
                if (tryUp) {
                    String candidate = up == 10 ? "1e" + (sci + 1) : up + "e" + sci;
                    if (Double.parseDouble(candidate) == abs) {
                        digits = up == 10 ? "1" : Integer.toString(up);
                        if (up == 10) {
                            sci++;
                            pointAt++;
                        }
                        break;
                    }
                } else if (first > 0 && Double.parseDouble(down + "e" + sci) == abs) {
                    digits = down;
                    break;
                }
            }
        }
        if (v < 0) {
            out.append('-');
        }
        if (sci < -4 || sci >= 16) {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            out.append('e').append(sci < 0 ? '-' : '+');
            int a = Math.abs(sci);
            if (a < 10) {
                out.append('0');
            }
            out.append(a);
        } else if (pointAt <= 0) {
            out.append("0.");
            for (int i = pointAt; i < 0; i++) {
                out.append('0');
            }
            out.append(digits);
        } else if (pointAt >= digits.length()) {
            out.append(digits);
            for (int i = digits.length(); i < pointAt; i++) {
                out.append('0');
            }
            out.append(".0");
        } else {
            out.append(digits, 0, pointAt).append('.').append(digits, pointAt, digits.length());
        }
    }

    static void appendDecimal(StringBuilder out, long unscaled, int scale) {
        if (scale == 0) {
            out.append(unscaled);
            return;
        }
        if (unscaled < 0) {
            out.append('-');
        }
        String digits = unscaled == Long.MIN_VALUE ? "9223372036854775808" : Long.toString(Math.abs(unscaled));
        if (digits.length() <= scale) {
            out.append("0.");
            for (int i = digits.length(); i < scale; i++) {
                out.append('0');
            }
            out.append(digits);
        } else {
            int point = digits.length() - scale;
            out.append(digits, 0, point).append('.').append(digits, point, digits.length());
        }
    }

    static void appendDate(StringBuilder out, long epochDay) {
        // civil-from-days (the inverse of CsvValues.epochDay)
        long z = epochDay + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long d = doy - (153 * mp + 2) / 5 + 1;
        long m = mp < 10 ? mp + 3 : mp - 9;
        if (m <= 2) {
            y++;
        }
        boolean bc = y <= 0;
        long year = bc ? 1 - y : y;
        if (year < 1000) {
            out.append(year < 10 ? "000" : year < 100 ? "00" : "0");
        }
        out.append(year).append('-');
        two(out, (int) m);
        out.append('-');
        two(out, (int) d);
        if (bc) {
            out.append(" (BC)");
        }
    }

    /**
     * A TIMESTAMP's text as DuckDB reads it ({@code 2024-01-01 13:45:10.123456}, {@code T} for the
     * space, seconds and fraction optional, a bare date meaning midnight; surrounding blanks
     * ignored) as microseconds since 1970-01-01 00:00; digits past microseconds are dropped.
     *
     * @throws IllegalArgumentException naming the text when it is not such a timestamp
     */
    public static long parseTimestamp(String text) {
        byte[] b = text.strip().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        CsvValues v = new CsvValues();
        if (!v.parseTimestamp(b, 0, b.length)) {
            throw new IllegalArgumentException("could not convert string '" + text + "' to TIMESTAMP");
        }
        return v.longValue;
    }

    /** A TIMESTAMP (microseconds since 1970-01-01 00:00) as DuckDB writes it: {@code 2024-01-01 13:45:10.5}. */
    public static String timestamp(long micros) {
        StringBuilder sb = new StringBuilder(26);
        appendTimestamp(sb, micros);
        return sb.toString();
    }

    static void appendTimestamp(StringBuilder out, long micros) {
        long days = Math.floorDiv(micros, 86_400_000_000L);
        long inDay = micros - days * 86_400_000_000L;
        int mark = out.length();
        appendDate(out, days);
        String bc = null;
        if (out.length() - mark > 5 && out.charAt(out.length() - 1) == ')') {
            out.setLength(out.length() - 5); // DuckDB puts " (BC)" after the time
            bc = " (BC)";
        }
        long seconds = inDay / 1_000_000;
        int fraction = (int) (inDay % 1_000_000);
        out.append(' ');
        two(out, (int) (seconds / 3600));
        out.append(':');
        two(out, (int) (seconds / 60 % 60));
        out.append(':');
        two(out, (int) (seconds % 60));
        if (fraction != 0) {
            String f = Integer.toString(1_000_000 + fraction).substring(1);
            int end = f.length();
            while (f.charAt(end - 1) == '0') {
                end--;
            }
            out.append('.').append(f, 0, end);
        }
        if (bc != null) {
            out.append(bc);
        }
    }

    private static void two(StringBuilder out, int v) {
        if (v < 10) {
            out.append('0');
        }
        out.append(v);
    }
}
