package io.blueshift.storage.arrow;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.storage.Table;
import io.blueshift.storage.TableBlock;
import io.blueshift.storage.ZoneMap;
import io.blueshift.memory.DataType;
import java.lang.foreign.MemorySegment;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An Arrow IPC file, file format ({@code ARROW1} magic, footer) or stream format, as a table.
 * Arrow Java's IPC reader decodes the messages one record batch at a time; each batch's
 * buffers are then copied into our column vectors ({@link ArrowColumnCopy}), gathered into
 * blocks of up to {@link #BLOCK_ROWS} rows with zone maps. The file is read eagerly when
 * opened, so every error surfaces there as an {@link ArrowIpcException}; closing frees the
 * blocks. A copy rather than a C Data import: IPC files carry Utf8 (not our string views), any
 * time unit and narrow integers, and our blocks must live in our pool after Arrow's buffers go.
 */
public final class ArrowIpcTable implements Table, AutoCloseable {
    public static final int BLOCK_ROWS = 122_880;
    static final byte[] FILE_MAGIC = "ARROW1".getBytes(StandardCharsets.US_ASCII);

    private final String name;
    private final Schema schema;
    private final List<TableBlock> blocks;

    private ArrowIpcTable(String name, Schema schema, List<TableBlock> blocks) {
        this.name = name;
        this.schema = schema;
        this.blocks = List.copyOf(blocks);
    }

    /** Opens {@code path}, named after the file without its extension. */
    public static ArrowIpcTable open(Path path, MemoryPool pool) {
        String n = path.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return open(dot > 0 ? n.substring(0, dot) : n, path, pool);
    }

    public static ArrowIpcTable open(String name, Path path, MemoryPool pool) {
        return open(name, path, pool, BLOCK_ROWS);
    }

    static ArrowIpcTable open(String name, Path path, MemoryPool pool, int blockRows) {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(path, "path is null");
        Objects.requireNonNull(pool, "pool is null");
        long size;
        byte[] head = new byte[8];
        int headLength;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            size = ch.size();
            ByteBuffer bb = ByteBuffer.wrap(head);
            while (bb.hasRemaining() && ch.read(bb) > 0) {
                // fill the head
            }
            headLength = bb.position();
        } catch (NoSuchFileException e) {
            throw new ArrowIpcException(path, null, -1, "no such file");
        } catch (IOException e) {
            throw new ArrowIpcException(path, null, -1, "cannot read: " + e.getMessage(), e);
        }
        boolean fileFormat = headLength >= 6 && java.util.Arrays.equals(head, 0, 6, FILE_MAGIC, 0, 6);
        boolean streamFormat = headLength >= 4 && head[0] == -1 && head[1] == -1 && head[2] == -1 && head[3] == -1;
        if (!fileFormat && !streamFormat) {
            throw new ArrowIpcException(path, null, 0, headLength == 0 ? "the file is empty"
                    : "wrong magic: expected ARROW1 (file format) or 0xFFFFFFFF (stream format), found " + show(head, headLength));
        }
        // no buffer of a valid file is larger than the file; the slack covers padding and alignment
        try (BufferAllocator allocator = ArrowAllocators.open(size + (16L << 20))) {
            return fileFormat ? readFile(name, path, size, allocator, pool, blockRows)
                    : readStream(name, path, allocator, pool, blockRows);
        }
    }

    private static ArrowIpcTable readFile(String name, Path path, long size, BufferAllocator allocator, MemoryPool pool,
                                          int blockRows) {
        if (size < 18) {
            throw new ArrowIpcException(path, null, 0, "file of " + size + " bytes is too small for the Arrow file format (truncated?)");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
             ArrowFileReader reader = new ArrowFileReader(ch, allocator)) {
            VectorSchemaRoot root = root(path, reader, -1);
            List<ArrowBlock> batches;
            try {
                batches = reader.getRecordBlocks();
            } catch (IOException | RuntimeException e) {
                throw corrupt(path, null, -1, "footer", e);
            }
            Blocks out = new Blocks(path, name, schemaOf(path, reader, root), pool, blockRows);
            try {
                for (ArrowBlock b : batches) {
                    try {
                        if (!reader.loadRecordBatch(b)) {
                            break;
                        }
                    } catch (IOException | RuntimeException e) {
                        throw corrupt(path, null, b.getOffset(), "record batch", e);
                    }
                    out.append(root, reader, b.getOffset());
                }
                return new ArrowIpcTable(name, out.schema, out.finish());
            } catch (RuntimeException | Error e) {
                out.free();
                throw e;
            }
        } catch (IOException e) {
            throw corrupt(path, null, -1, "file", e);
        }
    }

    private static ArrowIpcTable readStream(String name, Path path, BufferAllocator allocator, MemoryPool pool,
                                            int blockRows) {
        try (CountingStream in = new CountingStream(new BufferedInputStream(Files.newInputStream(path), 1 << 16));
             ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
            VectorSchemaRoot root = root(path, reader, 0);
            Blocks out = new Blocks(path, name, schemaOf(path, reader, root), pool, blockRows);
            try {
                while (true) {
                    long at = in.count;
                    try {
                        if (!reader.loadNextBatch()) {
                            break;
                        }
                    } catch (IOException | RuntimeException e) {
                        throw corrupt(path, null, at, "record batch", e);
                    }
                    out.append(root, reader, at);
                }
                return new ArrowIpcTable(name, out.schema, out.finish());
            } catch (RuntimeException | Error e) {
                out.free();
                throw e;
            }
        } catch (IOException e) {
            throw corrupt(path, null, -1, "stream", e);
        }
    }

    private static VectorSchemaRoot root(Path path, ArrowReader reader, long offset) {
        try {
            return reader.getVectorSchemaRoot();
        } catch (IOException | RuntimeException e) {
            throw corrupt(path, null, offset, "schema", e);
        }
    }

    private static Schema schemaOf(Path path, ArrowReader reader, VectorSchemaRoot root) {
        List<Field> fields = new ArrayList<>();
        for (org.apache.arrow.vector.types.pojo.Field f : root.getSchema().getFields()) {
            org.apache.arrow.vector.types.pojo.ArrowType type = f.getType();
            DictionaryEncoding dict = f.getDictionary();
            if (dict != null) {
                Dictionary d = reader.lookup(dict.getId());
                if (d == null) {
                    throw new ArrowIpcException(path, f.getName(), -1, "dictionary " + dict.getId() + " is missing");
                }
                type = d.getVectorType();
            }
            if (!f.getChildren().isEmpty() && dict == null) {
                throw new ArrowIpcException(path, f.getName(), -1, "not supported yet: nested type " + type);
            }
            fields.add(Field.of(f.getName(), ArrowColumnCopy.engineType(path, f.getName(), type)));
        }
        if (fields.isEmpty()) {
            throw new ArrowIpcException(path, null, -1, "the schema has no columns");
        }
        return new Schema(fields);
    }

    /** Every failure of Arrow Java's reader becomes one line naming the file and where. */
    static ArrowIpcException corrupt(Path path, String column, long offset, String what, Throwable e) {
        if (e instanceof ArrowIpcException a) {
            return a;
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof java.io.EOFException || message.contains("Unexpected end of input") || message.contains("EOF")) {
            message = "unexpected end of file (truncated?): " + message;
        }
        return new ArrowIpcException(path, column, offset, "cannot read the " + what + ": " + message.lines().findFirst().orElse(""), e);
    }

    private static String show(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(String.format("%02x", b[i] & 0xFF));
        }
        return "0x" + sb;
    }

    /** Counts bytes read, so a stream error can name its offset. */
    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }
    }

    /** Gathers record batches into blocks of up to {@code blockRows} rows. */
    private static final class Blocks {
        private final Path path;
        private final String owner;
        final Schema schema;
        private final MemoryPool pool;
        private final int blockRows;
        private final List<TableBlock> done = new ArrayList<>();
        private List<ColumnVector> current;
        private int capacity;
        private int fill;

        Blocks(Path path, String owner, Schema schema, MemoryPool pool, int blockRows) {
            this.path = path;
            this.owner = owner;
            this.schema = schema;
            this.pool = pool;
            this.blockRows = blockRows;
        }

        void append(VectorSchemaRoot root, ArrowReader reader, long offset) {
            int rows = root.getRowCount();
            List<FieldVector> vectors = new ArrayList<>(root.getFieldVectors());
            if (vectors.size() != schema.size()) {
                throw new ArrowIpcException(path, null, offset, "record batch has " + vectors.size() + " columns, schema "
                        + schema.size());
            }
            // dictionary-encoded columns are decoded straight into our vectors, never expanded in Arrow's memory
            List<FieldVector> dictionaries = new ArrayList<>(vectors.size());
            for (int c = 0; c < vectors.size(); c++) {
                FieldVector v = vectors.get(c);
                DictionaryEncoding dict = v.getField().getDictionary();
                Dictionary d = dict == null ? null : reader.lookup(dict.getId());
                if (dict != null && (d == null || !(v instanceof org.apache.arrow.vector.BaseIntVector))) {
                    throw new ArrowIpcException(path, schema.field(c).name(), offset, "dictionary " + dict.getId()
                            + (d == null ? " is missing" : " has indices of type " + v.getField().getType()));
                }
                dictionaries.add(d == null ? null : d.getVector());
                if (v.getValueCount() < rows) {
                    throw new ArrowIpcException(path, schema.field(c).name(), offset, "column has "
                            + v.getValueCount() + " values in a record batch of " + rows + " rows");
                }
            }
            int from = 0;
            while (from < rows) {
                if (current == null) {
                    start(rows - from);
                } else if (fill + (rows - from) > capacity && capacity < blockRows) {
                    grow(Math.min(blockRows, Math.max(capacity * 2, fill + rows - from)));
                }
                int n = Math.min(rows - from, capacity - fill);
                for (int c = 0; c < vectors.size(); c++) {
                    try {
                        if (dictionaries.get(c) != null) {
                            ArrowColumnCopy.copyDictionary(vectors.get(c), dictionaries.get(c), from, n, current.get(c), fill);
                        } else {
                            ArrowColumnCopy.copy(vectors.get(c), from, n, current.get(c), fill);
                        }
                    } catch (ArrowIpcException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        throw new ArrowIpcException(path, schema.field(c).name(), offset,
                                "corrupt column data: " + e.getMessage(), e);
                    }
                }
                fill += n;
                from += n;
                if (fill == blockRows) {
                    seal();
                }
            }
        }

        private void start(int pending) {
            // the first block starts at the first batch's size and grows (doubling) to full size,
            // so a small file takes small vectors and a large one full blocks
            capacity = done.isEmpty() ? Math.min(blockRows, Math.max(1024, (pending + 7) & ~7)) : blockRows;
            fill = 0;
            current = new ArrayList<>(schema.size());
            for (int c = 0; c < schema.size(); c++) {
                current.add(ColumnVector.allocate(pool, schema.type(c), capacity, false, owner + "." + schema.field(c).name()));
            }
        }

        /** Moves the current block's rows into vectors of {@code newCapacity}. */
        private void grow(int newCapacity) {
            List<ColumnVector> bigger = new ArrayList<>(current.size());
            try {
                for (int c = 0; c < current.size(); c++) {
                    ColumnVector old = current.get(c);
                    ColumnVector v = ColumnVector.allocate(pool, old.type(), newCapacity, false, owner + "." + schema.field(c).name());
                    bigger.add(v);
                    switch (old.type()) {
                        case DataType.VarcharType t -> {
                            for (int i = 0; i < fill; i++) {
                                if (!old.isNull(i)) {
                                    v.setString(i, old.getStringBytes(i));
                                }
                            }
                        }
                        case DataType.BooleanType t -> MemorySegment.copy(old.data(), 0, v.data(), 0, (fill + 7) >>> 3);
                        default -> MemorySegment.copy(old.data(), 0, v.data(), 0, (long) fill * old.type().byteWidth());
                    }
                    if (old.mayHaveNulls()) {
                        for (int i = 0; i < fill; i++) {
                            if (old.isNull(i)) {
                                v.setNull(i);
                            }
                        }
                    }
                }
            } catch (RuntimeException | Error e) {
                bigger.forEach(ColumnVector::close);
                throw e;
            }
            current.forEach(ColumnVector::close);
            current = bigger;
            capacity = newCapacity;
        }

        private void seal() {
            if (current == null) {
                return;
            }
            if (fill == 0) {
                current.forEach(ColumnVector::close);
            } else {
                List<ZoneMap> maps = new ArrayList<>(current.size());
                for (ColumnVector v : current) {
                    maps.add(ZoneMap.compute(v, fill));
                }
                done.add(new TableBlock(current, maps, fill));
            }
            current = null;
        }

        List<TableBlock> finish() {
            seal();
            return done;
        }

        void free() {
            if (current != null) {
                current.forEach(ColumnVector::close);
                current = null;
            }
            done.forEach(b -> b.columns().forEach(ColumnVector::close));
            done.clear();
        }
    }

    @Override public String name() { return name; }
    @Override public Schema schema() { return schema; }
    @Override public List<TableBlock> blocks() { return blocks; }

    @Override
    public void close() {
        for (TableBlock b : blocks) {
            b.columns().forEach(ColumnVector::close);
        }
    }
}
