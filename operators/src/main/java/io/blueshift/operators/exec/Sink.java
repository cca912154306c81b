package io.blueshift.operators.exec;

import io.blueshift.memory.Batch;
import io.blueshift.memory.Schema;

/**
 * The end of a pipeline (aggregate, sort, result collection). Each worker sinks into its own
 * local state; {@link #combine} merges a finished local state into the global one (called
 * once per worker, serialized); {@link #finish} produces the result for the next pipeline.
 */
public interface Sink {
    Schema outputSchema();

    SinkState createLocalState(ExecutionContext ctx);

    void sink(Batch batch, SinkState local);

    void combine(SinkState local);

    MaterializedResult finish(ExecutionContext ctx);

    /** The operator's name in errors, e.g. "memory limit exceeded: HashJoinBuild needed ..."; the class name by default. */
    default String name() {
        return getClass().getSimpleName();
    }

    String describe();
}
