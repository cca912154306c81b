package io.blueshift.operators.exec;

import java.util.List;
import java.util.Objects;

/**
 * Source → operators → sink, run by every worker on the morsels it takes. {@code tails} are
 * sources that start once the main source (and every tail before them) is done on all workers,
 * feeding the operators from {@link Tail#firstOperator} on into the same sink, which finishes
 * after the last: the build rows a RIGHT join emits after its probe go on up the pipeline
 * instead of being collected first.
 */
public record Pipeline(Source source, List<Operator> operators, Sink sink, List<Tail> tails) {
    /** A source that joins the pipeline at operator {@code firstOperator} (== operators' size: straight into the sink). */
    public record Tail(Source source, int firstOperator) {
        public Tail {
            Objects.requireNonNull(source, "source is null");
        }
    }

    public Pipeline {
        Objects.requireNonNull(source, "source is null");
        operators = List.copyOf(operators);
        Objects.requireNonNull(sink, "sink is null");
        tails = List.copyOf(tails);
        for (Tail t : tails) {
            if (t.firstOperator() < 0 || t.firstOperator() > operators.size()) {
                throw new IllegalArgumentException("tail joins at operator " + t.firstOperator() + " of " + operators.size());
            }
        }
    }

    public Pipeline(Source source, List<Operator> operators, Sink sink) {
        this(source, operators, sink, List.of());
    }
}
