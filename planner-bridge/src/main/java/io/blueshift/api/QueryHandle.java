package io.blueshift.api;

import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.QueryCancelledException;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A query running in the background ({@link Session#submit}): {@link #cancel} stops it (its
 * workers stop at their next morsel, its memory is freed) and {@link #result} waits for the
 * rows or throws the query's error, {@link QueryCancelledException} after a cancel.
 */
public final class QueryHandle {
    private final int id;
    private final String sql;
    private final CompletableFuture<QueryResult> future = new CompletableFuture<>();
    private volatile ExecutionContext ctx;
    private volatile boolean cancelled;
    private volatile boolean claimed;
    private volatile Thread thread;

    QueryHandle(int id, String sql) {
        this.id = id;
        this.sql = sql;
    }

    /** The session's number for this query (its memory pool is "query N"). */
    public int id() { return id; }

    public String sql() { return sql; }

    /**
     * Asks the query to stop; returns at once. A query that already finished keeps its
     * result. Safe from any thread, any number of times.
     */
    public void cancel() {
        cancelled = true;
        ExecutionContext c = ctx;
        if (c != null) {
            c.cancel();
        } else {
            // still parsing or planning (which cannot be interrupted): answer now; the query
            // stops before it allocates anything when planning ends
            future.completeExceptionally(new QueryCancelledException());
        }
    }

    public boolean isCancelled() { return cancelled; }

    public boolean isDone() { return future.isDone(); }

    /**
     * Waits for the query and returns its result (the caller closes it), or throws its error
     * as it was raised: {@link QueryCancelledException} when it was cancelled. An interrupt
     * while waiting cancels the query and throws {@link QueryCancelledException}.
     */
    public QueryResult result() {
        try {
            return claim(future.get());
        } catch (InterruptedException e) {
            cancel();
            Thread.currentThread().interrupt();
            throw new QueryCancelledException();
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    /** As {@link #result()}, giving up (the query goes on) after {@code timeout}. */
    public QueryResult result(long timeout, TimeUnit unit) throws TimeoutException {
        try {
            return claim(future.get(timeout, unit));
        } catch (InterruptedException e) {
            cancel();
            Thread.currentThread().interrupt();
            throw new QueryCancelledException();
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    private QueryResult claim(QueryResult r) {
        claimed = true;
        return r;
    }

    private static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof RuntimeException re) {
            return re;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(cause);
    }

    // ---- the session's side ----

    /** Done, and its result (if any) is the caller's: the session need not track it. */
    boolean settled() {
        Thread t = thread;
        return future.isDone() && (claimed || future.isCompletedExceptionally()) && (t == null || !t.isAlive());
    }

    /** The query's context once it runs; a cancel that came first reaches it here. */
    void attach(ExecutionContext context) {
        this.ctx = context;
        if (cancelled) {
            context.cancel();
        }
    }

    void complete(QueryResult r) {
        if (!future.complete(r)) {
            r.close();
        }
    }

    void fail(Throwable e) {
        future.completeExceptionally(e);
    }

    /** The thread running the statement, so the session can wait for it to end. */
    void runOn(Thread t) {
        this.thread = t;
    }

    /** At session close: waits for the query and frees a result nobody took. */
    void closeUnclaimed(long millis) {
        try {
            Thread t = thread;
            if (t != null && !t.join(java.time.Duration.ofMillis(millis))) {
                throw new IllegalStateException("query " + id + " did not stop within " + millis + " ms of the session closing");
            }
            QueryResult r = future.get(millis, TimeUnit.MILLISECONDS);
            if (!claimed) {
                claimed = true;
                r.close();
            }
        } catch (ExecutionException | CancellationException e) {
            // the query failed; nothing to free
        } catch (TimeoutException e) {
            throw new IllegalStateException("query " + id + " did not stop within " + millis + " ms of the session closing");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
