package io.blueshift.storage.parquet;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.storage.parquet.ParquetColumn.Conversion;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.PageHeader;
import shaded.parquet.org.apache.thrift.protocol.TCompactProtocol;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import io.blueshift.memory.StringViews;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Decodes one column chunk (all pages of one column in one row group) into a vector. Pages are
 * decoded in mini-batches of {@link #BATCH} values, so heap scratch stays fixed however many
 * rows a (possibly corrupt) page claims; only the output vector grows, through the pool.
 */
final class ColumnChunkReader {
    static final int BATCH = 4096;
    /** A page may inflate at most this much (or to 64 MiB), so a lying header cannot exhaust the heap. */
    private static final long MAX_RATIO = 1100;
    private static final long MIN_UNCOMPRESSED_CAP = 64L << 20;
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private final Path file;
    private final ParquetColumn column;
    private final CompressionCodec codec;
    private final PageValues values;
    private static final ThreadLocal<PageValues.Scratch> SCRATCH = ThreadLocal.withInitial(() -> new PageValues.Scratch(BATCH));
    private final int[] levels;
    private final PageValues.Scratch scratch;
    private final int[] indices;
    private PageValues dictionary;
    private int dictionaryBytes;
    // the dictionary in the output vector's layout (int[] for 4-byte types, long[] for 8-byte ones,
    // doubles as their bits) so dense batches gather straight into the vector; null for others
    private Object vectorDictionary;
    // strings: the page (or dictionary) array last copied into the output vector, and its buffer index
    private byte[] viewSource;
    private int viewBuffer = -1;
    // the current page's data in its array ([pageFrom, pageTo)): what a page's string buffer copies
    private int pageFrom;
    private int pageTo;
    // where viewSource's copy starts in its array (string offsets in the copy are relative to it)
    private int viewBase;
    private int viewLimit;
    private boolean stableStrings;
    // a string dictionary as the output vector's 16-byte views (two longs an entry), made once per
    // dictionary and output buffer: dense batches then copy a view per row, no per-value decoding
    private long[] dictionaryViews;
    private int dictionaryViewsBuffer = -2;

    ColumnChunkReader(Path file, ParquetColumn column, CompressionCodec codec) {
        this.file = file;
        this.column = column;
        this.codec = codec;
        PageValues.Scratch scratch = SCRATCH.get();
        this.scratch = scratch;
        this.values = PageValues.over(column, scratch);
        this.levels = scratch.levels;
        this.indices = scratch.indices;
    }

    /** Reads {@code rows} values from {@code chunk}, which starts at byte {@code chunkOffset} of the file. */
    void read(byte[] chunk, long chunkOffset, int rows, ColumnVector out) {
        read(chunk, chunk.length, chunkOffset, rows, out);
    }

    /** As above, with the chunk in {@code chunk[0, chunkLength)} (a reused, larger buffer). */
    void read(byte[] chunk, int chunkLength, long chunkOffset, int rows, ColumnVector out) {
        read(chunk, chunkLength, chunkOffset, rows, out, null);
    }

    /**
     * As above, decoding only the data pages whose header starts at a file offset {@code decode}
     * accepts (all when null; the dictionary page always): their values go to consecutive rows
     * of {@code out}, {@code rows} in all. Skipped pages are neither decompressed nor decoded.
     */
    void read(byte[] chunk, int chunkLength, long chunkOffset, int rows, ColumnVector out, java.util.function.LongPredicate decode) {
        decodedSoFar = 0;
        int pos = 0;
        int done = 0;
        while (done < rows) {
            if (pos >= chunkLength) {
                throw error(chunkOffset + pos, "column chunk ends after " + done + " of " + rows + " values");
            }
            pos = page(chunk, chunkLength, chunkOffset, pos, rows, out, decode, true);
            done = decodedSoFar;
        }
    }

    /**
     * Reads the pages in {@code chunk[0, prefix)} (the dictionary page, if any, and index pages:
     * whatever precedes the first data page), then only the data pages starting at the file
     * offsets {@code pages} (ascending, from the chunk's offset index), jumping over the others
     * without reading their headers; their values go to consecutive rows of {@code out},
     * {@code rows} in all. The chunk array needs to hold only those bytes, at their places.
     */
    void readPages(byte[] chunk, int chunkLength, long chunkOffset, int prefix, long[] pages, int rows, ColumnVector out) {
        decodedSoFar = 0;
        int pos = 0;
        while (pos < prefix) {
            pos = page(chunk, prefix, chunkOffset, pos, rows, out, null, false);
        }
        for (long offset : pages) {
            if (decodedSoFar >= rows) {
                break;
            }
            long at = offset - chunkOffset;
            if (at < prefix || at >= chunkLength) {
                throw error(offset, "the offset index places a page outside its column chunk (offsets "
                        + (chunkOffset + prefix) + " to " + (chunkOffset + chunkLength) + ")");
            }
            page(chunk, chunkLength, chunkOffset, (int) at, rows, out, null, true);
        }
        if (decodedSoFar < rows) {
            throw error(chunkOffset, "the column chunk's indexed pages hold " + decodedSoFar + " of the " + rows + " values expected");
        }
    }

    // values written to the output so far by page(...)
    private int decodedSoFar;

    /**
     * Reads the page whose header starts at {@code chunk[pos]}: a dictionary page is loaded, a
     * data page decoded (when {@code data} and {@code decode} accepts its offset) into the rows
     * after {@link #decodedSoFar}. Returns the position after the page.
     */
    private int page(byte[] chunk, int chunkLength, long chunkOffset, int pos, int rows, ColumnVector out,
                     java.util.function.LongPredicate decode, boolean data) {
        long pageOffset = chunkOffset + pos;
        PageHeader header;
        ByteArrayTransport in;
        try {
            in = new ByteArrayTransport(chunk, pos, chunkLength, 64);
            header = new PageHeader();
            header.read(new TCompactProtocol(in));
        } catch (Exception e) {
            throw error(pageOffset, "cannot decode page header: " + e.getMessage(), e);
        }
        int dataStart = in.position();
        int size = header.getCompressed_page_size();
        if (size < 0 || size > chunkLength - dataStart) {
            throw error(pageOffset, "page of " + size + " bytes at offset " + (chunkOffset + dataStart)
                    + " runs past the end of its column chunk (which ends at offset " + (chunkOffset + chunkLength) + ")");
        }
        int uncompressed = header.getUncompressed_page_size();
        if (uncompressed < 0 || uncompressed > Math.max(MIN_UNCOMPRESSED_CAP, size * MAX_RATIO)) {
            throw error(pageOffset, "page header claims " + uncompressed + " uncompressed bytes from " + size + " compressed");
        }
        int done = decodedSoFar;
        try {
            switch (header.getType()) {
                case DICTIONARY_PAGE -> readDictionary(header, chunk, dataStart, size, uncompressed);
                case DATA_PAGE -> {
                    if (data && (decode == null || decode.test(pageOffset))) {
                        done += readDataPageV1(header.getData_page_header(), chunk, dataStart, size,
                                uncompressed, rows - done, done, out);
                    }
                }
                case DATA_PAGE_V2 -> {
                    if (data && (decode == null || decode.test(pageOffset))) {
                        done += readDataPageV2(header.getData_page_header_v2(), chunk, dataStart, size,
                                uncompressed, rows - done, done, out);
                    }
                }
                default -> { } // index pages and unknown kinds carry no values
            }
        } catch (ParquetException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw error(pageOffset, (header.getType() == null ? "page" : header.getType() + " page") + ": " + e.getMessage(), e);
        }
        decodedSoFar = done;
        return dataStart + size;
    }

    private void readDictionary(PageHeader header, byte[] chunk, int start, int size, int uncompressed) throws IOException {
        var dh = header.getDictionary_page_header();
        if (dh == null) {
            throw new IOException("dictionary page without a dictionary page header");
        }
        if (dh.getEncoding() != Encoding.PLAIN && dh.getEncoding() != Encoding.PLAIN_DICTIONARY) {
            throw new IOException("not supported yet: dictionary encoding " + dh.getEncoding());
        }
        // into the thread's dictionary buffer (a chunk's dictionary was a fresh zeroed array,
        // hundreds of KiB for keys like SF 10's l_suppkey), its first uncompressed bytes valid
        byte[] page = scratch.dictionaryPage(uncompressed);
        decompressInto(chunk, start, size, page, uncompressed);
        int n = dh.getNum_values();
        long minBits = PageValues.minPlainBits(column);
        if (n < 0 || n * Math.max(1, minBits) > (long) uncompressed * 8) {
            throw new IOException("dictionary claims " + n + " values in " + uncompressed + " bytes");
        }
        PageValues dict = new PageValues(column, n);
        dict.decodePlain(column, page, 0, uncompressed, n);
        dictionary = dict;
        dictionaryBytes = uncompressed;
        vectorDictionary = vectorLayout(dict);
        dictionaryViews = null;
        // a second dictionary page (a corrupt chunk) reuses the buffer: forget copies of the first
        viewSource = null;
        viewBuffer = -1;
    }

    private Object vectorLayout(PageValues dict) {
        int n = dict.count;
        return switch (column.type()) {
            case DataType.BooleanType t -> null;
            case DataType.VarcharType t -> null;
            case DataType.Float64Type t -> {
                long[] bits = new long[n];
                for (int i = 0; i < n; i++) {
                    bits[i] = Double.doubleToRawLongBits(dict.doubles[i]);
                }
                yield bits;
            }
            default -> {
                if (dict.longs == null) {
                    yield null;
                }
                if (column.type().byteWidth() == 4) {
                    int[] ints = new int[n];
                    for (int i = 0; i < n; i++) {
                        ints[i] = (int) dict.longs[i];
                    }
                    yield ints;
                }
                yield column.type().byteWidth() != 8 ? null : dict.longs.length == n ? dict.longs : java.util.Arrays.copyOf(dict.longs, n);
            }
        };
    }

    /** Dense batch of dictionary indices: values gathered straight into rows {@code row..row+m-1}. */
    private void gatherInto(RleBitPackedDecoder decoder, ColumnVector out, int row, int m) throws IOException {
        decoder.decode(indices, m);
        var kernels = RleBitPackedDecoder.UnpackHolder.KERNELS;
        try {
            if (vectorDictionary instanceof long[] longs) {
                kernels.gatherInt64(longs, indices, m, out.data(), (long) row * 8);
            } else {
                kernels.gatherInt32((int[]) vectorDictionary, indices, m, out.data(), (long) row * 4);
            }
        } catch (IndexOutOfBoundsException e) {
            int size = dictionary.count;
            for (int i = 0; i < m; i++) {
                if (Integer.compareUnsigned(indices[i], size) >= 0) {
                    throw badIndex(indices[i], size);
                }
            }
            throw e;
        }
    }

    private int readDataPageV1(DataPageHeader h, byte[] chunk, int start, int size, int uncompressed,
                               int rowsLeft, int rowBase, ColumnVector out) throws IOException {
        if (h == null) {
            throw new IOException("data page without a data page header");
        }
        int n = checkCount(h.getNum_values(), rowsLeft);
        byte[] page = decompressToScratch(chunk, start, size, uncompressed);
        int end = uncompressed;
        int p = 0;
        RleBitPackedDecoder defs = null;
        if (column.optional()) {
            if (h.getDefinition_level_encoding() != Encoding.RLE) {
                throw new IOException("not supported yet: definition level encoding " + h.getDefinition_level_encoding());
            }
            int len = readLength(page, p, end);
            defs = new RleBitPackedDecoder(page, p + 4, p + 4 + len, 1);
            p += 4 + len;
        }
        decodeValues(h.getEncoding(), page, p, end, n, defs, rowBase, out);
        return n;
    }

    private int readDataPageV2(DataPageHeaderV2 h, byte[] chunk, int start, int size, int uncompressed,
                               int rowsLeft, int rowBase, ColumnVector out) throws IOException {
        if (h == null) {
            throw new IOException("data page v2 without its header");
        }
        int n = checkCount(h.getNum_values(), rowsLeft);
        int repLen = h.getRepetition_levels_byte_length();
        int defLen = h.getDefinition_levels_byte_length();
        if (repLen < 0 || defLen < 0 || (long) repLen + defLen > size || (long) repLen + defLen > uncompressed) {
            throw new IOException("level lengths " + repLen + " + " + defLen + " exceed the page's " + size + " bytes");
        }
        if (repLen != 0) {
            throw new IOException("repetition levels in a flat column");
        }
        RleBitPackedDecoder defs = column.optional() ? new RleBitPackedDecoder(chunk, start, start + defLen, 1) : null;
        int valuesStart = start + repLen + defLen;
        int valuesSize = size - repLen - defLen;
        byte[] page;
        int p;
        int end;
        if (!h.isSetIs_compressed() || h.isIs_compressed()) {
            end = uncompressed - repLen - defLen;
            page = decompressToScratch(chunk, valuesStart, valuesSize, end);
            p = 0;
        } else {
            page = chunk;
            p = valuesStart;
            end = valuesStart + valuesSize;
        }
        decodeValues(h.getEncoding(), page, p, end, n, defs, rowBase, out);
        return n;
    }

    private static int checkCount(int n, int rowsLeft) throws IOException {
        if (n < 0 || n > rowsLeft) {
            throw new IOException("page claims " + n + " values but only " + rowsLeft + " rows of the row group are left");
        }
        return n;
    }

    private static int readLength(byte[] page, int p, int end) throws IOException {
        if (p + 4 > end) {
            throw new IOException("level length past the end of the page");
        }
        int len = (page[p] & 0xFF) | (page[p + 1] & 0xFF) << 8 | (page[p + 2] & 0xFF) << 16 | (page[p + 3] & 0xFF) << 24;
        if (len < 0 || len > end - p - 4) {
            throw new IOException("level data of " + len + " bytes runs past the end of the page");
        }
        return len;
    }

    /** Decompresses a data page into the thread's page buffer (its first {@code uncompressed} bytes). */
    private byte[] decompressToScratch(byte[] chunk, int start, int size, int uncompressed) throws IOException {
        byte[] buf = scratch.page(uncompressed);
        if (codec == CompressionCodec.UNCOMPRESSED) {
            if (size != uncompressed) {
                throw new IOException("uncompressed page of " + size + " bytes, header says " + uncompressed);
            }
            System.arraycopy(chunk, start, buf, 0, size);
            return buf;
        }
        PageDecompressor.decompress(codec, chunk, start, size, buf, uncompressed);
        return buf;
    }

    private void decompressInto(byte[] chunk, int start, int size, byte[] out, int uncompressed) throws IOException {
        if (codec == CompressionCodec.UNCOMPRESSED) {
            if (size != uncompressed) {
                throw new IOException("uncompressed page of " + size + " bytes, header says " + uncompressed);
            }
            System.arraycopy(chunk, start, out, 0, size);
            return;
        }
        PageDecompressor.decompress(codec, chunk, start, size, out, uncompressed);
    }

    private void decodeValues(Encoding encoding, byte[] page, int p, int end, int n, RleBitPackedDecoder defs,
                              int rowBase, ColumnVector out) throws IOException {
        // the page buffer is reused: a copy made for the last page's strings says nothing of this one's
        if (viewSource != null && (dictionary == null || viewSource != dictionary.bytes)) {
            viewSource = null;
        }
        RleBitPackedDecoder dictIndices = null;
        RleBitPackedDecoder rleBooleans = null;
        DeltaAndSplitValues.Source other = null;
        switch (encoding) {
            case PLAIN -> { }
            case PLAIN_DICTIONARY, RLE_DICTIONARY -> {
                if (dictionary == null) {
                    throw new IOException("dictionary-encoded page without a dictionary page");
                }
                if (p >= end) {
                    if (n > 0 && defs == null) {
                        throw new IOException("dictionary page data is empty");
                    }
                    dictIndices = new RleBitPackedDecoder(page, end, end, 0);
                } else {
                    dictIndices = new RleBitPackedDecoder(page, p + 1, end, page[p] & 0xFF);
                }
            }
            case RLE -> {
                if (column.conversion() != Conversion.BOOLEAN) {
                    throw new IOException("not supported yet: RLE encoding for " + column.physical());
                }
                int len = readLength(page, p, end);
                rleBooleans = new RleBitPackedDecoder(page, p + 4, p + 4 + len, 1);
            }
            case DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT ->
                    other = DeltaAndSplitValues.open(encoding, column, page, p, end, n);
            default -> throw new IOException("not supported yet: encoding " + encoding);
        }
        // DELTA_BYTE_ARRAY rebuilds strings in reused scratch: those cannot be viewed in place
        stableStrings = encoding != Encoding.DELTA_BYTE_ARRAY;
        pageFrom = p;
        pageTo = end;
        long bitPos = (long) p * 8;
        for (int done = 0; done < n; ) {
            int m = Math.min(BATCH, n - done);
            int nonNull = m;
            if (defs != null) {
                defs.decode(levels, m);
                nonNull = 0;
                for (int i = 0; i < m; i++) {
                    int level = levels[i];
                    if (level > 1) {
                        throw new IOException("definition level " + level + " above the column's maximum of 1");
                    }
                    nonNull += level;
                }
            }
            int row = rowBase + done;
            if (dictIndices != null && nonNull == m && vectorDictionary != null) {
                gatherInto(dictIndices, out, row, m);
                done += m;
                continue;
            }
            if (dictIndices != null && nonNull == m && column.type() instanceof DataType.VarcharType) {
                gatherViews(dictIndices, out, row, m);
                done += m;
                continue;
            }
            if (dictIndices != null) {
                gather(dictIndices, nonNull);
            } else if (other != null) {
                other.read(nonNull, values);
            } else if (rleBooleans != null) {
                rleBooleans.decode(indices, nonNull);
                for (int i = 0; i < nonNull; i++) {
                    values.longs[i] = indices[i];
                }
                values.count = nonNull;
            } else if (nonNull == m && copyDense(page, bitPos, end, m, row, out)) {
                bitPos += (long) m * PageValues.minPlainBits(column);
                done += m;
                continue;
            } else {
                bitPos = values.decodePlain(column, page, bitPos, end, nonNull);
            }
            if (nonNull == m) {
                writeDense(out, row, m);
            } else {
                writeSparse(out, row, m);
            }
            done += m;
        }
    }

    /** PLAIN values whose bytes are already the engine's layout: one bulk copy, no per-value work. */
    private boolean copyDense(byte[] page, long bitPos, int end, int m, int row, ColumnVector out) {
        int width = switch (column.conversion()) {
            case INT32 -> 4;
            case INT64, TIMESTAMP_MICROS, DOUBLE -> 8;
            default -> 0;
        };
        if (width == 0 || !LITTLE_ENDIAN || (bitPos & 7) != 0) {
            return false;
        }
        long from = bitPos >>> 3;
        long bytes = (long) m * width;
        if (from + bytes > end) {
            throw new IllegalStateException(m + " PLAIN values need " + bytes + " bytes but the page has " + (end - from) + " left");
        }
        MemorySegment.copy(MemorySegment.ofArray(page), from, out.data(), (long) row * width, bytes);
        return true;
    }

    /** Dense batch of indices into a string dictionary: each row gets its entry's view. */
    private void gatherViews(RleBitPackedDecoder decoder, ColumnVector out, int row, int m) throws IOException {
        decoder.decode(indices, m);
        long[] views = dictionaryViews(out);
        int size = dictionary.count;
        int[] idx = indices;
        MemorySegment data = out.data();
        long at = (long) row * StringViews.VIEW_BYTES;
        for (int i = 0; i < m; i++, at += StringViews.VIEW_BYTES) {
            int k = idx[i];
            if (Integer.compareUnsigned(k, size) >= 0) throw badIndex(k, size);
            data.set(ValueLayout.JAVA_LONG_UNALIGNED, at, views[2 * k]);
            data.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 8, views[2 * k + 1]);
        }
    }

    /**
     * The dictionary's entries as views for {@code out}: entries of up to 12 bytes inline, longer
     * ones pointing into the dictionary's bytes, copied into {@code out} once as a string buffer.
     */
    private long[] dictionaryViews(ColumnVector out) {
        PageValues dict = dictionary;
        int n = dict.count;
        if (dictionaryViews != null && dictionaryViewsBuffer == -1) {
            return dictionaryViews;   // every entry inline: the views point nowhere
        }
        // built views with a buffer index have long entries; otherwise look for one, once
        boolean longEntries = dictionaryViews != null;
        for (int k = 0; k < n && !longEntries; k++) {
            longEntries = dict.lengths[k] > StringViews.INLINE_MAX;
        }
        int buffer = -1;
        if (longEntries) {
            if (viewSource != dict.bytes) {
                viewBuffer = out.addStringBuffer(dict.bytes, 0, dictionaryBytes);
                viewSource = dict.bytes;
                viewBase = 0;
                viewLimit = dictionaryBytes;
            }
            buffer = viewBuffer;
        }
        if (dictionaryViews != null && dictionaryViewsBuffer == buffer) {
            return dictionaryViews;
        }
        long[] views = new long[2 * n];
        MemorySegment target = MemorySegment.ofArray(views);
        for (int k = 0; k < n; k++) {
            int off = dict.offsets[k];
            int len = dict.lengths[k];
            if (len <= StringViews.INLINE_MAX) {
                StringViews.writeInline(target, k, dict.bytes, off, len);
            } else {
                StringViews.writeReference(target, k, dict.bytes, off, len, buffer, off);
            }
        }
        dictionaryViews = views;
        dictionaryViewsBuffer = buffer;
        return views;
    }

    private void gather(RleBitPackedDecoder decoder, int n) throws IOException {
        decoder.decode(indices, n);
        PageValues dict = dictionary;
        int size = dict.count;
        int[] idx = indices;
        // one pass: check each index and fetch its value
        if (dict.longs != null) {
            long[] from = dict.longs;
            long[] to = values.longs;
            for (int i = 0; i < n; i++) {
                int k = idx[i];
                if (Integer.compareUnsigned(k, size) >= 0) throw badIndex(k, size);
                to[i] = from[k];
            }
        } else if (dict.doubles != null) {
            double[] from = dict.doubles;
            double[] to = values.doubles;
            for (int i = 0; i < n; i++) {
                int k = idx[i];
                if (Integer.compareUnsigned(k, size) >= 0) throw badIndex(k, size);
                to[i] = from[k];
            }
        } else {
            values.bytes = dict.bytes;
            int[] offsets = dict.offsets;
            int[] lengths = dict.lengths;
            for (int i = 0; i < n; i++) {
                int k = idx[i];
                if (Integer.compareUnsigned(k, size) >= 0) throw badIndex(k, size);
                values.offsets[i] = offsets[k];
                values.lengths[i] = lengths[k];
            }
        }
        values.count = n;
    }

    private static IOException badIndex(int k, int size) {
        return new IOException("bad dictionary index " + Integer.toUnsignedString(k) + " (the dictionary has " + size + " values)");
    }

    /** Values 0..m-1 to rows row..row+m-1: bulk copies from the heap batch, one type switch per batch. */
    private void writeDense(ColumnVector out, int row, int m) {
        long[] longs = values.longs;
        MemorySegment data = out.data();
        switch (column.type()) {
            case DataType.BooleanType t -> { for (int i = 0; i < m; i++) out.setBoolean(row + i, longs[i] != 0); }
            case DataType.Int32Type t -> copyInts(longs, data, row, m);
            case DataType.DateType t -> copyInts(longs, data, row, m);
            case DataType.Float64Type t -> MemorySegment.copy(values.doubles, 0, data, ValueLayout.JAVA_DOUBLE, (long) row * 8, m);
            case DataType.VarcharType t -> { for (int i = 0; i < m; i++) writeString(out, row + i, i); }
            default -> MemorySegment.copy(longs, 0, data, ValueLayout.JAVA_LONG, (long) row * 8, m);
        }
    }

    private void copyInts(long[] longs, MemorySegment data, int row, int m) {
        int[] ints = indices; // free once the batch's values are gathered
        for (int i = 0; i < m; i++) {
            ints[i] = (int) longs[i];
        }
        MemorySegment.copy(ints, 0, data, ValueLayout.JAVA_INT, (long) row * 4, m);
    }

    /** Rows whose level is 1 take the next value; the others become NULL. */
    private void writeSparse(ColumnVector out, int row, int m) {
        long[] longs = values.longs;
        int k = 0;
        for (int i = 0; i < m; i++) {
            if (levels[i] == 0) {
                out.setNull(row + i);
                clearValue(out, row + i);
                continue;
            }
            switch (column.type()) {
                case DataType.BooleanType t -> out.setBoolean(row + i, longs[k] != 0);
                case DataType.Int32Type t -> out.setInt(row + i, (int) longs[k]);
                case DataType.DateType t -> out.setInt(row + i, (int) longs[k]);
                case DataType.Float64Type t -> out.setDouble(row + i, values.doubles[k]);
                case DataType.VarcharType t -> writeString(out, row + i, k);
                default -> out.setLong(row + i, longs[k]);
            }
            k++;
        }
    }

    /**
     * A NULL row's value bytes are zeroed: transient vectors come from reused memory
     * ({@link ParquetFile#readColumns(int, java.util.List, io.blueshift.memory.MemoryPool, boolean)}),
     * and operators may read (then ignore) the value under a null.
     */
    private static void clearValue(ColumnVector out, int row) {
        switch (out.type()) {
            case DataType.BooleanType t -> out.setBoolean(row, false);
            case DataType.VarcharType t -> { } // string vectors are always zeroed
            default -> {
                if (out.type().byteWidth() == 4) {
                    out.setInt(row, 0);
                } else {
                    out.setLong(row, 0);
                }
            }
        }
    }

    /**
     * A string as a view: inline when short, else pointing into a copy of the page (or
     * dictionary) its bytes came from, made once per page. Values rebuilt in scratch memory
     * (DELTA_BYTE_ARRAY) are copied one by one.
     */
    private void writeString(ColumnVector out, int row, int k) {
        int off = values.offsets[k];
        int len = values.lengths[k];
        byte[] src = values.bytes;
        if (len <= StringViews.INLINE_MAX) {
            StringViews.writeInline(out.data(), row, src, off, len);
            return;
        }
        if (!stableStrings) {
            out.setString(row, Arrays.copyOfRange(src, off, off + len));
            return;
        }
        if (src != viewSource) {
            // only the page's (or dictionary page's) bytes: the arrays are the thread's buffers,
            // maybe twice the page, or the whole chunk for an uncompressed v2 page
            boolean dict = dictionary != null && src == dictionary.bytes;
            int from = dict ? 0 : pageFrom;
            int to = dict ? dictionaryBytes : pageTo;
            viewBuffer = out.addStringBuffer(src, from, to - from);
            viewSource = src;
            viewBase = from;
            viewLimit = to;
        }
        if (off < viewBase || off + len > viewLimit) {
            // not inside the copied page (decoders keep values inside it): a copy of its own
            out.setString(row, Arrays.copyOfRange(src, off, off + len));
            return;
        }
        StringViews.writeReference(out.data(), row, src, off, len, viewBuffer, off - viewBase);
    }

    private ParquetException error(long offset, String message) {
        return new ParquetException(file, column.name(), offset, message);
    }

    private ParquetException error(long offset, String message, Throwable cause) {
        return new ParquetException(file, column.name(), offset, message, cause);
    }
}
