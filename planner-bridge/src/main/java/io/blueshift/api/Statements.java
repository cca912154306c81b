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
            case SqlStatement.Insert i -> insert(i);
            case SqlStatement.Delete d -> delete(d);
            case SqlStatement.Update u -> update(u);
            case SqlStatement.SetOption o -> setOption(o);
        };
    }

    // ---- INSERT, DELETE, UPDATE: the table is made anew from a query over the old one (at one
    // thread, so its rows keep their order) and replaces it; the old one is freed. Each statement
    // costs a copy of the table: meant for the shell's and embedders' small edits, not bulk loads.

    /** The table a statement changes (not a view, not a file). */
    private Table target(String name, io.blueshift.sql.SqlLexer.Token at) {
        if (views.containsKey(name.toLowerCase())) {
            throw error(at, name + " is a view; INSERT, UPDATE and DELETE change tables");
        }
        Table t = session.catalog().table(name.toLowerCase());
        if (t == null) {
            throw error(at, "table '" + name + "' not found");
        }
        return t;
    }

    private static SqlException error(io.blueshift.sql.SqlLexer.Token at, String message) {
        return new SqlException("error at line " + at.line() + ", column " + at.column() + ": " + message, at.line(), at.column(), null);
    }

    private QueryResult insert(SqlStatement.Insert ins) {
        Table table = target(ins.table(), ins.at());
        Schema schema = table.schema();
        List<Integer> targets = new ArrayList<>();
        if (ins.columns().isEmpty()) {
            for (int c = 0; c < schema.size(); c++) {
                targets.add(c);
            }
        } else {
            for (int k = 0; k < ins.columns().size(); k++) {
                int c = schema.indexOf(ins.columns().get(k));
                if (c < 0) {
                    throw error(ins.columnTokens().get(k), "table " + table.name() + " has no column '" + ins.columns().get(k) + "'");
                }
                if (targets.contains(c)) {
                    throw error(ins.columnTokens().get(k), "column '" + ins.columns().get(k) + "' is named twice");
                }
                targets.add(c);
            }
        }
        int given = session.plan(ins.query()).schema().size();
        if (given != targets.size()) {
            throw error(ins.at(), "table " + table.name() + " has " + targets.size() + " column" + (targets.size() == 1 ? "" : "s")
                    + (ins.columns().isEmpty() ? "" : " listed") + " but " + given + " value" + (given == 1 ? " was" : "s were") + " supplied");
        }
        StringBuilder select = new StringBuilder("SELECT ");
        StringBuilder names = new StringBuilder();
        for (int k = 0; k < given; k++) {
            names.append(k == 0 ? "" : ", ").append("\"$v").append(k).append('"');
        }
        for (int c = 0; c < schema.size(); c++) {
            int k = targets.indexOf(c);
            select.append(c == 0 ? "" : ", ").append("CAST(").append(k < 0 ? "NULL" : "q.\"$v" + k + "\"")
                    .append(" AS ").append(schema.type(c).sqlName()).append(") AS ").append(quoted(schema.fields().get(c).name()));
        }
        select.append(" FROM (").append(ins.query().strip()).append(") AS q(").append(names).append(')');
        long before = table.rowCount();
        InMemoryTable next = materialize(table.name(), table.schema(), List.of(
                () -> session.sql("SELECT * FROM " + quoted(table.name()), 1), () -> session.sql(select.toString(), 1)));
        replace(table, next);
        return count(next.rowCount() - before);
    }

    private QueryResult delete(SqlStatement.Delete d) {
        Table table = target(d.table(), d.at());
        String from = " FROM " + quoted(table.name()) + (d.alias() == null ? "" : " AS " + quoted(d.alias()));
        long before = table.rowCount();
        io.blueshift.sql.Spliced keep = new io.blueshift.sql.Spliced(d.text()).add("SELECT *" + from);
        if (d.where() != null) {
            keep.add(" WHERE (").add(d.where()).add(") IS NOT TRUE");
        } else {
            keep.add(" WHERE FALSE");
        }
        InMemoryTable next = rewrite(table, keep);
        return count(before - next.rowCount());
    }

    private QueryResult update(SqlStatement.Update u) {
        Table table = target(u.table(), u.at());
        Schema schema = table.schema();
        SqlStatement.Piece[] values = new SqlStatement.Piece[schema.size()];
        for (SqlStatement.Assignment a : u.set()) {
            int c = schema.indexOf(a.column());
            if (c < 0) {
                throw error(a.at(), "table " + table.name() + " has no column '" + a.column() + "'");
            }
            if (values[c] != null) {
                throw error(a.at(), "column '" + a.column() + "' is set twice");
            }
            values[c] = a.value();
        }
        String from = " FROM " + quoted(table.name()) + (u.alias() == null ? "" : " AS " + quoted(u.alias()));
        io.blueshift.sql.Spliced next = new io.blueshift.sql.Spliced(u.text()).add("SELECT ");
        for (int c = 0; c < schema.size(); c++) {
            String name = quoted(schema.fields().get(c).name());
            next.add(c == 0 ? "" : ", ");
            if (values[c] == null) {
                next.add(name);
                continue;
            }
            if (u.where() != null) {
                next.add("CASE WHEN (").add(u.where()).add(") THEN ");
            }
            next.add("CAST((").add(values[c]).add(") AS " + schema.type(c).sqlName() + ")");
            if (u.where() != null) {
                next.add(" ELSE " + name + " END");
            }
            next.add(" AS " + name);
        }
        next.add(from);
        long changed;
        if (u.where() == null) {
            changed = table.rowCount();
        } else {
            io.blueshift.sql.Spliced counted = new io.blueshift.sql.Spliced(u.text()).add("SELECT count(*)" + from + " WHERE ").add(u.where());
            try (QueryResult r = runSpliced(counted)) {
                changed = countOf(r);
            }
        }
        rewrite(table, next);
        return count(changed);
    }

    /** The table made anew from a query over it (at one thread, rows in order), in its place. */
    private InMemoryTable rewrite(Table table, io.blueshift.sql.Spliced query) {
        // the table's own schema: a value computed wider than its column (INTEGER arithmetic is
        // BIGINT here) is converted with its range checked, the column keeps its type
        InMemoryTable next = materialize(table.name(), table.schema(), List.of(() -> runSpliced(query)));
        replace(table, next);
        return next;
    }

    private QueryResult runSpliced(io.blueshift.sql.Spliced query) {
        try {
            return session.sql(query.sql(), 1);
        } catch (SqlException e) {
            throw query.remap(e);
        }
    }

    private void replace(Table old, InMemoryTable next) {
        session.catalog().remove(old.name().toLowerCase());
        session.register(next);
        session.dropped(old);
        close(old);
    }

    private static long countOf(QueryResult r) {
        for (Batch b : r.batches()) {
            if (b.liveCount() > 0) {
                return b.column(0).getLong(b.liveRow(0));
            }
        }
        return 0;
    }

    private QueryResult setOption(SqlStatement.SetOption o) {
        String name = o.name().toLowerCase(java.util.Locale.ROOT);
        switch (name) {
            case "threads", "worker_threads" -> {
                int n;
                if (o.value() == null) {
                    n = Runtime.getRuntime().availableProcessors();
                } else {
                    try {
                        n = Integer.parseInt(o.value().strip());
                    } catch (NumberFormatException e) {
                        throw error(o.at(), "threads must be a whole number, got '" + o.value() + "'");
                    }
                    if (n < 1 || n > 1024) {
                        throw error(o.at(), "threads must be 1 to 1024, got " + n);
                    }
                }
                session.setThreads(n);
            }
            case "memory_limit", "max_memory" -> throw error(o.at(), "the memory limit is set when the session starts"
                    + " (--memory-limit, or Options.memoryLimit); it cannot be changed by SET");
            default -> throw error(o.at(), "unknown setting '" + o.name() + "' (settings: threads)");
        }
        return nothing();
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
        InMemoryTable table = materialize(t.name(), null, List.of(() -> session.sql(t.query())));
        Table old = session.catalog().remove(name);
        session.register(table);
        session.dropped(old);
        close(old);
        return count(table.rowCount());
    }

    /**
     * Copies the results of queries into a table of the session's data pool, one after the other,
     * each query run only when the one before it is copied and closed; the table has
     * {@code target}'s columns, or the first result's when null.
     */
    private InMemoryTable materialize(String name, Schema target, List<java.util.function.Supplier<QueryResult>> queries) {
        TableBuilder b = null;
        Schema schema = null;
        try {
            for (java.util.function.Supplier<QueryResult> q : queries) {
                try (QueryResult r = q.get()) {
                    if (b == null) {
                        schema = target != null ? nullable(target) : tableSchema(name, r.schema());
                        b = new TableBuilder(data, name, schema);
                    }
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
                }
            }
            return b.build();
        } finally {
            if (b != null) {
                b.close();
            }
        }
    }

    private static Schema nullable(Schema schema) {
        List<Field> fields = new ArrayList<>();
        for (Field f : schema.fields()) {
            fields.add(new Field(f.name(), f.type(), true));
        }
        return new Schema(fields);
    }

    /** A new table's columns from a query's: names told apart, every column nullable. */
    private static Schema tableSchema(String name, Schema result) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Field f : result.fields()) {
            if (!seen.add(f.name().toLowerCase())) {
                throw new SqlException("cannot create table " + name + ": two columns are named " + f.name() + " (give them aliases)");
            }
        }
        return nullable(result);
    }

    private static void copy(io.blueshift.memory.ColumnVector v, int row, TableBuilder b, int c, io.blueshift.memory.DataType type) {
        if (v.isNull(row)) {
            b.setNull(c);
            return;
        }
        if (!v.type().equals(type)) {
            // a result column typed wider than the planner said (INTEGER arithmetic computes as
            // BIGINT, so a CAST to INTEGER the planner took as a no-op is missing): converted
            // with its range checked
            convert(v, row, b, c, type);
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

    private static void convert(io.blueshift.memory.ColumnVector v, int row, TableBuilder b, int c, io.blueshift.memory.DataType type) {
        java.math.BigDecimal value = switch (v.type()) {
            case io.blueshift.memory.DataType.Int32Type t -> java.math.BigDecimal.valueOf(v.getInt(row));
            case io.blueshift.memory.DataType.Int64Type t -> java.math.BigDecimal.valueOf(v.getLong(row));
            case io.blueshift.memory.DataType.DecimalType t -> java.math.BigDecimal.valueOf(v.getLong(row), t.scale());
            case io.blueshift.memory.DataType.Float64Type t when type instanceof io.blueshift.memory.DataType.Float64Type ->
                    java.math.BigDecimal.ZERO;
            default -> throw new SqlException("cannot store a " + v.type().sqlName() + " value in a " + type.sqlName() + " column");
        };
        String range = "value " + value.toPlainString() + " is out of range for " + type.sqlName();
        switch (type) {
            case io.blueshift.memory.DataType.Int32Type t -> {
                java.math.BigDecimal whole = value.setScale(0, java.math.RoundingMode.HALF_UP);
                if (whole.compareTo(java.math.BigDecimal.valueOf(Integer.MIN_VALUE)) < 0
                        || whole.compareTo(java.math.BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
                    throw new SqlException(range);
                }
                b.setInt(c, whole.intValueExact());
            }
            case io.blueshift.memory.DataType.Int64Type t -> {
                java.math.BigDecimal whole = value.setScale(0, java.math.RoundingMode.HALF_UP);
                if (whole.toBigInteger().bitLength() > 63) {
                    throw new SqlException(range);
                }
                b.setLong(c, whole.longValueExact());
            }
            case io.blueshift.memory.DataType.DecimalType t -> {
                java.math.BigDecimal scaled = value.setScale(t.scale(), java.math.RoundingMode.HALF_UP);
                if (scaled.precision() - scaled.scale() > t.precision() - t.scale()) {
                    throw new SqlException(range);
                }
                b.setLong(c, scaled.unscaledValue().longValueExact());
            }
            case io.blueshift.memory.DataType.Float64Type t ->
                    b.setDouble(c, v.type() instanceof io.blueshift.memory.DataType.Float64Type ? v.getDouble(row) : value.doubleValue());
            default -> throw new SqlException("cannot store a " + v.type().sqlName() + " value in a " + type.sqlName() + " column");
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
            session.dropped(t);
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
