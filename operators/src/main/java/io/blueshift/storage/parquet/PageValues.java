package io.blueshift.storage.parquet;

import io.blueshift.storage.parquet.ParquetColumn.Conversion;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A run of decoded, non-null values of one column in engine form: integers and
 * timestamps/decimals in {@code longs}, floating point in {@code doubles}, booleans as 0/1 in
 * {@code longs}, strings as (offset, length) into {@code bytes}. Used for a mini-batch of a
 * page and for a whole dictionary.
 */
final class PageValues {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle DOUBLE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long JULIAN_EPOCH_DAY = 2_440_588L;
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    final long[] longs;
    final double[] doubles;
    final int[] offsets;
    final int[] lengths;
    byte[] bytes;
    int count;

    PageValues(ParquetColumn column, int capacity) {
        boolean floating = column.conversion() == Conversion.FLOAT_TO_DOUBLE || column.conversion() == Conversion.DOUBLE;
        boolean string = column.conversion() == Conversion.STRING;
        this.longs = floating || string ? null : new long[capacity];
        this.doubles = floating ? new double[capacity] : null;
        this.offsets = string ? new int[capacity] : null;
        this.lengths = string ? new int[capacity] : null;
    }

    private PageValues(long[] longs, double[] doubles, int[] offsets, int[] lengths) {
        this.longs = longs;
        this.doubles = doubles;
        this.offsets = offsets;
        this.lengths = lengths;
    }

    /** Per-thread arrays for one mini-batch: a row group's chunks are decoded one after another on a thread. */
    static final class Scratch {
        final long[] longs;
        final double[] doubles;
        final int[] offsets;
        final int[] lengths;
        final int[] levels;
        final int[] indices;
        private byte[] page = new byte[1 << 16];
        private byte[] dictionaryPage = new byte[1 << 12];
        /** Dictionary pages larger than this get a buffer of their own, not kept by the thread. */
        private static final int MAX_KEPT_DICTIONARY = 16 << 20;

        /**
         * A buffer of at least {@code bytes} for a dictionary page (contents undefined), valid
         * until this thread's next chunk: decoded dictionaries live as long as their chunk's
         * decoding, and string data is copied out of them into the vectors.
         */
        byte[] dictionaryPage(int bytes) {
            if (dictionaryPage.length >= bytes + SnappyDecoder.OUTPUT_PADDING) {
                return dictionaryPage;
            }
            byte[] b = new byte[(int) Math.min(Integer.MAX_VALUE - 16, Math.max((long) bytes + SnappyDecoder.OUTPUT_PADDING, dictionaryPage.length * 2L))];
            if (b.length <= MAX_KEPT_DICTIONARY) {
                dictionaryPage = b;
            }
            return b;
        }

        /** A page buffer of at least {@code bytes} (contents undefined), valid until the next call. */
        /** At least {@code bytes} long, with room after them for the SNAPPY decoder's fast loop. */
        byte[] page(int bytes) {
            long need = (long) bytes + SnappyDecoder.OUTPUT_PADDING;
            if (page.length < need) {
                page = new byte[(int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, page.length * 2L))];
            }
            return page;
        }

        Scratch(int capacity) {
            longs = new long[capacity];
            doubles = new double[capacity];
            offsets = new int[capacity];
            lengths = new int[capacity];
            levels = new int[capacity];
            indices = new int[capacity];
        }
    }

    /** A mini-batch view over the thread's scratch arrays (valid until the thread's next chunk). */
    static PageValues over(ParquetColumn column, Scratch s) {
        boolean floating = column.conversion() == Conversion.FLOAT_TO_DOUBLE || column.conversion() == Conversion.DOUBLE;
        boolean string = column.conversion() == Conversion.STRING;
        return new PageValues(floating || string ? null : s.longs, floating ? s.doubles : null,
                string ? s.offsets : null, string ? s.lengths : null);
    }

    /** Smallest number of bits one PLAIN value of this column takes (bounds counts before allocating). */
    static long minPlainBits(ParquetColumn column) {
        return switch (column.physical()) {
            case BOOLEAN -> 1;
            case INT32, FLOAT -> 32;
            case INT64, DOUBLE -> 64;
            case INT96 -> 96;
            case BYTE_ARRAY -> 32;
            case FIXED_LEN_BYTE_ARRAY -> 8L * column.typeLength();
        };
    }

    /**
     * Decodes {@code n} PLAIN values from {@code buf[pos, end)} (booleans start at bit
     * {@code bitPos} of {@code pos}); returns the new position in bits from {@code pos*8}.
     */
    long decodePlain(ParquetColumn column, byte[] buf, long bitPos, int end, int n) {
        count = n;
        bytes = buf;
        int pos = (int) (bitPos >>> 3);
        long bitsNeeded = n * minPlainBits(column);
        if (column.physical() != org.apache.parquet.format.Type.BYTE_ARRAY && bitPos + bitsNeeded > (long) end * 8) {
            throw new IllegalStateException(n + " PLAIN values need " + ((bitsNeeded + 7) / 8)
                    + " bytes but the page has " + (end - pos) + " left");
        }
        switch (column.conversion()) {
            case BOOLEAN -> {
                for (int i = 0; i < n; i++) {
                    long b = bitPos + i;
                    longs[i] = (buf[(int) (b >>> 3)] >>> (b & 7)) & 1;
                }
                return bitPos + n;
            }
            case INT32 -> { for (int i = 0; i < n; i++) longs[i] = (int) INT.get(buf, pos + 4 * i); }
            case INT32_TO_INT64 -> { for (int i = 0; i < n; i++) longs[i] = (int) INT.get(buf, pos + 4 * i); }
            case UINT32_TO_INT64 -> { for (int i = 0; i < n; i++) longs[i] = Integer.toUnsignedLong((int) INT.get(buf, pos + 4 * i)); }
            case INT64, TIMESTAMP_MICROS -> { for (int i = 0; i < n; i++) longs[i] = (long) LONG.get(buf, pos + 8 * i); }
            case TIMESTAMP_MILLIS -> { for (int i = 0; i < n; i++) longs[i] = (long) LONG.get(buf, pos + 8 * i) * 1000L; }
            case TIMESTAMP_NANOS -> { for (int i = 0; i < n; i++) longs[i] = Math.floorDiv((long) LONG.get(buf, pos + 8 * i), 1000L); }
            case INT96_TIMESTAMP -> {
                for (int i = 0; i < n; i++) {
                    long nanosOfDay = (long) LONG.get(buf, pos + 12 * i);
                    long julianDay = Integer.toUnsignedLong((int) INT.get(buf, pos + 12 * i + 8));
                    longs[i] = (julianDay - JULIAN_EPOCH_DAY) * MICROS_PER_DAY + Math.floorDiv(nanosOfDay, 1000L);
                }
            }
            case FLOAT_TO_DOUBLE -> { for (int i = 0; i < n; i++) doubles[i] = (float) FLOAT.get(buf, pos + 4 * i); }
            case DOUBLE -> { for (int i = 0; i < n; i++) doubles[i] = (double) DOUBLE.get(buf, pos + 8 * i); }
            case STRING -> {
                int p = pos;
                for (int i = 0; i < n; i++) {
                    if (p + 4 > end) {
                        throw new IllegalStateException("string length past the end of the page at " + p);
                    }
                    int len = (int) INT.get(buf, p);
                    p += 4;
                    if (len < 0 || len > end - p) {
                        throw new IllegalStateException("string of " + len + " bytes runs past the end of the page at " + p);
                    }
                    offsets[i] = p;
                    lengths[i] = len;
                    p += len;
                }
                return (long) p * 8;
            }
            case BINARY_DECIMAL -> {
                int p = pos;
                for (int i = 0; i < n; i++) {
                    int len = column.typeLength();
                    if (column.physical() == org.apache.parquet.format.Type.BYTE_ARRAY) {
                        if (p + 4 > end) {
                            throw new IllegalStateException("decimal length past the end of the page at " + p);
                        }
                        len = (int) INT.get(buf, p);
                        p += 4;
                        if (len < 0 || len > end - p) {
                            throw new IllegalStateException("decimal of " + len + " bytes runs past the end of the page at " + p);
                        }
                    }
                    longs[i] = bigEndianDecimal(buf, p, len);
                    p += len;
                }
                return (long) p * 8;
            }
        }
        return bitPos + bitsNeeded;
    }

    private static long bigEndianDecimal(byte[] buf, int p, int len) {
        if (len == 0) {
            return 0;
        }
        long v = buf[p]; // sign-extends
        for (int i = 1; i < len; i++) {
            if (i >= 8 && (v >> 55) != 0 && (v >> 55) != -1) {
                throw new IllegalStateException("decimal value does not fit 18 digits");
            }
            v = (v << 8) | (buf[p + i] & 0xFF);
        }
        return v;
    }
}
