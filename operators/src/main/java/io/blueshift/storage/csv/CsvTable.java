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
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
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
    /** Above this much data (and with several cores) lines are counted in parallel. */
    static final long PARALLEL_SPLIT_BYTES = 4L << 20;

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
        return open(name, path, pool, options, BLOCK_ROWS, PARALLEL_SPLIT_BYTES);
    }

    /** For tests: small blocks, split in parallel whatever the file's size. */
    static CsvTable open(String name, Path path, MemoryPool pool, CsvOptions options, int blockRows) {
        return open(name, path, pool, options, blockRows, 0);
    }

    static CsvTable open(String name, Path path, MemoryPool pool, CsvOptions options, int blockRows, long parallelSplitBytes) {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(path, "path is null");
        Objects.requireNonNull(pool, "pool is null");
        Objects.requireNonNull(options, "options is null");
        ExecutorService workers = null;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ); Arena arena = Arena.ofShared()) {
            long size = ch.size();
            MemorySegment data = size == 0 ? MemorySegment.ofArray(new byte[0]) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            CsvSniffer.Layout layout = CsvSniffer.sniff(path, data, options);
            int threads = Runtime.getRuntime().availableProcessors();
            if (threads > 1 && size - layout.dataStart() > parallelSplitBytes) {
                workers = Executors.newFixedThreadPool(threads, r -> {
                    Thread t = new Thread(r, "csv-read " + path.getFileName());
                    t.setDaemon(true);
                    return t;
                });
            }
            List<CsvRowScanner.Span> spans = split(path, data, layout, options, blockRows, workers, false);
            boolean strict = workers != null; // spans from the parallel split hold only if quotes are well-formed
            List<DataType> types = new ArrayList<>(layout.types());
            // each retry widens at least one inferred column, and a column widens at most twice
            for (int attempt = 0; ; attempt++) {
                try {
                    List<TableBlock> blocks = parse(path, data, spans, layout.names(), types, pool, options, name, workers, strict);
                    List<Field> fields = new ArrayList<>(types.size());
                    for (int c = 0; c < types.size(); c++) {
                        fields.add(Field.of(layout.names().get(c), types.get(c)));
                    }
                    return new CsvTable(name, new Schema(fields), blocks);
                } catch (CsvBlockParser.QuoteLayout q) {
                    // a quote the parallel split may have misread: split exactly, parse leniently
                    spans = split(path, data, layout, options, blockRows, workers, true);
                    strict = false;
                } catch (CsvBlockParser.Mismatch m) {
                    String column = layout.names().get(m.column);
                    DataType type = types.get(m.column);
                    if (!layout.inferred().get(m.column) || type instanceof DataType.VarcharType || attempt > 3 * types.size()) {
                        throw new CsvException(path, m.line, column, "'" + shown(m.text) + "' is not " + article(type) + " "
                                + type.sqlName());
                    }
                    types.set(m.column, CsvSniffer.widen(type, m.text));
                }
            }
        } catch (NoSuchFileException e) {
            throw new CsvException(path, 0, null, "no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + ": " + e.getMessage(), e);
        } finally {
            if (workers != null) {
                workers.shutdown();
            }
        }
    }

    /**
     * Spans of whole rows. With several cores and a large file, in two parallel passes: the
     * quote bytes of each piece (whose parities give the quote state at each piece's start),
     * then each piece scanned from its state for its first row end (the cut) and its row and
     * line counts. That is exact for well-formed files, and the parser checks well-formedness
     * ({@link CsvBlockParser.QuoteLayout}); otherwise, and for an escape other than the quote,
     * one sequential quote-aware pass splits the file.
     */
    private static List<CsvRowScanner.Span> split(Path path, MemorySegment data, CsvSniffer.Layout layout,
                                                  CsvOptions options, int blockRows, ExecutorService workers,
                                                  boolean sequential) {
        if (workers != null && !sequential) {
            List<CsvRowScanner.Span> spans = splitInParallel(data, layout, options, blockRows, workers);
            if (spans != null) {
                return spans;
            }
        }
        return CsvRowScanner.split(path, data, layout.dataStart(), layout.firstLine(), options, blockRows, MAX_BLOCK_BYTES);
    }

    private static List<CsvRowScanner.Span> splitInParallel(MemorySegment data, CsvSniffer.Layout layout, CsvOptions options,
                                                            int blockRows, ExecutorService workers) {
        long size = data.byteSize();
        long start = layout.dataStart();
        if (start >= size) {
            return List.of();
        }
        long target = (long) Math.min(MAX_BLOCK_BYTES, Math.max(blockRows < BLOCK_ROWS ? 1 : 64 << 10,
                layout.bytesPerRow() * blockRows));
        List<Long> at = new ArrayList<>();
        for (long p = start; p < size; p += target) {
            at.add(p);
        }
        at.add(size);
        int pieces = at.size() - 1;
        byte quote = (byte) options.quote();
        List<Callable<Long>> quoteCounts = new ArrayList<>(pieces);
        for (int i = 0; i < pieces; i++) {
            long from = at.get(i);
            long to = at.get(i + 1);
            quoteCounts.add(() -> quote == 0 ? 0L : CsvRowScanner.quotes(data, from, to, quote));
        }
        boolean[] inQuote = new boolean[pieces + 1];
        List<Future<Long>> counted = invokeAll(workers, quoteCounts);
        for (int i = 0; i < pieces; i++) {
            inQuote[i + 1] = inQuote[i] ^ ((get(counted.get(i)) & 1) != 0);
        }
        if (inQuote[pieces]) {
            return null; // an unterminated quote: the exact pass says where
        }
        boolean anyQuote = false;
        for (Future<Long> f : counted) {
            anyQuote |= get(f) > 0;
        }
        if (anyQuote && options.escape() != options.quote() && options.escape() != 0) {
            return null; // an escape before a quote breaks the parity rule
        }
        List<Callable<CsvRowScanner.Piece>> scans = new ArrayList<>(pieces);
        for (int i = 0; i < pieces; i++) {
            long from = at.get(i);
            long to = at.get(i + 1);
            boolean state = inQuote[i];
            scans.add(() -> CsvRowScanner.scanPiece(data, from, to, quote, state));
        }
        List<CsvRowScanner.Piece> scanned = new ArrayList<>(pieces);
        for (Future<CsvRowScanner.Piece> f : invokeAll(workers, scans)) {
            scanned.add(get(f));
        }
        // boundaries: the data start, then each later piece's cut; rows and lines before each
        List<long[]> bounds = new ArrayList<>(); // {position, rows before, lines before}
        bounds.add(new long[]{start, 0, 0});
        long rows = 0;
        long lines = 0;
        for (int i = 0; i < pieces; i++) {
            CsvRowScanner.Piece p = scanned.get(i);
            if (i > 0 && p.cut() >= 0 && p.cut() < size) {
                bounds.add(new long[]{p.cut(), rows + p.rowsBefore(), lines + p.linesBefore()});
            }
            rows += p.rows();
            lines += p.lines();
        }
        boolean open = data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, size - 1) != '\n';
        bounds.add(new long[]{size, rows + (open ? 1 : 0), lines});
        List<CsvRowScanner.Span> spans = new ArrayList<>(bounds.size() - 1);
        for (int i = 0; i + 1 < bounds.size(); i++) {
            long[] a = bounds.get(i);
            long[] b = bounds.get(i + 1);
            long spanRows = b[1] - a[1];
            if (spanRows > 4L * blockRows) {
                return null; // rows much shorter than the sample's: the exact pass bounds spans by rows
            }
            spans.add(new CsvRowScanner.Span(a[0], b[0], layout.firstLine() + a[2], (int) spanRows));
        }
        return spans;
    }

    private static <T> List<Future<T>> invokeAll(ExecutorService workers, List<Callable<T>> tasks) {
        try {
            return workers.invokeAll(tasks);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading a CSV file", e);
        }
    }

    private static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading a CSV file", e);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case RuntimeException r -> throw r;
                case Error r -> throw r;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** A value as it goes into a one-line message: line breaks and control bytes escaped, long text cut. */
    static String shown(String text) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length() && sb.length() < 100; i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < ' ' || Character.getType(ch) == Character.LINE_SEPARATOR
                            || Character.getType(ch) == Character.PARAGRAPH_SEPARATOR || ch == '\u0085') {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.length() >= 100 && text.length() > 100 ? sb + "..." : sb.toString();
    }

    private static String article(DataType type) {
        return "AEIOU".indexOf(type.sqlName().charAt(0)) >= 0 ? "an" : "a";
    }

    private static List<TableBlock> parse(Path path, MemorySegment data, List<CsvRowScanner.Span> spans,
                                          List<String> names, List<DataType> types, MemoryPool pool,
                                          CsvOptions options, String owner, ExecutorService workers, boolean strict) {
        List<TableBlock> blocks = new ArrayList<>(spans.size());
        if (spans.size() <= 1 || workers == null) {
            CsvBlockParser parser = new CsvBlockParser(path, options, strict);
            try {
                for (CsvRowScanner.Span s : spans) {
                    TableBlock b = parser.parse(data, s.start(), s.end(), s.firstLine(), s.rows(), names, types, pool, owner);
                    if (b != null) {
                        blocks.add(b);
                    }
                }
            } catch (RuntimeException | Error e) {
                blocks.forEach(CsvTable::free);
                throw e;
            }
            return blocks;
        }
        ThreadLocal<CsvBlockParser> parsers = ThreadLocal.withInitial(() -> new CsvBlockParser(path, options, strict));
        List<Future<TableBlock>> reads = new ArrayList<>(spans.size());
        AtomicBoolean failed = new AtomicBoolean();
        Throwable failure = null;
        boolean interrupted = false;
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
        // wait for every span, even after a failure or an interrupt, so no block is left unfreed
        // and nothing reads the mapping after it is closed
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
        if (interrupted) {
            Thread.currentThread().interrupt();
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
