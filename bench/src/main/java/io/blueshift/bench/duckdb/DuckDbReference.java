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
    private static final long PROGRESS_INTERVAL_NANOS = 250_000_000L;

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

    /** Loads every table of {@code catalog}, with a progress line on stderr. */
    public void load(Catalog catalog) {
        load(catalog, System.err);
    }

    /**
     * Creates (or replaces) one DuckDB table per catalog table, same names and types, and
     * appends all rows. {@code progress} gets a line updated at most four times a second and a
     * final summary; null for silence.
     */
    public void load(Catalog catalog, PrintStream progress) {
        Objects.requireNonNull(catalog, "catalog is null");
        long start = System.nanoTime();
        List<Table> tables = List.copyOf(catalog.tables());
        long total = 0;
        for (Table t : tables) {
            total += t.rowCount();
        }
        long[] done = {0};
        long[] lastPrint = {start};
        long totalRows = total;
        for (Table t : tables) {
            execute(createTable(t));
            long before = done[0];
            appendRows(t, () -> {
                long now = System.nanoTime();
                if (progress != null && now - lastPrint[0] >= PROGRESS_INTERVAL_NANOS) {
                    lastPrint[0] = now;
                    progress.print(String.format(Locale.ROOT, "\rduckdb load: %s %s/%s rows, total %s/%s    ",
                            t.name(), count(done[0] - before), count(t.rowCount()), count(done[0]), count(totalRows)));
                    progress.flush();
                }
            }, done);
        }
        if (progress != null) {
            progress.printf(Locale.ROOT, "\rduckdb load: %,d rows in %d tables, %.1f s%s%n",
                    total, tables.size(), (System.nanoTime() - start) / 1e9, " ".repeat(30));
            progress.flush();
        }
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

    private void appendRows(Table t, Runnable tick, long[] done) {
        Schema schema = t.schema();
        int columns = schema.size();
        int[] kinds = new int[columns];
        for (int c = 0; c < columns; c++) {
            kinds[c] = kind(schema.type(c));
        }
        try (DuckDBAppender appender = connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, t.name())) {
            for (TableBlock block : t.blocks()) {
                int rows = block.rowCount();
                ColumnVector[] vectors = block.columns().toArray(new ColumnVector[0]);
                for (int r = 0; r < rows; r++) {
                    appender.beginRow();
                    for (int c = 0; c < columns; c++) {
                        ColumnVector v = vectors[c];
                        if (v.isNull(r)) {
                            appender.appendNull();
                            continue;
                        }
                        switch (kinds[c]) {
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
                    if ((++done[0] & 4095) == 0) {
                        tick.run();
                    }
                }
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
