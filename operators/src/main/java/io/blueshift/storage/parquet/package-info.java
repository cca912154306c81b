/**
 * Parquet reading, our own code from the bytes up (no parquet-mr): {@link io.blueshift.storage.parquet.ParquetFile}
 * checks magic, footer and every offset against the file before reading, and decodes footer and
 * page headers with Parquet's Thrift structures (bounded by the bytes that hold them);
 * {@code ColumnChunkReader} decodes pages in mini-batches of 4096 values into
 * {@link io.blueshift.memory.ColumnVector}s; {@link io.blueshift.storage.parquet.ParquetTable}
 * is a file as a {@link io.blueshift.storage.Table}, one block per row group, read eagerly
 * ({@code open}) or per morsel by the scan ({@code openLazy}: only the scan's columns, row
 * groups ruled out by footer statistics never read, each loaded row group freed when its
 * morsel is done).
 *
 * <p>Writing: {@link io.blueshift.storage.parquet.ParquetWriter} (a
 * {@link io.blueshift.storage.TableWriter}) writes data pages v1 with PLAIN or RLE_DICTIONARY
 * values (dictionary per column chunk, PLAIN when it outgrows its limit or is no smaller),
 * RLE definition levels, UNCOMPRESSED/SNAPPY/ZSTD/GZIP, chunk statistics (min_value/max_value,
 * and the older min/max for signed types), the page index (column and offset index), and a
 * per-chunk {@code blueshift.strictly_increasing} key the lazy reader uses to know key columns.
 *
 * <p>Supported: flat columns of BOOLEAN, INT32, INT64, INT96, FLOAT, DOUBLE, BYTE_ARRAY and
 * (for DECIMAL) FIXED_LEN_BYTE_ARRAY, with logical types DATE, DECIMAL (precision up to 18),
 * TIMESTAMP (millis, micros, nanos), STRING and INT(8/16/32, unsigned 32); encodings PLAIN,
 * PLAIN_DICTIONARY/RLE_DICTIONARY, RLE (booleans, levels), DELTA_BINARY_PACKED,
 * DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT; data pages v1 and v2; codecs
 * UNCOMPRESSED, SNAPPY, ZSTD, GZIP, LZ4_RAW. Everything else (nested columns, DECIMAL above 18
 * digits, other codecs) fails with a {@link io.blueshift.storage.parquet.ParquetException}
 * saying "not supported yet" and naming the file and column.
 *
 * <p>Every failure on a corrupt file is a {@code ParquetException} naming the file, the column
 * and the byte offset (or an {@link java.io.UncheckedIOException} from the file system, or a
 * {@link io.blueshift.memory.MemoryLimitExceededException} when a row group's vectors do not
 * fit the pool). Heap scratch is fixed per column; page buffers are bounded by the chunk's
 * bytes and a 1100:1 (or 64 MiB) inflation cap.
 */
package io.blueshift.storage.parquet;
