package io.blueshift.operators.exec;

import io.blueshift.memory.Schema;

/**
 * The start of a pipeline. Work is cut into morsels that worker threads take one at a time;
 * {@link #nextMorsel} is thread-safe, {@link #scan} pushes a morsel's batches downstream.
 */
public interface Source {
    Schema outputSchema();

    /** Resets the morsel cursor; called once before workers start. */
    void open(ExecutionContext ctx);

    /** The next morsel to scan, or -1 when there is none left. Thread-safe. */
    int nextMorsel();

    void scan(int morsel, ExecutionContext ctx, BatchConsumer downstream);

    /**
     * How many morsels {@link #nextMorsel} will hand out after {@link #open}, or -1 when not
     * known. A pipeline whose source has fewer morsels than the query has threads starts only
     * as many workers (one runs on the calling thread): the others would find no work, yet
     * each would build its operator states and be handed to a thread.
     */
    default int morselCount() {
        return -1;
    }

    /** The operator's name in errors, e.g. "memory limit exceeded: HashJoinBuild needed ..."; the class name by default. */
    default String name() {
        return getClass().getSimpleName();
    }

    String describe();
}
