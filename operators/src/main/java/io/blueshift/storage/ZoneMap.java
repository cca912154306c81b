package io.blueshift.storage;

import io.blueshift.kernels.CompareOp;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;

/**
 * Min and max of one column in one block, so a scan can skip blocks a predicate rules out.
 * Integer-like types (INT32, INT64, DATE, TIMESTAMP, DECIMAL unscaled) use the long bounds,
 * FLOAT64 the double bounds; other types keep no bounds and are never skipped.
 * {@code ascending}: an integer-like column without NULLs whose values never decrease along the
 * block (ties allowed), so a scan can tell its consumers the rows come in key order.
 */
public record ZoneMap(boolean hasBounds, long minLong, long maxLong, double minDouble, double maxDouble,
                      int nullCount, int rowCount, boolean strictlyIncreasing, boolean ascending) {

    public ZoneMap(boolean hasBounds, long minLong, long maxLong, double minDouble, double maxDouble,
                   int nullCount, int rowCount) {
        this(hasBounds, minLong, maxLong, minDouble, maxDouble, nullCount, rowCount, false);
    }

    /**
     * Bounds from statistics (a file footer, a series): not {@link #ascending}, which is set only
     * by {@link #compute} from the values themselves, as kernels rely on it for their results.
     */
    public ZoneMap(boolean hasBounds, long minLong, long maxLong, double minDouble, double maxDouble,
                   int nullCount, int rowCount, boolean strictlyIncreasing) {
        this(hasBounds, minLong, maxLong, minDouble, maxDouble, nullCount, rowCount, strictlyIncreasing, false);
    }

    public static ZoneMap compute(ColumnVector column, int rows) {
        int nulls = 0;
        long minL = Long.MAX_VALUE;
        long maxL = Long.MIN_VALUE;
        double minD = Double.POSITIVE_INFINITY;
        double maxD = Double.NEGATIVE_INFINITY;
        DataType type = column.type();
        boolean integral = isIntegral(type);
        boolean floating = type instanceof DataType.Float64Type;
        boolean sawNaN = false;
        boolean increasing = integral;
        boolean ascending = integral;
        long prev = Long.MIN_VALUE;
        for (int i = 0; i < rows; i++) {
            if (column.isNull(i)) {
                nulls++;
                increasing = false;
                ascending = false;
                continue;
            }
            if (integral) {
                long v = type.byteWidth() == 4 ? column.getInt(i) : column.getLong(i);
                increasing &= i == 0 || v > prev;
                ascending &= i == 0 || v >= prev;
                prev = v;
                minL = Math.min(minL, v);
                maxL = Math.max(maxL, v);
            } else if (floating) {
                double v = column.getDouble(i);
                if (Double.isNaN(v)) {
                    sawNaN = true;
                } else {
                    minD = Math.min(minD, v);
                    maxD = Math.max(maxD, v);
                }
            }
        }
        boolean bounds = (integral || (floating && !sawNaN)) && nulls < rows;
        return new ZoneMap(bounds, minL, maxL, minD, maxD, nulls, rows, increasing && rows > 0, ascending && rows > 0);
    }

    static boolean isIntegral(DataType type) {
        return type instanceof DataType.Int32Type || type instanceof DataType.Int64Type
                || type instanceof DataType.DateType || type instanceof DataType.TimestampType
                || type instanceof DataType.DecimalType;
    }

    /** True when no row of the block can satisfy {@code value OP constant}. */
    public boolean excludes(CompareOp op, long constant) {
        if (nullCount == rowCount) {
            return true; // all NULL: no comparison is true
        }
        if (!hasBounds) {
            return false;
        }
        return switch (op) {
            case EQ -> constant < minLong || constant > maxLong;
            case NE -> minLong == maxLong && minLong == constant;
            case LT -> minLong >= constant;
            case LE -> minLong > constant;
            case GT -> maxLong <= constant;
            case GE -> maxLong < constant;
        };
    }

    public boolean excludes(CompareOp op, double constant) {
        if (nullCount == rowCount) {
            return true;
        }
        if (!hasBounds || Double.isNaN(constant)) {
            return false;
        }
        return switch (op) {
            case EQ -> constant < minDouble || constant > maxDouble;
            case NE -> false;
            case LT -> minDouble >= constant;
            case LE -> minDouble > constant;
            case GT -> maxDouble <= constant;
            case GE -> maxDouble < constant;
        };
    }
}
