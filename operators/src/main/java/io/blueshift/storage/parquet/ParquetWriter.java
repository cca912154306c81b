package io.blueshift.storage.parquet;

import io.blueshift.memory.Batch;
import io.blueshift.memory.Field;
import io.blueshift.memory.Schema;
import io.blueshift.storage.Table;
import io.blueshift.storage.TableBlock;
import io.blueshift.storage.TableWriter;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnOrder;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.TypeDefinedOrder;
import org.apache.parquet.format.Util;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Writes batches as a Parquet file (format version 1 pages, flat schema): one column chunk
 * per column per row group, PLAIN or RLE_DICTIONARY values, RLE definition levels for
 * nullable columns, chunk statistics and the page index. Rows are buffered on the heap one
 * row group at a time. The file appears at the target path only when {@link #close()}
 * returns (written to a temporary file beside it, then moved).
 *
 * <p>Types: BOOLEAN, INTEGER (INT32), BIGINT (INT64), DOUBLE, DATE (INT32 DATE), DECIMAL(p,s)
 * (INT32 up to 9 digits, else INT64), TIMESTAMP (INT64 micros, not UTC-adjusted), VARCHAR
 * (BYTE_ARRAY STRING). Fields that are not nullable become REQUIRED columns.
 */
public final class ParquetWriter implements TableWriter {
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    private final Path target;
    private final Path temp;
    private final Schema schema;
    private final ParquetWriteOptions options;
    private final ColumnChunkWriter[] columns;
    private final ColumnChunkWriter.CountingOutput out;
    private final List<RowGroup> rowGroups = new ArrayList<>();
    private final List<List<ColumnChunkWriter.Written>> written = new ArrayList<>();
    private long rows;
    private int buffered;
    private boolean done;

    private ParquetWriter(Path target, Path temp, Schema schema, ParquetWriteOptions options, OutputStream stream) {
        this.target = target;
        this.temp = temp;
        this.schema = schema;
        this.options = options;
        this.columns = new ColumnChunkWriter[schema.size()];
        for (int c = 0; c < columns.length; c++) {
            columns[c] = new ColumnChunkWriter(schema.field(c), options);
        }
        this.out = new ColumnChunkWriter.CountingOutput(stream, 0);
    }

    public static ParquetWriter create(Path target, Schema schema) {
        return create(target, schema, ParquetWriteOptions.defaults());
    }

    public static ParquetWriter create(Path target, Schema schema, ParquetWriteOptions options) {
        Objects.requireNonNull(target, "target is null");
        Objects.requireNonNull(schema, "schema is null");
        Objects.requireNonNull(options, "options is null");
        Set<String> names = new HashSet<>();
        for (Field f : schema.fields()) {
            if (!names.add(f.name().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("cannot write Parquet: column name " + f.name() + " appears twice");
            }
        }
        Path dir = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            // a fresh name beside the target (created, never truncated), with the default permissions
            OutputStream raw = null;
            for (int attempt = 0; raw == null; attempt++) {
                Path candidate = dir.resolve("." + target.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
                try {
                    raw = Files.newOutputStream(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    temp = candidate;
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    if (attempt > 100) {
                        throw e;
                    }
                }
            }
            OutputStream stream = new BufferedOutputStream(raw, 1 << 20);
            ParquetWriter w = new ParquetWriter(target, temp, schema, options, stream);
            w.out.write(MAGIC, 0, MAGIC.length);
            return w;
        } catch (IOException e) {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new UncheckedIOException("cannot write Parquet file " + target + ": " + e.getMessage(), e);
        }
    }

    /** Writes every row of {@code table} to {@code target} (in-memory blocks, in order). */
    public static long write(Table table, Path target, ParquetWriteOptions options) {
        ParquetWriter w = create(target, table.schema(), options);
        try {
            for (TableBlock b : table.blocks()) {
                w.write(new Batch(b.columns(), b.rowCount()));
            }
            w.close();
            return w.rowsWritten();
        } catch (RuntimeException | Error e) {
            w.abort();
            throw e;
        }
    }

    @Override
    public Schema schema() { return schema; }

    @Override
    public long rowsWritten() { return rows; }

    @Override
    public void write(Batch batch) {
        if (done) {
            throw new IllegalStateException("Parquet writer for " + target + " is closed");
        }
        if (batch.columnCount() != columns.length) {
            throw new IllegalArgumentException("batch has " + batch.columnCount() + " columns, the file " + columns.length);
        }
        for (int c = 0; c < columns.length; c++) {
            if (!batch.column(c).type().equals(schema.type(c))) {
                throw new IllegalArgumentException("column " + schema.field(c).name() + " is " + schema.type(c).sqlName()
                        + " but the batch holds " + batch.column(c).type().sqlName());
            }
        }
        int live = batch.liveCount();
        int from = 0;
        while (from < live) {
            int n = Math.min(live - from, options.rowGroupRows() - buffered);
            for (int c = 0; c < columns.length; c++) {
                columns[c].append(batch.column(c), batch, from, from + n);
            }
            buffered += n;
            rows += n;
            from += n;
            if (buffered >= options.rowGroupRows() || bufferedBytes() >= options.rowGroupBytes()) {
                flushRowGroup();
            }
        }
    }

    private long bufferedBytes() {
        long total = 0;
        for (ColumnChunkWriter c : columns) {
            total += c.bufferedBytes();
        }
        return total;
    }

    private void flushRowGroup() {
        if (buffered == 0) {
            return;
        }
        try {
            long start = out.position();
            List<ColumnChunk> chunks = new ArrayList<>(columns.length);
            List<ColumnChunkWriter.Written> group = new ArrayList<>(columns.length);
            long uncompressed = 0;
            for (ColumnChunkWriter c : columns) {
                ColumnChunkWriter.Written w = c.flush(out);
                chunks.add(w.chunk());
                group.add(w);
                uncompressed += w.chunk().getMeta_data().getTotal_uncompressed_size();
            }
            RowGroup rg = new RowGroup(chunks, uncompressed, buffered);
            rg.setFile_offset(start);
            rg.setTotal_compressed_size(out.position() - start);
            rg.setOrdinal((short) Math.min(Short.MAX_VALUE, rowGroups.size()));
            rowGroups.add(rg);
            written.add(group);
            buffered = 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Parquet file " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (done) {
            return;
        }
        boolean ok = false;
        try {
            flushRowGroup();
            writePageIndexes();
            List<SchemaElement> elements = new ArrayList<>(columns.length + 1);
            SchemaElement root = new SchemaElement("schema");
            root.setNum_children(columns.length);
            elements.add(root);
            List<ColumnOrder> orders = new ArrayList<>(columns.length);
            for (ColumnChunkWriter c : columns) {
                elements.add(c.schemaElement());
                orders.add(ColumnOrder.TYPE_ORDER(new TypeDefinedOrder()));
            }
            FileMetaData md = new FileMetaData(1, elements, rows, rowGroups);
            md.setCreated_by("blueshift");
            md.setColumn_orders(orders);
            long footerStart = out.position();
            Util.writeFileMetaData(md, out);
            long footerLength = out.position() - footerStart;
            byte[] len = new byte[4];
            java.nio.ByteBuffer.wrap(len).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) footerLength);
            out.write(len, 0, 4);
            out.write(MAGIC, 0, MAGIC.length);
            out.close();
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            ok = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Parquet file " + target + ": " + e.getMessage(), e);
        } finally {
            done = true;
            if (!ok) {
                deleteTemp();
            }
        }
    }

    /** Column indexes of every chunk, then offset indexes, between the last row group and the footer. */
    private void writePageIndexes() throws IOException {
        for (List<ColumnChunkWriter.Written> group : written) {
            for (ColumnChunkWriter.Written w : group) {
                if (w.columnIndex() != null) {
                    long at = out.position();
                    Util.writeColumnIndex(w.columnIndex(), out);
                    w.chunk().setColumn_index_offset(at);
                    w.chunk().setColumn_index_length((int) (out.position() - at));
                }
            }
        }
        for (List<ColumnChunkWriter.Written> group : written) {
            for (ColumnChunkWriter.Written w : group) {
                if (w.offsetIndex() != null) {
                    long at = out.position();
                    Util.writeOffsetIndex(w.offsetIndex(), out);
                    w.chunk().setOffset_index_offset(at);
                    w.chunk().setOffset_index_length((int) (out.position() - at));
                }
            }
        }
        written.clear();
    }

    @Override
    public void abort() {
        if (done) {
            return;
        }
        done = true;
        deleteTemp();
    }

    private void deleteTemp() {
        try {
            out.close();
        } catch (IOException ignored) {
            // the file is deleted next; a failed close changes nothing
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete temporary file " + temp + ": " + e.getMessage(), e);
        }
    }
}
