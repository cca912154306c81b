package io.blueshift.api;

import io.blueshift.gpu.Accelerator;
import io.blueshift.gpu.DeviceBuffer;
import io.blueshift.gpu.DeviceColumn;
import io.blueshift.gpu.DeviceColumnCache;
import io.blueshift.gpu.DeviceHashTable;
import io.blueshift.gpu.DeviceInfo;
import io.blueshift.gpu.DevicePredicate;
import io.blueshift.gpu.Discovery;
import io.blueshift.gpu.GroupedAggregate;
import io.blueshift.gpu.PinnedBuffer;
import io.blueshift.gpu.ReferenceAccelerator;
import io.blueshift.gpu.offload.GpuMode;
import io.blueshift.memory.MemoryPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GPU column cache through SQL on the reference backend (a described H100): a repeated
 * filter copies nothing, answers equal gpu=off (NULLs, several blocks, files), a small budget
 * evicts, replaced or dropped tables and rewritten files are not served from the cache,
 * concurrent queries agree, and the cache's memory is back to zero when the session closes.
 */
class GpuColumnCacheTest {
    static final DeviceInfo H100 = DeviceInfo.simulated("H100 (described)", 80L << 30, 132, 50, 3350);

    @TempDir
    Path dir;

    /** The reference device counting the copies to it. */
    static final class CountingDevice implements Accelerator {
        final ReferenceAccelerator ref = new ReferenceAccelerator(H100);
        final AtomicLong uploads = new AtomicLong();

        Discovery discovery() { return Discovery.found(this, List.of(H100)); }

        @Override public String backend() { return "counting"; }
        @Override public DeviceInfo device() { return H100; }
        @Override public DeviceBuffer allocate(long bytes, MemoryPool pool, String owner) { return ref.allocate(bytes, pool, owner); }
        @Override public PinnedBuffer allocatePinned(long bytes, MemoryPool pool, String owner) { return ref.allocatePinned(bytes, pool, owner); }

        @Override
        public void copyToDevice(MemorySegment src, DeviceBuffer dst, long off) {
            uploads.incrementAndGet();
            ref.copyToDevice(src, dst, off);
        }

        @Override public void copyToHost(DeviceBuffer src, long off, MemorySegment dst) { ref.copyToHost(src, off, dst); }
        @Override public int filter(List<DeviceColumn> c, DevicePredicate p, int rows, DeviceBuffer s, MemoryPool pool) { return ref.filter(c, p, rows, s, pool); }
        @Override public DeviceHashTable buildHashTable(DeviceColumn keys, int rows, MemoryPool pool) { return ref.buildHashTable(keys, rows, pool); }
        @Override public long probe(DeviceHashTable t, DeviceColumn k, int rows, DeviceBuffer p, DeviceBuffer b, long cap, MemoryPool pool) { return ref.probe(t, k, rows, p, b, cap, pool); }
        @Override public GroupedAggregate aggregate(DeviceColumn k, int rows, List<GroupedAggregate.Spec> a, int max, MemoryPool pool) { return ref.aggregate(k, rows, a, max, pool); }
        @Override public void close() { }
    }

    static Options options(GpuMode mode, long cacheBytes) {
        return new Options(2, 1024, 1L << 30, 1L << 30, mode).withGpuCacheBytes(cacheBytes);
    }

    /** 200,000 rows in four blocks, NULLs in k and x. */
    static final String TABLE = """
            CREATE OR REPLACE TABLE t AS SELECT range AS id,
                CASE WHEN range % 7 = 0 THEN NULL ELSE CAST(range % 1000 AS INTEGER) END AS k,
                CAST(range % 365 AS INTEGER) AS dd,
                CAST(range * 0.37 AS DECIMAL(15, 2)) AS price,
                CASE WHEN range % 11 = 0 THEN NULL ELSE range / 9.0 END AS x,
                'r' || CAST(range % 5 AS VARCHAR) AS s
            FROM range(SIZE)""";

    static final List<String> QUERIES = List.of(
            "SELECT count(*), sum(id) FROM t WHERE k < 100",
            "SELECT count(*), sum(k), min(s) FROM t WHERE k BETWEEN 10 AND 500 AND id >= 1000",
            "SELECT count(*), max(id) FROM t WHERE price > 500.25",
            "SELECT count(*), min(id) FROM t WHERE x < 1000.5 AND k IN (1, 2, 3, 500)",
            "SELECT s, count(*) FROM t WHERE dd >= 100 AND dd < 200 AND id < 150000 GROUP BY s ORDER BY s",
            "SELECT count(*) FROM t WHERE id > 10000000");

    static List<List<Object>> rows(Session s, String sql) {
        try (QueryResult r = s.run(sql)) {
            return r.rows();
        }
    }

    static List<List<List<Object>>> answers(Session s) {
        List<List<List<Object>>> out = new ArrayList<>();
        for (String q : QUERIES) out.add(rows(s, q));
        return out;
    }

    static List<List<List<Object>>> cpuAnswers(int size) {
        try (Session s = Blueshift.open(options(GpuMode.OFF, 0))) {
            s.run(TABLE.replace("SIZE", Integer.toString(size))).close();
            return answers(s);
        }
    }

    @Test
    void aRepeatedFilterCopiesNothingAndAnswersAsTheCpu() {
        var expected = cpuAnswers(200_000);
        CountingDevice dev = new CountingDevice();
        DeviceColumnCache cache;
        try (Session s = new Session(options(GpuMode.ON, -1), dev.discovery())) {
            cache = s.gpuCache().orElseThrow();
            s.run(TABLE.replace("SIZE", "200000")).close();
            assertEquals(expected, answers(s));
            long copies = dev.uploads.get();
            assertTrue(copies > 0);
            assertEquals(expected, answers(s));
            assertEquals(copies, dev.uploads.get(), "the second run copied columns again");
            String explain = s.explain("SELECT count(*) FROM t WHERE k < 100");
            assertTrue(explain.contains("[gpu: gpu=on (resident, est "), explain);
            assertTrue(cache.pool().reserved() > 0);
        }
        assertEquals(0, cache.pool().reserved(), "the cache's memory after the session closed");
    }

    @Test
    void aSmallBudgetEvictsAndAnswersStayRight() {
        var expected = cpuAnswers(200_000);
        // one int64 column of the table (1.6 MB) fits, two do not
        try (Session s = new Session(options(GpuMode.ON, 2_000_000), new CountingDevice().discovery())) {
            s.run(TABLE.replace("SIZE", "200000")).close();
            for (int round = 0; round < 2; round++) {
                for (int q = 0; q < QUERIES.size(); q++) {
                    assertEquals(expected.get(q), rows(s, QUERIES.get(q)));
                    assertEquals(expected.get(q), rows(s, QUERIES.get(q))); // from the cache when its columns fit
                }
            }
            var stats = s.gpuCache().orElseThrow().stats();
            assertTrue(stats.evictions() > 0 && stats.hits() > 0 && stats.bytes() <= stats.budget(), stats.toString());
        }
    }

    @Test
    void replacedAndDroppedTablesAreNotServedFromTheCache() {
        try (Session s = new Session(options(GpuMode.ON, -1), new CountingDevice().discovery())) {
            DeviceColumnCache cache = s.gpuCache().orElseThrow();
            s.run(TABLE.replace("SIZE", "100000")).close();
            String q = "SELECT count(*), sum(id) FROM t WHERE k < 100";
            assertEquals(cpuRows(q, TABLE.replace("SIZE", "100000")), rows(s, q));
            long held = cache.stats().bytes();
            assertTrue(held > 0);
            // the same name, other data: the old table's columns go, the new ones answer
            s.run(TABLE.replace("SIZE", "50000")).close();
            assertTrue(cache.stats().bytes() == 0, cache.stats().toString());
            assertEquals(cpuRows(q, TABLE.replace("SIZE", "50000")), rows(s, q));
            String insert = "INSERT INTO t SELECT * FROM t WHERE id < 10";
            s.run(insert).close();
            assertEquals(cpuRows(q, TABLE.replace("SIZE", "50000"), insert), rows(s, q));
            s.run("DROP TABLE t").close();
            assertEquals(0, cache.stats().bytes(), cache.stats().toString());
            s.run(TABLE.replace("SIZE", "30000")).close();
            assertEquals(cpuRows(q, TABLE.replace("SIZE", "30000")), rows(s, q));
        }
    }

    /** {@code q}'s rows with gpu=off after {@code statements}. */
    static List<List<Object>> cpuRows(String q, String... statements) {
        try (Session s = Blueshift.open(options(GpuMode.OFF, 0))) {
            for (String st : statements) s.run(st).close();
            return rows(s, q);
        }
    }

    @Test
    void rewrittenFilesAreReadAgain() throws Exception {
        Path file = dir.resolve("t.parquet");
        CountingDevice dev = new CountingDevice();
        try (Session s = new Session(options(GpuMode.ON, -1), dev.discovery())) {
            s.run(TABLE.replace("SIZE", "150000")).close();
            s.run("COPY (SELECT * FROM t) TO '" + file + "' (FORMAT parquet)").close();
            String q = "SELECT count(*), sum(id) FROM read_parquet('" + file + "') WHERE k < 100 AND price > 20";
            List<List<Object>> expected = rows(s, q.replace("read_parquet('" + file + "')", "t"));
            assertEquals(expected, rows(s, q));
            long copies = dev.uploads.get();
            assertEquals(expected, rows(s, q));
            assertEquals(copies, dev.uploads.get(), "the second read of the same file copied columns again");
            String explain = s.explain(q); // files not open: the signature and the segments from metadata
            assertTrue(explain.contains("[gpu: gpu=on (resident, est "), explain);
            // the file rewritten with other rows (another size): read and copied afresh
            s.run(TABLE.replace("SIZE", "70000")).close();
            s.run("COPY (SELECT * FROM t) TO '" + file + "' (FORMAT parquet)").close();
            assertEquals(rows(s, q.replace("read_parquet('" + file + "')", "t")), rows(s, q));
            assertTrue(dev.uploads.get() > copies);
        }
    }

    @Test
    void concurrentQueriesOnOneSessionAgree() throws Exception {
        var expected = cpuAnswers(200_000);
        DeviceColumnCache cache;
        try (Session s = new Session(options(GpuMode.ON, 3_000_000), new CountingDevice().discovery())) {
            cache = s.gpuCache().orElseThrow();
            s.run(TABLE.replace("SIZE", "200000")).close();
            List<QueryHandle> running = new ArrayList<>();
            for (int i = 0; i < 18; i++) running.add(s.submit(QUERIES.get(i % QUERIES.size())));
            for (int i = 0; i < running.size(); i++) {
                try (QueryResult r = running.get(i).result()) {
                    assertEquals(expected.get(i % QUERIES.size()), r.rows(), QUERIES.get(i % QUERIES.size()));
                }
            }
            assertTrue(cache.stats().hits() > 0, cache.stats().toString());
        }
        assertEquals(0, cache.pool().reserved());
    }

    @Test
    void autoOnHostDataSaysWhenColumnsWouldBeCached() {
        try (Session s = new Session(options(GpuMode.AUTO, -1), new CountingDevice().discovery())) {
            s.run(TABLE.replace("SIZE", "1000")).close();
            String text = s.explain("SELECT count(*) FROM t WHERE k < 100");
            assertTrue(text.matches("(?s).*Filter.*\\[cpu: est [0-9.]+ ms vs gpu [0-9.]+ ms].*"), text);
        }
    }
}
