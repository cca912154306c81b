package io.blueshift.storage;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Tables by case-insensitive name. */
public final class Catalog implements AutoCloseable {
    private final Map<String, Table> tables = new LinkedHashMap<>();

    public synchronized void register(Table table) {
        Objects.requireNonNull(table, "table is null");
        tables.put(table.name().toLowerCase(), table);
    }

    public synchronized Table table(String name) {
        Table t = tables.get(name.toLowerCase());
        if (t == null) {
            throw new IllegalArgumentException("unknown table '" + name + "'; tables are " + tables.keySet());
        }
        return t;
    }

    /** Removes a table and returns it (the caller frees it), or null when there is none. */
    public synchronized Table remove(String name) {
        return tables.remove(name.toLowerCase());
    }

    public synchronized boolean contains(String name) {
        return tables.containsKey(name.toLowerCase());
    }

    public synchronized Collection<Table> tables() {
        return java.util.List.copyOf(tables.values());
    }

    @Override
    public synchronized void close() {
        for (Table t : tables.values()) {
            if (t instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing table " + t.name(), e);
                }
            }
        }
        tables.clear();
    }
}
