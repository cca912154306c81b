package io.blueshift.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Ordered fields of a table or a batch stream. */
public record Schema(List<Field> fields) {
    public Schema {
        fields = List.copyOf(Objects.requireNonNull(fields, "fields is null"));
    }

    public static Schema of(Field... fields) {
        return new Schema(List.of(fields));
    }

    public int size() { return fields.size(); }

    public Field field(int i) { return fields.get(i); }

    public DataType type(int i) { return fields.get(i).type(); }

    /** Index of a field by case-insensitive name, or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Index of a field by name; an unknown name is an error that lists the known ones. */
    public int require(String name) {
        int i = indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("unknown column '" + name + "'; columns are " + names());
        }
        return i;
    }

    public List<String> names() {
        List<String> names = new ArrayList<>(fields.size());
        for (Field f : fields) {
            names.add(f.name());
        }
        return names;
    }
}
