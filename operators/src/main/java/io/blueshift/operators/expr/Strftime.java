package io.blueshift.operators.expr;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;

import java.time.LocalDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * STRFTIME(value, format) over DATE (days since 1970-01-01) and TIMESTAMP (microseconds)
 * values, with the C library's codes as DuckDB takes them: %Y %y %m %d %e %H %I %M %S %f (6
 * digits) %g (3 digits) %p %j %a %A %b %h %B %w %u %x %X %c %D %F %T %R %n %t %%, and
 * {@code %-d}-style codes without zero padding.
 */
final class Strftime {
    private Strftime() {
    }

    static String format(ColumnVector v, int r, String format) {
        LocalDateTime t = switch (v.type()) {
            case DataType.DateType d -> java.time.LocalDate.ofEpochDay(v.getInt(r)).atStartOfDay();
            case DataType.TimestampType ts -> {
                long micros = v.getLong(r);
                long seconds = Math.floorDiv(micros, 1_000_000L);
                yield LocalDateTime.ofEpochSecond(seconds, (int) Math.floorMod(micros, 1_000_000L) * 1000, java.time.ZoneOffset.UTC);
            }
            default -> throw new IllegalArgumentException("STRFTIME needs a DATE or TIMESTAMP, got " + v.type().sqlName());
        };
        return format(t, format);
    }

    static String format(LocalDateTime t, String format) {
        StringBuilder sb = new StringBuilder(format.length() + 16);
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            if (i + 1 >= format.length()) {
                throw new IllegalArgumentException("STRFTIME: the format '" + format + "' ends with a lone %");
            }
            char code = format.charAt(++i);
            boolean pad = true;
            if (code == '-' && i + 1 < format.length()) {
                pad = false;
                code = format.charAt(++i);
            }
            switch (code) {
                case 'Y' -> sb.append(t.getYear());
                case 'y' -> two(sb, Math.floorMod(t.getYear(), 100), pad);
                case 'm' -> two(sb, t.getMonthValue(), pad);
                case 'd' -> two(sb, t.getDayOfMonth(), pad);
                case 'e' -> sb.append(t.getDayOfMonth() < 10 && pad ? " " : "").append(t.getDayOfMonth());
                case 'H' -> two(sb, t.getHour(), pad);
                case 'I' -> two(sb, t.getHour() % 12 == 0 ? 12 : t.getHour() % 12, pad);
                case 'M' -> two(sb, t.getMinute(), pad);
                case 'S' -> two(sb, t.getSecond(), pad);
                case 'f' -> sb.append(String.format(Locale.ROOT, "%06d", t.getNano() / 1000));
                case 'g' -> sb.append(String.format(Locale.ROOT, "%03d", t.getNano() / 1_000_000));
                case 'p' -> sb.append(t.getHour() < 12 ? "AM" : "PM");
                case 'j' -> {
                    int doy = t.getDayOfYear();
                    sb.append(pad ? String.format(Locale.ROOT, "%03d", doy) : Integer.toString(doy));
                }
                case 'a' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'b', 'h' -> sb.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'B' -> sb.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'w' -> sb.append(t.getDayOfWeek().getValue() % 7);
                case 'u' -> sb.append(t.getDayOfWeek().getValue());
                case 'D', 'x' -> sb.append(format(t, "%m/%d/%y"));
                case 'F' -> sb.append(format(t, "%Y-%m-%d"));
                case 'T', 'X' -> sb.append(format(t, "%H:%M:%S"));
                case 'R' -> sb.append(format(t, "%H:%M"));
                case 'c' -> sb.append(format(t, "%Y-%m-%d %H:%M:%S"));
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case '%' -> sb.append('%');
                default -> throw new IllegalArgumentException("STRFTIME: unknown format code %" + code + " in '" + format + "'");
            }
        }
        return sb.toString();
    }

    private static void two(StringBuilder sb, int v, boolean pad) {
        if (pad && v < 10) {
            sb.append('0');
        }
        sb.append(v);
    }
}
