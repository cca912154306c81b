package io.blueshift.storage.parquet;

import java.util.Locale;

/**
 * How {@link ParquetWriter} lays out a file. {@code dictionary} turns RLE_DICTIONARY on: a
 * column chunk is dictionary-encoded when its dictionary stays under
 * {@code maxDictionaryBytes} and the encoding is smaller than PLAIN, else PLAIN.
 * A row group closes at {@code rowGroupRows} rows (or at {@code rowGroupBytes} of buffered
 * values, whichever comes first); a page at {@code pageBytes} of values or {@code pageRows} rows.
 */
public record ParquetWriteOptions(Codec codec, boolean dictionary, int rowGroupRows, long rowGroupBytes,
                                  int pageBytes, int pageRows, int maxDictionaryBytes, int zstdLevel,
                                  boolean pageIndex) {
    public static final int DEFAULT_ROW_GROUP_ROWS = 122_880;

    public enum Codec {
        UNCOMPRESSED, SNAPPY, ZSTD, GZIP;

        /** Parses {@code none}, {@code uncompressed}, {@code snappy}, {@code zstd}, {@code gzip}. */
        public static Codec parse(String name) {
            String n = name.trim().toUpperCase(Locale.ROOT);
            if (n.equals("NONE")) {
                return UNCOMPRESSED;
            }
            try {
                return valueOf(n);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown Parquet codec '" + name + "'; use none, snappy, zstd or gzip");
            }
        }
    }

    public ParquetWriteOptions {
        java.util.Objects.requireNonNull(codec, "codec is null");
        if (rowGroupRows <= 0 || rowGroupBytes <= 0 || pageBytes <= 0 || pageRows <= 0 || maxDictionaryBytes <= 0) {
            throw new IllegalArgumentException("row group and page sizes must be positive");
        }
    }

    /** SNAPPY, dictionary on, 122,880-row groups, 1 MiB / 20,000-row pages, page index. */
    public static ParquetWriteOptions defaults() {
        return new ParquetWriteOptions(Codec.SNAPPY, true, DEFAULT_ROW_GROUP_ROWS, 512L << 20, 1 << 20, 20_000, 1 << 20, 3, true);
    }

    public ParquetWriteOptions withCodec(Codec c) {
        return new ParquetWriteOptions(c, dictionary, rowGroupRows, rowGroupBytes, pageBytes, pageRows, maxDictionaryBytes, zstdLevel, pageIndex);
    }

    public ParquetWriteOptions withDictionary(boolean d) {
        return new ParquetWriteOptions(codec, d, rowGroupRows, rowGroupBytes, pageBytes, pageRows, maxDictionaryBytes, zstdLevel, pageIndex);
    }

    public ParquetWriteOptions withRowGroupRows(int rows) {
        return new ParquetWriteOptions(codec, dictionary, rows, rowGroupBytes, pageBytes, pageRows, maxDictionaryBytes, zstdLevel, pageIndex);
    }

    public ParquetWriteOptions withPageRows(int rows) {
        return new ParquetWriteOptions(codec, dictionary, rowGroupRows, rowGroupBytes, pageBytes, rows, maxDictionaryBytes, zstdLevel, pageIndex);
    }

    public ParquetWriteOptions withPageBytes(int bytes) {
        return new ParquetWriteOptions(codec, dictionary, rowGroupRows, rowGroupBytes, bytes, pageRows, maxDictionaryBytes, zstdLevel, pageIndex);
    }

    public ParquetWriteOptions withMaxDictionaryBytes(int bytes) {
        return new ParquetWriteOptions(codec, dictionary, rowGroupRows, rowGroupBytes, pageBytes, pageRows, bytes, zstdLevel, pageIndex);
    }

    public ParquetWriteOptions withPageIndex(boolean p) {
        return new ParquetWriteOptions(codec, dictionary, rowGroupRows, rowGroupBytes, pageBytes, pageRows, maxDictionaryBytes, zstdLevel, p);
    }
}
