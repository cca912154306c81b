package io.blueshift.tpch;

import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.storage.Catalog;
import io.blueshift.storage.InMemoryTable;
import io.blueshift.storage.TableBuilder;
import io.trino.tpch.Customer;
import io.trino.tpch.CustomerGenerator;
import io.trino.tpch.LineItem;
import io.trino.tpch.LineItemGenerator;
import io.trino.tpch.Nation;
import io.trino.tpch.NationGenerator;
import io.trino.tpch.Order;
import io.trino.tpch.OrderGenerator;
import io.trino.tpch.Part;
import io.trino.tpch.PartGenerator;
import io.trino.tpch.PartSupplier;
import io.trino.tpch.PartSupplierGenerator;
import io.trino.tpch.Region;
import io.trino.tpch.RegionGenerator;
import io.trino.tpch.Supplier;
import io.trino.tpch.SupplierGenerator;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Generates the eight TPC-H tables with the {@code io.trino.tpch} generators (dbgen's output,
 * row for row) into {@link InMemoryTable}s. Types follow the specification: identifiers BIGINT,
 * integers INTEGER, money and quantities DECIMAL(15,2) (from the generators' cents, never via
 * double), dates DATE, text VARCHAR; every column is NOT NULL. The large tables are generated
 * in parts on all cores, each part into its own builder, and the parts are joined in order, so
 * the row order is dbgen's.
 */
public final class TpchGenerator {
    /** The table names, in the order they are registered. */
    public static final List<String> TABLES =
            List.of("region", "nation", "part", "supplier", "partsupp", "customer", "orders", "lineitem");

    private static final DataType MONEY = DataType.decimal(15, 2);
    private static final long ROWS_PER_PART = 500_000;
    private static final int PROGRESS_FLUSH_ROWS = 4096;
    private static final long PROGRESS_INTERVAL_MS = 250;

    private static final Map<String, Schema> SCHEMAS = Map.of(
            "region", schema(
                    col("r_regionkey", DataType.INT64), col("r_name", DataType.VARCHAR),
                    col("r_comment", DataType.VARCHAR)),
            "nation", schema(
                    col("n_nationkey", DataType.INT64), col("n_name", DataType.VARCHAR),
                    col("n_regionkey", DataType.INT64), col("n_comment", DataType.VARCHAR)),
            "part", schema(
                    col("p_partkey", DataType.INT64), col("p_name", DataType.VARCHAR),
                    col("p_mfgr", DataType.VARCHAR), col("p_brand", DataType.VARCHAR),
                    col("p_type", DataType.VARCHAR), col("p_size", DataType.INT32),
                    col("p_container", DataType.VARCHAR), col("p_retailprice", MONEY),
                    col("p_comment", DataType.VARCHAR)),
            "supplier", schema(
                    col("s_suppkey", DataType.INT64), col("s_name", DataType.VARCHAR),
                    col("s_address", DataType.VARCHAR), col("s_nationkey", DataType.INT64),
                    col("s_phone", DataType.VARCHAR), col("s_acctbal", MONEY),
                    col("s_comment", DataType.VARCHAR)),
            "partsupp", schema(
                    col("ps_partkey", DataType.INT64), col("ps_suppkey", DataType.INT64),
                    col("ps_availqty", DataType.INT32), col("ps_supplycost", MONEY),
                    col("ps_comment", DataType.VARCHAR)),
            "customer", schema(
                    col("c_custkey", DataType.INT64), col("c_name", DataType.VARCHAR),
                    col("c_address", DataType.VARCHAR), col("c_nationkey", DataType.INT64),
                    col("c_phone", DataType.VARCHAR), col("c_acctbal", MONEY),
                    col("c_mktsegment", DataType.VARCHAR), col("c_comment", DataType.VARCHAR)),
            "orders", schema(
                    col("o_orderkey", DataType.INT64), col("o_custkey", DataType.INT64),
                    col("o_orderstatus", DataType.VARCHAR), col("o_totalprice", MONEY),
                    col("o_orderdate", DataType.DATE), col("o_orderpriority", DataType.VARCHAR),
                    col("o_clerk", DataType.VARCHAR), col("o_shippriority", DataType.INT32),
                    col("o_comment", DataType.VARCHAR)),
            "lineitem", schema(
                    col("l_orderkey", DataType.INT64), col("l_partkey", DataType.INT64),
                    col("l_suppkey", DataType.INT64), col("l_linenumber", DataType.INT32),
                    col("l_quantity", MONEY), col("l_extendedprice", MONEY),
                    col("l_discount", MONEY), col("l_tax", MONEY),
                    col("l_returnflag", DataType.VARCHAR), col("l_linestatus", DataType.VARCHAR),
                    col("l_shipdate", DataType.DATE), col("l_commitdate", DataType.DATE),
                    col("l_receiptdate", DataType.DATE), col("l_shipinstruct", DataType.VARCHAR),
                    col("l_shipmode", DataType.VARCHAR), col("l_comment", DataType.VARCHAR)));

    private TpchGenerator() {
    }

    /** The schema of one TPC-H table by its lowercase name. */
    public static Schema schema(String table) {
        Schema s = SCHEMAS.get(table.toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new IllegalArgumentException("unknown TPC-H table '" + table + "'; tables are " + TABLES);
        }
        return s;
    }

    /** Generates on all available processors; see {@link #generate(double, MemoryPool, PrintStream, int)}. */
    public static Catalog generate(double scaleFactor, MemoryPool pool, PrintStream progress) {
        return generate(scaleFactor, pool, progress, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Generates all eight tables at {@code scaleFactor} (any positive finite number, e.g. 0.01)
     * with memory from {@code pool}, on {@code threads} threads, and registers them in a new
     * catalog. {@code progress} gets a line updated at most four times a second and a final
     * summary; null for silence. On failure everything allocated so far is freed.
     */
    public static Catalog generate(double scaleFactor, MemoryPool pool, PrintStream progress, int threads) {
        return generate(scaleFactor, pool, progress, threads, ROWS_PER_PART);
    }

    /** As above with a chosen part size (tests use small parts to exercise the concatenation). */
    static Catalog generate(double scaleFactor, MemoryPool pool, PrintStream progress, int threads, long rowsPerPart) {
        checkScaleFactor(scaleFactor);
        Objects.requireNonNull(pool, "pool is null");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        long start = System.nanoTime();
        List<TableSpec<?>> specs = specs(scaleFactor, rowsPerPart);
        List<PartTask<?>> tasks = new ArrayList<>();
        for (TableSpec<?> spec : specs) {
            int parts = spec.parts();
            for (int p = 1; p <= parts; p++) {
                tasks.add(new PartTask<>(spec, p));
            }
        }
        Progress reporter = new Progress(scaleFactor, specs, progress);
        ExecutorService executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "tpch-gen");
            t.setDaemon(true);
            return t;
        });
        @SuppressWarnings("unchecked")
        Future<InMemoryTable>[] futures = new Future[tasks.size()];
        // biggest parts first so the last ones to finish are small
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong((Integer i) -> -tasks.get(i).spec().rowsPerPart()));
        AtomicBoolean failed = new AtomicBoolean();
        reporter.start();
        try {
            for (int i : order) {
                PartTask<?> task = tasks.get(i);
                futures[i] = executor.submit(() -> failed.get() ? null : task.run(pool));
            }
            List<InMemoryTable> parts = new ArrayList<>(tasks.size());
            Throwable error = null;
            for (Future<InMemoryTable> f : futures) {
                try {
                    parts.add(f.get());
                } catch (ExecutionException e) {
                    failed.set(true);
                    if (error == null) {
                        error = e.getCause();
                    }
                    parts.add(null);
                } catch (InterruptedException e) {
                    failed.set(true);
                    Thread.currentThread().interrupt();
                    if (error == null) {
                        error = e;
                    }
                    parts.add(null);
                }
            }
            if (error != null) {
                for (InMemoryTable t : parts) {
                    if (t != null) {
                        t.close();
                    }
                }
                if (error instanceof RuntimeException re) {
                    throw re;
                }
                if (error instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException("TPC-H generation failed", error);
            }
            Catalog catalog = new Catalog();
            int next = 0;
            long bytes = 0;
            long rows = 0;
            for (TableSpec<?> spec : specs) {
                List<InMemoryTable> tableParts = parts.subList(next, next + spec.parts());
                next += spec.parts();
                InMemoryTable table = tableParts.size() == 1
                        ? tableParts.getFirst()
                        : TableBuilder.concat(spec.name(), spec.schema(), tableParts);
                bytes += table.memoryBytes();
                rows += table.rowCount();
                catalog.register(table);
            }
            reporter.finish(rows, bytes, (System.nanoTime() - start) / 1e9, TABLES.size());
            return catalog;
        } finally {
            reporter.stop();
            executor.shutdownNow();
        }
    }

    /**
     * Generates one table at {@code scaleFactor} in parts, in dbgen's row order, and hands each
     * part to {@code sink} as soon as it and every part before it are done; the part is closed
     * when {@code sink} returns. At most {@code threads + 2} parts are in memory at once, so a
     * table of any size streams through a bounded amount of memory (about 90 MiB per
     * 500,000-row lineitem part). Returns the table's row count. {@code progress} as in
     * {@link #generate(double, MemoryPool, PrintStream, int)}, for this table alone; on failure
     * every part still held is freed.
     */
    public static long generateTable(String table, double scaleFactor, MemoryPool pool, PrintStream progress, int threads,
                                     Consumer<InMemoryTable> sink) {
        return generateTable(table, scaleFactor, pool, progress, threads, sink, ROWS_PER_PART);
    }

    /** As above with a chosen part size (tests use small parts). */
    static long generateTable(String table, double scaleFactor, MemoryPool pool, PrintStream progress, int threads,
                              Consumer<InMemoryTable> sink, long rowsPerPart) {
        checkScaleFactor(scaleFactor);
        Objects.requireNonNull(pool, "pool is null");
        Objects.requireNonNull(sink, "sink is null");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        schema(table);
        TableSpec<?> spec = specs(scaleFactor, rowsPerPart).stream()
                .filter(s -> s.name().equals(table.toLowerCase(Locale.ROOT))).findFirst().orElseThrow();
        long start = System.nanoTime();
        int window = threads + 1;
        Progress reporter = new Progress(scaleFactor, List.of(spec), progress);
        ExecutorService executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "tpch-gen");
            t.setDaemon(true);
            return t;
        });
        List<Future<InMemoryTable>> futures = new ArrayList<>();
        AtomicBoolean failed = new AtomicBoolean();
        int parts = spec.parts();
        long rows = 0;
        long bytes = 0;
        reporter.start();
        try {
            for (int p = 1; p <= Math.min(window, parts); p++) {
                PartTask<?> task = new PartTask<>(spec, p);
                futures.add(executor.submit(() -> failed.get() ? null : task.run(pool)));
            }
            for (int i = 0; i < parts; i++) {
                InMemoryTable part;
                try {
                    part = futures.get(i).get();
                } catch (ExecutionException e) {
                    throw rethrow(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("TPC-H generation interrupted", e);
                }
                futures.set(i, null);
                int next = futures.size() + 1; // the part after those submitted
                if (next <= parts) {
                    PartTask<?> task = new PartTask<>(spec, next);
                    futures.add(executor.submit(() -> failed.get() ? null : task.run(pool)));
                }
                try (part) {
                    rows += part.rowCount();
                    bytes += part.memoryBytes();
                    sink.accept(part);
                }
            }
            reporter.finish(rows, bytes, (System.nanoTime() - start) / 1e9, 1);
            return rows;
        } catch (RuntimeException | Error e) {
            failed.set(true);
            for (Future<InMemoryTable> f : futures) {
                if (f == null) {
                    continue;
                }
                try {
                    InMemoryTable t = f.get();
                    if (t != null) {
                        t.close();
                    }
                } catch (ExecutionException | InterruptedException | java.util.concurrent.CancellationException ignored) {
                    // already failing; the first error is the one reported
                }
            }
            throw e;
        } finally {
            reporter.stop();
            executor.shutdownNow();
        }
    }

    private static RuntimeException rethrow(Throwable error) {
        if (error instanceof RuntimeException re) {
            return re;
        }
        if (error instanceof Error err) {
            throw err;
        }
        return new IllegalStateException("TPC-H generation failed", error);
    }

    static void checkScaleFactor(double scaleFactor) {
        if (!(scaleFactor > 0) || Double.isInfinite(scaleFactor)) {
            throw new IllegalArgumentException(
                    "TPC-H scale factor must be a positive finite number (e.g. 0.01, 1, 10), got " + scaleFactor);
        }
    }

    // ---- tables ----

    private static List<TableSpec<?>> specs(double sf, long rowsPerPart) {
        long parts = (long) Math.max(1, 200_000 * sf);
        long suppliers = (long) Math.max(1, 10_000 * sf);
        long customers = (long) Math.max(1, 150_000 * sf);
        long orders = (long) Math.max(1, 1_500_000 * sf);
        return List.of(
                new TableSpec<Region>("region", 5, 1, (p, n) -> new RegionGenerator(), (r, b) -> {
                    b.setLong(0, r.regionKey());
                    b.setString(1, r.name());
                    b.setString(2, r.comment());
                }),
                new TableSpec<Nation>("nation", 25, 1, (p, n) -> new NationGenerator(), (r, b) -> {
                    b.setLong(0, r.nationKey());
                    b.setString(1, r.name());
                    b.setLong(2, r.regionKey());
                    b.setString(3, r.comment());
                }),
                new TableSpec<Part>("part", parts, partsFor(parts, rowsPerPart), (p, n) -> new PartGenerator(sf, p, n), (r, b) -> {
                    b.setLong(0, r.partKey());
                    b.setString(1, r.name());
                    b.setString(2, r.manufacturer());
                    b.setString(3, r.brand());
                    b.setString(4, r.type());
                    b.setInt(5, r.size());
                    b.setString(6, r.container());
                    b.setLong(7, r.retailPriceInCents());
                    b.setString(8, r.comment());
                }),
                new TableSpec<Supplier>("supplier", suppliers, partsFor(suppliers, rowsPerPart),
                        (p, n) -> new SupplierGenerator(sf, p, n), (r, b) -> {
                    b.setLong(0, r.supplierKey());
                    b.setString(1, r.name());
                    b.setString(2, r.address());
                    b.setLong(3, r.nationKey());
                    b.setString(4, r.phone());
                    b.setLong(5, r.accountBalanceInCents());
                    b.setString(6, r.comment());
                }),
                new TableSpec<PartSupplier>("partsupp", 4 * parts, partsFor(4 * parts, rowsPerPart),
                        (p, n) -> new PartSupplierGenerator(sf, p, n), (r, b) -> {
                    b.setLong(0, r.partKey());
                    b.setLong(1, r.supplierKey());
                    b.setInt(2, r.availableQuantity());
                    b.setLong(3, r.supplyCostInCents());
                    b.setString(4, r.comment());
                }),
                new TableSpec<Customer>("customer", customers, partsFor(customers, rowsPerPart),
                        (p, n) -> new CustomerGenerator(sf, p, n), (r, b) -> {
                    b.setLong(0, r.customerKey());
                    b.setString(1, r.name());
                    b.setString(2, r.address());
                    b.setLong(3, r.nationKey());
                    b.setString(4, r.phone());
                    b.setLong(5, r.accountBalanceInCents());
                    b.setString(6, r.marketSegment());
                    b.setString(7, r.comment());
                }),
                new TableSpec<Order>("orders", orders, partsFor(orders, rowsPerPart), (p, n) -> new OrderGenerator(sf, p, n), (r, b) -> {
                    b.setLong(0, r.orderKey());
                    b.setLong(1, r.customerKey());
                    b.setString(2, String.valueOf(r.orderStatus()));
                    b.setLong(3, r.totalPriceInCents());
                    b.setInt(4, r.orderDate());
                    b.setString(5, r.orderPriority());
                    b.setString(6, r.clerk());
                    b.setInt(7, r.shipPriority());
                    b.setString(8, r.comment());
                }),
                // about four lines per order (6,001,215 at SF 1); split by orders like dbgen
                new TableSpec<LineItem>("lineitem", 4 * orders, partsFor(4 * orders, rowsPerPart),
                        (p, n) -> new LineItemGenerator(sf, p, n), (r, b) -> {
                    b.setLong(0, r.orderKey());
                    b.setLong(1, r.partKey());
                    b.setLong(2, r.supplierKey());
                    b.setInt(3, r.lineNumber());
                    b.setLong(4, r.quantity() * 100);
                    b.setLong(5, r.extendedPriceInCents());
                    b.setLong(6, r.discountPercent());
                    b.setLong(7, r.taxPercent());
                    b.setString(8, r.returnFlag());
                    b.setString(9, r.status());
                    b.setInt(10, r.shipDate());
                    b.setInt(11, r.commitDate());
                    b.setInt(12, r.receiptDate());
                    b.setString(13, r.shipInstructions());
                    b.setString(14, r.shipMode());
                    b.setString(15, r.comment());
                }));
    }

    private static int partsFor(long rows, long rowsPerPart) {
        return (int) Math.min(1024, Math.max(1, (rows + rowsPerPart - 1) / rowsPerPart));
    }

    private static Field col(String name, DataType type) {
        return new Field(name, type, false);
    }

    private static Schema schema(Field... fields) {
        return Schema.of(fields);
    }

    @FunctionalInterface
    private interface PartSource<E> {
        Iterable<E> open(int part, int partCount);
    }

    @FunctionalInterface
    private interface RowWriter<E> {
        void write(E row, TableBuilder builder);
    }

    private record TableSpec<E>(String name, long estimatedRows, int parts, PartSource<E> source,
                                RowWriter<E> writer, LongAdder done) {
        TableSpec(String name, long estimatedRows, int parts, PartSource<E> source, RowWriter<E> writer) {
            this(name, estimatedRows, parts, source, writer, new LongAdder());
        }

        Schema schema() { return SCHEMAS.get(name); }

        long rowsPerPart() { return estimatedRows / parts; }
    }

    private record PartTask<E>(TableSpec<E> spec, int part) {
        InMemoryTable run(MemoryPool pool) {
            TableBuilder builder = new TableBuilder(pool, spec.name(), spec.schema());
            try {
                int pending = 0;
                RowWriter<E> writer = spec.writer();
                for (E row : spec.source().open(part, spec.parts())) {
                    writer.write(row, builder);
                    builder.endRow();
                    if (++pending == PROGRESS_FLUSH_ROWS) {
                        spec.done().add(pending);
                        pending = 0;
                    }
                }
                spec.done().add(pending);
                return builder.build();
            } catch (RuntimeException | Error e) {
                builder.close();
                throw e;
            }
        }
    }

    /** The progress line: refreshed by a daemon thread at most four times a second. */
    private static final class Progress {
        private final String prefix;
        private final List<TableSpec<?>> specs;
        private final PrintStream out;
        private Thread thread;
        private volatile boolean running;

        Progress(double sf, List<TableSpec<?>> specs, PrintStream out) {
            this.prefix = "tpch sf=" + formatSf(sf) + ": ";
            this.specs = specs;
            this.out = out;
        }

        void start() {
            if (out == null) {
                return;
            }
            running = true;
            thread = Thread.ofPlatform().daemon().name("tpch-progress").start(() -> {
                while (running) {
                    try {
                        Thread.sleep(PROGRESS_INTERVAL_MS);
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (running) {
                        print();
                    }
                }
            });
        }

        private synchronized void print() {
            if (!running) {
                return;
            }
            long done = 0;
            long total = 0;
            TableSpec<?> active = null;
            for (TableSpec<?> s : specs) {
                long d = s.done().sum();
                done += d;
                total += Math.max(d, s.estimatedRows());
                if (d > 0 && d < s.estimatedRows() && (active == null || s.estimatedRows() > active.estimatedRows())) {
                    active = s;
                }
            }
            String detail = active == null ? ""
                    : ", " + active.name() + " " + count(active.done().sum()) + "/" + count(active.estimatedRows());
            out.print("\r" + prefix + count(done) + "/~" + count(total) + " rows" + detail + "    ");
            out.flush();
            lineOpen = true;
        }

        synchronized void finish(long rows, long bytes, double seconds, int tables) {
            if (out == null) {
                return;
            }
            running = false;
            lineOpen = false;
            if (specs.size() == 1) {
                out.printf(Locale.ROOT, "\r%s%s, %,d rows generated in parts (%.1f MiB in all), %.1f s%n",
                        prefix, specs.getFirst().name(), rows, bytes / (1024.0 * 1024.0), seconds);
            } else {
                out.printf(Locale.ROOT, "\r%s%,d rows in %d tables, %.1f MiB, %.1f s%n",
                        prefix, rows, tables, bytes / (1024.0 * 1024.0), seconds);
            }
            out.flush();
        }

        void stop() {
            running = false;
            if (thread != null) {
                thread.interrupt();
                try {
                    thread.join(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (this) {
                if (lineOpen && out != null) {
                    out.println(); // a failure must not continue the progress line
                    lineOpen = false;
                }
            }
        }

        private boolean lineOpen;

        private static String count(long n) {
            if (n >= 1_000_000) {
                return String.format(Locale.ROOT, "%.1fM", n / 1e6);
            }
            if (n >= 10_000) {
                return String.format(Locale.ROOT, "%.0fK", n / 1e3);
            }
            return Long.toString(n);
        }

        private static String formatSf(double sf) {
            return sf == Math.rint(sf) && sf < 1e15 ? Long.toString((long) sf) : Double.toString(sf);
        }
    }
}
