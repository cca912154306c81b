package io.blueshift.api;

import io.blueshift.memory.Batch;
import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.sql.FileFormats;
import io.blueshift.sql.SqlException;
import io.blueshift.sql.SqlPlanner;
import io.blueshift.sql.SqlStatement;
import io.blueshift.storage.InMemoryTable;
import io.blueshift.storage.Table;
import io.blueshift.storage.TableBuilder;
import io.blueshift.storage.TableWriter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the statements of {@link Session#run}: queries, views, tables from queries, COPY. */
final class Statements {
    private final Session session;
    private final Map<String, String> views;
    private final MemoryPool data;

    Statements(Session session, Map<String, String> views, MemoryPool data) {
        this.session = session;
        this.views = views;
        this.data = data;
    }

    QueryResult run(String text) {
        SqlStatement st = SqlStatement.parse(text);
        return switch (st) {
            case SqlStatement.Query q -> session.sql(q.sql());
            case SqlStatement.CreateView v -> createView(v);
            case SqlStatement.CreateTable t -> createTable(t);
            case SqlStatement.Drop d -> drop(d);
            case SqlStatement.Copy c -> copy(c);
            case SqlStatement.ShowTables show -> showTables();
            case SqlStatement.Describe d -> describe(d);
        };
    }

    private QueryResult createView(SqlStatement.CreateView v) {
        String name = v.name().toLowerCase();
        if (session.catalog().contains(name)) {
            throw new SqlException("cannot create view " + v.name() + ": a table of that name exists");
        }
        if (views.containsKey(name) && !v.orReplace()) {
            if (v.ifNotExists()) {
                return nothing();
            }
            throw new SqlException("view " + v.name() + " already exists (use CREATE OR REPLACE VIEW)");
        }
        // checked now against the tables as they are, with this definition in place (so a view
        // that refers to itself is caught here)
        new SqlPlanner(session.catalog(), views, fileResolver()).logicalPlan(v.query());
        Map<String, String> next = new HashMap<>(views);
        next.put(name, v.query());
        new SqlPlanner(session.catalog(), next, fileResolver()).logicalPlan("SELECT * FROM " + quoted(name));
        views.put(name, v.query());
        return nothing();
    }

    private QueryResult createTable(SqlStatement.CreateTable t) {
        String name = t.name().toLowerCase();
        if (views.containsKey(name)) {
            throw new SqlException("cannot create table " + t.name() + ": a view of that name exists");
        }
        if (session.catalog().contains(name) && !t.orReplace()) {
            if (t.ifNotExists()) {
                return count(0);
            }
            throw new SqlException("table " + t.name() + " already exists (use CREATE OR REPLACE TABLE)");
        }
        InMemoryTable table;
        try (QueryResult r = session.sql(t.query())) {
            table = materialize(t.name(), r);
        }
        Table old = session.catalog().remove(name);
        session.register(table);
        close(old);
        return count(table.rowCount());
    }

    /** Copies a result into a table of the session's data pool. */
    private InMemoryTable materialize(String name, QueryResult r) {
        List<Field> fields = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Field f : r.schema().fields()) {
            if (!seen.add(f.name().toLowerCase())) {
                throw new SqlException("cannot create table " + name + ": two columns are named " + f.name() + " (give them aliases)");
            }
            fields.add(new Field(f.name(), f.type(), true));
        }
        Schema schema = new Schema(fields);
        try (TableBuilder b = new TableBuilder(data, name, schema)) {
            // batch by batch, value by value in the column's own type (no row objects)
            for (Batch batch : r.batches()) {
                int n = batch.liveCount();
                for (int i = 0; i < n; i++) {
                    int row = batch.liveRow(i);
                    for (int c = 0; c < schema.size(); c++) {
                        copy(batch.column(c), row, b, c, schema.type(c));
                    }
                    b.endRow();
                }
            }
            return b.build();
        }
    }

    private static void copy(io.blueshift.memory.ColumnVector v, int row, TableBuilder b, int c, io.blueshift.memory.DataType type) {
        if (v.isNull(row)) {
            b.setNull(c);
            return;
        }
        switch (type) {
            case io.blueshift.memory.DataType.BooleanType t -> b.setBoolean(c, v.getBoolean(row));
            case io.blueshift.memory.DataType.Int32Type t -> b.setInt(c, v.getInt(row));
            case io.blueshift.memory.DataType.DateType t -> b.setInt(c, v.getInt(row));
            case io.blueshift.memory.DataType.Int64Type t -> b.setLong(c, v.getLong(row));
            case io.blueshift.memory.DataType.TimestampType t -> b.setLong(c, v.getLong(row));
            case io.blueshift.memory.DataType.DecimalType t -> b.setLong(c, v.getLong(row));
            case io.blueshift.memory.DataType.Float64Type t -> b.setDouble(c, v.getDouble(row));
            case io.blueshift.memory.DataType.VarcharType t -> b.setString(c, v.getStringBytes(row));
        }
    }

    private QueryResult drop(SqlStatement.Drop d) {
        String name = d.name().toLowerCase();
        if (d.view()) {
            if (views.remove(name) == null) {
                if (session.catalog().contains(name)) {
                    throw new SqlException(d.name() + " is a table, not a view (use DROP TABLE)");
                }
                if (!d.ifExists()) {
                    throw new SqlException("no view named " + d.name());
                }
            }
        } else {
            Table t = session.catalog().remove(name);
            if (t == null) {
                if (views.containsKey(name)) {
                    throw new SqlException(d.name() + " is a view, not a table (use DROP VIEW)");
                }
                if (!d.ifExists()) {
                    throw new SqlException("no table named " + d.name());
                }
            }
            close(t);
        }
        return nothing();
    }

    private QueryResult copy(SqlStatement.Copy c) {
        Path target = Path.of(c.path());
        Map<String, String> options = new HashMap<>(c.options());
        String formatName = options.remove("format");
        FileFormats.Format format = formatName != null ? FileFormats.named(formatName) : FileFormats.ofExtension(c.path());
        String where = "error at line " + c.line() + ", column " + c.column() + ": ";
        if (format == null) {
            throw new SqlException(where + (formatName != null ? "unknown COPY format " + formatName + " (parquet, csv or arrow)"
                    : "cannot tell the format of " + c.path() + " from its extension; add (FORMAT parquet|csv|arrow)"), c.line(), c.column(), null);
        }
        if (Files.isDirectory(target)) {
            throw new SqlException(where + c.path() + " is a directory", c.line(), c.column(), null);
        }
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new SqlException(where + "directory " + parent + " does not exist", c.line(), c.column(), null);
        }
        PlanNode plan = session.plan(c.query());
        try (QueryResult r = session.execute(plan)) {
            TableWriter w = FileFormats.writer(format, target, r.schema(), options);
            try {
                for (Batch b : r.batches()) {
                    w.write(b);
                }
            } catch (RuntimeException | Error e) {
                w.abort();
                throw e;
            }
            w.close();
            return count(w.rowsWritten());
        }
    }

    private io.blueshift.sql.FileResolver fileResolver() {
        return session.fileResolver();
    }

    private static String quoted(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private QueryResult showTables() {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        for (Table t : session.catalog().tables()) {
            names.add(t.name());
        }
        names.addAll(views.keySet());
        List<List<Object>> rows = new java.util.ArrayList<>();
        for (String n : names) {
            rows.add(List.of(n));
        }
        return session.execute(new PlanNode.Values(io.blueshift.memory.Schema.of(
                io.blueshift.memory.Field.of("name", io.blueshift.memory.DataType.VARCHAR)), rows));
    }

    private QueryResult describe(SqlStatement.Describe d) {
        io.blueshift.memory.Schema schema = session.plan(d.query()).schema();
        List<List<Object>> rows = new java.util.ArrayList<>();
        for (io.blueshift.memory.Field f : schema.fields()) {
            rows.add(List.of(f.name(), f.type().sqlName(), f.nullable() ? "YES" : "NO"));
        }
        return session.execute(new PlanNode.Values(io.blueshift.memory.Schema.of(
                io.blueshift.memory.Field.of("column_name", io.blueshift.memory.DataType.VARCHAR),
                io.blueshift.memory.Field.of("column_type", io.blueshift.memory.DataType.VARCHAR),
                io.blueshift.memory.Field.of("null", io.blueshift.memory.DataType.VARCHAR)), rows));
    }

    private QueryResult count(long n) {
        return session.sql("SELECT CAST(" + n + " AS BIGINT) AS \"Count\"");
    }

    private QueryResult nothing() {
        return session.sql("SELECT 1 AS ok FROM (VALUES (1)) AS t(x) WHERE x = 0");
    }

    private static void close(Table t) {
        if (t instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("freeing table " + t.name() + ": " + e.getMessage(), e);
            }
        }
    }
}
