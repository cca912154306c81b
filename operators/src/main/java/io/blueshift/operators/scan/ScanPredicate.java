package io.blueshift.operators.scan;

import io.blueshift.kernels.CompareOp;
import io.blueshift.storage.ZoneMap;

/**
 * A {@code column OP constant} conjunct a scan uses to skip blocks by their zone maps. The
 * filter above still evaluates it: skipping only drops blocks that cannot match.
 * {@code column} is the index in the table's schema.
 */
public record ScanPredicate(int column, CompareOp op, long longValue, double doubleValue, boolean floating) {
    public static ScanPredicate ofLong(int column, CompareOp op, long value) {
        return new ScanPredicate(column, op, value, 0, false);
    }

    public static ScanPredicate ofDouble(int column, CompareOp op, double value) {
        return new ScanPredicate(column, op, 0, value, true);
    }

    public boolean excludes(ZoneMap zoneMap) {
        return floating ? zoneMap.excludes(op, doubleValue) : zoneMap.excludes(op, longValue);
    }

    public String describe(String columnName) {
        return columnName + " " + op.symbol() + " " + (floating ? Double.toString(doubleValue) : Long.toString(longValue));
    }
}
