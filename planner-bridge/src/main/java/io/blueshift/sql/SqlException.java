package io.blueshift.sql;

/** A SQL error for the user: one message, with line and column when known. */
public final class SqlException extends RuntimeException {
    private final int line;
    private final int column;

    public SqlException(String message, int line, int column, Throwable cause) {
        super(message, cause);
        this.line = line;
        this.column = column;
    }

    public SqlException(String message) {
        this(message, 0, 0, null);
    }

    /** 1-based line of the error, or 0 when unknown. */
    public int line() { return line; }

    /** 1-based column of the error, or 0 when unknown. */
    public int column() { return column; }
}
