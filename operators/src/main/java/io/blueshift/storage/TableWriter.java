package io.blueshift.storage;

import io.blueshift.memory.Batch;
import io.blueshift.memory.Schema;

/**
 * Writes batches of one schema to a file in some format (Parquet, CSV, Arrow IPC). Rows are
 * taken in order; a batch's selection vector, when present, says which rows are live. Nothing
 * is visible at the target path until {@link #close()} returns: writers write to a temporary
 * file beside it and move it into place, so a failed write never leaves a half file and never
 * destroys an existing one before the new one is complete.
 */
public interface TableWriter extends AutoCloseable {
    Schema schema();

    void write(Batch batch);

    /** Rows written so far. */
    long rowsWritten();

    /** Finishes the file and moves it into place. */
    @Override
    void close();

    /** Gives up: deletes the temporary file, leaves the target untouched. */
    void abort();
}
