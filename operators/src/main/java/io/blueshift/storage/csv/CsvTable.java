package io.blueshift.storage.csv;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.storage.Table;
import io.blueshift.storage.TableBlock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A CSV file as a table, read eagerly when opened: the file is memory-mapped, its head sniffed
 * for names and types ({@link CsvSniffer}), its rows split into spans of {@link #BLOCK_ROWS}
 * rows by one quote-aware pass ({@link CsvRowScanner}), and the spans parsed in parallel on all
 * cores straight into column vectors ({@link CsvBlockParser}), one block with zone maps each.
 *
 * <p>When a value after the sample does not fit a column's inferred type, the type is widened
 * (BIGINT to DOUBLE, DATE to TIMESTAMP, anything to VARCHAR) and the spans parsed again; a
 * value that does not fit a type the caller gave is a {@link CsvException} naming the file,
 * line, column and text. Closing frees the blocks.
 */
public final class CsvTable implements Table, AutoCloseable {
    /** Rows per block, as DuckDB's row groups. */
    public static final int BLOCK_ROWS = 122_880;
    /** A span is cut short at this many bytes, so rows of any width keep blocks in bounds. */
    static final long MAX_BLOCK_BYTES = 256L << 20;

    private final String name;
    private final Schema schema;
    private final List<TableBlock> blocks;

    private CsvTable(String name, Schema schema, List<TableBlock> blocks) {
        this.name = name;
        this.schema = schema;
        this.blocks = List.copyOf(blocks);
    }

    /** Opens {@code path} with default options; the table is named after the file without ".csv". */
    public static CsvTable open(Path path, MemoryPool pool) {
        String n = path.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return open(dot > 0 ? n.substring(0, dot) : n, path, pool, CsvOptions.defaults());
    }

    public static CsvTable open(String name, Path path, MemoryPool pool, CsvOptions options) {
        return open(name, path, pool, options, BLOCK_ROWS);
    }

    static CsvTable open(String name, Path path, MemoryPool pool, CsvOptions options, int blockRows) {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(path, "path is null");
        Objects.requireNonNull(pool, "pool is null");
        Objects.requireNonNull(options, "options is null");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ); Arena arena = Arena.ofShared()) {
            long size = ch.size();
            MemorySegment data = size == 0 ? MemorySegment.ofArray(new byte[0]) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            CsvSniffer.Layout layout = CsvSniffer.sniff(path, data, options);
            List<CsvRowScanner.Span> spans = CsvRowScanner.split(path, data, layout.dataStart(), layout.firstLine(),
                    options, blockRows, MAX_BLOCK_BYTES);
            List<DataType> types = new ArrayList<>(layout.types());
            // each retry widens at least one inferred column, and a column widens at most twice
            for (int attempt = 0; ; attempt++) {
                try {
                    List<TableBlock> blocks = parse(path, data, spans, layout.names(), types, pool, options, name);
                    List<Field> fields = new ArrayList<>(types.size());
                    for (int c = 0; c < types.size(); c++) {
                        fields.add(Field.of(layout.names().get(c), types.get(c)));
                    }
                    return new CsvTable(name, new Schema(fields), blocks);
                } catch (CsvBlockParser.Mismatch m) {
                    String column = layout.names().get(m.column);
                    DataType type = types.get(m.column);
                    if (!layout.inferred().get(m.column) || type instanceof DataType.VarcharType || attempt > 3 * types.size()) {
                        throw new CsvException(path, m.line, column, "'" + m.text + "' is not " + article(type) + " "
                                + type.sqlName());
                    }
                    types.set(m.column, CsvSniffer.widen(type, m.text));
                }
            }
        } catch (NoSuchFileException e) {
            throw new CsvException(path, 0, null, "no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + ": " + e.getMessage(), e);
        }
    }

    private static String article(DataType type) {
        return "AEIOU".indexOf(type.sqlName().charAt(0)) >= 0 ? "an" : "a";
    }

    private static List<TableBlock> parse(Path path, MemorySegment data, List<CsvRowScanner.Span> spans,
                                          List<String> names, List<DataType> types, MemoryPool pool,
                                          CsvOptions options, String owner) {
        List<TableBlock> blocks = new ArrayList<>(spans.size());
        if (spans.size() <= 1) {
            CsvBlockParser parser = new CsvBlockParser(path, options);
            for (CsvRowScanner.Span s : spans) {
                TableBlock b = parser.parse(data, s.start(), s.end(), s.firstLine(), s.rows(), names, types, pool, owner);
                if (b != null) {
                    blocks.add(b);
                }
            }
            return blocks;
        }
        int threads = Math.max(1, Math.min(spans.size(), Runtime.getRuntime().availableProcessors()));
        ExecutorService workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "csv-read " + path.getFileName());
            t.setDaemon(true);
            return t;
        });
        ThreadLocal<CsvBlockParser> parsers = ThreadLocal.withInitial(() -> new CsvBlockParser(path, options));
        List<Future<TableBlock>> reads = new ArrayList<>(spans.size());
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        Throwable failure = null;
        boolean interrupted = false;
        try {
            for (CsvRowScanner.Span s : spans) {
                reads.add(workers.submit(() -> {
                    if (failed.get()) {
                        return null; // another span failed: skip the work, the caller reports that one
                    }
                    try {
                        return parsers.get().parse(data, s.start(), s.end(), s.firstLine(), s.rows(), names, types, pool, owner);
                    } catch (RuntimeException | Error e) {
                        failed.set(true);
                        throw e;
                    }
                }));
            }
            for (Future<TableBlock> read : reads) {
                while (true) {
                    try {
                        TableBlock b = read.get();
                        if (b != null) {
                            blocks.add(b);
                        }
                        break;
                    } catch (ExecutionException e) {
                        // the earliest failing span wins (of those parsed), so the error names an early bad line
                        if (failure == null) {
                            failure = e.getCause();
                        }
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
        } finally {
            workers.shutdown();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            blocks.forEach(CsvTable::free);
            switch (failure) {
                case RuntimeException e -> throw e;
                case Error e -> throw e;
                default -> throw new IllegalStateException("reading " + path + " failed: " + failure, failure);
            }
        }
        return blocks;
    }

    @Override public String name() { return name; }
    @Override public Schema schema() { return schema; }
    @Override public List<TableBlock> blocks() { return blocks; }

    @Override
    public void close() {
        blocks.forEach(CsvTable::free);
    }

    private static void free(TableBlock b) {
        b.columns().forEach(ColumnVector::close);
    }
}
