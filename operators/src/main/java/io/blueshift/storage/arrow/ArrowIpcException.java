package io.blueshift.storage.arrow;

import java.nio.file.Path;

/**
 * An Arrow IPC file we cannot read: not Arrow (wrong magic), truncated, corrupt, or using a
 * type we do not have. The message always names the file and, where known, the column and the
 * byte offset (of the record batch or of the read that failed).
 */
public final class ArrowIpcException extends RuntimeException {
    private final Path file;
    private final String column;
    private final long offset;

    public ArrowIpcException(Path file, String column, long offset, String message) {
        this(file, column, offset, message, null);
    }

    public ArrowIpcException(Path file, String column, long offset, String message, Throwable cause) {
        super(describe(file, column, offset, message), cause);
        this.file = file;
        this.column = column;
        this.offset = offset;
    }

    private static String describe(Path file, String column, long offset, String message) {
        StringBuilder sb = new StringBuilder("Arrow IPC file ").append(file);
        if (column != null) {
            sb.append(", column ").append(column);
        }
        if (offset >= 0) {
            sb.append(", offset ").append(offset);
        }
        // one line, whatever names or text from the file it quotes
        return sb.append(": ").append(message).toString().replace("\r", "\\r").replace("\n", "\\n");
    }

    public Path file() { return file; }

    /** The column being read, or {@code null}. */
    public String column() { return column; }

    /** Byte offset in the file where the problem lies, or -1 when unknown. */
    public long offset() { return offset; }
}
