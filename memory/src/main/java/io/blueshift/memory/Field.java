package io.blueshift.memory;

import java.util.Objects;

/** A named, typed column of a schema. */
public record Field(String name, DataType type, boolean nullable) {
    public Field {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(type, "type is null");
    }

    public static Field of(String name, DataType type) {
        return new Field(name, type, true);
    }
}
