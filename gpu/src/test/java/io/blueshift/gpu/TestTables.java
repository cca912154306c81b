package io.blueshift.gpu;

import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.storage.InMemoryTable;
import io.blueshift.storage.TableBuilder;

import java.math.BigDecimal;
import java.util.Random;

/** Random tables for the offload tests: every device type, some NULLs, many blocks. */
public final class TestTables {
    public static final Schema FACTS = Schema.of(Field.of("id", DataType.INT64), Field.of("k", DataType.INT32),
            Field.of("d", DataType.DATE), Field.of("price", DataType.decimal(15, 2)), Field.of("x", DataType.FLOAT64),
            Field.of("s", DataType.VARCHAR));
    public static final Schema DIM = Schema.of(Field.of("dk", DataType.INT64), Field.of("name", DataType.VARCHAR),
            Field.of("w", DataType.INT32));

    private TestTables() { }

    public static InMemoryTable facts(MemoryPool pool, int rows, int blockRows, long seed) {
        Random rnd = new Random(seed);
        try (TableBuilder b = new TableBuilder(pool, "facts", FACTS, blockRows)) {
            for (int i = 0; i < rows; i++) {
                b.setObject(0, (long) i);
                b.setObject(1, rnd.nextInt(20) == 0 ? null : rnd.nextInt(200) - 50);
                b.setObject(2, 9000 + rnd.nextInt(1000));
                b.setObject(3, rnd.nextInt(30) == 0 ? null : BigDecimal.valueOf(rnd.nextInt(100000), 2));
                b.setObject(4, rnd.nextInt(25) == 0 ? null : rnd.nextDouble() * 100 - 20);
                b.setObject(5, "row " + (i % 37) + (i % 3 == 0 ? " with a string over twelve bytes" : ""));
                b.endRow();
            }
            return b.build();
        }
    }

    /** Keys 0..rows-1 with duplicates for every 7th, and a NULL key now and then. */
    public static InMemoryTable dim(MemoryPool pool, int rows, long seed) {
        Random rnd = new Random(seed);
        try (TableBuilder b = new TableBuilder(pool, "dim", DIM, 1000)) {
            for (int i = 0; i < rows; i++) {
                b.setObject(0, rnd.nextInt(50) == 0 ? null : (long) (i % 7 == 0 ? i / 7 : i));
                b.setObject(1, "name " + i);
                b.setObject(2, rnd.nextInt(1000));
                b.endRow();
            }
            return b.build();
        }
    }
}
