package io.blueshift.operators.exec;

import io.blueshift.memory.Batch;
import io.blueshift.memory.Schema;

/**
 * A streaming step of a pipeline (filter, project, limit, probe...). Immutable: all that
 * changes lives in the per-thread {@link OperatorState}. Pushes zero or more batches on.
 */
public interface Operator {
    Schema outputSchema();

    default OperatorState createState(ExecutionContext ctx) {
        return OperatorState.NONE;
    }

    void process(Batch input, OperatorState state, BatchConsumer downstream);

    /** True once the operator will pass nothing more on (a reached LIMIT): the pipeline may stop early. */
    default boolean finished() {
        return false;
    }

    /** The operator's name in errors, e.g. "memory limit exceeded: HashJoinBuild needed ..."; the class name by default. */
    default String name() {
        return getClass().getSimpleName();
    }

    /** One line for EXPLAIN. */
    String describe();
}
