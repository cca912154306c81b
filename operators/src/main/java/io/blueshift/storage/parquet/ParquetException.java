package io.blueshift.storage.parquet;

import java.nio.file.Path;

/**
 * A Parquet file we cannot read: corrupt, truncated, or using a feature not supported yet.
 * The message always names the file, and where known the column and the byte offset.
 */
public final class ParquetException extends RuntimeException {
    private final Path file;
    private final String column;
    private final long offset;

    public ParquetException(Path file, String column, long offset, String message) {
        this(file, column, offset, message, null);
    }

    public ParquetException(Path file, String column, long offset, String message, Throwable cause) {
        super(describe(file, column, offset, message), cause);
        this.file = file;
        this.column = column;
        this.offset = offset;
    }

    private static String describe(Path file, String column, long offset, String message) {
        StringBuilder sb = new StringBuilder("Parquet file ").append(file);
        if (column != null) {
            sb.append(", column ").append(column);
        }
        if (offset >= 0) {
            sb.append(", offset ").append(offset);
        }
        return sb.append(": ").append(message).toString();
    }

    public Path file() { return file; }

    /** The column being read, or {@code null} when the error is in the footer or schema. */
    public String column() { return column; }

    /** Byte offset in the file where the problem lies, or -1 when unknown. */
    public long offset() { return offset; }
}
