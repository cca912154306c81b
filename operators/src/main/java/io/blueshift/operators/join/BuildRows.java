package io.blueshift.operators.join;

import io.blueshift.kernels.GatherKernels;
import io.blueshift.memory.Allocation;
import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.memory.StringViews;
import io.blueshift.memory.Validity;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The build side of a join as dense, owned columns that grow by doubling: fixed-width values
 * and string views in one buffer per column, strings longer than a view holds copied into
 * buffers this object owns. Row ids are dense, so probes fetch build values by gathering.
 */
final class BuildRows implements AutoCloseable {
    private static final int INITIAL_ROWS = 1024;
    private static final long STRING_BUFFER_BYTES = 1 << 20;
    private static final long FIRST_STRING_BUFFER_BYTES = 64 << 10;
    private static final ValueLayout.OfInt INT_U = ValueLayout.JAVA_INT_UNALIGNED;

    private final MemoryPool pool;
    private final Schema schema;
    private final Column[] columns;
    private int size;
    private int capacity;

    /** One column's buffers; validity is allocated at the first NULL, all valid before it. */
    private static final class Column {
        final DataType type;
        Allocation data;
        Allocation validity;
        final List<Allocation> strings = new ArrayList<>();
        long stringFill = STRING_BUFFER_BYTES;

        Column(DataType type) { this.type = type; }

        long bytesFor(int rows) {
            return type instanceof DataType.BooleanType ? Validity.bytesFor(rows) : (long) rows * type.byteWidth();
        }
    }

    BuildRows(MemoryPool pool, Schema schema) {
        this.pool = pool;
        this.schema = schema;
        this.columns = new Column[schema.size()];
        for (int c = 0; c < columns.length; c++) {
            columns[c] = new Column(schema.type(c));
        }
    }

    int size() { return size; }
    Schema schema() { return schema; }

    private void ensureCapacity(int rows) {
        if (rows <= capacity) {
            return;
        }
        int grown = Math.max(INITIAL_ROWS, capacity);
        while (grown < rows) {
            grown = grown > (1 << 29) ? Integer.MAX_VALUE - 64 : grown * 2;
        }
        for (Column c : columns) {
            Allocation data = allocateData(pool, c, grown, c.data == null);
            if (c.data != null) {
                MemorySegment.copy(c.data.segment(), 0, data.segment(), 0, c.bytesFor(size));
                c.data.close();
            }
            c.data = data;
            if (c.validity != null) {
                c.validity = grownValidity(c.validity, grown);
            }
        }
        capacity = grown;
    }

    /**
     * A data buffer for {@code rows} rows of {@code col}, from the pool's reuse list when one of
     * that size was freed (a growing build frees a buffer at every doubling, and a session's
     * next query builds the same sizes again): no fresh pages to fault in and zero, no arena to
     * close with a handshake with every thread. Unzeroed unless {@code zeroed}, as every row
     * below the size is written before it is read; bit-packed BOOLEAN values are always zeroed
     * (a word holds rows that were never written).
     */
    private static Allocation allocateData(MemoryPool pool, Column col, int rows, boolean zeroed) {
        return pool.allocateReusable(col.bytesFor(rows), "hash join build rows",
                zeroed || col.type instanceof DataType.BooleanType);
    }

    private Allocation grownValidity(Allocation old, int rows) {
        Allocation v = pool.allocateReusable(Validity.bytesFor(rows), "hash join build validity", false);
        Validity.setAll(v.segment(), true);
        if (old != null) {
            MemorySegment.copy(old.segment(), 0, v.segment(), 0, Validity.bytesFor(size));
            old.close();
        }
        return v;
    }

    /** Appends the live rows of {@code batch} (same column types as the schema). */
    void append(Batch batch, GatherKernels gather) {
        int n = batch.liveCount();
        if (n == 0) {
            return;
        }
        ensureCapacity(size + n);
        MemorySegment sel = batch.selection() == null ? null : batch.selection().segment();
        for (int c = 0; c < columns.length; c++) {
            Column col = columns[c];
            ColumnVector src = batch.column(c);
            MemorySegment dst = col.data.segment();
            int width = col.type.byteWidth();
            if (col.type instanceof DataType.BooleanType) {
                for (int i = 0; i < n; i++) {
                    Validity.set(dst, size + i, src.getBoolean(batch.liveRow(i)));
                }
            } else if (sel == null) {
                MemorySegment.copy(src.data(), 0, dst, (long) size * width, (long) n * width);
            } else {
                MemorySegment to = dst.asSlice((long) size * width, (long) n * width);
                switch (width) {
                    case 4 -> gather.gatherInt32(src.data(), sel, n, to);
                    case 8 -> gather.gatherInt64(src.data(), sel, n, to);
                    default -> gather.gatherInt128(src.data(), sel, n, to);
                }
            }
            if (src.validity() != null) {
                for (int i = 0; i < n; i++) {
                    if (src.isNull(batch.liveRow(i))) {
                        if (col.validity == null) {
                            col.validity = grownValidity(null, capacity);
                        }
                        Validity.set(col.validity.segment(), size + i, false);
                    }
                }
            }
            if (col.type instanceof DataType.VarcharType) {
                ownStrings(col, src.varBuffers(), size, n);
            }
        }
        size += n;
    }

    /** Copies the bytes of out-of-line views in rows {@code [from, from+n)} into owned buffers. */
    private void ownStrings(Column col, List<MemorySegment> srcBuffers, int from, int n) {
        MemorySegment views = col.data.segment();
        MemorySegment validity = col.validity == null ? null : col.validity.segment();
        for (int r = from; r < from + n; r++) {
            long base = (long) r * StringViews.VIEW_BYTES;
            if (validity != null && !Validity.isValid(validity, r)) {
                views.set(ValueLayout.JAVA_LONG_UNALIGNED, base, 0L);
                views.set(ValueLayout.JAVA_LONG_UNALIGNED, base + 8, 0L);
                continue;
            }
            int len = views.get(INT_U, base);
            if (len <= StringViews.INLINE_MAX) {
                continue;
            }
            if (col.stringFill + len > currentBufferBytes(col)) {
                // small builds get small buffers (the first 64 KiB, each next twice the last, up
                // to 1 MiB); unzeroed: only the bytes copied in are ever read
                long bytes = Math.max(len, Math.min(STRING_BUFFER_BYTES, Math.max(FIRST_STRING_BUFFER_BYTES, 2 * currentBufferBytes(col))));
                col.strings.add(pool.allocateReusable(bytes, "hash join build strings", false));
                col.stringFill = 0;
            }
            MemorySegment src = srcBuffers.get(views.get(INT_U, base + 8));
            MemorySegment dst = col.strings.getLast().segment();
            MemorySegment.copy(src, Integer.toUnsignedLong(views.get(INT_U, base + 12)), dst, col.stringFill, len);
            views.set(INT_U, base + 8, col.strings.size() - 1);
            views.set(INT_U, base + 12, (int) col.stringFill);
            col.stringFill += len;
        }
    }

    private static long currentBufferBytes(Column col) {
        return col.strings.isEmpty() ? 0 : col.strings.getLast().byteSize();
    }

    /** Below this many rows in all, {@link #concat} copies on the calling thread alone. */
    private static final int PARALLEL_CONCAT_ROWS = 1 << 15;

    /**
     * All rows of {@code parts} (one per worker of a build pipeline) in one object, in the
     * parts' order, sized exactly. The output rows are cut into ranges of about equal size
     * (whole 64-row words, so bit-packed BOOLEAN values and validity of two ranges never share
     * a byte) and the query's workers copy one range each from whichever parts it spans, so
     * the copy is balanced however unevenly the workers split the build pipeline's morsels
     * (under load one worker may take most of them). String buffers change owner, views are
     * renumbered. Every part is closed, also on failure.
     */
    static BuildRows concat(List<BuildRows> parts, io.blueshift.operators.exec.ExecutionContext ctx) {
        BuildRows first = parts.getFirst();
        BuildRows out = new BuildRows(first.pool, first.schema);
        try {
            long total = 0;
            int[] offset = new int[parts.size() + 1];
            for (int i = 0; i < parts.size(); i++) {
                offset[i] = (int) total;
                total += parts.get(i).size;
            }
            if (total > Integer.MAX_VALUE - 64) {
                throw new IllegalStateException("hash join build side over " + (Integer.MAX_VALUE - 64) + " rows: " + total);
            }
            int rows = (int) total;
            offset[parts.size()] = rows;
            int capacity = Math.max(rows, 1);
            int[][] stringShift = new int[parts.size()][out.columns.length];
            for (int c = 0; c < out.columns.length; c++) {
                Column col = out.columns[c];
                col.data = allocateData(out.pool, col, capacity, rows == 0);
                boolean nulls = false;
                for (int i = 0; i < parts.size(); i++) {
                    Column from = parts.get(i).columns[c];
                    nulls |= from.validity != null;
                    stringShift[i][c] = col.strings.size();
                    col.strings.addAll(from.strings);
                    from.strings.clear();
                }
                if (nulls) {
                    col.validity = out.grownValidity(null, capacity);
                }
            }
            out.capacity = capacity;
            int ranges = rows < PARALLEL_CONCAT_ROWS ? 1 : Math.max(1, ctx.threads() * 4);
            int rangeRows = (int) Math.min(Integer.MAX_VALUE - 64, ((((long) rows + ranges - 1) / ranges) + 63) & ~63L);
            int tasks = Math.max(1, (rows + rangeRows - 1) / rangeRows);
            java.util.function.IntConsumer copy = t -> {
                int lo = t * rangeRows;
                int hi = (int) Math.min(rows, (long) lo + rangeRows);
                for (int i = 0; i < parts.size(); i++) {
                    int from = Math.max(lo, offset[i]);
                    int to = Math.min(hi, offset[i + 1]);
                    if (from < to) {
                        out.copyRows(parts.get(i), from - offset[i], from, to - from, stringShift[i]);
                    }
                }
            };
            if (tasks == 1) {
                copy.accept(0);
            } else {
                io.blueshift.operators.exec.ParallelTasks.run(ctx, tasks, copy);
            }
            out.size = rows;
            return out;
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        } finally {
            for (BuildRows part : parts) {
                part.close();
            }
        }
    }

    /**
     * Copies {@code n} rows of {@code part} from row {@code src} to this object's row
     * {@code dst} (whose buffers are allocated), adding {@code stringShift[c]} to the buffer
     * index of column c's out-of-line string views.
     */
    private void copyRows(BuildRows part, int src, int dst, int n, int[] stringShift) {
        for (int c = 0; c < columns.length; c++) {
            Column col = columns[c];
            Column from = part.columns[c];
            if (col.type instanceof DataType.BooleanType) {
                MemorySegment in = from.data.segment();
                MemorySegment to = col.data.segment();
                for (int r = 0; r < n; r++) {
                    Validity.set(to, dst + r, Validity.isValid(in, src + r));
                }
            } else {
                MemorySegment.copy(from.data.segment(), col.bytesFor(src), col.data.segment(), col.bytesFor(dst), col.bytesFor(n));
                int shift = stringShift[c];
                if (col.type instanceof DataType.VarcharType && shift > 0) {
                    MemorySegment views = col.data.segment();
                    for (int r = dst; r < dst + n; r++) {
                        long base = (long) r * StringViews.VIEW_BYTES;
                        if (views.get(INT_U, base) > StringViews.INLINE_MAX) {
                            views.set(INT_U, base + 8, views.get(INT_U, base + 8) + shift);
                        }
                    }
                }
            }
            if (from.validity != null) {
                MemorySegment in = from.validity.segment();
                MemorySegment to = col.validity.segment();
                for (int r = 0; r < n; r++) {
                    if (!Validity.isValid(in, src + r)) {
                        Validity.set(to, dst + r, false);
                    }
                }
            }
        }
    }

    /** A view of column {@code c} over rows {@code [0, size)}, valid while this object is open. */
    ColumnVector column(int c) {
        Column col = columns[c];
        int rows = Math.max(size, 1);
        if (col.data == null) {
            ensureCapacity(1);
        }
        List<MemorySegment> buffers = new ArrayList<>(col.strings.size());
        for (Allocation a : col.strings) {
            buffers.add(a.segment());
        }
        return ColumnVector.wrap(col.type, rows, col.data.segment(), col.validity == null ? null : col.validity.segment(), buffers);
    }

    @Override
    public void close() {
        for (Column c : columns) {
            if (c.data != null) c.data.close();
            if (c.validity != null) c.validity.close();
            c.strings.forEach(Allocation::close);
            c.strings.clear();
            c.data = null;
            c.validity = null;
        }
        size = 0;
        capacity = 0;
    }
}
