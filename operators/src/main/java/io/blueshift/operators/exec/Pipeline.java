package io.blueshift.operators.exec;

import java.util.List;
import java.util.Objects;

/** Source → operators → sink, run by every worker on the morsels it takes. */
public record Pipeline(Source source, List<Operator> operators, Sink sink) {
    public Pipeline {
        Objects.requireNonNull(source, "source is null");
        operators = List.copyOf(operators);
        Objects.requireNonNull(sink, "sink is null");
    }
}
