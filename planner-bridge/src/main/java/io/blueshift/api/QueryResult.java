package io.blueshift.api;

import io.blueshift.memory.Batch;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.operators.exec.MaterializedResult;

import java.util.List;

/** A finished query's rows, held off-heap until closed. */
public final class QueryResult implements AutoCloseable {
    private final MaterializedResult result;
    private final MemoryPool pool;
    private final double millis;

    private final AutoCloseable onClose;

    QueryResult(MaterializedResult result, MemoryPool pool, double millis) {
        this(result, pool, millis, null);
    }

    /** {@code onClose} runs after the rows are freed (it releases the files the query read). */
    QueryResult(MaterializedResult result, MemoryPool pool, double millis, AutoCloseable onClose) {
        this.result = result;
        this.pool = pool;
        this.millis = millis;
        this.onClose = onClose;
    }

    public Schema schema() { return result.schema(); }

    /** Dense batches (no selection vectors), valid until {@link #close}. */
    public List<Batch> batches() { return result.batches(); }

    public long rowCount() { return result.rowCount(); }

    /** Rows as Java values: Long/Integer, BigDecimal, Double, LocalDate, String, Boolean, null. */
    public List<List<Object>> rows() { return result.rows(); }

    /** Wall time of planning and execution. */
    public double millis() { return millis; }

    @Override
    public void close() {
        try {
            result.close();
        } finally {
            try {
                if (onClose != null) {
                    onClose.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException("releasing the query's files: " + e.getMessage(), e);
            } finally {
                pool.close();
            }
        }
    }
}
