package io.blueshift.storage.parquet;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.StringViews;
import org.apache.parquet.format.BoundaryOrder;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnIndex;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.ConvertedType;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DateType;
import org.apache.parquet.format.DecimalType;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.IntType;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.LogicalType;
import org.apache.parquet.format.MicroSeconds;
import org.apache.parquet.format.OffsetIndex;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageLocation;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Statistics;
import org.apache.parquet.format.StringType;
import org.apache.parquet.format.TimeUnit;
import org.apache.parquet.format.TimestampType;
import org.apache.parquet.format.Type;
import org.apache.parquet.format.Util;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Buffers one column of the current row group on the heap and writes it as a column chunk:
 * an optional dictionary page, then data pages (v1) with RLE definition levels and PLAIN or
 * RLE_DICTIONARY values, with chunk statistics and the page index (column and offset index).
 */
final class ColumnChunkWriter {
    /** Key in a column chunk's key/value metadata: the chunk's values are non-null and strictly increasing. */
    static final String STRICTLY_INCREASING = "blueshift.strictly_increasing";
    private static final int MAX_STAT_BYTES = 256;

    enum Kind { BOOLEAN, INT32, INT64, DOUBLE, BINARY }

    private final Field field;
    private final DataType type;
    private final Kind kind;
    private final ParquetWriteOptions options;
    private final boolean optional;

    private int rows;
    private int nulls;
    private byte[] defined = new byte[0];
    private long[] longs;
    private double[] doubles;
    private byte[] bytes;
    private int[] starts;
    private final ByteSink page = new ByteSink(1 << 16);

    /** What a flushed chunk leaves for the footer: its metadata and its page index. */
    record Written(ColumnChunk chunk, ColumnIndex columnIndex, OffsetIndex offsetIndex) {}

    ColumnChunkWriter(Field field, ParquetWriteOptions options) {
        this.field = field;
        this.type = field.type();
        this.kind = kind(type);
        this.options = options;
        this.optional = field.nullable();
        reset(1024);
    }

    static Kind kind(DataType t) {
        return switch (t) {
            case DataType.BooleanType b -> Kind.BOOLEAN;
            case DataType.Int32Type i -> Kind.INT32;
            case DataType.DateType d -> Kind.INT32;
            case DataType.DecimalType d -> d.precision() <= 9 ? Kind.INT32 : Kind.INT64;
            case DataType.Int64Type i -> Kind.INT64;
            case DataType.TimestampType ts -> Kind.INT64;
            case DataType.Float64Type f -> Kind.DOUBLE;
            case DataType.VarcharType v -> Kind.BINARY;
        };
    }

    private Type physical() {
        return switch (kind) {
            case BOOLEAN -> Type.BOOLEAN;
            case INT32 -> Type.INT32;
            case INT64 -> Type.INT64;
            case DOUBLE -> Type.DOUBLE;
            case BINARY -> Type.BYTE_ARRAY;
        };
    }

    SchemaElement schemaElement() {
        SchemaElement e = new SchemaElement(field.name());
        e.setType(physical());
        e.setRepetition_type(optional ? FieldRepetitionType.OPTIONAL : FieldRepetitionType.REQUIRED);
        switch (type) {
            case DataType.Int32Type i -> {
                e.setLogicalType(LogicalType.INTEGER(new IntType((byte) 32, true)));
                e.setConverted_type(ConvertedType.INT_32);
            }
            case DataType.Int64Type i -> {
                e.setLogicalType(LogicalType.INTEGER(new IntType((byte) 64, true)));
                e.setConverted_type(ConvertedType.INT_64);
            }
            case DataType.DateType d -> {
                e.setLogicalType(LogicalType.DATE(new DateType()));
                e.setConverted_type(ConvertedType.DATE);
            }
            case DataType.DecimalType d -> {
                e.setLogicalType(LogicalType.DECIMAL(new DecimalType(d.scale(), d.precision())));
                e.setConverted_type(ConvertedType.DECIMAL);
                e.setScale(d.scale());
                e.setPrecision(d.precision());
            }
            case DataType.TimestampType ts ->
                    e.setLogicalType(LogicalType.TIMESTAMP(new TimestampType(false, TimeUnit.MICROS(new MicroSeconds()))));
            case DataType.VarcharType v -> {
                e.setLogicalType(LogicalType.STRING(new StringType()));
                e.setConverted_type(ConvertedType.UTF8);
            }
            default -> { }
        }
        return e;
    }

    int rows() { return rows; }

    /** Heap bytes the buffered values take (for closing row groups by size). */
    long bufferedBytes() {
        return switch (kind) {
            case BINARY -> (long) starts[rows] + 4L * rows;
            default -> 8L * rows;
        };
    }

    private void reset(int capacity) {
        rows = 0;
        nulls = 0;
        if (optional) {
            defined = new byte[capacity];
        }
        switch (kind) {
            case DOUBLE -> doubles = new double[capacity];
            case BINARY -> {
                starts = new int[capacity + 1];
                bytes = new byte[Math.max(1024, capacity * 8)];
            }
            default -> longs = new long[capacity];
        }
    }

    private void ensureRows(int more) {
        int need = rows + more;
        int cap = kind == Kind.DOUBLE ? doubles.length : kind == Kind.BINARY ? starts.length - 1 : longs.length;
        if (need <= cap) {
            return;
        }
        int grown = Math.max(need, cap * 2);
        if (optional) {
            defined = Arrays.copyOf(defined, grown);
        }
        switch (kind) {
            case DOUBLE -> doubles = Arrays.copyOf(doubles, grown);
            case BINARY -> starts = Arrays.copyOf(starts, grown + 1);
            default -> longs = Arrays.copyOf(longs, grown);
        }
    }

    private void ensureBytes(int at, int more) {
        long need = (long) at + more;
        if (need > bytes.length) {
            if (need > Integer.MAX_VALUE - 64) {
                throw new IllegalStateException("column " + field.name() + ": more than 2 GiB of strings in one row group");
            }
            bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 64, Math.max(need, (long) bytes.length * 2)));
        }
    }

    /** Appends the live rows {@code [fromLive, toLive)} of {@code v} (a column of {@code batch}). */
    void append(ColumnVector v, Batch batch, int fromLive, int toLive) {
        int n = toLive - fromLive;
        ensureRows(n);
        boolean dense = batch.selection() == null;
        boolean anyNull = v.mayHaveNulls();
        if (anyNull && !optional) {
            for (int i = fromLive; i < toLive; i++) {
                if (v.isNull(batch.liveRow(i))) {
                    throw new IllegalArgumentException("column " + field.name() + " is NOT NULL but row "
                            + i + " of a batch is NULL");
                }
            }
            anyNull = false;
        }
        if (optional) {
            for (int i = 0; i < n; i++) {
                boolean isNull = anyNull && v.isNull(batch.liveRow(fromLive + i));
                defined[rows + i] = (byte) (isNull ? 0 : 1);
                nulls += isNull ? 1 : 0;
            }
        }
        switch (kind) {
            case BOOLEAN -> {
                for (int i = 0; i < n; i++) longs[rows + i] = v.getBoolean(batch.liveRow(fromLive + i)) ? 1 : 0;
            }
            case INT32 -> {
                if (type instanceof DataType.DecimalType) {
                    for (int i = 0; i < n; i++) longs[rows + i] = v.getLong(batch.liveRow(fromLive + i));
                } else {
                    for (int i = 0; i < n; i++) longs[rows + i] = v.getInt(batch.liveRow(fromLive + i));
                }
            }
            case INT64 -> {
                if (dense) {
                    MemorySegment.copy(v.data(), ValueLayout.JAVA_LONG, (long) fromLive * 8, longs, rows, n);
                } else {
                    for (int i = 0; i < n; i++) longs[rows + i] = v.getLong(batch.liveRow(fromLive + i));
                }
            }
            case DOUBLE -> {
                if (dense) {
                    MemorySegment.copy(v.data(), ValueLayout.JAVA_DOUBLE, (long) fromLive * 8, doubles, rows, n);
                } else {
                    for (int i = 0; i < n; i++) doubles[rows + i] = v.getDouble(batch.liveRow(fromLive + i));
                }
            }
            case BINARY -> appendStrings(v, batch, fromLive, n);
        }
        rows += n;
    }

    private void appendStrings(ColumnVector v, Batch batch, int fromLive, int n) {
        MemorySegment views = v.data();
        List<MemorySegment> buffers = v.varBuffers();
        for (int i = 0; i < n; i++) {
            int r = batch.liveRow(fromLive + i);
            int at = starts[rows + i];
            if (optional && defined[rows + i] == 0) {
                starts[rows + i + 1] = at;
                continue;
            }
            int len = StringViews.length(views, r);
            ensureBytes(at, len);
            if (len <= StringViews.INLINE_MAX) {
                MemorySegment.copy(views, ValueLayout.JAVA_BYTE, (long) r * StringViews.VIEW_BYTES + 4, bytes, at, len);
            } else {
                MemorySegment buf = buffers.get(StringViews.bufferIndex(views, r));
                MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, Integer.toUnsignedLong(StringViews.bufferOffset(views, r)),
                        bytes, at, len);
            }
            starts[rows + i + 1] = at + len;
        }
    }

    private boolean isDefined(int r) {
        return !optional || defined[r] != 0;
    }

    // ---- writing a chunk ----

    /** Writes the buffered rows as one column chunk at {@code out}'s position and clears the buffer. */
    Written flush(CountingOutput out) throws IOException {
        Dictionary dict = options.dictionary() && kind != Kind.BOOLEAN ? Dictionary.build(this) : null;
        long chunkStart = out.position();
        long uncompressedTotal = 0;
        long dictionaryOffset = -1;
        int[] len = new int[1];
        ParquetWriteOptions.Codec codec = options.codec();
        if (dict != null) {
            dictionaryOffset = out.position();
            byte[] body = dict.plain.array();
            int size = dict.plain.size();
            byte[] compressed = PageCompressor.compress(codec, options.zstdLevel(), body, size, len);
            PageHeader h = new PageHeader(PageType.DICTIONARY_PAGE, size, len[0]);
            h.setDictionary_page_header(new DictionaryPageHeader(dict.size, Encoding.PLAIN));
            long before = out.position();
            Util.writePageHeader(h, out);
            uncompressedTotal += out.position() - before + size;
            out.write(compressed, 0, len[0]);
        }
        long dataOffset = out.position();
        Encoding encoding = dict != null ? Encoding.RLE_DICTIONARY : Encoding.PLAIN;
        Stats chunkStats = new Stats();
        List<PageLocation> locations = new ArrayList<>();
        List<Stats> pageStats = new ArrayList<>();
        int[] scratch = dict != null ? new int[Math.min(rows, options.pageRows())] : null;
        int from = 0;
        while (from < rows || (rows == 0 && locations.isEmpty())) {
            int to = pageEnd(from, dict);
            page.reset();
            if (optional) {
                int at = page.skip(4);
                int[] levels = new int[to - from];
                for (int r = from; r < to; r++) levels[r - from] = defined[r];
                RleBitPackedEncoder.encode(levels, 0, levels.length, 1, page);
                page.setIntLE(at, page.size() - at - 4);
            }
            if (dict != null) {
                int k = 0;
                for (int r = from; r < to; r++) {
                    if (isDefined(r)) scratch[k++] = dict.indices[r];
                }
                page.writeByte(dict.bitWidth);
                RleBitPackedEncoder.encode(scratch, 0, k, dict.bitWidth, page);
            } else {
                writePlain(from, to, page);
            }
            Stats s = new Stats();
            s.add(this, from, to);
            chunkStats.merge(this, s);
            pageStats.add(s);
            byte[] compressed = PageCompressor.compress(codec, options.zstdLevel(), page.array(), page.size(), len);
            PageHeader h = new PageHeader(PageType.DATA_PAGE, page.size(), len[0]);
            h.setData_page_header(new DataPageHeader(to - from, encoding, Encoding.RLE, Encoding.RLE));
            long pageStart = out.position();
            Util.writePageHeader(h, out);
            uncompressedTotal += out.position() - pageStart + page.size();
            out.write(compressed, 0, len[0]);
            locations.add(new PageLocation(pageStart, (int) (out.position() - pageStart), from));
            from = to;
            if (rows == 0) {
                break;
            }
        }
        ColumnMetaData md = new ColumnMetaData(physical(),
                dict != null ? List.of(Encoding.PLAIN, Encoding.RLE_DICTIONARY, Encoding.RLE) : List.of(Encoding.PLAIN, Encoding.RLE),
                List.of(field.name()), PageCompressor.thrift(codec), rows, uncompressedTotal,
                out.position() - chunkStart, dataOffset);
        if (dictionaryOffset >= 0) {
            md.setDictionary_page_offset(dictionaryOffset);
        }
        md.setStatistics(chunkStats.toThrift(this));
        if (strictlyIncreasing()) {
            md.setKey_value_metadata(List.of(new KeyValue(STRICTLY_INCREASING).setValue("true")));
        }
        ColumnChunk chunk = new ColumnChunk(chunkStart);
        chunk.setMeta_data(md);
        ColumnIndex columnIndex = options.pageIndex() ? columnIndex(pageStats) : null;
        OffsetIndex offsetIndex = options.pageIndex() ? new OffsetIndex(locations) : null;
        reset(Math.max(1024, Math.min(rows, options.rowGroupRows())));
        return new Written(chunk, columnIndex, offsetIndex);
    }

    /** End (exclusive) of the page starting at row {@code from}: by bytes of values or by rows. */
    private int pageEnd(int from, Dictionary dict) {
        long limitBits = (long) options.pageBytes() * 8;
        int maxRows = Math.min(rows - from, options.pageRows());
        if (kind != Kind.BINARY || dict != null) {
            long bitsPerValue = dict != null ? dict.bitWidth : switch (kind) {
                case BOOLEAN -> 1;
                case INT32 -> 32;
                default -> 64;
            };
            long fit = Math.max(1, limitBits / (bitsPerValue + (optional ? 1 : 0)));
            return from + (int) Math.min(maxRows, fit);
        }
        long bits = 0;
        int r = from;
        while (r < from + maxRows && (r == from || bits < limitBits)) {
            bits += 1 + (isDefined(r) ? 8L * (4 + starts[r + 1] - starts[r]) : 0);
            r++;
        }
        return r;
    }

    private void writePlain(int from, int to, ByteSink out) {
        switch (kind) {
            case BOOLEAN -> {
                int acc = 0;
                int bits = 0;
                for (int r = from; r < to; r++) {
                    if (!isDefined(r)) continue;
                    acc |= (int) longs[r] << bits;
                    if (++bits == 8) {
                        out.writeByte(acc);
                        acc = 0;
                        bits = 0;
                    }
                }
                if (bits > 0) out.writeByte(acc);
            }
            case INT32 -> { for (int r = from; r < to; r++) if (isDefined(r)) out.writeIntLE((int) longs[r]); }
            case INT64 -> { for (int r = from; r < to; r++) if (isDefined(r)) out.writeLongLE(longs[r]); }
            case DOUBLE -> { for (int r = from; r < to; r++) if (isDefined(r)) out.writeLongLE(Double.doubleToRawLongBits(doubles[r])); }
            case BINARY -> {
                for (int r = from; r < to; r++) {
                    if (!isDefined(r)) continue;
                    int l = starts[r + 1] - starts[r];
                    out.writeIntLE(l);
                    out.writeBytes(bytes, starts[r], l);
                }
            }
        }
    }

    private boolean strictlyIncreasing() {
        if (nulls > 0 || rows == 0 || (kind != Kind.INT32 && kind != Kind.INT64)) {
            return false;
        }
        for (int r = 1; r < rows; r++) {
            if (longs[r] <= longs[r - 1]) {
                return false;
            }
        }
        return true;
    }

    private ColumnIndex columnIndex(List<Stats> pages) {
        List<Boolean> nullPages = new ArrayList<>(pages.size());
        List<ByteBuffer> mins = new ArrayList<>(pages.size());
        List<ByteBuffer> maxs = new ArrayList<>(pages.size());
        List<Long> nullCounts = new ArrayList<>(pages.size());
        for (Stats s : pages) {
            boolean allNull = s.values == 0;
            if (!allNull && !s.hasBounds) {
                return null; // a page of only NaN has no bounds a reader could trust
            }
            byte[] min = allNull ? new byte[0] : s.minBytes(this);
            byte[] max = allNull ? new byte[0] : s.maxBytes(this);
            if (min == null || max == null) {
                return null;
            }
            nullPages.add(allNull);
            mins.add(ByteBuffer.wrap(min));
            maxs.add(ByteBuffer.wrap(max));
            nullCounts.add((long) s.nulls);
        }
        ColumnIndex ci = new ColumnIndex(nullPages, mins, maxs, boundaryOrder(pages));
        ci.setNull_counts(nullCounts);
        return ci;
    }

    private BoundaryOrder boundaryOrder(List<Stats> pages) {
        boolean ascending = true;
        boolean descending = true;
        Stats prev = null;
        for (Stats s : pages) {
            if (s.values == 0) {
                continue;
            }
            if (prev != null) {
                int minCmp = prev.compareMin(this, s);
                int maxCmp = prev.compareMax(this, s);
                ascending &= minCmp <= 0 && maxCmp <= 0;
                descending &= minCmp >= 0 && maxCmp >= 0;
            }
            prev = s;
        }
        return ascending ? BoundaryOrder.ASCENDING : descending ? BoundaryOrder.DESCENDING : BoundaryOrder.UNORDERED;
    }

    private int compareBinary(int a, int b) {
        return Arrays.compareUnsigned(bytes, starts[a], starts[a + 1], bytes, starts[b], starts[b + 1]);
    }

    /** Min, max and null count over some rows. */
    private static final class Stats {
        int values;
        int nulls;
        boolean hasBounds;
        long minL = Long.MAX_VALUE;
        long maxL = Long.MIN_VALUE;
        double minD = Double.POSITIVE_INFINITY;
        double maxD = Double.NEGATIVE_INFINITY;
        int minRow = -1;
        int maxRow = -1;
        // a chunk merges page minima/maxima whose rows may be gone by then: keep bytes
        byte[] minBin;
        byte[] maxBin;

        void add(ColumnChunkWriter w, int from, int to) {
            for (int r = from; r < to; r++) {
                if (!w.isDefined(r)) {
                    nulls++;
                    continue;
                }
                values++;
                switch (w.kind) {
                    case DOUBLE -> {
                        double d = w.doubles[r];
                        if (!Double.isNaN(d)) {
                            hasBounds = true;
                            if (Double.compare(d, minD) < 0) minD = d;
                            if (Double.compare(d, maxD) > 0) maxD = d;
                        }
                    }
                    case BINARY -> {
                        hasBounds = true;
                        if (minRow < 0 || w.compareBinary(r, minRow) < 0) minRow = r;
                        if (maxRow < 0 || w.compareBinary(r, maxRow) > 0) maxRow = r;
                    }
                    default -> {
                        hasBounds = true;
                        long v = w.longs[r];
                        if (v < minL) minL = v;
                        if (v > maxL) maxL = v;
                    }
                }
            }
            if (w.kind == Kind.BINARY && hasBounds) {
                minBin = Arrays.copyOfRange(w.bytes, w.starts[minRow], w.starts[minRow + 1]);
                maxBin = Arrays.copyOfRange(w.bytes, w.starts[maxRow], w.starts[maxRow + 1]);
            }
        }

        void merge(ColumnChunkWriter w, Stats o) {
            values += o.values;
            nulls += o.nulls;
            if (!o.hasBounds) {
                return;
            }
            if (!hasBounds) {
                hasBounds = true;
                minL = o.minL; maxL = o.maxL; minD = o.minD; maxD = o.maxD; minBin = o.minBin; maxBin = o.maxBin;
                return;
            }
            minL = Math.min(minL, o.minL);
            maxL = Math.max(maxL, o.maxL);
            if (Double.compare(o.minD, minD) < 0) minD = o.minD;
            if (Double.compare(o.maxD, maxD) > 0) maxD = o.maxD;
            if (w.kind == Kind.BINARY) {
                if (Arrays.compareUnsigned(o.minBin, minBin) < 0) minBin = o.minBin;
                if (Arrays.compareUnsigned(o.maxBin, maxBin) > 0) maxBin = o.maxBin;
            }
        }

        int compareMin(ColumnChunkWriter w, Stats o) {
            return switch (w.kind) {
                case DOUBLE -> Double.compare(minD, o.minD);
                case BINARY -> Arrays.compareUnsigned(minBin, o.minBin);
                default -> Long.compare(minL, o.minL);
            };
        }

        int compareMax(ColumnChunkWriter w, Stats o) {
            return switch (w.kind) {
                case DOUBLE -> Double.compare(maxD, o.maxD);
                case BINARY -> Arrays.compareUnsigned(maxBin, o.maxBin);
                default -> Long.compare(maxL, o.maxL);
            };
        }

        /** Plain little-endian bytes of the minimum; -0.0 stands for a zero minimum, as the format asks. */
        byte[] minBytes(ColumnChunkWriter w) {
            return switch (w.kind) {
                case DOUBLE -> le8(Double.doubleToRawLongBits(minD == 0.0 ? -0.0 : minD));
                case BINARY -> minBin.length <= MAX_STAT_BYTES ? minBin : null;
                default -> fixed(w.kind, minL);
            };
        }

        byte[] maxBytes(ColumnChunkWriter w) {
            return switch (w.kind) {
                case DOUBLE -> le8(Double.doubleToRawLongBits(maxD == 0.0 ? 0.0 : maxD));
                case BINARY -> maxBin.length <= MAX_STAT_BYTES ? maxBin : null;
                default -> fixed(w.kind, maxL);
            };
        }

        private static byte[] fixed(Kind kind, long v) {
            return switch (kind) {
                case BOOLEAN -> new byte[] {(byte) v};
                case INT32 -> {
                    byte[] b = new byte[4];
                    ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) v);
                    yield b;
                }
                default -> le8(v);
            };
        }

        private static byte[] le8(long v) {
            byte[] b = new byte[8];
            ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(v);
            return b;
        }

        /**
         * Both the typed min_value/max_value and, for types whose order is signed (all but
         * strings), the deprecated min/max that older readers look at.
         */
        Statistics toThrift(ColumnChunkWriter w) {
            Statistics s = new Statistics();
            s.setNull_count(nulls);
            if (hasBounds) {
                byte[] min = minBytes(w);
                byte[] max = maxBytes(w);
                if (min != null && max != null) {
                    s.setMin_value(min);
                    s.setMax_value(max);
                    if (w.kind != Kind.BINARY) {
                        s.setMin(min);
                        s.setMax(max);
                    }
                }
            }
            return s;
        }
    }

    /** The chunk's distinct values in first-seen order and each defined row's index into them. */
    private static final class Dictionary {
        final ByteSink plain = new ByteSink(1 << 12);
        final int[] indices;
        int size;
        int bitWidth;

        private Dictionary(int rows) {
            indices = new int[rows];
        }

        /** The dictionary, or null when it would exceed the size limit or not beat PLAIN. */
        static Dictionary build(ColumnChunkWriter w) {
            int rows = w.rows;
            int defined = rows - w.nulls;
            if (defined == 0) {
                return null;
            }
            int max = w.options.maxDictionaryBytes();
            Dictionary d = new Dictionary(rows);
            long plainBytes;
            if (w.kind == Kind.BINARY) {
                plainBytes = 4L * defined + w.starts[rows];
                int slots = Integer.highestOneBit(Math.max(16, Math.min(rows, max / 4) * 2 - 1)) << 1;
                int[] table = new int[slots]; // row of the first occurrence + 1
                int mask = slots - 1;
                for (int r = 0; r < rows; r++) {
                    if (!w.isDefined(r)) continue;
                    int from = w.starts[r];
                    int len = w.starts[r + 1] - from;
                    int h = mix(hashBytes(w.bytes, from, len)) & mask;
                    while (true) {
                        int first = table[h] - 1;
                        if (first < 0) {
                            if (d.plain.size() + 4 + len > max || d.size * 2 >= slots) {
                                return null;
                            }
                            table[h] = r + 1;
                            d.indices[r] = d.size++;
                            d.plain.writeIntLE(len);
                            d.plain.writeBytes(w.bytes, from, len);
                            break;
                        }
                        if (w.compareBinary(first, r) == 0) {
                            d.indices[r] = d.indices[first];
                            break;
                        }
                        h = (h + 1) & mask;
                    }
                }
            } else {
                int width = w.kind == Kind.INT32 ? 4 : 8;
                plainBytes = (long) width * defined;
                int maxEntries = max / width;
                int slots = Integer.highestOneBit(Math.max(16, Math.min(rows, maxEntries) * 2 - 1)) << 1;
                long[] keys = new long[slots];
                int[] ids = new int[slots]; // index + 1
                int mask = slots - 1;
                for (int r = 0; r < rows; r++) {
                    if (!w.isDefined(r)) continue;
                    long v = w.kind == Kind.DOUBLE ? Double.doubleToRawLongBits(w.doubles[r]) : w.longs[r];
                    int h = mix(Long.hashCode(v * 0x9E3779B97F4A7C15L)) & mask;
                    while (true) {
                        int id = ids[h] - 1;
                        if (id < 0) {
                            if (d.size >= maxEntries || d.size * 2 >= slots) {
                                return null;
                            }
                            keys[h] = v;
                            ids[h] = d.size + 1;
                            d.indices[r] = d.size++;
                            if (width == 4) d.plain.writeIntLE((int) v); else d.plain.writeLongLE(v);
                            break;
                        }
                        if (keys[h] == v) {
                            d.indices[r] = id;
                            break;
                        }
                        h = (h + 1) & mask;
                    }
                }
            }
            d.bitWidth = Math.max(1, RleBitPackedEncoder.bitWidth(d.size - 1));
            long encoded = d.plain.size() + ((long) defined * d.bitWidth + 7) / 8;
            return encoded < plainBytes ? d : null;
        }

        private static int hashBytes(byte[] b, int from, int len) {
            int h = len;
            for (int i = from; i < from + len; i++) {
                h = 31 * h + b[i];
            }
            return h;
        }

        private static int mix(int h) {
            h ^= h >>> 16;
            h *= 0x85ebca6b;
            h ^= h >>> 13;
            return h;
        }
    }

    /** An output stream that counts the bytes written, so chunks know their offsets. */
    static final class CountingOutput extends OutputStream {
        private final OutputStream out;
        private long position;

        CountingOutput(OutputStream out, long start) {
            this.out = out;
            this.position = start;
        }

        long position() { return position; }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            position++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            position += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
