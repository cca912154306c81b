package io.blueshift.storage;

import io.blueshift.memory.Schema;

import java.util.List;

/** A named table the engine can scan: a schema and blocks of rows. */
public interface Table {
    String name();

    Schema schema();

    List<TableBlock> blocks();

    default long rowCount() {
        long rows = 0;
        for (TableBlock b : blocks()) {
            rows += b.rowCount();
        }
        return rows;
    }
}
