package io.blueshift.storage.arrow;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ViewVarCharVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * Arrow IPC column types to ours, and the copy of one Arrow Java vector's values into one of
 * our vectors. Buffers are read as bounds-checked segments over Arrow's memory and every
 * length and offset is checked first, so a corrupt file fails with an exception, never a
 * read outside a buffer. Same-layout columns (int32, int64, double, date32, timestamp[us]) are
 * copied in bulk; the rest value by value with a conversion.
 */
final class ArrowColumnCopy {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    private ArrowColumnCopy() {}

    /** Our type for an Arrow type; unsupported ones are an error naming the column. */
    static DataType engineType(Path path, String column, ArrowType type) {
        return switch (type) {
            case ArrowType.Bool b -> DataType.BOOLEAN;
            case ArrowType.Int i -> i.getBitWidth() < 32 || (i.getBitWidth() == 32 && i.getIsSigned()) ? DataType.INT32 : DataType.INT64;
            case ArrowType.FloatingPoint f when f.getPrecision() != FloatingPointPrecision.HALF -> DataType.FLOAT64;
            case ArrowType.Decimal d -> {
                if (d.getPrecision() > DataType.DecimalType.MAX_PRECISION || d.getScale() < 0 || d.getScale() > d.getPrecision()) {
                    throw new ArrowIpcException(path, column, -1, "not supported yet: DECIMAL(" + d.getPrecision() + ","
                            + d.getScale() + ") (precision above " + DataType.DecimalType.MAX_PRECISION + ")");
                }
                yield DataType.decimal(d.getPrecision(), d.getScale());
            }
            case ArrowType.Date d -> DataType.DATE;
            case ArrowType.Timestamp t -> DataType.TIMESTAMP;
            case ArrowType.Utf8 u -> DataType.VARCHAR;
            case ArrowType.LargeUtf8 u -> DataType.VARCHAR;
            case ArrowType.Utf8View u -> DataType.VARCHAR;
            case ArrowType.Null n -> DataType.VARCHAR;
            default -> throw new ArrowIpcException(path, column, -1, "not supported yet: Arrow type " + type);
        };
    }

    private static MemorySegment segment(ArrowBuf b) {
        if (b == null || b.capacity() == 0 || b.memoryAddress() == 0) {
            return MemorySegment.ofArray(new byte[0]);
        }
        return MemorySegment.ofAddress(b.memoryAddress()).reinterpret(b.capacity());
    }

    private static MemorySegment data(FieldVector v, long bytesNeeded) {
        MemorySegment s = segment(v.getDataBuffer());
        if (s.byteSize() < bytesNeeded) {
            throw new IllegalArgumentException("data buffer of " + s.byteSize() + " bytes is shorter than the "
                    + bytesNeeded + " its values need");
        }
        return s;
    }

    /** Copies values {@code [from, from + n)} of {@code src} to {@code dst[at, at + n)}. */
    static void copy(FieldVector src, int from, int n, ColumnVector dst, int at) {
        ArrowType type = src.getField().getType();
        if (type instanceof ArrowType.Null) {
            for (int i = 0; i < n; i++) {
                dst.setNull(at + i);
            }
            return;
        }
        long end = (long) from + n;
        switch (type) {
            case ArrowType.Bool b -> {
                MemorySegment d = data(src, (end + 7) >>> 3);
                for (int i = 0; i < n; i++) {
                    int bit = from + i;
                    dst.setBoolean(at + i, (d.get(ValueLayout.JAVA_BYTE, bit >>> 3) & (1 << (bit & 7))) != 0);
                }
            }
            case ArrowType.Int t -> copyInt(src, t, from, n, dst, at);
            case ArrowType.FloatingPoint f -> {
                if (f.getPrecision() == FloatingPointPrecision.DOUBLE) {
                    bulk(data(src, end * 8), from, n, dst, at, 8);
                } else {
                    MemorySegment d = data(src, end * 4);
                    for (int i = 0; i < n; i++) {
                        dst.setDouble(at + i, d.get(FLOAT, (from + i) * 4L));
                    }
                }
            }
            case ArrowType.Decimal dec -> {
                int width = dec.getBitWidth() / 8;
                MemorySegment d = data(src, end * width);
                for (int i = 0; i < n; i++) {
                    if (src.isNull(from + i)) {
                        continue;
                    }
                    long base = (from + i) * (long) width;
                    long low = d.get(LONG, base);
                    for (int w = 8; w < width; w += 8) {
                        if (d.get(LONG, base + w) != (low >> 63)) {
                            throw new IllegalArgumentException("decimal value at row " + (from + i) + " does not fit 18 digits");
                        }
                    }
                    dst.setLong(at + i, low);
                }
            }
            case ArrowType.Date dt -> {
                if (dt.getUnit() == DateUnit.DAY) {
                    bulk(data(src, end * 4), from, n, dst, at, 4);
                } else {
                    MemorySegment d = data(src, end * 8);
                    for (int i = 0; i < n; i++) {
                        dst.setInt(at + i, (int) Math.floorDiv(d.get(LONG, (from + i) * 8L), 86_400_000L));
                    }
                }
            }
            case ArrowType.Timestamp ts -> {
                MemorySegment d = data(src, end * 8);
                if (ts.getUnit() == TimeUnit.MICROSECOND) {
                    bulk(d, from, n, dst, at, 8);
                } else {
                    for (int i = 0; i < n; i++) {
                        long v = d.get(LONG, (from + i) * 8L);
                        dst.setLong(at + i, switch (ts.getUnit()) {
                            case SECOND -> Math.multiplyExact(v, 1_000_000L);
                            case MILLISECOND -> Math.multiplyExact(v, 1_000L);
                            case NANOSECOND -> Math.floorDiv(v, 1_000L);
                            case MICROSECOND -> v;
                        });
                    }
                }
            }
            case ArrowType.Utf8 u -> copyStrings(src, from, n, dst, at, false);
            case ArrowType.LargeUtf8 u -> copyStrings(src, from, n, dst, at, true);
            case ArrowType.Utf8View u -> {
                ViewVarCharVector views = (ViewVarCharVector) src;
                for (int i = 0; i < n; i++) {
                    if (!src.isNull(from + i)) {
                        dst.setString(at + i, requireUtf8(views.get(from + i), from + i));
                    }
                }
            }
            default -> throw new IllegalArgumentException("not supported yet: Arrow type " + type);
        }
        if (src.getNullCount() > 0) {
            for (int i = 0; i < n; i++) {
                if (src.isNull(from + i)) {
                    dst.setNull(at + i);
                }
            }
        }
    }

    /** Values {@code [from, from + n)} of a dictionary-encoded column: each index looked up and its value copied. */
    static void copyDictionary(FieldVector indices, FieldVector dictionary, int from, int n, ColumnVector dst, int at) {
        org.apache.arrow.vector.BaseIntVector index = (org.apache.arrow.vector.BaseIntVector) indices;
        int size = dictionary.getValueCount();
        for (int i = 0; i < n; i++) {
            if (indices.isNull(from + i)) {
                dst.setNull(at + i);
                continue;
            }
            long k = index.getValueAsLong(from + i);
            if (k < 0 || k >= size) {
                throw new IllegalArgumentException("dictionary index " + k + " at row " + (from + i)
                        + " is outside the dictionary of " + size + " values");
            }
            copy(dictionary, (int) k, 1, dst, at + i);
        }
    }

    private static void bulk(MemorySegment d, int from, int n, ColumnVector dst, int at, int width) {
        MemorySegment.copy(d, (long) from * width, dst.data(), (long) at * width, (long) n * width);
    }

    private static void copyInt(FieldVector src, ArrowType.Int t, int from, int n, ColumnVector dst, int at) {
        int width = t.getBitWidth() / 8;
        long end = (long) from + n;
        MemorySegment d = data(src, end * width);
        boolean signed = t.getIsSigned();
        if (width == 4 && signed || width == 8 && signed) {
            bulk(d, from, n, dst, at, width);
            return;
        }
        for (int i = 0; i < n; i++) {
            long at8 = (long) (from + i) * width;
            switch (width) {
                case 1 -> {
                    byte v = d.get(ValueLayout.JAVA_BYTE, at8);
                    dst.setInt(at + i, signed ? v : v & 0xFF);
                }
                case 2 -> {
                    short v = d.get(SHORT, at8);
                    dst.setInt(at + i, signed ? v : v & 0xFFFF);
                }
                case 4 -> dst.setLong(at + i, Integer.toUnsignedLong(d.get(INT, at8)));
                default -> {
                    long v = d.get(LONG, at8);
                    if (v < 0 && !src.isNull(from + i)) {
                        throw new IllegalArgumentException("UINT64 value " + Long.toUnsignedString(v)
                                + " at row " + (from + i) + " is beyond BIGINT");
                    }
                    dst.setLong(at + i, v);
                }
            }
        }
    }

    /** Utf8 (int32 offsets) or LargeUtf8 (int64 offsets), offsets checked before any byte is read. */
    private static void copyStrings(FieldVector src, int from, int n, ColumnVector dst, int at, boolean large) {
        int offsetWidth = large ? 8 : 4;
        MemorySegment offsets = segment(src.getOffsetBuffer());
        long needed = ((long) from + n + 1) * offsetWidth;
        if (n == 0) {
            return;
        }
        if (offsets.byteSize() < needed) {
            throw new IllegalArgumentException("offset buffer of " + offsets.byteSize() + " bytes is shorter than the "
                    + needed + " its values need");
        }
        MemorySegment data = segment(src.getDataBuffer());
        long previous = offset(offsets, from, large);
        for (int i = 0; i < n; i++) {
            long next = offset(offsets, from + i + 1, large);
            if (previous < 0 || next < previous || next > data.byteSize() || next - previous > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("string offsets " + previous + ".." + next + " at row " + (from + i)
                        + " are outside the data buffer of " + data.byteSize() + " bytes");
            }
            if (!src.isNull(from + i)) {
                byte[] bytes = new byte[(int) (next - previous)];
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, previous, bytes, 0, bytes.length);
                dst.setString(at + i, requireUtf8(bytes, from + i));
            }
            previous = next;
        }
    }

    /** Arrow strings must be UTF-8; a corrupt file's are refused here rather than stored. */
    private static byte[] requireUtf8(byte[] bytes, int row) {
        for (byte b : bytes) {
            if (b < 0) {
                try {
                    java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
                    return bytes;
                } catch (java.nio.charset.CharacterCodingException e) {
                    throw new IllegalArgumentException("invalid UTF-8 in the string at row " + row);
                }
            }
        }
        return bytes;
    }

    private static long offset(MemorySegment offsets, int index, boolean large) {
        return large ? offsets.get(LONG, index * 8L) : offsets.get(INT, index * 4L);
    }
}
