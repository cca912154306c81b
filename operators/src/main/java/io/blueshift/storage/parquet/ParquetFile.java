package io.blueshift.storage.parquet;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.MemoryPool;
import io.blueshift.storage.TableBlock;
import io.blueshift.storage.ZoneMap;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnIndex;
import org.apache.parquet.format.OffsetIndex;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An open Parquet file: its checked footer, its columns mapped to engine types, and row groups
 * read on request. Every offset and length in the footer is checked against the file before
 * any read or allocation, so a corrupt file gives a {@link ParquetException}.
 */
public final class ParquetFile {
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_ROWS_PER_GROUP = Integer.MAX_VALUE - 64;

    private final Path path;
    private final long fileSize;
    private final long footerStart;
    private final FileMetaData metadata;
    private final List<ParquetSchemaMapping.TopLevel> fields;

    private ParquetFile(Path path, long fileSize, long footerStart, FileMetaData metadata,
                        List<ParquetSchemaMapping.TopLevel> fields) {
        this.path = path;
        this.fileSize = fileSize;
        this.footerStart = footerStart;
        this.metadata = metadata;
        this.fields = fields;
    }

    /**
     * Files opened lately, by absolute path: a file opened again (every query over a file view
     * opens it, and planning opens it once more) whose size, identity (inode) and footer bytes
     * are unchanged is the same {@code ParquetFile}, so its footer is not decoded again and its
     * mapping stays. A file rewritten in place with the same footer reads the same through the
     * mapping (same inode); one replaced by another file has another identity.
     */
    private static final int OPENED_FILES = 16;
    private static final java.util.Map<Path, ParquetFile> OPENED = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Path, ParquetFile> eldest) {
            return size() > OPENED_FILES;
        }
    };
    private byte[] footerBytes;
    private Object fileKey;

    public static ParquetFile open(Path path) {
        Objects.requireNonNull(path, "path is null");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 12) {
                throw new ParquetException(path, null, 0, "file of " + size + " bytes is too small to be Parquet");
            }
            byte[] head = read(ch, 0, 4);
            byte[] tail = read(ch, size - 8, 8);
            if (!java.util.Arrays.equals(head, MAGIC)) {
                throw new ParquetException(path, null, 0, "wrong magic at the start: expected PAR1, found " + show(head));
            }
            byte[] tailMagic = java.util.Arrays.copyOfRange(tail, 4, 8);
            if ("PARE".equals(new String(tailMagic, StandardCharsets.US_ASCII))) {
                throw new ParquetException(path, null, size - 4, "not supported yet: encrypted footer");
            }
            if (!java.util.Arrays.equals(tailMagic, MAGIC)) {
                throw new ParquetException(path, null, size - 4, "wrong magic at the end: expected PAR1, found "
                        + show(tailMagic) + " (truncated or not a Parquet file)");
            }
            long footerLength = Integer.toUnsignedLong(ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
            if (footerLength > size - 12) {
                throw new ParquetException(path, null, size - 8, "footer length " + footerLength
                        + " goes beyond the start of the file (file size " + size + ")");
            }
            long footerStart = size - 8 - footerLength;
            byte[] footer = read(ch, footerStart, (int) footerLength);
            Object fileKey = java.nio.file.Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            Path key = path.toAbsolutePath().normalize();
            ParquetFile known;
            synchronized (OPENED) {
                known = OPENED.get(key);
            }
            if (known != null && known.path.equals(path) && fileKey != null && fileKey.equals(known.fileKey) && known.fileSize == size
                    && java.util.Arrays.equals(known.footerBytes, footer)) {
                return known;
            }
            FileMetaData md;
            try {
                md = Util.readFileMetaData(new ByteArrayInputStream(footer), (int) Math.max(footerLength, 1));
            } catch (IOException | RuntimeException e) {
                throw new ParquetException(path, null, footerStart, "cannot decode footer: " + e.getMessage(), e);
            }
            List<ParquetSchemaMapping.TopLevel> fields = ParquetSchemaMapping.map(path, md.getSchema());
            ParquetFile f = new ParquetFile(path, size, footerStart, md, fields);
            f.checkRowGroups();
            if (fileKey != null) {
                f.footerBytes = footer;
                f.fileKey = fileKey;
                synchronized (OPENED) {
                    OPENED.put(key, f);
                }
            }
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Parquet file " + path + ": " + e.getMessage(), e);
        }
    }

    private void checkRowGroups() {
        int leaves = ParquetSchemaMapping.leafCount(path, metadata.getSchema());
        long total = 0;
        List<RowGroup> groups = metadata.getRow_groups() == null ? List.of() : metadata.getRow_groups();
        for (int g = 0; g < groups.size(); g++) {
            RowGroup rg = groups.get(g);
            if (rg.getNum_rows() < 0 || rg.getNum_rows() > MAX_ROWS_PER_GROUP) {
                throw new ParquetException(path, null, footerStart, "row group " + g + " claims " + rg.getNum_rows() + " rows");
            }
            total += rg.getNum_rows();
            int chunks = rg.getColumns() == null ? 0 : rg.getColumns().size();
            if (chunks != leaves) {
                throw new ParquetException(path, null, footerStart, "row group " + g + " has " + chunks
                        + " column chunks but the schema has " + leaves + " columns");
            }
        }
        if (total != metadata.getNum_rows()) {
            throw new ParquetException(path, null, footerStart, "row groups hold " + total
                    + " rows but the footer says " + metadata.getNum_rows());
        }
    }

    public Path path() { return path; }

    public long rowCount() { return metadata.getNum_rows(); }

    public int rowGroupCount() { return metadata.getRow_groups() == null ? 0 : metadata.getRow_groups().size(); }

    public long rowGroupRows(int group) { return metadata.getRow_groups().get(group).getNum_rows(); }

    /** The footer's column chunk of leaf {@code leaf} in row group {@code group} (unchecked). */
    public ColumnChunk chunk(int group, int leaf) {
        return metadata.getRow_groups().get(group).getColumns().get(leaf);
    }

    /** The metadata of that chunk (unchecked). */
    public ColumnMetaData chunkMetaData(int group, int leaf) {
        return chunk(group, leaf).getMeta_data();
    }

    /** Names of the top-level fields, nested ones included. */
    public List<String> fieldNames() {
        return fields.stream().map(ParquetSchemaMapping.TopLevel::name).toList();
    }

    /** All columns, failing with "not supported yet" on the first nested or unsupported one. */
    public List<ParquetColumn> columns() {
        return columns(fieldNames());
    }

    /** The named columns, in the order given. */
    public List<ParquetColumn> columns(List<String> names) {
        List<ParquetColumn> out = new ArrayList<>(names.size());
        for (String name : names) {
            ParquetSchemaMapping.TopLevel f = fields.stream().filter(t -> t.name().equals(name)).findFirst()
                    .or(() -> fields.stream().filter(t -> t.name().equalsIgnoreCase(name)).findFirst())
                    .orElseThrow(() -> new ParquetException(path, name, -1, "no such column (the file has "
                            + fieldNames() + ")"));
            if (f.column() == null) {
                throw new ParquetException(path, name, -1, f.unsupported());
            }
            out.add(f.column());
        }
        return out;
    }

    /** Reads one row group's columns into a block of vectors from {@code pool}, with zone maps. */
    public TableBlock readRowGroup(int group, List<ParquetColumn> columns, MemoryPool pool) {
        List<ColumnVector> vectors = readColumns(group, columns, pool);
        int rows = (int) rowGroupRows(group);
        List<ZoneMap> zones = new ArrayList<>(columns.size());
        for (ColumnVector v : vectors) {
            zones.add(ZoneMap.compute(v, rows));
        }
        return new TableBlock(vectors, zones, rows);
    }

    /** Reads one row group's columns (only their chunks' bytes) into vectors from {@code pool}. */
    public List<ColumnVector> readColumns(int group, List<ParquetColumn> columns, MemoryPool pool) {
        return readColumns(group, columns, pool, false);
    }

    /**
     * As above; {@code transient_}: the vectors live for one morsel and are closed right after,
     * so their buffers are taken from and given back to the pool's reuse list.
     */
    public List<ColumnVector> readColumns(int group, List<ParquetColumn> columns, MemoryPool pool, boolean transient_) {
        RowGroup rg = metadata.getRow_groups().get(group);
        int rows = (int) rg.getNum_rows();
        List<ColumnVector> vectors = new ArrayList<>(columns.size());
        boolean ok = false;
        try {
            for (ParquetColumn c : columns) {
                ColumnChunk chunk = rg.getColumns().get(c.leafIndex());
                ColumnMetaData md = checkChunk(group, c, chunk);
                long start = chunkStart(md);
                int length = (int) md.getTotal_compressed_size();
                byte[] bytes = readReusing(c, start, length);
                String owner = path.getFileName() + "." + c.name();
                // the reader writes every row's value (zero under a null) except in string views
                ColumnVector v = transient_
                        ? ColumnVector.allocateReusable(pool, c.type(), rows, c.optional(), owner,
                                c.type() instanceof io.blueshift.memory.DataType.VarcharType)
                        : ColumnVector.allocate(pool, c.type(), rows, c.optional(), owner);
                vectors.add(v);
                new ColumnChunkReader(path, c, md.getCodec()).read(bytes, length, start, rows, v);
            }
            ok = true;
            return vectors;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Parquet file " + path + ": " + e.getMessage(), e);
        } finally {
            if (!ok) {
                vectors.forEach(ColumnVector::close);
            }
        }
    }

    /**
     * The rows of row group {@code group} that {@code filter} cannot rule out by the page index
     * of {@code filterColumns} (schema indexes {@code schemaColumns}), as sorted {@code [start, end)}
     * pairs; null when it rules out no page (or there is no usable page index).
     */
    public int[] keptRows(int group, List<ParquetColumn> filterColumns, int[] schemaColumns, io.blueshift.storage.Table.RowFilter filter) {
        int rows = (int) rowGroupRows(group);
        java.util.BitSet excluded = new java.util.BitSet(rows);
        int ruledOut = 0;
        try {
            for (int i = 0; i < filterColumns.size(); i++) {
                ParquetColumn c = filterColumns.get(i);
                long[] pageRows = PageIndexPruning.pageRows(offsetIndex(group, c), rows);
                if (pageRows != null) {
                    ruledOut += PageIndexPruning.exclude(c, schemaColumns[i], columnIndex(group, c), pageRows, filter, excluded);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Parquet file " + path + ": " + e.getMessage(), e);
        }
        return ruledOut == 0 ? null : PageIndexPruning.kept(excluded, rows);
    }

    /** The chunk's offset index, or null when absent, outside the file's data, or not decodable. */
    private OffsetIndex offsetIndex(int group, ParquetColumn c) throws IOException {
        long key = ((long) group << 32) | c.leafIndex();
        Object cached = offsetIndexes.get(key);
        if (cached == null) {
            OffsetIndex oi = readOffsetIndex(group, c);
            cached = oi == null ? NO_INDEX : oi;
            offsetIndexes.putIfAbsent(key, cached);
        }
        return cached == NO_INDEX ? null : (OffsetIndex) cached;
    }

    // offset indexes read so far (a scan cut into row ranges asks for each one once per range)
    private final java.util.concurrent.ConcurrentHashMap<Long, Object> offsetIndexes = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Object NO_INDEX = new Object();

    /** The offset index's first-row positions of every page of {@code c} in {@code group}, then the row count; null without a usable index. */
    public long[] pageFirstRows(int group, ParquetColumn c) {
        try {
            return PageIndexPruning.pageRows(offsetIndex(group, c), rowGroupRows(group));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Parquet file " + path + ": " + e.getMessage(), e);
        }
    }

    private OffsetIndex readOffsetIndex(int group, ParquetColumn c) throws IOException {
        ColumnChunk cc = chunk(group, c.leafIndex());
        if (!cc.isSetOffset_index_offset() || !cc.isSetOffset_index_length()) {
            return walkPages(group, c);
        }
        byte[] b = indexBytes(c, cc.getOffset_index_offset(), cc.getOffset_index_length());
        try {
            return b == null ? null : Util.readOffsetIndex(new ByteArrayInputStream(b));
        } catch (IOException | RuntimeException e) {
            return null; // the page index only speeds reads up: a bad one is ignored
        }
    }

    /**
     * An offset index found by reading the chunk's page headers one after another (skipping the
     * pages' data), for files written without one: each data page's offset, size with its
     * header and first row. Null when the headers do not read or do not add up to the row
     * group's rows (the chunk is then read whole, where any error is reported).
     */
    private OffsetIndex walkPages(int group, ParquetColumn c) throws IOException {
        ColumnMetaData md = chunk(group, c.leafIndex()).getMeta_data();
        if (md == null) {
            return null;
        }
        long start = chunkStart(md);
        long end = start + md.getTotal_compressed_size();
        if (start < 4 || end < start || end > footerStart) {
            return null;
        }
        long rows = rowGroupRows(group);
        List<org.apache.parquet.format.PageLocation> pages = new ArrayList<>();
        byte[] buf = new byte[512];
        long pos = start;
        long row = 0;
        while (pos < end && row < rows) {
            org.apache.parquet.format.PageHeader header = null;
            int headerLength = 0;
            while (header == null) {
                int n = (int) Math.min(buf.length, end - pos);
                readInto(c, pos, buf, 0, n);
                try {
                    ByteArrayTransport in = new ByteArrayTransport(buf, 0, n, 64);
                    org.apache.parquet.format.PageHeader h = new org.apache.parquet.format.PageHeader();
                    h.read(new shaded.parquet.org.apache.thrift.protocol.TCompactProtocol(in));
                    header = h;
                    headerLength = in.position();
                } catch (Exception e) {
                    if (n < buf.length || buf.length >= (1 << 20)) {
                        return null; // a header that does not read within the chunk (or 1 MiB)
                    }
                    buf = new byte[buf.length * 4];
                }
            }
            long size = (long) headerLength + header.getCompressed_page_size();
            if (header.getCompressed_page_size() < 0 || pos + size > end || size > Integer.MAX_VALUE) {
                return null;
            }
            long values = switch (header.getType()) {
                case DATA_PAGE -> header.isSetData_page_header() ? header.getData_page_header().getNum_values() : -1;
                case DATA_PAGE_V2 -> header.isSetData_page_header_v2() ? header.getData_page_header_v2().getNum_rows() : -1;
                default -> 0;
            };
            if (values < 0) {
                return null;
            }
            if (values > 0 && (header.getType() == org.apache.parquet.format.PageType.DATA_PAGE
                    || header.getType() == org.apache.parquet.format.PageType.DATA_PAGE_V2)) {
                pages.add(new org.apache.parquet.format.PageLocation(pos, (int) size, row));
                row += values;
            }
            pos += size;
        }
        return row == rows && !pages.isEmpty() ? new OffsetIndex(pages) : null;
    }

    private ColumnIndex columnIndex(int group, ParquetColumn c) throws IOException {
        ColumnChunk cc = chunk(group, c.leafIndex());
        if (!cc.isSetColumn_index_offset() || !cc.isSetColumn_index_length()) {
            return null;
        }
        byte[] b = indexBytes(c, cc.getColumn_index_offset(), cc.getColumn_index_length());
        try {
            return b == null ? null : Util.readColumnIndex(new ByteArrayInputStream(b));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private byte[] indexBytes(ParquetColumn c, long offset, int length) throws IOException {
        if (offset < 4 || length <= 0 || offset + length > footerStart) {
            return null;
        }
        byte[] out = new byte[length];
        readInto(c, offset, out, length);
        return out;
    }

    /**
     * Reads only the rows {@code kept} (sorted {@code [start, end)} pairs) of one row group's
     * columns: for each column, the pages holding those rows are decoded (others are skipped
     * when the chunk has an offset index) and the kept rows moved to the front. The vectors are
     * transient (see {@link #readColumns(int, List, MemoryPool, boolean)}). Adds the number of
     * data pages skipped to {@code pagesSkipped[0]}.
     */
    public List<ColumnVector> readColumns(int group, List<ParquetColumn> columns, MemoryPool pool, int[] kept, long[] pagesSkipped) {
        RowGroup rg = metadata.getRow_groups().get(group);
        int rows = (int) rg.getNum_rows();
        int keptRows = PageIndexPruning.count(kept);
        List<ColumnVector> vectors = new ArrayList<>(columns.size());
        boolean ok = false;
        try {
            for (ParquetColumn c : columns) {
                ColumnChunk chunk = rg.getColumns().get(c.leafIndex());
                ColumnMetaData md = checkChunk(group, c, chunk);
                OffsetIndex oi = offsetIndex(group, c);
                long[] pageRows = PageIndexPruning.pageRows(oi, rows);
                int[] decoded = {0, rows};
                java.util.function.LongPredicate decode = null;
                long[] pages = null;
                int prefix = 0;
                long start = chunkStart(md);
                int length = (int) md.getTotal_compressed_size();
                if (pageRows != null) {
                    boolean[] need = PageIndexPruning.pagesNeeded(pageRows, kept);
                    decoded = PageIndexPruning.decodedRows(pageRows, need);
                    List<org.apache.parquet.format.PageLocation> locations = oi.getPage_locations();
                    int wanted = 0;
                    for (boolean b : need) {
                        wanted += b ? 1 : 0;
                    }
                    pages = new long[wanted];
                    int k = 0;
                    for (int p = 0; p < need.length; p++) {
                        if (need[p]) {
                            pages[k++] = locations.get(p).getOffset();
                        } else {
                            pagesSkipped[0]++;
                        }
                    }
                    prefix = jumpPrefix(locations, start, length);
                    if (prefix < 0) {
                        // locations that do not fit the chunk: read it all, decoding the needed pages
                        java.util.Set<Long> offsets = new java.util.HashSet<>();
                        for (long o : pages) {
                            offsets.add(o);
                        }
                        decode = offsets::contains;
                        pages = null;
                    } else if (pages.length > 0) {
                        // only the bytes read: what precedes the first data page, and the needed pages' span
                        int first = firstNeeded(need);
                        int last = lastNeeded(need);
                        org.apache.parquet.format.PageLocation lastPage = locations.get(last);
                        long from = locations.get(first).getOffset();
                        long to = lastPage.getOffset() + lastPage.getCompressed_page_size();
                        byte[] bytes = buffer(length);
                        readInto(c, start, bytes, 0, prefix);
                        readInto(c, from, bytes, (int) (from - start), (int) (to - from));
                        int decodedRows = PageIndexPruning.count(decoded);
                        String owner = path.getFileName() + "." + c.name();
                        ColumnVector v = ColumnVector.allocateReusable(pool, c.type(), decodedRows, c.optional(), owner, true);
                        vectors.add(v);
                        new ColumnChunkReader(path, c, md.getCodec()).readPages(bytes, length, start, prefix, pages, decodedRows, v);
                        PageIndexPruning.compact(v, decoded, kept);
                        continue;
                    }
                }
                int decodedRows = PageIndexPruning.count(decoded);
                String owner = path.getFileName() + "." + c.name();
                ColumnVector v = ColumnVector.allocateReusable(pool, c.type(), decodedRows, c.optional(), owner, true);
                vectors.add(v);
                if (decodedRows > 0) {
                    byte[] bytes = readReusing(c, start, length);
                    new ColumnChunkReader(path, c, md.getCodec()).read(bytes, length, start, decodedRows, v, decode);
                    PageIndexPruning.compact(v, decoded, kept);
                }
            }
            ok = true;
            return vectors;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Parquet file " + path + ": " + e.getMessage(), e);
        } finally {
            if (!ok) {
                vectors.forEach(ColumnVector::close);
            }
        }
    }

    /**
     * A zone map for one column chunk from the footer's statistics alone (no page is read).
     * Integer-like columns get bounds from min_value/max_value (or, for signed types, the
     * older min/max); floating point gets none (writers leave NaN out of their bounds).
     * Bounds that do not decode (wrong length) are ignored, never trusted.
     */
    public ZoneMap footerZoneMap(int group, ParquetColumn c) {
        int rows = (int) rowGroupRows(group);
        ColumnMetaData md = chunk(group, c.leafIndex()).getMeta_data();
        org.apache.parquet.format.Statistics st = md == null ? null : md.getStatistics();
        int nulls = st != null && st.isSetNull_count() && st.getNull_count() >= 0 && st.getNull_count() <= rows
                ? (int) st.getNull_count() : 0;
        if (!c.optional()) {
            nulls = 0;
        }
        long[] bounds = st == null || nulls == rows ? null : FooterStatistics.longBounds(c, st);
        boolean increasing = bounds != null && nulls == 0 && md.getKey_value_metadata() != null
                && md.getKey_value_metadata().stream().anyMatch(kv ->
                ColumnChunkWriter.STRICTLY_INCREASING.equals(kv.getKey()) && "true".equals(kv.getValue()));
        return new ZoneMap(bounds != null, bounds == null ? Long.MAX_VALUE : bounds[0], bounds == null ? Long.MIN_VALUE : bounds[1],
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, nulls, rows, increasing);
    }

    private ColumnMetaData checkChunk(int group, ParquetColumn c, ColumnChunk chunk) {
        if (chunk.isSetFile_path()) {
            throw new ParquetException(path, c.name(), chunk.getFile_offset(), "not supported yet: column chunk in another file");
        }
        ColumnMetaData md = chunk.getMeta_data();
        if (md == null) {
            throw new ParquetException(path, c.name(), chunk.getFile_offset(), "column chunk without metadata (encrypted?)");
        }
        if (md.getType() != c.physical()) {
            throw new ParquetException(path, c.name(), footerStart, "row group " + group + " stores " + md.getType()
                    + " but the schema says " + c.physical());
        }
        if (md.getCodec() == null || !PageDecompressor.supported(md.getCodec())) {
            throw new ParquetException(path, c.name(), chunkStart(md), "not supported yet: compression codec " + md.getCodec());
        }
        long start = chunkStart(md);
        long length = md.getTotal_compressed_size();
        if (start < 4 || length < 0 || length > footerStart - start) {
            throw new ParquetException(path, c.name(), start, "column chunk of " + length + " bytes at offset " + start
                    + " lies outside the file's data (bytes 4 to " + footerStart + ", file size " + fileSize + ")");
        }
        if (md.getNum_values() != rowGroupRows(group)) {
            throw new ParquetException(path, c.name(), start, "column chunk holds " + md.getNum_values()
                    + " values but its row group has " + rowGroupRows(group) + " rows");
        }
        return md;
    }

    private static long chunkStart(ColumnMetaData md) {
        long data = md.getData_page_offset();
        if (md.isSetDictionary_page_offset() && md.getDictionary_page_offset() > 0) {
            return Math.min(data, md.getDictionary_page_offset());
        }
        return data;
    }

    /** Chunk bytes are read into one buffer per thread, reused (no allocation and zeroing per chunk). */
    private static final ThreadLocal<byte[]> CHUNK_BUFFER = new ThreadLocal<>();
    private static final int MAX_KEPT_BUFFER = 64 << 20;

    /** Reads into the thread's buffer; valid until this thread's next read. */
    /**
     * Bytes from the chunk's start to its first data page (the dictionary page, if any) when
     * the offset index's pages lie inside the chunk, in order and without overlap; -1 otherwise
     * (the index is then not used to jump).
     */
    private static int jumpPrefix(List<org.apache.parquet.format.PageLocation> locations, long start, int length) {
        long end = start + length;
        long previousEnd = -1;
        for (org.apache.parquet.format.PageLocation l : locations) {
            long o = l.getOffset();
            int size = l.getCompressed_page_size();
            if (o < start || size <= 0 || o + size > end || o < previousEnd) {
                return -1;
            }
            previousEnd = o + size;
        }
        return (int) (locations.get(0).getOffset() - start);
    }

    private static int firstNeeded(boolean[] need) {
        for (int p = 0; p < need.length; p++) {
            if (need[p]) {
                return p;
            }
        }
        return -1;
    }

    private static int lastNeeded(boolean[] need) {
        for (int p = need.length - 1; p >= 0; p--) {
            if (need[p]) {
                return p;
            }
        }
        return -1;
    }

    /** This thread's chunk buffer, at least {@code length} bytes (contents left as they are). */
    private static byte[] buffer(int length) {
        byte[] buf = CHUNK_BUFFER.get();
        if (buf == null || buf.length < length) {
            buf = new byte[Math.max(length, 1 << 20)];
            if (buf.length <= MAX_KEPT_BUFFER) {
                CHUNK_BUFFER.set(buf);
            }
        }
        return buf;
    }

    private byte[] readReusing(ParquetColumn c, long position, int length) throws IOException {
        byte[] buf = buffer(length);
        readInto(c, position, buf, length);
        return buf;
    }

    /**
     * The whole file mapped read-only, made on the first read and kept while this object lives
     * (its arena is automatic): reads are then one copy out of the page cache, with no system
     * call, file open or second copy through a JDK buffer. Null when the file cannot be mapped
     * (reads then use positioned reads).
     */
    private volatile MemorySegment mapping;
    private volatile boolean unmappable;

    private MemorySegment mapping() throws IOException {
        MemorySegment m = mapping;
        if (m != null || unmappable) {
            return m;
        }
        synchronized (this) {
            if (mapping == null && !unmappable) {
                try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                    long size = ch.size();
                    if (size != fileSize) {
                        throw new ParquetException(path, null, Math.min(size, fileSize), "the file changed since it was opened: "
                                + fileSize + " bytes then, " + size + " now");
                    }
                    mapping = ch.map(FileChannel.MapMode.READ_ONLY, 0, fileSize, Arena.ofAuto());
                } catch (UnsupportedOperationException | IOException e) {
                    unmappable = true;
                }
            }
            return mapping;
        }
    }

    /** {@code out[0, length)} = the file's bytes from {@code position} (inside the data: checked by callers). */
    private void readInto(ParquetColumn c, long position, byte[] out, int length) throws IOException {
        readInto(c, position, out, 0, length);
    }

    /** Copies file bytes {@code [position, position + length)} to {@code out[at, at + length)}. */
    private void readInto(ParquetColumn c, long position, byte[] out, int at, int length) throws IOException {
        MemorySegment m = mapping();
        if (m != null) {
            try {
                MemorySegment.copy(m, ValueLayout.JAVA_BYTE, position, out, at, length);
            } catch (InternalError e) {
                // a fault reading the mapping: the file shrank under us
                throw new ParquetException(path, c == null ? null : c.name(), position,
                        "cannot read " + length + " bytes: the file changed while being read (" + e.getMessage() + ")", e);
            }
            return;
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer bb = ByteBuffer.wrap(out, at, length).slice();
            while (bb.hasRemaining()) {
                int n = ch.read(bb, position + bb.position());
                if (n < 0) {
                    throw new IOException("unexpected end of file at offset " + (position + bb.position()));
                }
            }
        }
    }

    private static byte[] read(FileChannel ch, long position, int length) throws IOException {
        byte[] out = new byte[length];
        ByteBuffer buf = ByteBuffer.wrap(out);
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position + buf.position());
            if (n < 0) {
                throw new IOException("unexpected end of file at offset " + (position + buf.position()));
            }
        }
        return out;
    }

    private static String show(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(x >= 32 && x < 127 ? String.valueOf((char) x) : String.format("\\x%02x", x & 0xFF));
        }
        return "\"" + sb + "\"";
    }
}
