package io.blueshift.bench.tpch;

import io.blueshift.bench.duckdb.DuckDbReference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The eight TPC-H tables as files in a directory, one of: {@code DIR/lineitem.parquet},
 * {@code DIR/lineitem/*.parquet}, {@code DIR/lineitem.csv} or {@code DIR/lineitem/*.csv}
 * (CSV with a header line). Both engines read them through views named after the tables.
 */
public final class TpchFiles {
    public static final List<String> TABLES = List.of("region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem");

    /** One table's files: a path or glob, and the reading function ("read_parquet" or "read_csv"). */
    public record Source(String table, String path, String function) {
        /** {@code function('path'[, header => true])} for our engine and for DuckDB. */
        public String call() {
            String quoted = "'" + path.replace("'", "''") + "'";
            return function + "(" + quoted + (function.equals("read_csv") ? ", header => true" : "") + ")";
        }

        /** {@code CREATE OR REPLACE VIEW table AS SELECT * FROM function(...)}. */
        public String createView() {
            return "CREATE OR REPLACE VIEW " + table + " AS SELECT * FROM " + call();
        }
    }

    private TpchFiles() {}

    /** Finds the eight tables' files in {@code dir}; the error names what is missing and what was looked for. */
    public static Map<String, Source> locate(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("TPC-H data directory " + dir + " does not exist");
        }
        Map<String, Source> out = new LinkedHashMap<>();
        for (String t : TABLES) {
            Source s = find(dir, t, "parquet", "read_parquet");
            if (s == null) {
                s = find(dir, t, "csv", "read_csv");
            }
            if (s == null) {
                throw new IllegalArgumentException("no files for TPC-H table " + t + " in " + dir + ": looked for "
                        + t + ".parquet, " + t + "/*.parquet, " + t + ".csv and " + t + "/*.csv");
            }
            out.put(t, s);
        }
        return out;
    }

    private static Source find(Path dir, String table, String ext, String function) {
        Path single = dir.resolve(table + "." + ext);
        if (Files.isRegularFile(single)) {
            return new Source(table, single.toString(), function);
        }
        Path sub = dir.resolve(table);
        if (Files.isDirectory(sub)) {
            try (Stream<Path> files = Files.list(sub)) {
                if (files.anyMatch(f -> f.getFileName().toString().endsWith("." + ext))) {
                    return new Source(table, sub.resolve("*." + ext).toString(), function);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("listing " + sub, e);
            }
        }
        return null;
    }

    /** Creates DuckDB views over the same files. */
    public static void createViews(DuckDbReference duck, Map<String, Source> sources) {
        for (Source s : sources.values()) {
            duck.execute(s.createView());
        }
    }

    /**
     * Writes DuckDB's tables {@code TABLES} to {@code dir} as {@code table.parquet} (for tests and
     * for making files before our own writer runs; DuckDB's tables come from {@link DuckDbReference#load}).
     */
    public static void writeParquetFromDuckDb(DuckDbReference duck, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("creating " + dir, e);
        }
        for (String t : TABLES) {
            duck.execute("COPY " + t + " TO '" + dir.resolve(t + ".parquet").toString().replace("'", "''") + "' (FORMAT parquet)");
        }
    }
}
