package io.blueshift.storage.csv;

/**
 * Text to values, straight from the bytes of a field: no String per value. Each parser takes
 * {@code buf[from, to)} with surrounding spaces already trimmed, leaves its result in
 * {@link #longValue} or {@link #doubleValue} and says whether the text was of the type.
 * One instance per thread.
 */
final class CsvValues {
    private static final double[] POWERS_OF_TEN = {
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
            1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    static final long[] LONG_TENS = new long[19];

    static {
        long p = 1;
        for (int i = 0; i < LONG_TENS.length; i++) {
            LONG_TENS[i] = p;
            p *= 10;
        }
    }

    long longValue;
    double doubleValue;

    /** A signed 64-bit integer: {@code [+-]digits}. */
    boolean parseLong(byte[] buf, int from, int to) {
        int i = from;
        if (i >= to) {
            return false;
        }
        boolean negative = false;
        if (buf[i] == '-' || buf[i] == '+') {
            negative = buf[i] == '-';
            i++;
            if (i >= to) {
                return false;
            }
        }
        long v = 0; // accumulated negatively so Long.MIN_VALUE parses
        for (; i < to; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            if (v < -922_337_203_685_477_580L) {
                return false;
            }
            long next = v * 10 - d;
            if (next > v) {
                return false; // overflow
            }
            v = next;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                return false;
            }
            v = -v;
        }
        longValue = v;
        return true;
    }

    boolean parseInt(byte[] buf, int from, int to) {
        return parseLong(buf, from, to) && longValue == (int) longValue;
    }

    /** {@code true/false/t/f/1/0}, any case. */
    boolean parseBoolean(byte[] buf, int from, int to) {
        int n = to - from;
        if (n == 1) {
            int c = buf[from] | 0x20;
            if (c == 't' || buf[from] == '1') {
                longValue = 1;
                return true;
            }
            if (c == 'f' || buf[from] == '0') {
                longValue = 0;
                return true;
            }
            return false;
        }
        if (matchesIgnoreCase(buf, from, to, "true")) {
            longValue = 1;
            return true;
        }
        if (matchesIgnoreCase(buf, from, to, "false")) {
            longValue = 0;
            return true;
        }
        return false;
    }

    /** {@code true/false/t/f} in any case: what inference takes as BOOLEAN (0/1 stay integers, as in DuckDB). */
    static boolean isBooleanWord(byte[] buf, int from, int to) {
        return matchesIgnoreCase(buf, from, to, "true") || matchesIgnoreCase(buf, from, to, "false")
                || matchesIgnoreCase(buf, from, to, "t") || matchesIgnoreCase(buf, from, to, "f");
    }

    static boolean matchesIgnoreCase(byte[] buf, int from, int to, String word) {
        if (to - from != word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            int c = buf[from + i];
            if (c >= 'A' && c <= 'Z') {
                c |= 0x20;
            }
            if (c != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A double: {@code [+-]digits[.digits][e[+-]digits]}, {@code inf}, {@code infinity}, {@code nan}.
     * Up to 18 significant digits with a small exponent are computed exactly in one rounding;
     * anything else goes through {@link Double#parseDouble} after the grammar is checked.
     */
    boolean parseDouble(byte[] buf, int from, int to) {
        int i = from;
        if (i >= to) {
            return false;
        }
        boolean negative = false;
        if (buf[i] == '-' || buf[i] == '+') {
            negative = buf[i] == '-';
            i++;
        }
        if (i < to && (buf[i] | 0x20) >= 'a' && (buf[i] | 0x20) <= 'z') {
            if (matchesIgnoreCase(buf, i, to, "inf") || matchesIgnoreCase(buf, i, to, "infinity")) {
                doubleValue = negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                return true;
            }
            if (matchesIgnoreCase(buf, i, to, "nan")) {
                doubleValue = Double.NaN;
                return true;
            }
            return false;
        }
        long mantissa = 0;
        int digits = 0;        // significant digits kept in mantissa
        int dropped = 0;       // integer digits beyond the 18 kept (18 nines fit a long; 19 may not)
        int fractionDigits = 0;
        boolean any = false;
        boolean exact = true;
        for (; i < to; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            any = true;
            if (digits < 18) {
                mantissa = mantissa * 10 + d;
                if (mantissa != 0) {
                    digits++;
                }
            } else {
                dropped++;
                exact &= d == 0;
            }
        }
        if (i < to && buf[i] == '.') {
            i++;
            for (; i < to; i++) {
                int d = buf[i] - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                any = true;
                if (digits < 18) {
                    mantissa = mantissa * 10 + d;
                    fractionDigits++;
                    if (mantissa != 0) {
                        digits++;
                    }
                } else {
                    exact &= d == 0;
                }
            }
        }
        if (!any) {
            return false;
        }
        int exponent = 0;
        if (i < to && (buf[i] | 0x20) == 'e') {
            i++;
            boolean expNegative = false;
            if (i < to && (buf[i] == '-' || buf[i] == '+')) {
                expNegative = buf[i] == '-';
                i++;
            }
            if (i >= to) {
                return false;
            }
            for (; i < to; i++) {
                int d = buf[i] - '0';
                if (d < 0 || d > 9) {
                    return false;
                }
                if (exponent < 100_000) {
                    exponent = exponent * 10 + d;
                }
            }
            if (expNegative) {
                exponent = -exponent;
            }
        }
        if (i != to) {
            return false;
        }
        int scale = exponent + dropped - fractionDigits;
        if (exact && mantissa < (1L << 53) && scale >= -22 && scale <= 22) {
            double m = mantissa;
            double v = scale >= 0 ? m * POWERS_OF_TEN[scale] : m / POWERS_OF_TEN[-scale];
            doubleValue = negative ? -v : v;
            return true;
        }
        doubleValue = Double.parseDouble(new String(buf, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1));
        return true;
    }

    /**
     * A decimal of {@code scale} digits after the point: {@code [+-]digits[.digits]}, extra
     * fraction digits rounded half away from zero; false when it needs more than
     * {@code precision} digits.
     */
    boolean parseDecimal(byte[] buf, int from, int to, int precision, int scale) {
        int i = from;
        if (i >= to) {
            return false;
        }
        boolean negative = false;
        if (buf[i] == '-' || buf[i] == '+') {
            negative = buf[i] == '-';
            i++;
        }
        long limit = LONG_TENS[precision];
        long v = 0;
        boolean any = false;
        for (; i < to; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            any = true;
            v = v * 10 + d;
            if (v >= limit) {
                return false;
            }
        }
        int frac = 0;
        boolean roundUp = false;
        if (i < to && buf[i] == '.') {
            i++;
            for (; i < to; i++) {
                int d = buf[i] - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                any = true;
                if (frac < scale) {
                    v = v * 10 + d;
                    frac++;
                    if (v >= limit) {
                        return false;
                    }
                } else if (frac == scale) {
                    roundUp = d >= 5;
                    frac++;
                }
            }
        }
        if (!any || i != to) {
            return false;
        }
        for (int f = Math.min(frac, scale); f < scale; f++) {
            v *= 10;
            if (v >= limit) {
                return false;
            }
        }
        if (roundUp && ++v >= limit) {
            return false;
        }
        longValue = negative ? -v : v;
        return true;
    }

    /** {@code yyyy-mm-dd} (month and day may have one digit) as days since 1970-01-01. */
    boolean parseDate(byte[] buf, int from, int to) {
        return dateEnd(buf, from, to) == to;
    }

    /**
     * Parses the date at {@code from} into {@link #longValue} (epoch days) and returns where it
     * ended, or -1.
     */
    int dateEnd(byte[] buf, int from, int to) {
        int i = from;
        boolean negative = false;
        if (i < to && buf[i] == '-') {
            negative = true;
            i++;
        }
        int year = 0;
        int yearDigits = 0;
        while (i < to && buf[i] >= '0' && buf[i] <= '9' && yearDigits < 7) {
            year = year * 10 + (buf[i++] - '0');
            yearDigits++;
        }
        if (yearDigits < 4 || i >= to || buf[i] != '-') {
            return -1;
        }
        i++;
        int month = 0;
        int md = 0;
        while (i < to && buf[i] >= '0' && buf[i] <= '9' && md < 2) {
            month = month * 10 + (buf[i++] - '0');
            md++;
        }
        if (md == 0 || i >= to || buf[i] != '-') {
            return -1;
        }
        i++;
        int day = 0;
        int dd = 0;
        while (i < to && buf[i] >= '0' && buf[i] <= '9' && dd < 2) {
            day = day * 10 + (buf[i++] - '0');
            dd++;
        }
        if (dd == 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(negative ? -year : year, month)) {
            return -1;
        }
        longValue = epochDay(negative ? -year : year, month, day);
        return i;
    }

    /**
     * {@code date[ |T]hh:mm[:ss[.fraction]]} or a bare date (midnight), as microseconds since
     * the epoch; digits beyond microseconds are dropped.
     */
    boolean parseTimestamp(byte[] buf, int from, int to) {
        int i = dateEnd(buf, from, to);
        if (i < 0) {
            return false;
        }
        long days = longValue;
        if (i == to) {
            longValue = days * 86_400_000_000L;
            return true;
        }
        if (buf[i] != ' ' && buf[i] != 'T') {
            return false;
        }
        i++;
        if (i + 5 > to || !digit(buf[i]) || !digit(buf[i + 1]) || buf[i + 2] != ':' || !digit(buf[i + 3]) || !digit(buf[i + 4])) {
            return false;
        }
        int hour = (buf[i] - '0') * 10 + (buf[i + 1] - '0');
        int minute = (buf[i + 3] - '0') * 10 + (buf[i + 4] - '0');
        i += 5;
        int second = 0;
        long micros = 0;
        if (i < to && buf[i] == ':') {
            if (i + 3 > to || !digit(buf[i + 1]) || !digit(buf[i + 2])) {
                return false;
            }
            second = (buf[i + 1] - '0') * 10 + (buf[i + 2] - '0');
            i += 3;
            if (i < to && buf[i] == '.') {
                i++;
                int fd = 0;
                while (i < to && digit(buf[i])) {
                    if (fd < 6) {
                        micros = micros * 10 + (buf[i] - '0');
                    }
                    fd++;
                    i++;
                }
                if (fd == 0) {
                    return false;
                }
                for (; fd < 6; fd++) {
                    micros *= 10;
                }
            }
        }
        if (i != to || hour > 24 || minute > 59 || second > 59 || (hour == 24 && (minute | second | micros) != 0)) {
            return false;
        }
        longValue = days * 86_400_000_000L + ((hour * 60L + minute) * 60L + second) * 1_000_000L + micros;
        return true;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    static boolean isLeap(int year) {
        return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    static int daysInMonth(int year, int month) {
        return switch (month) {
            case 2 -> isLeap(year) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (the days-from-civil formula). */
    static long epochDay(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long mp = (month + 9) % 12;
        long doy = (153 * mp + 2) / 5 + day - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }

    /** Length of the valid UTF-8 prefix of {@code buf[from, to)}: {@code to} when all is valid. */
    static int validUtf8(byte[] buf, int from, int to) {
        int i = from;
        while (i < to) {
            int b = buf[i];
            if (b >= 0) {
                i++;
                continue;
            }
            int n;
            int min;
            if ((b & 0xE0) == 0xC0) {
                n = 1;
                min = 0x80;
            } else if ((b & 0xF0) == 0xE0) {
                n = 2;
                min = 0x800;
            } else if ((b & 0xF8) == 0xF0) {
                n = 3;
                min = 0x10000;
            } else {
                return i;
            }
            if (i + n >= to) {
                return i; // fewer continuation bytes left than the lead byte needs
            }
            int cp = b & (0x3F >> n);
            for (int k = 1; k <= n; k++) {
                int c = buf[i + k];
                if ((c & 0xC0) != 0x80) {
                    return i;
                }
                cp = (cp << 6) | (c & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return i;
            }
            i += n + 1;
        }
        return to;
    }
}
