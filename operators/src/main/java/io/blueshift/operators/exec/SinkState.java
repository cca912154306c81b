package io.blueshift.operators.exec;

/** A sink's thread-local state. */
public interface SinkState extends AutoCloseable {
    @Override
    void close();
}
