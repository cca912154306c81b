package io.blueshift.operators.expr;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.DataType.DecimalType;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * CASTs the arithmetic path does not cover: to and from VARCHAR, narrowing to INTEGER,
 * DECIMAL/DOUBLE to BIGINT, DATE and TIMESTAMP. Rounding follows DuckDB: DECIMAL rounds half
 * away from zero, DOUBLE half to even. A value that does not fit or parse is an error naming it.
 */
final class Casts {
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    private final ExpressionEvaluator eval;

    Casts(ExpressionEvaluator eval) {
        this.eval = eval;
    }

    ColumnVector cast(ColumnVector v, DataType target, Batch batch) {
        DataType from = v.type();
        if (target instanceof DataType.VarcharType) {
            StringOutput out = new StringOutput(eval.scratch(), batch.rowCount());
            for (int i = 0, n = batch.liveCount(); i < n; i++) {
                int r = batch.liveRow(i);
                if (!v.isNull(r)) {
                    out.put(r, text(v, r).getBytes(StandardCharsets.UTF_8));
                }
            }
            return out.finish(v.validity());
        }
        ColumnVector out = eval.newVector(target, batch.rowCount(), v.validity());
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (v.isNull(r)) {
                continue;
            }
            switch (from) {
                case DataType.VarcharType t -> parse(v.getString(r), target, out, r);
                case DataType.DateType t when target instanceof DataType.TimestampType -> out.setLong(r, v.getInt(r) * MICROS_PER_DAY);
                case DataType.TimestampType t when target instanceof DataType.DateType -> out.setInt(r, Math.toIntExact(Math.floorDiv(v.getLong(r), MICROS_PER_DAY)));
                case DataType.BooleanType t when ExprTypes.isNumeric(target) -> store(BigDecimal.valueOf(v.getBoolean(r) ? 1 : 0), null, target, out, r);
                default -> {
                    if (!ExprTypes.isNumeric(from) || !ExprTypes.isNumeric(target)) {
                        throw unsupported(from, target);
                    }
                    if (from instanceof DataType.Float64Type) {
                        double d = v.getDouble(r);
                        if (!Double.isFinite(d)) {
                            throw new ArithmeticException("cannot cast " + d + " to " + target.sqlName());
                        }
                        store(BigDecimal.valueOf(d), d, target, out, r);
                    } else {
                        store(BigDecimal.valueOf(Functions.integral(v, r), from instanceof DecimalType d ? d.scale() : 0), null, target, out, r);
                    }
                }
            }
        }
        return out;
    }

    private static UnsupportedOperationException unsupported(DataType from, DataType target) {
        return new UnsupportedOperationException("not supported: CAST(" + from.sqlName() + " AS " + target.sqlName() + ")");
    }

    /** Stores a number into a numeric target; {@code fromDouble} picks half-to-even rounding for integers. */
    private static void store(BigDecimal value, Double fromDouble, DataType target, ColumnVector out, int r) {
        RoundingMode mode = fromDouble != null ? RoundingMode.HALF_EVEN : RoundingMode.HALF_UP;
        switch (target) {
            case DataType.Float64Type f -> out.setDouble(r, fromDouble != null ? fromDouble : value.doubleValue());
            case DataType.Int32Type t -> out.setInt(r, (int) fit(value.setScale(0, mode), Integer.MIN_VALUE, Integer.MAX_VALUE, value, target));
            case DataType.Int64Type t -> out.setLong(r, fit(value.setScale(0, mode), Long.MIN_VALUE, Long.MAX_VALUE, value, target));
            case DecimalType d -> {
                BigDecimal scaled = value.setScale(d.scale(), RoundingMode.HALF_UP);
                if (scaled.precision() - scaled.scale() > d.precision() - d.scale()) {
                    throw new ArithmeticException("value " + value.stripTrailingZeros().toPlainString() + " is out of range for " + d.sqlName());
                }
                out.setLong(r, scaled.unscaledValue().longValueExact());
            }
            default -> throw new IllegalStateException(target.sqlName());
        }
    }

    private static long fit(BigDecimal whole, long min, long max, BigDecimal original, DataType target) {
        if (whole.compareTo(BigDecimal.valueOf(min)) < 0 || whole.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new ArithmeticException("value " + original.stripTrailingZeros().toPlainString() + " is out of range for " + target.sqlName());
        }
        return whole.longValueExact();
    }

    private static void parse(String s, DataType target, ColumnVector out, int r) {
        String t = s.strip();
        try {
            switch (target) {
                case DataType.DateType d -> out.setInt(r, (int) parseDate(t).toEpochDay());
                case DataType.TimestampType ts -> out.setLong(r, io.blueshift.storage.csv.CsvTextFormat.parseTimestamp(s));
                case DataType.BooleanType b -> {
                    switch (t.toLowerCase(java.util.Locale.ROOT)) {
                        case "true", "t", "1" -> out.setBoolean(r, true);
                        case "false", "f", "0" -> out.setBoolean(r, false);
                        default -> throw new NumberFormatException();
                    }
                }
                case DataType.Float64Type f -> out.setDouble(r, Double.parseDouble(t));
                default -> {
                    if (!ExprTypes.isNumeric(target)) {
                        throw unsupported(DataType.VARCHAR, target);
                    }
                    store(new BigDecimal(t), null, target, out, r);
                }
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("could not convert string '" + s + "' to " + target.sqlName());
        }
    }

    /** {@code YYYY-M-D}, one- or two-digit month and day as DuckDB accepts. */
    private static LocalDate parseDate(String t) {
        String[] parts = t.split("-", -1);
        if (parts.length != 3) {
            throw new DateTimeParseException("bad date", t, 0);
        }
        try {
            return LocalDate.of(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
        } catch (NumberFormatException | java.time.DateTimeException e) {
            throw new DateTimeParseException("bad date", t, 0);
        }
    }

    /** A value as DuckDB prints it in a CAST to VARCHAR. */
    static String text(ColumnVector v, int r) {
        return switch (v.type()) {
            case DataType.BooleanType t -> v.getBoolean(r) ? "true" : "false";
            case DataType.Int32Type t -> Integer.toString(v.getInt(r));
            case DataType.Int64Type t -> Long.toString(v.getLong(r));
            case DecimalType d -> BigDecimal.valueOf(v.getLong(r), d.scale()).toPlainString();
            case DataType.Float64Type t -> doubleText(v.getDouble(r));
            case DataType.DateType t -> LocalDate.ofEpochDay(v.getInt(r)).toString();
            case DataType.TimestampType t -> io.blueshift.storage.csv.CsvTextFormat.timestamp(v.getLong(r));
            case DataType.VarcharType t -> v.getString(r);
        };
    }

    /** Shortest round-trip digits; plain from 1e-4 up to 1e16 (with ".0" when whole), else {@code 1e+20}. */
    static String doubleText(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return (1 / d < 0) ? "-0.0" : "0.0";
        BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exponent = b.precision() - b.scale() - 1;
        if (exponent >= -4 && exponent < 16) {
            String plain = b.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = b.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String exp = String.format("%02d", Math.abs(exponent));
        return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
    }
}
