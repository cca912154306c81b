package io.blueshift.storage.csv;

import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Valid CSV files cut short and mutated at random (quotes, line breaks, delimiters, bytes that
 * are not UTF-8): each read either succeeds or fails with a one-line {@link CsvException}
 * naming the file, frees everything it took, and returns within the time bound.
 */
class CsvFuzzTest {
    @TempDir
    Path dir;

    @Test
    void damagedFilesReadOrFailCleanly() throws Exception {
        Path good = dir.resolve("good.csv");
        DuckDbTables.execute("COPY (" + CsvTableTest.ALL_TYPES.replace("ROWS", "3000") + ") TO '" + good + "' (FORMAT csv, HEADER)");
        byte[] bytes = Files.readAllBytes(good);
        byte[] specials = {'"', '"', ',', '\n', '\r', (byte) 0xC3, (byte) 0xFF, 'x', '1', ' ', 0};
        Path bad = dir.resolve("bad.csv");
        long seed = System.nanoTime();
        Random r = new Random(seed);
        int failures = 0;
        int trials = 0;
        long deadline = System.nanoTime() + 20_000_000_000L;
        try (MemoryPool pool = MemoryPool.root("csv fuzz", 1L << 30)) {
            for (; trials < 400 && System.nanoTime() < deadline; trials++) {
                byte[] b;
                if (trials % 4 == 0) {
                    b = java.util.Arrays.copyOf(bytes, r.nextInt(bytes.length));
                } else {
                    b = bytes.clone();
                    for (int k = 0, m = 1 + r.nextInt(6); k < m; k++) {
                        b[r.nextInt(b.length)] = r.nextBoolean() ? specials[r.nextInt(specials.length)] : (byte) r.nextInt(256);
                    }
                }
                Files.write(bad, b);
                CsvOptions options = trials % 3 == 0
                        ? CsvOptions.builder().columnType("i64", DataType.INT64).columnType("d9", DataType.decimal(9, 2)).build()
                        : CsvOptions.defaults();
                try (MemoryPool p = pool.child("trial " + trials)) {
                    try (CsvTable t = CsvTable.open("bad", bad, p, options, 512)) {
                        t.rowCount();
                    } catch (CsvException e) {
                        failures++;
                        assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
                        assertEquals(1, e.getMessage().lines().count(), "seed " + seed + ", one line: " + e.getMessage());
                    } catch (RuntimeException e) {
                        fail("seed " + seed + ", trial " + trials + ": not a CsvException: " + e, e);
                    }
                    assertEquals(0, p.reserved(), "a read frees what it took");
                }
            }
        }
        assertTrue(trials >= 20, "ran " + trials + " trials");
        assertTrue(failures > 0, "some damaged files are refused");
    }
}
