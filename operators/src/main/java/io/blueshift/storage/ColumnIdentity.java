package io.blueshift.storage;

import java.util.Objects;

/**
 * Names the values of one column of a table for copies kept across queries (a device's column
 * cache): two identities are equal only while they name the same values in the same blocks.
 * {@code data} is what the table's values are (an immutable table object itself, or the files'
 * paths, sizes and modification times), {@code column} the column within it.
 */
public record ColumnIdentity(Object data, Object column) {
    public ColumnIdentity {
        Objects.requireNonNull(data, "data is null");
        Objects.requireNonNull(column, "column is null");
    }
}
