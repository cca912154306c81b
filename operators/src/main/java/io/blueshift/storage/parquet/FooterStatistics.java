package io.blueshift.storage.parquet;

import org.apache.parquet.format.Statistics;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Decodes a column chunk's footer statistics into engine-value bounds. */
final class FooterStatistics {
    private FooterStatistics() {}

    /** {min, max} in engine units, or null when the statistics give no bounds we can trust. */
    static long[] longBounds(ParquetColumn c, Statistics st) {
        byte[] min;
        byte[] max;
        if (st.isSetMin_value() && st.isSetMax_value()) {
            min = st.getMin_value();
            max = st.getMax_value();
        } else if (st.isSetMin() && st.isSetMax() && signedLegacyOrder(c)) {
            min = st.getMin();
            max = st.getMax();
        } else {
            return null;
        }
        Long lo = decode(c, min);
        Long hi = decode(c, max);
        if (lo == null || hi == null || lo > hi) {
            return null;
        }
        return new long[] {lo, hi};
    }

    /** The deprecated min/max were written in signed order: right for signed integers only. */
    private static boolean signedLegacyOrder(ParquetColumn c) {
        return switch (c.conversion()) {
            case INT32, INT32_TO_INT64, INT64, TIMESTAMP_MILLIS, TIMESTAMP_MICROS, TIMESTAMP_NANOS -> true;
            default -> false;
        };
    }

    private static Long decode(ParquetColumn c, byte[] b) {
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        return switch (c.conversion()) {
            case INT32, INT32_TO_INT64 -> b.length == 4 ? (long) le.getInt() : null;
            case UINT32_TO_INT64 -> b.length == 4 ? Integer.toUnsignedLong(le.getInt()) : null;
            case INT64, TIMESTAMP_MICROS -> b.length == 8 ? le.getLong() : null;
            case TIMESTAMP_MILLIS -> b.length == 8 && Math.abs(le.getLong(0)) < Long.MAX_VALUE / 1000 ? le.getLong() * 1000 : null;
            case TIMESTAMP_NANOS -> b.length == 8 ? Math.floorDiv(le.getLong(), 1000L) : null;
            case BINARY_DECIMAL -> bigEndian(b);
            default -> null;
        };
    }

    private static Long bigEndian(byte[] b) {
        if (b.length == 0 || b.length > 8) {
            return null;
        }
        long v = b[0];
        for (int i = 1; i < b.length; i++) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }
}
