package io.blueshift.storage.arrow;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Schema;
import io.blueshift.memory.Validity;
import io.blueshift.storage.TableWriter;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes batches as an Arrow IPC file (file format, with the {@code ARROW1} footer) or stream,
 * one record batch per {@link #write} call, through Arrow Java's writer. Types written are the
 * ones every Arrow reader knows: bool, int32, int64, double, decimal128(p,s), date32,
 * timestamp[us] (no zone) and utf8. Values are copied from our vectors into Arrow Java's (in
 * bulk where the layouts match: our validity and boolean bitmaps are Arrow's). The file is
 * written beside the target and moved into place by {@link #close()}.
 */
public final class ArrowIpcWriter implements TableWriter {
    private final Path target;
    private final Path temp;
    private final Schema schema;
    private final BufferAllocator allocator;
    private final VectorSchemaRoot root;
    private final FileChannel channel;
    private final ArrowWriter writer;
    private long rows;
    private boolean finished;

    private ArrowIpcWriter(Path target, Path temp, Schema schema, BufferAllocator allocator, VectorSchemaRoot root,
                           FileChannel channel, ArrowWriter writer) {
        this.target = target;
        this.temp = temp;
        this.schema = schema;
        this.allocator = allocator;
        this.root = root;
        this.channel = channel;
        this.writer = writer;
    }

    /** Starts an Arrow IPC file at {@code path}: the stream format when {@code streamFormat}, else the file format. */
    public static ArrowIpcWriter create(Path path, Schema schema, boolean streamFormat) {
        Objects.requireNonNull(path, "path is null");
        Objects.requireNonNull(schema, "schema is null");
        Path target = path.toAbsolutePath();
        List<org.apache.arrow.vector.types.pojo.Field> fields = new ArrayList<>(schema.size());
        for (int c = 0; c < schema.size(); c++) {
            fields.add(new org.apache.arrow.vector.types.pojo.Field(schema.field(c).name(),
                    FieldType.nullable(arrowType(schema.type(c))), null));
        }
        Path temp;
        try {
            temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e, e);
        }
        BufferAllocator allocator = null;
        VectorSchemaRoot root = null;
        FileChannel channel = null;
        try {
            allocator = ArrowAllocators.open(Long.MAX_VALUE);
            root = VectorSchemaRoot.create(new org.apache.arrow.vector.types.pojo.Schema(fields), allocator);
            channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            ArrowWriter writer = streamFormat ? new ArrowStreamWriter(root, null, channel) : new ArrowFileWriter(root, null, channel);
            writer.start();
            return new ArrowIpcWriter(target, temp, schema, allocator, root, channel, writer);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            closeQuietly(root);
            closeQuietly(allocator);
            deleteQuietly(temp);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot write " + path + ": " + io, io);
            }
            throw (RuntimeException) e;
        }
    }

    static ArrowType arrowType(DataType type) {
        return switch (type) {
            case DataType.BooleanType t -> ArrowType.Bool.INSTANCE;
            case DataType.Int32Type t -> new ArrowType.Int(32, true);
            case DataType.Int64Type t -> new ArrowType.Int(64, true);
            case DataType.Float64Type t -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case DataType.DecimalType t -> new ArrowType.Decimal(t.precision(), t.scale(), 128);
            case DataType.DateType t -> new ArrowType.Date(DateUnit.DAY);
            case DataType.TimestampType t -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
            case DataType.VarcharType t -> ArrowType.Utf8.INSTANCE;
        };
    }

    @Override public Schema schema() { return schema; }

    @Override public long rowsWritten() { return rows; }

    @Override
    public void write(Batch batch) {
        if (finished) {
            throw new IllegalStateException("Arrow IPC writer for " + target + " is closed");
        }
        if (batch.columnCount() != schema.size()) {
            throw new IllegalArgumentException("batch of " + batch.columnCount() + " columns for a schema of " + schema.size());
        }
        int n = batch.liveCount();
        if (n == 0) {
            return;
        }
        try {
            root.clear();
            for (int c = 0; c < schema.size(); c++) {
                fill(root.getVector(c), batch, c, n);
            }
            root.setRowCount(n);
            writer.writeBatch();
        } catch (IOException e) {
            abort();
            throw new UncheckedIOException("writing " + target + ": " + e, e);
        } catch (RuntimeException e) {
            abort();
            throw e;
        }
        rows += n;
    }

    private static MemorySegment segment(ArrowBuf b) {
        return MemorySegment.ofAddress(b.memoryAddress()).reinterpret(b.capacity());
    }

    private static void fill(FieldVector out, Batch batch, int c, int n) {
        ColumnVector in = batch.column(c);
        DataType type = in.type();
        boolean dense = batch.selection() == null;
        if (type instanceof DataType.VarcharType) {
            VarCharVector strings = (VarCharVector) out;
            strings.allocateNew(n);
            for (int i = 0; i < n; i++) {
                int row = batch.liveRow(i);
                if (in.isNull(row)) {
                    strings.setNull(i);
                } else {
                    strings.setSafe(i, in.getStringBytes(row));
                }
            }
            strings.setValueCount(n);
            return;
        }
        BaseFixedWidthVector fixed = (BaseFixedWidthVector) out;
        fixed.allocateNew(n);
        MemorySegment validity = segment(fixed.getValidityBuffer());
        MemorySegment data = segment(fixed.getDataBuffer());
        // validity: our bitmap is Arrow's layout, copied whole when rows are dense
        if (!in.mayHaveNulls()) {
            validity.asSlice(0, (n + 7) >>> 3).fill((byte) 0xFF);
        } else if (dense) {
            MemorySegment.copy(in.validity(), 0, validity, 0, (n + 7) >>> 3);
        } else {
            for (int i = 0; i < n; i++) {
                Validity.set(validity, i, !in.isNull(batch.liveRow(i)));
            }
        }
        switch (type) {
            case DataType.BooleanType t -> {
                if (dense) {
                    MemorySegment.copy(in.data(), 0, data, 0, (n + 7) >>> 3);
                } else {
                    for (int i = 0; i < n; i++) {
                        Validity.set(data, i, in.getBoolean(batch.liveRow(i)));
                    }
                }
            }
            case DataType.DecimalType t -> {
                for (int i = 0; i < n; i++) {
                    long v = in.getLong(batch.liveRow(i));
                    data.set(ValueLayout.JAVA_LONG_UNALIGNED, i * 16L, v);
                    data.set(ValueLayout.JAVA_LONG_UNALIGNED, i * 16L + 8, v >> 63);
                }
            }
            default -> {
                int width = type.byteWidth();
                if (dense) {
                    MemorySegment.copy(in.data(), 0, data, 0, (long) n * width);
                } else if (width == 4) {
                    for (int i = 0; i < n; i++) {
                        data.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i, in.getInt(batch.liveRow(i)));
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        data.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i, in.getLong(batch.liveRow(i)));
                    }
                }
            }
        }
        fixed.setValueCount(n);
    }

    @Override
    public void close() {
        if (finished) {
            return;
        }
        try {
            writer.end();
            writer.close();
            channel.close();
            finished = true;
            releaseArrow();
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            abort();
            throw e instanceof IOException io ? new UncheckedIOException("finishing " + target + ": " + io, io)
                    : (RuntimeException) e;
        }
    }

    @Override
    public void abort() {
        if (!finished) {
            finished = true;
            closeQuietly(writer);
            closeQuietly(channel);
            releaseArrow();
        }
        deleteQuietly(temp);
    }

    private void releaseArrow() {
        closeQuietly(root);
        closeQuietly(allocator);
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // best effort on the failure path
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // nothing more to do: the target was never touched
        }
    }
}
