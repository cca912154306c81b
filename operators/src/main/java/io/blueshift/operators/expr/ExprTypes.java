package io.blueshift.operators.expr;

import io.blueshift.memory.DataType;
import io.blueshift.memory.DataType.DecimalType;

/**
 * Result types of arithmetic, with DECIMAL scale rules: {@code +,-} take the larger scale
 * and one more integer digit; {@code *} adds scales and precisions; {@code /} on decimals
 * yields FLOAT64 (as DuckDB does). Precision is capped at 18 (int64 storage); values that
 * do not fit raise an overflow error at run time rather than wrap.
 */
public final class ExprTypes {
    private ExprTypes() {}

    public static DataType arithmetic(Expr.ArithmeticOp op, DataType left, DataType right) {
        if (!isNumeric(left) || !isNumeric(right)) {
            throw new IllegalArgumentException("cannot apply " + op.symbol() + " to " + left.sqlName()
                    + " and " + right.sqlName());
        }
        if (left instanceof DataType.Float64Type || right instanceof DataType.Float64Type
                || op == Expr.ArithmeticOp.DIVIDE) {
            return DataType.FLOAT64;
        }
        if (left instanceof DecimalType || right instanceof DecimalType) {
            DecimalType l = asDecimal(left);
            DecimalType r = asDecimal(right);
            return switch (op) {
                case ADD, SUBTRACT -> {
                    int scale = Math.max(l.scale(), r.scale());
                    int integer = Math.max(l.precision() - l.scale(), r.precision() - r.scale()) + 1;
                    yield DataType.decimal(Math.min(DecimalType.MAX_PRECISION, Math.max(integer + scale, 1)), scale);
                }
                case MULTIPLY -> {
                    int scale = l.scale() + r.scale();
                    if (scale > DecimalType.MAX_PRECISION) {
                        throw new IllegalArgumentException("not supported: DECIMAL product with scale " + scale
                                + " (over " + DecimalType.MAX_PRECISION + ")");
                    }
                    yield DataType.decimal(Math.min(DecimalType.MAX_PRECISION, Math.max(l.precision() + r.precision(), scale)), scale);
                }
                case DIVIDE -> DataType.FLOAT64;
            };
        }
        return DataType.INT64;
    }

    /**
     * The type both {@code a} and {@code b} convert to without loss (the inputs of UNION, the
     * branches of CASE): numbers widen (INT32 < INT64 < DECIMAL < FLOAT64, decimals keep the
     * larger integer part and scale, capped at 18 digits), DATE goes to TIMESTAMP; null when
     * there is none.
     */
    public static DataType common(DataType a, DataType b) {
        if (a.equals(b)) {
            return a;
        }
        if (isNumeric(a) && isNumeric(b)) {
            if (a instanceof DataType.Float64Type || b instanceof DataType.Float64Type) {
                return DataType.FLOAT64;
            }
            if (a instanceof DecimalType || b instanceof DecimalType) {
                DecimalType x = asDecimal(a);
                DecimalType y = asDecimal(b);
                int scale = Math.max(x.scale(), y.scale());
                int integer = Math.max(x.precision() - x.scale(), y.precision() - y.scale());
                return DataType.decimal(Math.min(DecimalType.MAX_PRECISION, integer + scale), scale);
            }
            return DataType.INT64;
        }
        if ((a instanceof DataType.DateType && b instanceof DataType.TimestampType)
                || (a instanceof DataType.TimestampType && b instanceof DataType.DateType)) {
            return DataType.TIMESTAMP;
        }
        return null;
    }

    public static boolean isNumeric(DataType t) {
        return t instanceof DataType.Int32Type || t instanceof DataType.Int64Type
                || t instanceof DataType.Float64Type || t instanceof DecimalType;
    }

    /** INT32 as DECIMAL(10,0), INT64 as DECIMAL(18,0). */
    public static DecimalType asDecimal(DataType t) {
        return switch (t) {
            case DecimalType d -> d;
            case DataType.Int32Type i -> DataType.decimal(10, 0);
            case DataType.Int64Type i -> DataType.decimal(18, 0);
            default -> throw new IllegalArgumentException(t.sqlName() + " is not a number");
        };
    }

    public static long pow10(int digits) {
        if (digits < 0 || digits > 18) {
            throw new IllegalArgumentException("scale step out of range: " + digits);
        }
        long p = 1;
        for (int i = 0; i < digits; i++) {
            p *= 10;
        }
        return p;
    }
}
