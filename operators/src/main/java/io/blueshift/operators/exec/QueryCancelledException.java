package io.blueshift.operators.exec;

/**
 * The query was cancelled ({@link ExecutionContext#cancel}, an interrupt, Ctrl-C in the shell):
 * an error type of its own, so callers can tell it from a failure.
 */
public final class QueryCancelledException extends RuntimeException {
    public QueryCancelledException() {
        super("query cancelled");
    }
}
