package io.blueshift.storage.parquet;

import io.blueshift.storage.parquet.ParquetColumn.Conversion;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.Type;

import java.util.Arrays;

/**
 * Value sources for the encodings Parquet v2 writers use: DELTA_BINARY_PACKED,
 * DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT. Each fills a
 * {@link PageValues} with the next {@code n} non-null values of a page.
 */
final class DeltaAndSplitValues {
    /** Most bytes one mini-batch of DELTA_BYTE_ARRAY strings may rebuild (prefixes repeat bytes). */
    private static final int MAX_BATCH_BYTES = 256 << 20;

    private DeltaAndSplitValues() {}

    interface Source {
        void read(int n, PageValues out);
    }

    /** The source for {@code encoding}, or null when it is not one of these four. */
    static Source open(Encoding encoding, ParquetColumn column, byte[] page, int p, int end, int pageValues) {
        if (p >= end) { // a page of nulls only may carry no value data at all
            return (n, out) -> {
                if (n > 0) {
                    throw new IllegalStateException(encoding + " page has no value data but " + n + " non-null values");
                }
                out.count = 0;
            };
        }
        return switch (encoding) {
            case DELTA_BINARY_PACKED -> {
                requirePhysical(encoding, column, Type.INT32, Type.INT64);
                yield new DeltaInts(column, new DeltaBinaryPackedDecoder(page, p, end));
            }
            case BYTE_STREAM_SPLIT -> {
                requirePhysical(encoding, column, Type.FLOAT, Type.DOUBLE, Type.INT32, Type.INT64, Type.FIXED_LEN_BYTE_ARRAY);
                yield new StreamSplit(column, page, p, end);
            }
            case DELTA_LENGTH_BYTE_ARRAY -> {
                requireString(encoding, column);
                yield new DeltaLengths(page, p, end, pageValues);
            }
            case DELTA_BYTE_ARRAY -> {
                requireString(encoding, column);
                yield new DeltaStrings(page, p, end, pageValues);
            }
            default -> null;
        };
    }

    private static void requirePhysical(Encoding e, ParquetColumn c, Type... types) {
        if (!Arrays.asList(types).contains(c.physical())) {
            throw new IllegalStateException("encoding " + e + " is not valid for " + c.physical());
        }
    }

    private static void requireString(Encoding e, ParquetColumn c) {
        if (c.conversion() != Conversion.STRING) {
            throw new IllegalStateException("not supported yet: encoding " + e + " for " + c.physical() + " as " + c.type().sqlName());
        }
    }

    /** Position just after a DELTA_BINARY_PACKED run of at most {@code maxValues} values. */
    private static int skipDelta(byte[] page, int p, int end, int maxValues) {
        DeltaBinaryPackedDecoder walk = new DeltaBinaryPackedDecoder(page, p, end);
        if (walk.remaining() > maxValues) {
            throw new IllegalStateException("DELTA_BINARY_PACKED run claims " + walk.remaining()
                    + " values in a page of " + maxValues);
        }
        while (walk.remaining() > 0) {
            walk.next();
        }
        return walk.endPosition();
    }

    /** Writes values as PLAIN little-endian bytes, so PLAIN decoding applies the column's conversion. */
    private abstract static class ViaPlain implements Source {
        final ParquetColumn column;
        final int width;
        byte[] scratch = new byte[0];

        ViaPlain(ParquetColumn column, int width) {
            this.column = column;
            this.width = width;
        }

        @Override
        public void read(int n, PageValues out) {
            int bytes = n * width;
            if (scratch.length < bytes) {
                scratch = new byte[bytes];
            }
            fill(n);
            out.decodePlain(column, scratch, 0, bytes, n);
        }

        abstract void fill(int n);
    }

    private static final class DeltaInts extends ViaPlain {
        private final DeltaBinaryPackedDecoder decoder;

        DeltaInts(ParquetColumn column, DeltaBinaryPackedDecoder decoder) {
            super(column, column.physical() == Type.INT32 ? 4 : 8);
            this.decoder = decoder;
        }

        @Override
        void fill(int n) {
            for (int i = 0; i < n; i++) {
                long v = decoder.next();
                for (int b = 0; b < width; b++) {
                    scratch[i * width + b] = (byte) (v >>> (8 * b));
                }
            }
        }
    }

    /** Byte k of value i is at {@code k * count + i}: one stream per byte of the value. */
    private static final class StreamSplit extends ViaPlain {
        private final byte[] page;
        private final int start;
        private final int count;
        private int next;

        StreamSplit(ParquetColumn column, byte[] page, int p, int end) {
            super(column, switch (column.physical()) {
                case FLOAT, INT32 -> 4;
                case DOUBLE, INT64 -> 8;
                default -> column.typeLength();
            });
            if (width <= 0 || (end - p) % width != 0) {
                throw new IllegalStateException("BYTE_STREAM_SPLIT data of " + (end - p) + " bytes is not a multiple of " + width);
            }
            this.page = page;
            this.start = p;
            this.count = (end - p) / width;
        }

        @Override
        void fill(int n) {
            if (next + n > count) {
                throw new IllegalStateException("BYTE_STREAM_SPLIT data holds " + count + " values, the page needs more");
            }
            for (int k = 0; k < width; k++) {
                int stream = start + k * count + next;
                for (int i = 0; i < n; i++) {
                    scratch[i * width + k] = page[stream + i];
                }
            }
            next += n;
        }
    }

    /** All lengths (DELTA_BINARY_PACKED), then all the bytes. */
    private static final class DeltaLengths implements Source {
        private final byte[] page;
        private final int end;
        private final DeltaBinaryPackedDecoder lengths;
        private int data;

        DeltaLengths(byte[] page, int p, int end, int pageValues) {
            this.page = page;
            this.end = end;
            this.data = skipDelta(page, p, end, pageValues);
            this.lengths = new DeltaBinaryPackedDecoder(page, p, end);
        }

        @Override
        public void read(int n, PageValues out) {
            out.bytes = page;
            for (int i = 0; i < n; i++) {
                long len = lengths.next();
                if (len < 0 || len > end - data) {
                    throw new IllegalStateException("string of " + len + " bytes runs past the end of the page at " + data);
                }
                out.offsets[i] = data;
                out.lengths[i] = (int) len;
                data += (int) len;
            }
            out.count = n;
        }
    }

    /** Prefix lengths (DELTA_BINARY_PACKED), then suffixes as DELTA_LENGTH_BYTE_ARRAY: each value shares a prefix with the one before. */
    private static final class DeltaStrings implements Source {
        private final DeltaBinaryPackedDecoder prefixes;
        private final DeltaLengths suffixes;
        private final PageValues suffix;
        private byte[] previous = new byte[0];
        private int previousLength;
        private byte[] scratch = new byte[1024];

        DeltaStrings(byte[] page, int p, int end, int pageValues) {
            int suffixStart = skipDelta(page, p, end, pageValues);
            this.prefixes = new DeltaBinaryPackedDecoder(page, p, end);
            this.suffixes = new DeltaLengths(page, suffixStart, end, pageValues);
            this.suffix = new PageValues(new ParquetColumn("suffix", 0, Type.BYTE_ARRAY, 0, false,
                    io.blueshift.memory.DataType.VARCHAR, Conversion.STRING), ColumnChunkReader.BATCH);
        }

        @Override
        public void read(int n, PageValues out) {
            suffixes.read(n, suffix);
            int fill = 0;
            for (int i = 0; i < n; i++) {
                long prefix = prefixes.next();
                if (prefix < 0 || prefix > previousLength) {
                    throw new IllegalStateException("DELTA_BYTE_ARRAY prefix of " + prefix
                            + " bytes is longer than the previous value (" + previousLength + ")");
                }
                int len = (int) prefix + suffix.lengths[i];
                if ((long) fill + len > MAX_BATCH_BYTES) {
                    throw new IllegalStateException("DELTA_BYTE_ARRAY values exceed " + MAX_BATCH_BYTES + " bytes per batch");
                }
                if (scratch.length < fill + len) {
                    scratch = Arrays.copyOf(scratch, Math.max(fill + len, Math.min(MAX_BATCH_BYTES, scratch.length * 2)));
                }
                System.arraycopy(previous, 0, scratch, fill, (int) prefix);
                System.arraycopy(suffix.bytes, suffix.offsets[i], scratch, fill + (int) prefix, suffix.lengths[i]);
                if (previous.length < len) {
                    previous = new byte[Math.max(len, previous.length * 2)];
                }
                System.arraycopy(scratch, fill, previous, 0, len);
                previousLength = len;
                out.offsets[i] = fill;
                out.lengths[i] = len;
                fill += len;
            }
            out.bytes = scratch;
            out.count = n;
        }
    }
}
