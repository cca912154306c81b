package io.blueshift.memory;

/** Thrown when an allocation would take a pool past its limit. The message is user-facing. */
public final class MemoryLimitExceededException extends RuntimeException {
    private final long requested;
    private final long limit;

    public MemoryLimitExceededException(String message, long requested, long limit) {
        super(message);
        this.requested = requested;
        this.limit = limit;
    }

    public long requested() { return requested; }
    public long limit() { return limit; }
}
