package io.blueshift.storage.csv;

import java.nio.file.Path;

/**
 * A CSV file we cannot read as asked: a value that is not of its column's type, a row with
 * the wrong number of fields, an unterminated quote, invalid UTF-8. The message is one line
 * naming the file and, where known, the line (1-based, counting every line break in the file)
 * and the column, e.g. {@code x.csv line 17 column l_quantity: 'abc' is not a BIGINT}.
 */
public final class CsvException extends RuntimeException {
    private final Path file;
    private final long line;
    private final String column;

    public CsvException(Path file, long line, String column, String message) {
        this(file, line, column, message, null);
    }

    public CsvException(Path file, long line, String column, String message, Throwable cause) {
        super(describe(file, line, column, message), cause);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    private static String describe(Path file, long line, String column, String message) {
        StringBuilder sb = new StringBuilder().append(file);
        if (line > 0) {
            sb.append(" line ").append(line);
        }
        if (column != null) {
            sb.append(" column ").append(column);
        }
        // one line, whatever names or text from the file it quotes
        return sb.append(": ").append(message).toString().replace("\r", "\\r").replace("\n", "\\n");
    }

    public Path file() { return file; }

    /** 1-based line of the problem, or 0 when it is not about one line. */
    public long line() { return line; }

    /** The column's name, or {@code null}. */
    public String column() { return column; }
}
