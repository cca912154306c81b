package io.blueshift.bench.duckdb;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.Schema;
import io.blueshift.storage.Catalog;
import io.blueshift.storage.Table;
import io.blueshift.storage.TableBlock;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An in-memory DuckDB to check our answers against and to time: {@link #load} copies a
 * {@link Catalog}'s tables in with the appender (same column names and types), {@link #query}
 * returns rows as the Java values our engine presents (BIGINT as Long, INTEGER as Integer,
 * DECIMAL as BigDecimal, DOUBLE as Double, DATE as LocalDate, VARCHAR as String, NULL as null).
 * SQL errors surface as {@link IllegalStateException}s naming the statement. Not thread-safe.
 */
public final class DuckDbReference implements AutoCloseable {
    private static final long PROGRESS_INTERVAL_MILLIS = 250;
    private static final long ROWS_PER_CHUNK = 1 << 20;

    private final DuckDBConnection connection;

    /** Opens a fresh in-memory database. */
    public DuckDbReference() {
        try {
            Connection c = DriverManager.getConnection("jdbc:duckdb:");
            this.connection = c.unwrap(DuckDBConnection.class);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open an in-memory DuckDB: " + e.getMessage(), e);
        }
    }

    /**
     * Opens a database in {@code file} (created if absent): DuckDB keeps the tables on disk and
     * only its buffer pool ({@code SET memory_limit}) in memory, for scale factors whose
     * in-memory copy would not fit beside ours.
     */
    public DuckDbReference(java.nio.file.Path file) {
        try {
            Connection c = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
            this.connection = c.unwrap(DuckDBConnection.class);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open DuckDB database " + file + ": " + e.getMessage(), e);
        }
    }

    /** The JDBC connection, for anything this class does not cover. */
    public Connection connection() { return connection; }

    /** Sets DuckDB's worker threads (its default is one per core). */
    public void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        execute("SET threads TO " + threads);
    }

    /** Runs a statement that returns no rows (DDL, SET, ...). */
    public void execute(String sql) {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /** Loads every table of {@code catalog} on all cores, with a progress line on stderr. */
    public void load(Catalog catalog) {
        load(catalog, System.err);
    }

    /** As {@link #load(Catalog, PrintStream, int)} on all available processors. */
    public void load(Catalog catalog, PrintStream progress) {
        load(catalog, progress, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Creates (or replaces) one DuckDB table per catalog table, same names and types, and
     * appends all rows: runs of blocks go to {@code threads} appenders on connections of their
     * own, so DuckDB's row order within a table may differ from ours (TPC-H does not depend on
     * it). {@code progress} gets a line updated at most four times a second and a final summary;
     * null for silence.
     */
    public void load(Catalog catalog, PrintStream progress, int threads) {
        Objects.requireNonNull(catalog, "catalog is null");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        long start = System.nanoTime();
        List<Table> tables = List.copyOf(catalog.tables());
        long total = 0;
        List<Chunk> chunks = new ArrayList<>();
        for (Table t : tables) {
            execute(createTable(t));
            total += t.rowCount();
            List<TableBlock> blocks = t.blocks();
            int from = 0;
            long rows = 0;
            for (int b = 0; b < blocks.size(); b++) {
                rows += blocks.get(b).rowCount();
                if (rows >= ROWS_PER_CHUNK || b == blocks.size() - 1) {
                    chunks.add(new Chunk(t, blocks.subList(from, b + 1), rows));
                    from = b + 1;
                    rows = 0;
                }
            }
        }
        chunks.sort(java.util.Comparator.comparingLong((Chunk c) -> -c.rows()));
        java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
        long totalRows = total;
        Thread reporter = progress == null ? null : Thread.ofPlatform().daemon().name("duckdb-load-progress").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(PROGRESS_INTERVAL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (progress) {
                    progress.print("\rduckdb load: " + count(done.get()) + "/" + count(totalRows) + " rows    ");
                    progress.flush();
                }
            }
        });
        int workers = Math.min(threads, Math.max(1, chunks.size()));
        java.util.concurrent.ConcurrentLinkedQueue<Chunk> queue = new java.util.concurrent.ConcurrentLinkedQueue<>(chunks);
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> running = new ArrayList<>();
        try {
            for (int w = 0; w < workers; w++) {
                running.add(Thread.ofPlatform().name("duckdb-load-" + w).start(() -> {
                    try (DuckDBConnection c = connection.duplicate()) {
                        Chunk chunk;
                        while (errors.isEmpty() && (chunk = queue.poll()) != null) {
                            appendRows(c, chunk, done);
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            for (Thread t : running) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            errors.add(e);
        } finally {
            if (reporter != null) {
                reporter.interrupt();
                try {
                    reporter.join(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (!errors.isEmpty()) {
            Throwable e = errors.getFirst();
            throw e instanceof RuntimeException re ? re
                    : new IllegalStateException("loading into DuckDB failed: " + e.getMessage(), e);
        }
        if (progress != null) {
            synchronized (progress) {
                progress.printf(Locale.ROOT, "\rduckdb load: %,d rows in %d tables, %.1f s%s%n",
                        total, tables.size(), (System.nanoTime() - start) / 1e9, " ".repeat(20));
                progress.flush();
            }
        }
    }

    private record Chunk(Table table, List<TableBlock> blocks, long rows) {
    }

    private static String count(long n) {
        return n >= 1_000_000 ? String.format(Locale.ROOT, "%.1fM", n / 1e6)
                : n >= 10_000 ? String.format(Locale.ROOT, "%.0fK", n / 1e3) : Long.toString(n);
    }

    static String createTable(Table t) {
        StringBuilder sql = new StringBuilder("CREATE OR REPLACE TABLE ").append(quote(t.name())).append(" (");
        Schema schema = t.schema();
        for (int i = 0; i < schema.size(); i++) {
            Field f = schema.field(i);
            sql.append(i == 0 ? "" : ", ").append(quote(f.name())).append(' ').append(f.type().sqlName());
        }
        return sql.append(')').toString();
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static final int BOOLEAN = 0, INT = 1, LONG = 2, DOUBLE = 3, DATE = 4, TIMESTAMP = 5,
            DECIMAL_SHORT = 6, DECIMAL_INT = 7, DECIMAL_LONG = 8, VARCHAR = 9;

    private static int kind(DataType type) {
        return switch (type) {
            case DataType.BooleanType t -> BOOLEAN;
            case DataType.Int32Type t -> INT;
            case DataType.Int64Type t -> LONG;
            case DataType.Float64Type t -> DOUBLE;
            case DataType.DateType t -> DATE;
            case DataType.TimestampType t -> TIMESTAMP;
            // DuckDB stores DECIMAL(p,s) in 16, 32 or 64 bits by precision
            case DataType.DecimalType t -> t.precision() <= 4 ? DECIMAL_SHORT : t.precision() <= 9 ? DECIMAL_INT : DECIMAL_LONG;
            case DataType.VarcharType t -> VARCHAR;
        };
    }

    private static void appendRows(DuckDBConnection c, Chunk chunk, java.util.concurrent.atomic.AtomicLong done) {
        Table t = chunk.table();
        Schema schema = t.schema();
        int columns = schema.size();
        int[] kinds = new int[columns];
        for (int col = 0; col < columns; col++) {
            kinds[col] = kind(schema.type(col));
        }
        try (DuckDBAppender appender = c.createAppender(DuckDBConnection.DEFAULT_SCHEMA, t.name())) {
            for (TableBlock block : chunk.blocks()) {
                int rows = block.rowCount();
                ColumnVector[] vectors = block.columns().toArray(new ColumnVector[0]);
                for (int r = 0; r < rows; r++) {
                    appender.beginRow();
                    for (int col = 0; col < columns; col++) {
                        ColumnVector v = vectors[col];
                        if (v.isNull(r)) {
                            appender.appendNull();
                            continue;
                        }
                        switch (kinds[col]) {
                            case BOOLEAN -> appender.append(v.getBoolean(r));
                            case INT -> appender.append(v.getInt(r));
                            case LONG -> appender.append(v.getLong(r));
                            case DOUBLE -> appender.append(v.getDouble(r));
                            case DATE -> appender.appendEpochDays(v.getInt(r));
                            case TIMESTAMP -> appender.appendEpochMicros(v.getLong(r));
                            case DECIMAL_SHORT -> appender.appendDecimal((short) v.getLong(r));
                            case DECIMAL_INT -> appender.appendDecimal((int) v.getLong(r));
                            case DECIMAL_LONG -> appender.appendDecimal(v.getLong(r));
                            default -> appender.append(v.getString(r));
                        }
                    }
                    appender.endRow();
                }
                done.addAndGet(rows);
            }
            appender.flush();
        } catch (SQLException e) {
            throw new IllegalStateException("loading table " + t.name() + " into DuckDB failed: " + e.getMessage(), e);
        }
    }

    /** Runs a query and returns its rows as normalized Java values. */
    public List<List<Object>> query(String sql) {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            int columns = meta.getColumnCount();
            int[] sqlTypes = new int[columns];
            for (int c = 0; c < columns; c++) {
                sqlTypes[c] = meta.getColumnType(c + 1);
            }
            List<List<Object>> rows = new ArrayList<>();
            while (rs.next()) {
                List<Object> row = new ArrayList<>(columns);
                for (int c = 0; c < columns; c++) {
                    row.add(value(rs, c + 1, sqlTypes[c]));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /** Column names of a query's result, in order. */
    public List<String> columnNames(String sql) {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            List<String> names = new ArrayList<>();
            for (int c = 1; c <= meta.getColumnCount(); c++) {
                names.add(meta.getColumnLabel(c));
            }
            return names;
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /** Wall time in milliseconds to run {@code sql} and fetch its rows as Java values. */
    public double timeQueryMillis(String sql) {
        long start = System.nanoTime();
        query(sql);
        return (System.nanoTime() - start) / 1e6;
    }

    private static Object value(ResultSet rs, int column, int sqlType) throws SQLException {
        if (sqlType == Types.DATE) {
            return rs.getObject(column, LocalDate.class);
        }
        return normalize(rs.getObject(column));
    }

    /** Maps a JDBC value to the class our engine presents for the same SQL type. */
    static Object normalize(Object v) {
        return switch (v) {
            case null -> null;
            case Byte b -> (int) b;
            case Short s -> (int) s;
            case Float f -> (double) f;
            case BigInteger i -> i.bitLength() < 64 ? (Object) i.longValueExact() : new BigDecimal(i);
            case java.sql.Date d -> d.toLocalDate();
            case java.sql.Timestamp ts -> ts.toLocalDateTime();
            case java.sql.Time tm -> tm.toLocalTime();
            case java.time.OffsetDateTime o -> o.toLocalDateTime();
            case LocalDate d -> d;
            case LocalDateTime d -> d;
            case LocalTime d -> d;
            default -> v;
        };
    }

    private static IllegalStateException failure(String sql, SQLException e) {
        String first = sql.strip().lines().filter(l -> !l.isBlank() && !l.strip().startsWith("--"))
                .findFirst().orElse(sql);
        return new IllegalStateException("DuckDB failed on '" + first.strip() + (sql.strip().contains("\n") ? " ..." : "")
                + "': " + e.getMessage(), e);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IllegalStateException("closing DuckDB: " + e.getMessage(), e);
        }
    }
}
