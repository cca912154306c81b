package io.blueshift.sql;

import io.blueshift.storage.csv.CsvTextFormat;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.TimestampString;

/**
 * {@code DATE '2024-01-02'} made a DATE literal before validation (as the validator would, for less).
 * {@code CAST('2024-01-02 03:04:05.123456' AS TIMESTAMP)} (and {@code '...'::TIMESTAMP}) made a
 * TIMESTAMP literal before validation. Calcite would fold the cast itself, through a
 * millisecond timestamp, and drop the last three digits of the fraction; the literal keeps
 * microseconds, as DuckDB does. Text that is not a timestamp stays a CAST (and fails as one).
 * A CAST of such a constant (or of a TIMESTAMP literal) to VARCHAR becomes DuckDB's text of it.
 */
final class TimestampCasts {
    private TimestampCasts() {
    }

    static void fold(SqlNode query) {
        ParsedNodes.replaceAll(query, TimestampCasts::literal, false);
    }

    /**
     * The literal a cast stands for, or null: a TIMESTAMP literal for a CAST of text to
     * TIMESTAMP, DuckDB's text of the timestamp for a CAST of such a constant to VARCHAR (which
     * Calcite would print without the fraction).
     */
    static SqlNode literal(SqlNode node) {
        if (node instanceof org.apache.calcite.sql.SqlUnknownLiteral u) {
            return dateLiteral(u);
        }
        if (!(node instanceof SqlCall cast) || cast.getKind() != SqlKind.CAST || cast.operandCount() != 2
                || !(cast.operand(1) instanceof SqlDataTypeSpec spec) || !spec.getTypeNameSpec().getTypeName().isSimple()
                || spec.getTypeNameSpec() instanceof org.apache.calcite.sql.SqlBasicTypeNameSpec b && b.getPrecision() >= 0) {
            return null;
        }
        String type = spec.getTypeNameSpec().getTypeName().getSimple().toUpperCase(java.util.Locale.ROOT);
        if (type.equals("TIMESTAMP") && cast.operand(0) instanceof SqlCharStringLiteral text) {
            Long micros = parse(text.getValueAs(String.class));
            return micros == null ? null : timestampLiteral(micros, cast.getParserPosition());
        }
        if (type.equals("VARCHAR") || type.equals("TEXT") || type.equals("STRING")) {
            Long micros = constantTimestamp(cast.operand(0));
            return micros == null ? null : SqlLiteral.createCharString(CsvTextFormat.timestamp(micros), cast.getParserPosition());
        }
        return null;
    }

    /** Microseconds of a TIMESTAMP literal or of a foldable CAST of text to TIMESTAMP, or null. */
    private static Long constantTimestamp(SqlNode node) {
        if (node instanceof org.apache.calcite.sql.SqlUnknownLiteral u) {
            // TIMESTAMP '...' as parsed (its type is resolved during validation)
            return u.tag.equalsIgnoreCase("TIMESTAMP") ? parse(u.getValue()) : null;
        }
        if (node instanceof SqlLiteral l && l.getTypeName() == SqlTypeName.TIMESTAMP) {
            TimestampString ts = l.getValueAs(TimestampString.class);
            return ts == null ? null : parse(ts.toString());
        }
        SqlNode folded = literal(node);
        return folded != null && folded != node ? constantTimestamp(folded) : null;
    }

    /**
     * {@code DATE 'yyyy-mm-dd'} as the DATE literal the validator would make of it, or null (any other
     * text is left to the validator). The validator's own resolution builds a date format and a
     * calendar for every literal, about 1% of planning a TPC-H query.
     */
    private static SqlNode dateLiteral(org.apache.calcite.sql.SqlUnknownLiteral u) {
        String v = u.getValue();
        if (!u.tag.equalsIgnoreCase("DATE") || v == null || v.length() != 10 || v.charAt(4) != '-' || v.charAt(7) != '-') {
            return null;
        }
        for (int i : new int[] {0, 1, 2, 3, 5, 6, 8, 9}) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return null;
            }
        }
        int year = Integer.parseInt(v, 0, 4, 10);
        int month = Integer.parseInt(v, 5, 7, 10);
        int day = Integer.parseInt(v, 8, 10, 10);
        if (year < 1 || month < 1 || month > 12 || day < 1 || day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        return SqlLiteral.createDate(new org.apache.calcite.util.DateString(year, month, day), u.getParserPosition());
    }

    private static Long parse(String text) {
        try {
            return text == null ? null : CsvTextFormat.parseTimestamp(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static SqlNode timestampLiteral(long micros, org.apache.calcite.sql.parser.SqlParserPos pos) {
        long seconds = Math.floorDiv(micros, 1_000_000L);
        int fraction = (int) Math.floorMod(micros, 1_000_000L);
        java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(seconds, fraction * 1000, java.time.ZoneOffset.UTC);
        if (t.getYear() < 1 || t.getYear() > 9999) {
            return null;
        }
        TimestampString ts = new TimestampString(t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                t.getHour(), t.getMinute(), t.getSecond()).withNanos(fraction * 1000);
        return SqlLiteral.createTimestamp(SqlTypeName.TIMESTAMP, ts, 6, pos);
    }
}
