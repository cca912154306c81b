package io.blueshift.operators.expr;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.DataType.DecimalType;
import io.blueshift.memory.SelectionVector;
import io.blueshift.memory.Validity;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The scalar functions of {@link Expr.Function}, a batch at a time over the live rows. A NULL
 * argument gives NULL (COALESCE aside). Strings are read in place from their views; results
 * that are a piece of the input (SUBSTRING) point into the input's buffers.
 */
final class Functions {
    private final ExpressionEvaluator eval;
    private final TextFunctions text;
    private final MathFunctions math;
    private final DateFunctions dates;

    Functions(ExpressionEvaluator eval) {
        this.eval = eval;
        this.text = new TextFunctions(eval);
        this.math = new MathFunctions(eval);
        this.dates = new DateFunctions(eval);
    }

    ColumnVector evaluate(Expr.Call call, Batch batch) {
        try {
            return switch (call.function()) {
                case COALESCE -> coalesce(call, batch);
                case SUBSTRING -> substring(call, batch);
                case EXTRACT_YEAR, EXTRACT_MONTH, EXTRACT_DAY -> extract(call, batch);
                case NEGATE, ABS -> signed(call, batch);
                case UPPER, LOWER -> changeCase(call, batch);
                case LENGTH, OCTET_LENGTH -> length(call, batch);
                case ROUND -> round(call, batch);
                case CONCAT -> concat(call, batch);
                case DATE_ADD_DAYS, DATE_ADD_MONTHS -> dateAdd(call, batch);
                case MOD, INT_DIV -> mod(call, batch);
                case FLOOR, CEIL, TRUNC -> floorCeil(call, batch);
                case SINGLE_VALUE -> singleValue(call, batch);
                case TRIM, LTRIM, RTRIM, REPLACE, STRPOS, STARTS_WITH, ENDS_WITH, CONTAINS, LEFT, RIGHT, REVERSE,
                     REPEAT, LPAD, RPAD, CONCAT_FN, CONCAT_WS, ASCII, CHR, LIKE_ROWS, SPLIT_PART, REGEXP_MATCHES,
                     REGEXP_REPLACE, REGEXP_EXTRACT, STRFTIME -> text.evaluate(call, batch);
                case MAKE_DATE, LAST_DAY, TIMESTAMP_ADD_MICROS, TIMESTAMP_ADD_MONTHS, EPOCH, EPOCH_MS, EPOCH_US, EPOCH_NS,
                     TIMESTAMP_FROM_MILLIS, TIMESTAMP_FROM_MICROS, MAKE_TIMESTAMP -> dates.evaluate(call, batch);
                case TRY_CAST -> eval.tryCast(eval.evaluate(call.args().getFirst(), batch), call.type(), batch);
                case SQRT, CBRT, EXP, LN, LOG10, LOG2, SIN, COS, TAN, ASIN, ACOS, ATAN, DEGREES, RADIANS, POWER, ATAN2,
                     LOG_BASE, SIGN, GREATEST, LEAST -> math.evaluate(call, batch);
                case EXTRACT_QUARTER, EXTRACT_DOW, EXTRACT_ISODOW, EXTRACT_DOY, EXTRACT_WEEK, EXTRACT_HOUR, EXTRACT_MINUTE,
                     EXTRACT_SECOND, DATE_TRUNC, DATE_DIFF -> dates.evaluate(call, batch);
            };
        } catch (ArithmeticException e) {
            throw new ArithmeticException(e.getMessage() + " in " + ExprPrinter.print(call));
        }
    }

    static void requireArgs(Expr.Call call, int min, int max) {
        int n = call.args().size();
        if (n < min || n > max) {
            throw new IllegalArgumentException(call.function() + " takes " + (min == max ? min : min + " to " + max)
                    + " arguments, got " + n);
        }
    }

    /** An integer-like value of a column (INT32, INT64, DATE). */
    static long integral(ColumnVector v, int r) {
        return v.byteWidth() == 4 ? v.getInt(r) : v.getLong(r);
    }

    private static void setIntegral(ColumnVector out, int r, long value) {
        if (out.byteWidth() == 4) {
            out.setInt(r, Math.toIntExact(value));
        } else {
            out.setLong(r, value);
        }
    }

    // ---- COALESCE ----

    /** Each argument is evaluated only at the rows still NULL after the ones before it. */
    private ColumnVector coalesce(Expr.Call call, Batch batch) {
        requireArgs(call, 1, Integer.MAX_VALUE);
        int rows = batch.rowCount();
        VectorAssembler out = new VectorAssembler(eval.scratch(), call.type(), rows);
        MemorySegment remaining = eval.liveRows(batch);
        int remCount = batch.liveCount();
        for (Expr arg : call.args()) {
            if (remCount == 0) {
                break;
            }
            if (arg instanceof Expr.Literal lit && lit.isNull()) {
                continue;
            }
            ColumnVector v = eval.evaluateAs(arg, call.type(), batch.withSelection(new SelectionVector(remaining, remCount)));
            MemorySegment stillNull = eval.scratch().take(Math.max(4L, remCount * 4L));
            int k = 0;
            for (int i = 0; i < remCount; i++) {
                int r = remaining.getAtIndex(ValueLayout.JAVA_INT, i);
                if (v.isNull(r)) {
                    stillNull.setAtIndex(ValueLayout.JAVA_INT, k++, r);
                } else {
                    out.copyRow(v, r);
                }
            }
            remaining = stillNull;
            remCount = k;
        }
        for (int i = 0; i < remCount; i++) {
            out.setNull(remaining.getAtIndex(ValueLayout.JAVA_INT, i));
        }
        return out.finish();
    }

    // ---- strings ----

    /** Characters in {@code len} UTF-8 bytes (bytes that are not continuation bytes). */
    static int charCount(MemorySegment s, long off, int len) {
        int n = 0;
        for (int i = 0; i < len; i++) {
            if ((s.get(ValueLayout.JAVA_BYTE, off + i) & 0xC0) != 0x80) {
                n++;
            }
        }
        return n;
    }

    /** Byte offset of character {@code chars} (0-based), or {@code len} past the end. */
    static int byteOffsetOfChar(MemorySegment s, long off, int len, long chars) {
        int i = 0;
        for (long c = 0; c < chars && i < len; c++) {
            i += LikePattern.charBytes(s.get(ValueLayout.JAVA_BYTE, off + i));
        }
        return Math.min(i, len);
    }

    private ColumnVector length(Expr.Call call, Batch batch) {
        requireArgs(call, 1, 1);
        ColumnVector s = eval.evaluate(call.args().getFirst(), batch);
        ColumnVector out = eval.newVector(call.type(), batch.rowCount(), s.validity());
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (!s.isNull(r)) {
                setIntegral(out, r, call.function() == Expr.Function.OCTET_LENGTH ? StringOutput.length(s, r)
                        : charCount(StringOutput.segment(s, r), StringOutput.offset(s, r), StringOutput.length(s, r)));
            }
        }
        return out;
    }

    /**
     * SUBSTRING(s, start [, length]) in characters, 1-based, with DuckDB's reading of the
     * edge cases: start 0 begins one before the first character, a negative start counts
     * from the end, a negative length takes the characters before start.
     */
    private ColumnVector substring(Expr.Call call, Batch batch) {
        requireArgs(call, 2, 3);
        ColumnVector s = eval.evaluate(call.args().get(0), batch);
        ColumnVector start = eval.evaluate(call.args().get(1), batch);
        ColumnVector count = call.args().size() == 3 ? eval.evaluate(call.args().get(2), batch) : null;
        int rows = batch.rowCount();
        MemorySegment validity = eval.allValid(count == null ? new ColumnVector[]{s, start} : new ColumnVector[]{s, start, count}, rows);
        StringOutput out = new StringOutput(eval.scratch(), rows);
        int shared = out.share(s.varBuffers());
        substringRows(s, start, count, validity, shared, batch, out);
        return out.finish(validity);
    }

    /** The row loop of {@link #substring}, a method of its own: C2 compiles it on stack without the setup around it. */
    private static void substringRows(ColumnVector s, ColumnVector start, ColumnVector count, MemorySegment validity,
                                      int shared, Batch batch, StringOutput out) {
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (validity != null && !Validity.isValid(validity, r)) {
                continue;
            }
            MemorySegment seg = StringOutput.segment(s, r);
            long off = StringOutput.offset(s, r);
            int len = StringOutput.length(s, r);
            boolean ascii = isAscii(seg, off, len);
            long size = ascii ? len : charCount(seg, off, len);
            long offset = integral(start, r);
            long length = count == null ? Math.max(size, 1) + 1 : integral(count, r);
            long from;
            long to;
            if (length == 0) {
                from = to = 0;
            } else {
                if (offset > 0) {
                    from = Math.min(size, offset - 1);
                } else if (offset < 0) {
                    from = Math.max(size + offset, 0);
                } else {
                    from = 0;
                    length--;
                }
                if (length == 0) {
                    to = from;
                } else if (length > 0) {
                    to = Math.min(size, from + length);
                } else {
                    to = from;
                    from = Math.max(0, from + length);
                }
            }
            int fromByte = ascii ? (int) from : byteOffsetOfChar(seg, off, len, from);
            int toByte = ascii ? (int) to : byteOffsetOfChar(seg, off, len, to);
            int pieceLen = toByte - fromByte;
            if (pieceLen > 12 && len > 12) {
                out.reference(r, shared + s.data().get(ValueLayout.JAVA_INT_UNALIGNED, (long) r * 16 + 8), (int) (off + fromByte), pieceLen);
            } else {
                out.put(r, seg, off + fromByte, Math.max(pieceLen, 0));
            }
        }
    }

    static boolean isAscii(MemorySegment s, long off, int len) {
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            if ((s.get(ValueLayout.JAVA_LONG_UNALIGNED, off + i) & 0x8080_8080_8080_8080L) != 0) {
                return false;
            }
        }
        for (; i < len; i++) {
            if (s.get(ValueLayout.JAVA_BYTE, off + i) < 0) {
                return false;
            }
        }
        return true;
    }

    private ColumnVector changeCase(Expr.Call call, Batch batch) {
        requireArgs(call, 1, 1);
        boolean upper = call.function() == Expr.Function.UPPER;
        ColumnVector s = eval.evaluate(call.args().getFirst(), batch);
        StringOutput out = new StringOutput(eval.scratch(), batch.rowCount());
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (s.isNull(r)) {
                continue;
            }
            MemorySegment seg = StringOutput.segment(s, r);
            long off = StringOutput.offset(s, r);
            int len = StringOutput.length(s, r);
            byte[] bytes = new byte[len];
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off, bytes, 0, len);
            if (isAscii(seg, off, len)) {
                for (int b = 0; b < len; b++) {
                    byte c = bytes[b];
                    if (upper ? (c >= 'a' && c <= 'z') : (c >= 'A' && c <= 'Z')) {
                        bytes[b] = (byte) (c ^ 0x20);
                    }
                }
            } else {
                String text = new String(bytes, StandardCharsets.UTF_8);
                bytes = (upper ? text.toUpperCase(Locale.ROOT) : text.toLowerCase(Locale.ROOT)).getBytes(StandardCharsets.UTF_8);
            }
            out.put(r, bytes);
        }
        return out.finish(s.validity());
    }

    /** {@code a || b || ...}: NULL when any part is NULL. Non-strings are cast to VARCHAR. */
    private ColumnVector concat(Expr.Call call, Batch batch) {
        requireArgs(call, 1, Integer.MAX_VALUE);
        int rows = batch.rowCount();
        ColumnVector[] parts = new ColumnVector[call.args().size()];
        for (int a = 0; a < parts.length; a++) {
            parts[a] = eval.evaluateAs(call.args().get(a), DataType.VARCHAR, batch);
        }
        MemorySegment validity = eval.allValid(parts, rows);
        StringOutput out = new StringOutput(eval.scratch(), rows);
        byte[] buf = new byte[64];
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (validity != null && !Validity.isValid(validity, r)) {
                continue;
            }
            int total = 0;
            for (ColumnVector p : parts) {
                total += StringOutput.length(p, r);
            }
            if (buf.length < total) {
                buf = new byte[Math.max(total, buf.length * 2)];
            }
            int at = 0;
            for (ColumnVector p : parts) {
                int len = StringOutput.length(p, r);
                MemorySegment.copy(StringOutput.segment(p, r), ValueLayout.JAVA_BYTE, StringOutput.offset(p, r), buf, at, len);
                at += len;
            }
            out.put(r, MemorySegment.ofArray(buf), 0, total);
        }
        return out.finish(validity);
    }

    // ---- dates ----

    private ColumnVector extract(Expr.Call call, Batch batch) {
        requireArgs(call, 1, 1);
        ColumnVector d = eval.evaluate(call.args().getFirst(), batch);
        boolean timestamp = d.type() instanceof DataType.TimestampType;
        if (!timestamp && !(d.type() instanceof DataType.DateType)) {
            throw new IllegalArgumentException("EXTRACT needs a DATE or TIMESTAMP, got " + d.type().sqlName());
        }
        ColumnVector out = eval.newVector(call.type(), batch.rowCount(), d.validity());
        extractRows(d, timestamp, call.function(), batch, out);
        return out;
    }

    /**
     * The row loop of {@link #extract}, a method of its own: C2 compiles it on stack without the
     * setup around it. One loop for DATE and one for TIMESTAMP, and the part picked by
     * multiplying by 0 or 1: with the part's switch and the input type tested in the loop, C2
     * compiled a copy of the loop for each (29 KB of code, 0.7 s; session 20).
     */
    private static void extractRows(ColumnVector d, boolean timestamp, Expr.Function part, Batch batch, ColumnVector out) {
        long years = part == Expr.Function.EXTRACT_YEAR ? 1 : 0;
        long months = part == Expr.Function.EXTRACT_MONTH ? 1 : 0;
        long days = years + months == 0 ? 1 : 0;
        if (timestamp) {
            extractFromTimestamps(d, years, months, days, batch, out);
        } else {
            extractFromDates(d, years, months, days, batch, out);
        }
    }

    private static void extractFromDates(ColumnVector d, long years, long months, long days, Batch batch, ColumnVector out) {
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (!d.isNull(r)) {
                setIntegral(out, r, datePart(civil(d.getInt(r)), years, months, days));
            }
        }
    }

    private static void extractFromTimestamps(ColumnVector d, long years, long months, long days, Batch batch, ColumnVector out) {
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (!d.isNull(r)) {
                setIntegral(out, r, datePart(civil(Math.floorDiv(d.getLong(r), 86_400_000_000L)), years, months, days));
            }
        }
    }

    /** The year, month or day of a {@link #civil} value, as the one of the three factors that is 1 says. */
    private static long datePart(long ymd, long years, long months, long days) {
        long monthDay = Math.abs(ymd % 10_000);
        return ymd / 10_000 * years + monthDay / 100 * months + monthDay % 100 * days;
    }

    /** DATE + n days or months; n is an integer argument (a constant or a column). */
    private ColumnVector dateAdd(Expr.Call call, Batch batch) {
        requireArgs(call, 2, 2);
        ColumnVector d = eval.evaluate(call.args().get(0), batch);
        ColumnVector n = eval.evaluate(call.args().get(1), batch);
        int rows = batch.rowCount();
        ColumnVector out = eval.newVector(DataType.DATE, rows, eval.allValid(new ColumnVector[] {d, n}, rows));
        boolean months = call.function() == Expr.Function.DATE_ADD_MONTHS;
        for (int i = 0, live = batch.liveCount(); i < live; i++) {
            int r = batch.liveRow(i);
            if (d.isNull(r) || n.isNull(r)) {
                continue;
            }
            long amount = integral(n, r);
            long days = months
                    ? java.time.LocalDate.ofEpochDay(d.getInt(r)).plusMonths(amount).toEpochDay()
                    : Math.addExact(d.getInt(r), amount);
            out.setInt(r, Math.toIntExact(days));
        }
        return out;
    }

    /** MOD and INT_DIV ({@code //}): integers, DECIMALs (MOD) or DOUBLEs as the call's type says. */
    private ColumnVector mod(Expr.Call call, Batch batch) {
        requireArgs(call, 2, 2);
        ColumnVector a = eval.evaluate(call.args().get(0), batch);
        ColumnVector b = eval.evaluate(call.args().get(1), batch);
        int rows = batch.rowCount();
        DataType type = call.type();
        ColumnVector out = eval.newVector(type, rows, eval.allValid(new ColumnVector[] {a, b}, rows));
        for (int i = 0, live = batch.liveCount(); i < live; i++) {
            int r = batch.liveRow(i);
            if (a.isNull(r) || b.isNull(r)) {
                continue;
            }
            boolean div = call.function() == Expr.Function.INT_DIV;
            if (type instanceof DataType.Float64Type) {
                if (div && asDouble(b, r) == 0) {
                    throw new ArithmeticException("division by zero");   // as DuckDB's //, unlike its /
                }
                out.setDouble(r, div ? asDouble(a, r) / asDouble(b, r) : asDouble(a, r) % asDouble(b, r));
                continue;
            }
            if (type instanceof DecimalType d) {
                out.setLong(r, decimalMod(a, b, r, d.scale()));
                continue;
            }
            long y = integral(b, r);
            if (y == 0) {
                throw new ArithmeticException("division by zero");
            }
            long x = integral(a, r);
            if (div && x == Long.MIN_VALUE && y == -1) {
                throw new ArithmeticException("value " + x + " // -1 is out of range for BIGINT");
            }
            setIntegral(out, r, div ? x / y : x % y);
        }
        return out;
    }

    /** {@code a % b} as the unscaled value at {@code scale} (at least either side's scale); the sign of {@code a}. */
    private static long decimalMod(ColumnVector a, ColumnVector b, int r, int scale) {
        int sa = a.type() instanceof DecimalType d ? d.scale() : 0;
        int sb = b.type() instanceof DecimalType d ? d.scale() : 0;
        long ua = a.type() instanceof DecimalType ? a.getLong(r) : integral(a, r);
        long ub = b.type() instanceof DecimalType ? b.getLong(r) : integral(b, r);
        if (ub == 0) {
            throw new ArithmeticException("division by zero");
        }
        try {
            return Math.multiplyExact(ua, ExprTypes.pow10(scale - sa)) % Math.multiplyExact(ub, ExprTypes.pow10(scale - sb));
        } catch (ArithmeticException overflow) {
            // a side too large to bring to the common scale in 64 bits; the remainder is smaller than b
            return java.math.BigDecimal.valueOf(ua, sa).remainder(java.math.BigDecimal.valueOf(ub, sb))
                    .setScale(scale).unscaledValue().longValueExact();
        }
    }

    private static double asDouble(ColumnVector v, int r) {
        return switch (v.type()) {
            case DataType.Float64Type f -> v.getDouble(r);
            case DecimalType d -> java.math.BigDecimal.valueOf(v.getLong(r), d.scale()).doubleValue();
            default -> integral(v, r);
        };
    }

    /** FLOOR/CEIL/TRUNC (toward zero): DECIMAL(p, s) becomes DECIMAL(p, 0) (as DuckDB), FLOAT64 stays FLOAT64, integers pass. */
    private ColumnVector floorCeil(Expr.Call call, Batch batch) {
        requireArgs(call, 1, 1);
        ColumnVector a = eval.evaluate(call.args().getFirst(), batch);
        Expr.Function f = call.function();
        DataType type = a.type();
        if (!(type instanceof DecimalType) && !(type instanceof DataType.Float64Type)) {
            return a;
        }
        int rows = batch.rowCount();
        ColumnVector out = eval.newVector(type instanceof DecimalType d ? DataType.decimal(d.precision(), 0) : type, rows, a.validity());
        for (int i = 0, live = batch.liveCount(); i < live; i++) {
            int r = batch.liveRow(i);
            if (a.isNull(r)) {
                continue;
            }
            if (type instanceof DecimalType d) {
                long unit = ExprTypes.pow10(d.scale());
                long v = a.getLong(r);
                out.setLong(r, switch (f) {
                    case FLOOR -> Math.floorDiv(v, unit);
                    case CEIL -> -Math.floorDiv(-v, unit);
                    default -> v / unit;
                });
            } else {
                double x = a.getDouble(r);
                out.setDouble(r, f == Expr.Function.FLOOR || (f == Expr.Function.TRUNC && x >= 0) ? Math.floor(x) : Math.ceil(x));
            }
        }
        return out;
    }

    /** Days since 1970-01-01 as year * 10000 + month * 100 + day (H. Hinnant's civil_from_days). */
    static long civil(long days) {
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long day = doy - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        return year * 10_000 + (year < 0 ? -1 : 1) * (month * 100 + day);
    }

    /** The value, after checking that no row's group counted more than one row. */
    private ColumnVector singleValue(Expr.Call call, Batch batch) {
        requireArgs(call, 2, 2);
        ColumnVector rows = eval.evaluate(call.args().get(1), batch);
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (!rows.isNull(r) && integral(rows, r) > 1) {
                throw new IllegalStateException("more than one row returned by a subquery used as an expression");
            }
        }
        return eval.evaluate(call.args().getFirst(), batch);
    }

    // ---- numbers ----

    private ColumnVector signed(Expr.Call call, Batch batch) {
        requireArgs(call, 1, 1);
        boolean negate = call.function() == Expr.Function.NEGATE;
        DataType type = call.type();
        ColumnVector v = eval.evaluateAs(call.args().getFirst(), type, batch);
        ColumnVector out = eval.newVector(type, batch.rowCount(), v.validity());
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (v.isNull(r)) {
                continue;
            }
            switch (type) {
                case DataType.Float64Type f -> {
                    double x = v.getDouble(r);
                    out.setDouble(r, negate ? -x : Math.abs(x));
                }
                case DataType.Int32Type t -> {
                    int x = v.getInt(r);
                    out.setInt(r, negate || x < 0 ? Math.negateExact(x) : x);
                }
                case DataType.Int64Type t -> {
                    long x = v.getLong(r);
                    out.setLong(r, negate || x < 0 ? Math.negateExact(x) : x);
                }
                case DecimalType t -> {
                    long x = v.getLong(r);
                    out.setLong(r, negate || x < 0 ? Math.negateExact(x) : x);
                }
                default -> throw new IllegalArgumentException(call.function() + " needs a number, got " + type.sqlName());
            }
        }
        return out;
    }

    /**
     * ROUND(x, digits), half away from zero. DECIMAL stays exact (the result's scale is the
     * call's type); DOUBLE rounds {@code x * 10^digits} as DuckDB does. Digits must be constant.
     */
    private ColumnVector round(Expr.Call call, Batch batch) {
        requireArgs(call, 1, 2);
        int digits = 0;
        if (call.args().size() == 2) {
            if (!(call.args().get(1) instanceof Expr.Literal lit) || lit.isNull()) {
                throw new IllegalArgumentException("not supported: ROUND with non-constant digits");
            }
            digits = (int) lit.longValue();
        }
        ColumnVector v = eval.evaluate(call.args().getFirst(), batch);
        DataType type = call.type();
        ColumnVector out = eval.newVector(type, batch.rowCount(), v.validity());
        if (v.type() instanceof DataType.Float64Type || !ExprTypes.isNumeric(v.type()) || type instanceof DataType.Float64Type) {
            if (!(v.type() instanceof DataType.Float64Type)) {
                v = eval.cast(v, DataType.FLOAT64, batch);
            }
            out = eval.newVector(DataType.FLOAT64, batch.rowCount(), v.validity());
            double p = Math.pow(10, Math.abs(digits));
            for (int i = 0, n = batch.liveCount(); i < n; i++) {
                int r = batch.liveRow(i);
                if (v.isNull(r)) continue;
                double x = v.getDouble(r);
                double scaled = digits >= 0 ? x * p : x / p;
                double rounded = Math.signum(scaled) * Math.floor(Math.abs(scaled) + 0.5);
                double result = digits >= 0 ? rounded / p : rounded * p;
                out.setDouble(r, Double.isFinite(result) ? result : x);
            }
            return type instanceof DataType.Float64Type ? out : eval.cast(out, type, batch);
        }
        int scale = v.type() instanceof DecimalType d ? d.scale() : 0;
        int outScale = type instanceof DecimalType d ? d.scale() : 0;
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (v.isNull(r)) continue;
            long x = integral(v, r);
            long atDigits; // x rounded, at scale min(scale, digits)
            int s;
            if (digits >= scale) {
                atDigits = x;
                s = scale;
            } else {
                int drop = scale - digits;
                if (drop > 18) {
                    atDigits = 0;
                } else {
                    long div = ExprTypes.pow10(drop);
                    long q = x / div;
                    long rem = Math.abs(x % div);
                    if (rem * 2 >= div) {
                        q += Long.signum(x);
                    }
                    atDigits = digits < 0 ? Math.multiplyExact(q, ExprTypes.pow10(-digits)) : q;
                }
                s = Math.max(digits, 0);
            }
            long result = outScale >= s ? Math.multiplyExact(atDigits, ExprTypes.pow10(outScale - s))
                    : atDigits / ExprTypes.pow10(s - outScale);
            setIntegral(out, r, result);
        }
        return out;
    }
}
