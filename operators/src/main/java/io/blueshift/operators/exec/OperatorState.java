package io.blueshift.operators.exec;

/** What an operator changes while it runs, one per worker thread; frees its buffers on close. */
public interface OperatorState extends AutoCloseable {
    OperatorState NONE = () -> { };

    @Override
    void close();
}
