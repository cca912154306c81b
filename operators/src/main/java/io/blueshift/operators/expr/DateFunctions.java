package io.blueshift.operators.expr;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Validity;

import java.lang.foreign.MemorySegment;
import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.util.Locale;

/**
 * Date parts beyond YEAR/MONTH/DAY, DATE_TRUNC and DATE_DIFF, over DATE (days since
 * 1970-01-01) and TIMESTAMP (microseconds since 1970-01-01 00:00) values, with DuckDB's
 * meanings: DOW counts from Sunday = 0, WEEK is the ISO week, DATE_DIFF counts the part's
 * boundaries crossed from the first argument to the second.
 */
final class DateFunctions {
    static final long MICROS_PER_SECOND = 1_000_000L;
    static final long MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
    static final long MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;
    static final long MICROS_PER_DAY = 24 * MICROS_PER_HOUR;

    private final ExpressionEvaluator eval;

    DateFunctions(ExpressionEvaluator eval) {
        this.eval = eval;
    }

    ColumnVector evaluate(Expr.Call call, Batch batch) {
        return switch (call.function()) {
            case DATE_TRUNC -> trunc(call, batch);
            case MAKE_DATE, LAST_DAY -> makeDate(call, batch);
            case TIMESTAMP_ADD_MICROS, TIMESTAMP_ADD_MONTHS -> timestampAdd(call, batch);
            case DATE_DIFF -> diff(call, batch);
            case EPOCH, EPOCH_MS, EPOCH_US, EPOCH_NS -> epoch(call, batch);
            case TIMESTAMP_FROM_MILLIS, TIMESTAMP_FROM_MICROS -> fromEpoch(call, batch);
            case MAKE_TIMESTAMP -> makeTimestamp(call, batch);
            default -> extract(call, batch);
        };
    }

    /** A TIMESTAMP plus microseconds or months; past the TIMESTAMP range is an error. */
    private ColumnVector timestampAdd(Expr.Call call, Batch batch) {
        Functions.requireArgs(call, 2, 2);
        ColumnVector t = eval.evaluate(call.args().get(0), batch);
        ColumnVector n = eval.evaluate(call.args().get(1), batch);
        int rows = batch.rowCount();
        MemorySegment validity = eval.allValid(new ColumnVector[] {t, n}, rows);
        ColumnVector out = eval.newVector(DataType.TIMESTAMP, rows, validity);
        boolean months = call.function() == Expr.Function.TIMESTAMP_ADD_MONTHS;
        for (int i = 0, live = batch.liveCount(); i < live; i++) {
            int r = batch.liveRow(i);
            if (validity != null && !Validity.isValid(validity, r)) {
                continue;
            }
            long micros = t.getLong(r);
            long amount = Functions.integral(n, r);
            if (months) {
                long day = Math.floorDiv(micros, MICROS_PER_DAY);
                long timeOfDay = Math.floorMod(micros, MICROS_PER_DAY);
                long shifted = LocalDate.ofEpochDay(day).plusMonths(amount).toEpochDay();
                out.setLong(r, Math.addExact(Math.multiplyExact(shifted, MICROS_PER_DAY), timeOfDay));
            } else {
                out.setLong(r, Math.addExact(micros, amount));
            }
        }
        return out;
    }

    /**
     * EPOCH (FLOAT64 seconds) and EPOCH_MS/US/NS (INT64) of a DATE or TIMESTAMP: milliseconds round
     * down (a time 0.5 ms before the epoch is -1, as DuckDB); nanoseconds past INT64 are an error.
     */
    private ColumnVector epoch(Expr.Call call, Batch batch) {
        Functions.requireArgs(call, 1, 1);
        ColumnVector t = eval.evaluate(call.args().getFirst(), batch);
        Expr.Function f = call.function();
        ColumnVector out = eval.newVector(f == Expr.Function.EPOCH ? DataType.FLOAT64 : DataType.INT64, batch.rowCount(), t.validity());
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (t.isNull(r)) {
                continue;
            }
            long us = micros(t, r);
            switch (f) {
                case EPOCH -> out.setDouble(r, us / (double) MICROS_PER_SECOND);
                case EPOCH_MS -> out.setLong(r, Math.floorDiv(us, 1000L));
                case EPOCH_NS -> out.setLong(r, Math.multiplyExact(us, 1000L));
                default -> out.setLong(r, us);
            }
        }
        return out;
    }

    /** The TIMESTAMP n milliseconds (epoch_ms(n)) or microseconds (make_timestamp(n)) after the epoch. */
    private ColumnVector fromEpoch(Expr.Call call, Batch batch) {
        Functions.requireArgs(call, 1, 1);
        ColumnVector n = eval.evaluate(call.args().getFirst(), batch);
        long scale = call.function() == Expr.Function.TIMESTAMP_FROM_MILLIS ? 1000L : 1L;
        ColumnVector out = eval.newVector(DataType.TIMESTAMP, batch.rowCount(), n.validity());
        for (int i = 0, live = batch.liveCount(); i < live; i++) {
            int r = batch.liveRow(i);
            if (!n.isNull(r)) {
                out.setLong(r, Math.multiplyExact(Functions.integral(n, r), scale));
            }
        }
        return out;
    }

    /** MAKE_TIMESTAMP(year, month, day, hour, minute, seconds): an impossible time is an error. */
    private ColumnVector makeTimestamp(Expr.Call call, Batch batch) {
        Functions.requireArgs(call, 6, 6);
        ColumnVector[] a = new ColumnVector[6];
        for (int i = 0; i < a.length; i++) {
            a[i] = eval.evaluate(call.args().get(i), batch);
        }
        int rows = batch.rowCount();
        MemorySegment validity = eval.allValid(a, rows);
        ColumnVector out = eval.newVector(DataType.TIMESTAMP, rows, validity);
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (validity != null && !Validity.isValid(validity, r)) {
                continue;
            }
            long y = Functions.integral(a[0], r), mo = Functions.integral(a[1], r), d = Functions.integral(a[2], r);
            long h = Functions.integral(a[3], r), mi = Functions.integral(a[4], r);
            long secUs = secondsAsMicros(a[5], r);
            if (h < 0 || h > 23 || mi < 0 || mi > 59 || secUs < 0 || secUs >= 60 * MICROS_PER_SECOND) {
                throw new IllegalArgumentException("MAKE_TIMESTAMP(" + y + ", " + mo + ", " + d + ", " + h + ", " + mi + ", "
                        + secUs / (double) MICROS_PER_SECOND + "): not a time");
            }
            long day = date(y, mo, d, "MAKE_TIMESTAMP", ", ...").toEpochDay();
            out.setLong(r, Math.addExact(Math.multiplyExact(day, MICROS_PER_DAY), h * MICROS_PER_HOUR + mi * MICROS_PER_MINUTE + secUs));
        }
        return out;
    }

    /**
     * The date of year {@code y}, month {@code m}, day {@code d}; an impossible one is an error
     * naming the call, {@code fn(y, m, d<rest>)}.
     */
    private static LocalDate date(long y, long m, long d, String fn, String rest) {
        try {
            return LocalDate.of(Math.toIntExact(y), Math.toIntExact(m), Math.toIntExact(d));
        } catch (java.time.DateTimeException | ArithmeticException e) {
            throw new IllegalArgumentException(fn + "(" + y + ", " + m + ", " + d + rest + "): not a date");
        }
    }

    /** A seconds argument (integer, DECIMAL or FLOAT64) in microseconds, rounded to the nearest. */
    private static long secondsAsMicros(ColumnVector v, int r) {
        return switch (v.type()) {
            case DataType.Float64Type f -> Math.round(v.getDouble(r) * MICROS_PER_SECOND);
            case DataType.DecimalType dt -> java.math.BigDecimal.valueOf(v.getLong(r), dt.scale()).movePointRight(6)
                    .setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
            default -> Math.multiplyExact(Functions.integral(v, r), MICROS_PER_SECOND);
        };
    }

    /** MAKE_DATE(year, month, day) and LAST_DAY(date): DATE results; an impossible date is an error. */
    private ColumnVector makeDate(Expr.Call call, Batch batch) {
        boolean make = call.function() == Expr.Function.MAKE_DATE;
        Functions.requireArgs(call, make ? 3 : 1, make ? 3 : 1);
        ColumnVector[] a = new ColumnVector[call.args().size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = eval.evaluate(call.args().get(i), batch);
        }
        int rows = batch.rowCount();
        MemorySegment validity = eval.allValid(a, rows);
        ColumnVector out = eval.newVector(DataType.DATE, rows, validity);
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (validity != null && !Validity.isValid(validity, r)) {
                continue;
            }
            java.time.LocalDate d;
            if (make) {
                long y = Functions.integral(a[0], r);
                long m = Functions.integral(a[1], r);
                long day = Functions.integral(a[2], r);
                d = date(y, m, day, "MAKE_DATE", "");
            } else {
                d = java.time.LocalDate.ofEpochDay(Math.floorDiv(micros(a[0], r), MICROS_PER_DAY));
                d = d.withDayOfMonth(d.lengthOfMonth());
            }
            out.setInt(r, Math.toIntExact(d.toEpochDay()));
        }
        return out;
    }

    /** Microseconds since the epoch of row {@code r} of a DATE or TIMESTAMP vector. */
    static long micros(ColumnVector v, int r) {
        return switch (v.type()) {
            case DataType.DateType d -> v.getInt(r) * MICROS_PER_DAY;
            case DataType.TimestampType t -> v.getLong(r);
            default -> throw new IllegalArgumentException("needs a DATE or TIMESTAMP, got " + v.type().sqlName());
        };
    }

    private ColumnVector extract(Expr.Call call, Batch batch) {
        Functions.requireArgs(call, 1, 1);
        ColumnVector d = eval.evaluate(call.args().getFirst(), batch);
        ColumnVector out = eval.newVector(DataType.INT64, batch.rowCount(), d.validity());
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (d.isNull(r)) {
                continue;
            }
            long t = micros(d, r);
            long days = Math.floorDiv(t, MICROS_PER_DAY);
            long time = Math.floorMod(t, MICROS_PER_DAY);
            out.setLong(r, switch (call.function()) {
                case EXTRACT_QUARTER -> (Math.abs(Functions.civil(days) / 100 % 100) - 1) / 3 + 1;
                case EXTRACT_DOW -> Math.floorMod(days + 4, 7);
                case EXTRACT_ISODOW -> Math.floorMod(days + 3, 7) + 1;
                case EXTRACT_DOY -> LocalDate.ofEpochDay(days).getDayOfYear();
                case EXTRACT_WEEK -> LocalDate.ofEpochDay(days).get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
                case EXTRACT_HOUR -> time / MICROS_PER_HOUR;
                case EXTRACT_MINUTE -> time / MICROS_PER_MINUTE % 60;
                case EXTRACT_SECOND -> time / MICROS_PER_SECOND % 60;
                default -> throw new IllegalArgumentException("not a date part: " + call.function());
            });
        }
        return out;
    }

    /** The parts DATE_TRUNC and DATE_DIFF take. */
    enum Part {
        MILLENNIUM, CENTURY, DECADE, YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND;

        static Part of(String name) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            return switch (n) {
                case "millennium", "millennia", "millenniums" -> MILLENNIUM;
                case "century", "centuries" -> CENTURY;
                case "decade", "decades" -> DECADE;
                case "year", "years", "y", "yr", "yrs", "yy", "yyy", "yyyy" -> YEAR;
                case "quarter", "quarters" -> QUARTER;
                case "month", "months", "mon", "mons" -> MONTH;
                case "week", "weeks", "w" -> WEEK;
                case "day", "days", "d", "dayofmonth" -> DAY;
                case "hour", "hours", "h", "hr", "hrs" -> HOUR;
                case "minute", "minutes", "m", "min", "mins" -> MINUTE;
                case "second", "seconds", "s", "sec", "secs" -> SECOND;
                case "millisecond", "milliseconds", "ms", "msec", "msecs" -> MILLISECOND;
                case "microsecond", "microseconds", "us", "usec", "usecs" -> MICROSECOND;
                default -> throw new IllegalArgumentException("unknown date part '" + name + "'");
            };
        }
    }

    private static Part part(ColumnVector parts, int r, Part last, String[] lastName) {
        String name = TextFunctions.string(parts, r);
        if (last != null && name.equals(lastName[0])) {
            return last;
        }
        lastName[0] = name;
        return Part.of(name);
    }

    private ColumnVector trunc(Expr.Call call, Batch batch) {
        Functions.requireArgs(call, 2, 2);
        ColumnVector parts = eval.evaluate(call.args().get(0), batch);
        ColumnVector d = eval.evaluate(call.args().get(1), batch);
        int rows = batch.rowCount();
        MemorySegment validity = eval.mergeValidity(parts.validity(), d.validity(), rows);
        ColumnVector out = eval.newVector(DataType.TIMESTAMP, rows, validity);
        Part part = null;
        String[] name = {null};
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (validity != null && !Validity.isValid(validity, r)) {
                continue;
            }
            part = part(parts, r, part, name);
            out.setLong(r, truncate(part, micros(d, r)));
        }
        return out;
    }

    static long truncate(Part part, long t) {
        long days = Math.floorDiv(t, MICROS_PER_DAY);
        return switch (part) {
            case MICROSECOND -> t;
            case MILLISECOND -> Math.floorDiv(t, 1000L) * 1000L;
            case SECOND -> Math.floorDiv(t, MICROS_PER_SECOND) * MICROS_PER_SECOND;
            case MINUTE -> Math.floorDiv(t, MICROS_PER_MINUTE) * MICROS_PER_MINUTE;
            case HOUR -> Math.floorDiv(t, MICROS_PER_HOUR) * MICROS_PER_HOUR;
            case DAY -> days * MICROS_PER_DAY;
            case WEEK -> (days - Math.floorMod(days + 3, 7)) * MICROS_PER_DAY;
            default -> {
                LocalDate date = LocalDate.ofEpochDay(days);
                int y = date.getYear();
                LocalDate first = switch (part) {
                    case MONTH -> date.withDayOfMonth(1);
                    case QUARTER -> LocalDate.of(y, (date.getMonthValue() - 1) / 3 * 3 + 1, 1);
                    case YEAR -> LocalDate.of(y, 1, 1);
                    case DECADE -> LocalDate.of(Math.floorDiv(y, 10) * 10, 1, 1);
                    case CENTURY -> LocalDate.of(y > 0 ? (y - 1) / 100 * 100 + 1 : Math.floorDiv(y, 100) * 100 + 1, 1, 1);
                    default -> LocalDate.of(y > 0 ? (y - 1) / 1000 * 1000 + 1 : Math.floorDiv(y, 1000) * 1000 + 1, 1, 1);
                };
                yield first.toEpochDay() * MICROS_PER_DAY;
            }
        };
    }

    private ColumnVector diff(Expr.Call call, Batch batch) {
        Functions.requireArgs(call, 3, 3);
        ColumnVector parts = eval.evaluate(call.args().get(0), batch);
        ColumnVector a = eval.evaluate(call.args().get(1), batch);
        ColumnVector b = eval.evaluate(call.args().get(2), batch);
        int rows = batch.rowCount();
        MemorySegment validity = eval.allValid(new ColumnVector[] {parts, a, b}, rows);
        ColumnVector out = eval.newVector(DataType.INT64, rows, validity);
        Part part = null;
        String[] name = {null};
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (validity != null && !Validity.isValid(validity, r)) {
                continue;
            }
            part = part(parts, r, part, name);
            out.setLong(r, difference(part, micros(a, r), micros(b, r)));
        }
        return out;
    }

    static long difference(Part part, long a, long b) {
        return switch (part) {
            case MICROSECOND -> Math.subtractExact(b, a);
            case MILLISECOND -> Math.floorDiv(b, 1000L) - Math.floorDiv(a, 1000L);
            case SECOND -> Math.floorDiv(b, MICROS_PER_SECOND) - Math.floorDiv(a, MICROS_PER_SECOND);
            case MINUTE -> Math.floorDiv(b, MICROS_PER_MINUTE) - Math.floorDiv(a, MICROS_PER_MINUTE);
            case HOUR -> Math.floorDiv(b, MICROS_PER_HOUR) - Math.floorDiv(a, MICROS_PER_HOUR);
            case DAY -> Math.floorDiv(b, MICROS_PER_DAY) - Math.floorDiv(a, MICROS_PER_DAY);
            case WEEK -> (Math.floorDiv(b, MICROS_PER_DAY) - Math.floorDiv(a, MICROS_PER_DAY)) / 7;
            default -> {
                LocalDate x = LocalDate.ofEpochDay(Math.floorDiv(a, MICROS_PER_DAY));
                LocalDate y = LocalDate.ofEpochDay(Math.floorDiv(b, MICROS_PER_DAY));
                long months = (y.getYear() * 12L + y.getMonthValue()) - (x.getYear() * 12L + x.getMonthValue());
                yield switch (part) {
                    case MONTH -> months;
                    case QUARTER -> (y.getYear() * 4L + (y.getMonthValue() - 1) / 3) - (x.getYear() * 4L + (x.getMonthValue() - 1) / 3);
                    case YEAR -> y.getYear() - x.getYear();
                    case DECADE -> Math.floorDiv(y.getYear(), 10) - Math.floorDiv(x.getYear(), 10);
                    case CENTURY -> Math.floorDiv(y.getYear(), 100) - Math.floorDiv(x.getYear(), 100);
                    default -> Math.floorDiv(y.getYear(), 1000) - Math.floorDiv(x.getYear(), 1000);
                };
            }
        };
    }
}
