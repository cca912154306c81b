package io.blueshift.memory;

/**
 * Thrown when an allocation would take a pool past its limit. The message is user-facing:
 * {@code memory limit exceeded: <what> needed N MiB, limit M MiB (...)}. The pool only knows
 * the buffer's owner ("hash join build rows"); the executor, which knows which operator was
 * running, names it with {@link #attributedTo} ("HashJoinBuild").
 */
public final class MemoryLimitExceededException extends RuntimeException {
    private final long requested;
    private final long limit;
    private final String owner;
    private final String poolName;
    private final long inUse;
    private final String operator;

    public MemoryLimitExceededException(String message, long requested, long limit) {
        this(message, requested, limit, null, null, -1, null);
    }

    private MemoryLimitExceededException(String message, long requested, long limit, String owner, String poolName,
                                         long inUse, String operator) {
        super(message);
        this.requested = requested;
        this.limit = limit;
        this.owner = owner;
        this.poolName = poolName;
        this.inUse = inUse;
        this.operator = operator;
    }

    /** A pool refused {@code requested} bytes for {@code owner}: it had {@code inUse} of {@code limit}. */
    static MemoryLimitExceededException overLimit(String owner, long requested, String poolName, long limit, long inUse) {
        return new MemoryLimitExceededException(message(owner, requested, limit, null, poolName, inUse),
                requested, limit, owner, poolName, inUse, null);
    }

    private static String message(String what, long requested, long limit, String detail, String poolName, long inUse) {
        return "memory limit exceeded: " + what + " needed " + MemoryPool.mib(requested) + ", limit " + MemoryPool.mib(limit)
                + " (" + (detail == null ? "" : detail + "; ") + "pool '" + poolName + "' has " + MemoryPool.mib(inUse) + " in use)";
    }

    public long requested() { return requested; }
    public long limit() { return limit; }

    /** The operator that needed the memory (e.g. HashJoinBuild), or null when not yet known. */
    public String operator() { return operator; }

    /**
     * This failure with {@code operatorName} as what needed the memory; itself when an
     * operator is already named (the innermost one, where the allocation happened, wins).
     */
    public MemoryLimitExceededException attributedTo(String operatorName) {
        if (operator != null || operatorName == null) {
            return this;
        }
        String msg = owner != null
                ? message(operatorName, requested, limit, owner, poolName, inUse)
                : operatorName + ": " + getMessage();
        MemoryLimitExceededException e = new MemoryLimitExceededException(msg, requested, limit, owner, poolName, inUse, operatorName);
        e.setStackTrace(getStackTrace());
        for (Throwable s : getSuppressed()) {
            e.addSuppressed(s);
        }
        return e;
    }
}
