package io.blueshift.storage.csv;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Schema;
import io.blueshift.storage.TableWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;

/**
 * Writes batches as CSV (RFC 4180): a header line unless {@code options.header()} is false,
 * fields quoted only when they hold the delimiter, the quote, the escape or a line break (or
 * would read back as NULL: the empty string is written {@code ""} when the null string is
 * empty), quotes inside doubled (or escaped when the escape differs), NULL as the null string,
 * lines ended by {@code \n}. Values are printed as DuckDB prints them ({@link CsvTextFormat}).
 * The file is written beside the target and moved into place by {@link #close()}.
 */
public final class CsvWriter implements TableWriter {
    private static final int FLUSH_BYTES = 1 << 20;

    private final Path target;
    private final Path temp;
    private final Schema schema;
    private final CsvOptions options;
    private final OutputStream out;
    private final byte delimiter;
    private final byte quote;
    private final byte escape;
    private final byte[] nullBytes;
    private final StringBuilder text = new StringBuilder(64);
    private byte[] buf = new byte[FLUSH_BYTES + 4096];
    private int fill;
    private long rows;
    private boolean finished;

    private CsvWriter(Path target, Path temp, Schema schema, CsvOptions options, OutputStream out) {
        this.target = target;
        this.temp = temp;
        this.schema = schema;
        this.options = options;
        this.out = out;
        this.delimiter = (byte) options.delimiter();
        this.quote = (byte) options.quote();
        this.escape = (byte) options.escape();
        this.nullBytes = options.nullString().getBytes(StandardCharsets.UTF_8);
    }

    /** Starts a CSV file at {@code path} (written to a temporary file beside it until closed). */
    public static CsvWriter create(Path path, Schema schema, CsvOptions options) {
        Objects.requireNonNull(path, "path is null");
        Objects.requireNonNull(schema, "schema is null");
        Objects.requireNonNull(options, "options is null");
        Path target = path.toAbsolutePath();
        Path temp;
        OutputStream out;
        try {
            temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            out = Files.newOutputStream(temp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e, e);
        }
        CsvWriter w = new CsvWriter(target, temp, schema, options, out);
        if (options.header()) {
            try {
                for (int c = 0; c < schema.size(); c++) {
                    if (c > 0) {
                        w.put(w.delimiter);
                    }
                    w.putString(schema.field(c).name().getBytes(StandardCharsets.UTF_8));
                }
                w.put((byte) '\n');
            } catch (IOException e) {
                w.abort();
                throw new UncheckedIOException("writing " + path + ": " + e, e);
            }
        }
        return w;
    }

    @Override public Schema schema() { return schema; }

    @Override public long rowsWritten() { return rows; }

    @Override
    public void write(Batch batch) {
        if (finished) {
            throw new IllegalStateException("CSV writer for " + target + " is closed");
        }
        if (batch.columnCount() != schema.size()) {
            throw new IllegalArgumentException("batch of " + batch.columnCount() + " columns for a schema of " + schema.size());
        }
        int live = batch.liveCount();
        int columns = schema.size();
        try {
            for (int i = 0; i < live; i++) {
                int row = batch.liveRow(i);
                for (int c = 0; c < columns; c++) {
                    if (c > 0) {
                        put(delimiter);
                    }
                    putValue(batch.column(c), schema.type(c), row);
                }
                put((byte) '\n');
                if (fill >= FLUSH_BYTES) {
                    flush();
                }
            }
        } catch (IOException e) {
            abort();
            throw new UncheckedIOException("writing " + target + ": " + e, e);
        }
        rows += live;
    }

    private void putValue(ColumnVector v, DataType type, int row) throws IOException {
        if (v.isNull(row)) {
            put(nullBytes, 0, nullBytes.length);
            return;
        }
        text.setLength(0);
        switch (type) {
            case DataType.VarcharType t -> {
                putString(v.getStringBytes(row));
                return;
            }
            case DataType.BooleanType t -> text.append(v.getBoolean(row));
            case DataType.Int32Type t -> text.append(v.getInt(row));
            case DataType.Int64Type t -> text.append(v.getLong(row));
            case DataType.Float64Type t -> CsvTextFormat.appendDouble(text, v.getDouble(row));
            case DataType.DecimalType t -> CsvTextFormat.appendDecimal(text, v.getLong(row), t.scale());
            case DataType.DateType t -> CsvTextFormat.appendDate(text, v.getInt(row));
            case DataType.TimestampType t -> CsvTextFormat.appendTimestamp(text, v.getLong(row));
        }
        ensure(text.length());
        for (int i = 0; i < text.length(); i++) {
            buf[fill++] = (byte) text.charAt(i); // formatted values are ASCII
        }
    }

    private void putString(byte[] s) throws IOException {
        boolean needsQuotes = quote != 0 && (s.length == 0 ? nullBytes.length == 0 : java.util.Arrays.equals(s, nullBytes));
        for (int i = 0; i < s.length && !needsQuotes; i++) {
            byte b = s[i];
            needsQuotes = b == delimiter || b == '\n' || b == '\r' || (quote != 0 && (b == quote || b == escape));
        }
        if (!needsQuotes) {
            put(s, 0, s.length);
            return;
        }
        ensure(2 * s.length + 2);
        buf[fill++] = quote;
        for (byte b : s) {
            if (b == quote || (b == escape && escape != 0)) {
                buf[fill++] = escape == 0 ? quote : escape;
            }
            buf[fill++] = b;
        }
        buf[fill++] = quote;
    }

    private void put(byte b) throws IOException {
        ensure(1);
        buf[fill++] = b;
    }

    private void put(byte[] b, int from, int len) throws IOException {
        ensure(len);
        System.arraycopy(b, from, buf, fill, len);
        fill += len;
    }

    private void ensure(int bytes) throws IOException {
        if (fill + bytes > buf.length) {
            flush();
            if (bytes > buf.length) {
                buf = new byte[bytes + 4096];
            }
        }
    }

    private void flush() throws IOException {
        out.write(buf, 0, fill);
        fill = 0;
    }

    @Override
    public void close() {
        if (finished) {
            return;
        }
        try {
            flush();
            out.close();
            finished = true;
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            abort();
            throw new UncheckedIOException("finishing " + target + ": " + e, e);
        }
    }

    @Override
    public void abort() {
        finished = true;
        try {
            out.close();
        } catch (IOException ignored) {
            // the file is deleted next
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // nothing more to do: the target was never touched
        }
    }
}
