package io.blueshift.operators.plan;

import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.exec.Source;

import java.util.function.Function;

/**
 * Lets an accelerator (the gpu module) run a plan node instead of the CPU operators. The
 * executor asks before it builds each node; {@code null} means "run it on the CPU" (also the
 * answer after a device error, so the query still gets its result).
 */
public interface NodeOffload {
    /** A source of the node's output and what to close once the pipeline that reads it ends. */
    record Offloaded(Source source, AutoCloseable resources) { }

    /** {@code execute} runs a plan (e.g. the node's inputs) on the usual path. */
    Offloaded offload(PlanNode node, ExecutionContext ctx, Function<PlanNode, MaterializedResult> execute);
}
