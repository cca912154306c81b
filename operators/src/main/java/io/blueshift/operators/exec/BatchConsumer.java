package io.blueshift.operators.exec;

import io.blueshift.memory.Batch;

/** Receives batches pushed down a pipeline. A batch is valid only during the call. */
@FunctionalInterface
public interface BatchConsumer {
    void accept(Batch batch);
}
