package io.blueshift.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One column of values in Arrow layout: a data buffer (fixed-width values, or 16-byte views
 * for VARCHAR), an optional validity bitmap (absent = no nulls) and, for VARCHAR, the
 * variadic data buffers the views point into. A vector either owns its buffers (made by
 * {@link #allocate}) or is a view of someone else's ({@link #wrap}, {@link #slice}).
 */
public final class ColumnVector implements AutoCloseable {
    /** Largest out-of-line string buffer a writable VARCHAR vector adds as it fills (they start smaller). */
    static final int STRING_BUFFER_BYTES = 1 << 20;
    /** The smallest first string buffer (small results do not each zero a whole megabyte). */
    static final int FIRST_STRING_BUFFER_BYTES = 4 << 10;

    private final DataType type;
    /**
     * {@code type.byteWidth()}, asked once here. Asked of the type at each call site, the
     * interface call was compiled for the one or two types that site had seen and trapped on
     * the next (class_check / bimorphic), throwing away the caller's compile.
     */
    private final int byteWidth;
    private final int capacity;
    private final MemorySegment data;
    private MemorySegment validity;
    private final List<MemorySegment> varBuffers;
    private final List<Allocation> owned;
    private final MemoryPool pool;
    private final String owner;
    // write position in the last string buffer, for setString on an owned vector
    private long stringFill;
    /** Set on views only ({@link #asAscending}): the values never decrease from row to row and none is NULL. */
    private boolean ascending;

    private ColumnVector(DataType type, int capacity, MemorySegment data, MemorySegment validity,
                         List<MemorySegment> varBuffers, List<Allocation> owned, MemoryPool pool, String owner) {
        this.type = Objects.requireNonNull(type, "type is null");
        this.byteWidth = type.byteWidth();
        this.capacity = capacity;
        this.data = Objects.requireNonNull(data, "data is null");
        this.validity = validity;
        this.varBuffers = varBuffers;
        this.owned = owned;
        this.pool = pool;
        this.owner = owner;
        this.stringFill = STRING_BUFFER_BYTES; // forces a new buffer on first out-of-line write
    }

    /** Allocates a writable vector of {@code capacity} values from {@code pool}. */
    public static ColumnVector allocate(MemoryPool pool, DataType type, int capacity, boolean nullable, String owner) {
        return allocate(pool, type, capacity, nullable, owner, false, true);
    }

    /**
     * A vector made for one morsel and closed soon after (a file scan's decoded row group): its
     * buffers come from and go back to the pool's reuse list ({@link MemoryPool#allocateReusable}).
     * Unless {@code zeroed}, the data buffer's contents are undefined and the caller must write
     * every value (nulls included); the validity bitmap, if any, starts all valid as usual.
     */
    public static ColumnVector allocateReusable(MemoryPool pool, DataType type, int capacity, boolean nullable,
                                                String owner, boolean zeroed) {
        return allocate(pool, type, capacity, nullable, owner, true, zeroed);
    }

    private static ColumnVector allocate(MemoryPool pool, DataType type, int capacity, boolean nullable, String owner,
                                         boolean reusable, boolean zeroed) {
        List<Allocation> owned = new ArrayList<>(2);
        long dataBytes = type instanceof DataType.BooleanType
                ? Validity.bytesFor(capacity)
                : (long) capacity * type.byteWidth();
        Allocation data = reusable ? pool.allocateReusable(dataBytes, owner, zeroed) : pool.allocate(dataBytes, owner);
        owned.add(data);
        MemorySegment validity = null;
        if (nullable) {
            try {
                Allocation v = reusable ? pool.allocateReusable(Validity.bytesFor(capacity), owner + " validity", false)
                        : pool.allocate(Validity.bytesFor(capacity), owner + " validity");
                owned.add(v);
                validity = v.segment();
                Validity.setAll(validity, true);
            } catch (RuntimeException e) {
                data.close();
                throw e;
            }
        }
        return new ColumnVector(type, capacity, data.segment(), validity, new ArrayList<>(), owned, pool, owner);
    }

    /** A view over memory owned elsewhere (a table block, an imported Arrow array). */
    public static ColumnVector wrap(DataType type, int capacity, MemorySegment data, MemorySegment validity,
                                    List<MemorySegment> varBuffers) {
        return new ColumnVector(type, capacity, data, validity,
                varBuffers == null ? List.of() : varBuffers, List.of(), null, "view");
    }

    public DataType type() { return type; }

    /** Bytes per value in the data buffer ({@link DataType#byteWidth}; 0 for bit-packed BOOLEAN). */
    public int byteWidth() { return byteWidth; }
    public int capacity() { return capacity; }
    public MemorySegment data() { return data; }
    /** The validity bitmap, or {@code null} when the vector has no nulls. */
    public MemorySegment validity() { return validity; }
    public List<MemorySegment> varBuffers() { return varBuffers; }
    public boolean mayHaveNulls() { return validity != null; }

    /**
     * A view of {@code length} values from {@code offset}. Offsets must be multiples of 8 when
     * the vector has a validity bitmap, so the bitmap slices on a byte boundary.
     */
    public ColumnVector slice(int offset, int length) {
        Objects.checkFromIndexSize(offset, length, capacity);
        MemorySegment d;
        MemorySegment v = null;
        if (type instanceof DataType.BooleanType) {
            requireByteAligned(offset);
            d = data.asSlice(offset >>> 3);
        } else {
            d = data.asSlice((long) offset * byteWidth, (long) length * byteWidth);
        }
        if (validity != null) {
            requireByteAligned(offset);
            v = validity.asSlice(offset >>> 3);
        }
        ColumnVector view = new ColumnVector(type, length, d, v, varBuffers, List.of(), null, "view");
        view.ascending = ascending;
        return view;
    }

    /**
     * True when the storage this view reads says its values never decrease from row to row and
     * none is NULL (a table block's zone map, {@link #asAscending}); false when not known. Slices
     * keep it. Kernels may then find rows by binary search instead of reading every value.
     */
    public boolean ascending() { return ascending; }

    /**
     * A view of the same values marked {@link #ascending}: only for values that never decrease
     * (ties allowed) and have no NULLs, as a table's zone map records; they must not change while
     * the view is used.
     */
    public ColumnVector asAscending() {
        ColumnVector view = new ColumnVector(type, capacity, data, validity, varBuffers, List.of(), null, "view");
        view.ascending = true;
        return view;
    }

    private static void requireByteAligned(int offset) {
        if ((offset & 7) != 0) {
            throw new IllegalArgumentException("bitmap slices must start at a multiple of 8, got " + offset);
        }
    }

    // ---- null handling ----

    public boolean isNull(int i) {
        return validity != null && !Validity.isValid(validity, i);
    }

    public void setNull(int i) {
        if (validity == null) {
            if (owned.isEmpty()) {
                throw new IllegalStateException("cannot add nulls to a view");
            }
            Allocation v = pool.allocate(Validity.bytesFor(capacity), owner + " validity");
            owned.add(v);
            validity = v.segment();
            Validity.setAll(validity, true);
        }
        Validity.set(validity, i, false);
    }

    public void setValid(int i) {
        if (validity != null) {
            Validity.set(validity, i, true);
        }
    }

    // ---- fixed-width access ----

    /*
     * Unaligned layouts: an aligned one makes every access check the address's alignment
     * (AbstractMemorySegmentImpl.isAlignedForElement, a virtual call on the segment class
     * outside C2-compiled code). Pool buffers are 64-byte aligned anyway, and a view's data
     * need not be (mapped files, imported Arrow buffers).
     */
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    public int getInt(int i) { return data.getAtIndex(INT, i); }
    public void setInt(int i, int v) { data.setAtIndex(INT, i, v); }
    public long getLong(int i) { return data.getAtIndex(LONG, i); }
    public void setLong(int i, long v) { data.setAtIndex(LONG, i, v); }
    public double getDouble(int i) { return data.getAtIndex(DOUBLE, i); }
    public void setDouble(int i, double v) { data.setAtIndex(DOUBLE, i, v); }

    public boolean getBoolean(int i) {
        return (data.get(ValueLayout.JAVA_BYTE, i >>> 3) & (1 << (i & 7))) != 0;
    }

    public void setBoolean(int i, boolean v) { Validity.set(data, i, v); }

    // ---- strings ----

    public String getString(int i) {
        return StringViews.string(data, varBuffers, i);
    }

    public byte[] getStringBytes(int i) {
        return StringViews.bytes(data, varBuffers, i);
    }

    public void setString(int i, String s) {
        setString(i, s.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a string into an owned VARCHAR vector, adding a data buffer when the last is full. */
    public void setString(int i, byte[] utf8) {
        if (utf8.length <= StringViews.INLINE_MAX) {
            StringViews.writeInline(data, i, utf8, 0, utf8.length);
            return;
        }
        if (owned.isEmpty()) {
            throw new IllegalStateException("cannot write strings into a view");
        }
        if (stringFill + utf8.length > currentBufferSize()) {
            long size = Math.max(nextStringBufferBytes(), utf8.length);
            Allocation buf = pool.allocate(size, owner + " string data");
            owned.add(buf);
            varBuffers.add(buf.segment());
            stringFill = 0;
        }
        int bufferIndex = varBuffers.size() - 1;
        MemorySegment.copy(utf8, 0, varBuffers.get(bufferIndex), ValueLayout.JAVA_BYTE, stringFill, utf8.length);
        StringViews.writeReference(data, i, utf8, 0, utf8.length, bufferIndex, (int) stringFill);
        stringFill += utf8.length;
    }

    /**
     * Makes sure the next {@code bytes} bytes of out-of-line strings fit in the current data
     * buffer, adding one of exactly that size if not (instead of the default 1 MiB), so
     * copies of small batches stay small.
     */
    public void reserveStringBytes(long bytes) {
        if (bytes <= 0 || stringFill + bytes <= currentBufferSize()) {
            return;
        }
        if (owned.isEmpty()) {
            throw new IllegalStateException("cannot write strings into a view");
        }
        Allocation buf = pool.allocate(bytes, owner + " string data");
        owned.add(buf);
        varBuffers.add(buf.segment());
        stringFill = 0;
    }

    /**
     * Copies {@code bytes[from, from+length)} into a new string data buffer this vector owns
     * and returns its index, so views can point into it ({@link StringViews#writeReference}):
     * decoders that already hold a page of strings copy it once instead of string by string.
     * Later {@link #setString} calls start a fresh buffer, never writing into this one.
     */
    public int addStringBuffer(byte[] bytes, int from, int length) {
        if (owned.isEmpty()) {
            throw new IllegalStateException("cannot add string data to a view");
        }
        Allocation buf = pool.allocate(length, owner + " string data");
        owned.add(buf);
        MemorySegment.copy(bytes, from, buf.segment(), ValueLayout.JAVA_BYTE, 0, length);
        varBuffers.add(buf.segment());
        stringFill = Long.MAX_VALUE / 4; // counts as full: the next setString adds its own buffer
        return varBuffers.size() - 1;
    }

    /** The first string buffer holds 32 bytes a row of capacity (4 KiB at least), each next twice the last, up to 1 MiB. */
    private long nextStringBufferBytes() {
        long first = Math.clamp(32L * capacity, FIRST_STRING_BUFFER_BYTES, STRING_BUFFER_BYTES);
        return Math.min(STRING_BUFFER_BYTES, Math.max(first, 2 * currentBufferSize()));
    }

    private long currentBufferSize() {
        return varBuffers.isEmpty() ? 0 : varBuffers.get(varBuffers.size() - 1).byteSize();
    }

    /**
     * Compares non-null row {@code ra} of {@code a} with row {@code rb} of {@code b}, both of
     * one type: strings bytewise (code point order), doubles with NaN largest, DATE, DECIMAL
     * and TIMESTAMP by their stored integers.
     */
    public static int compareValues(ColumnVector a, int ra, ColumnVector b, int rb) {
        return switch (a.type) {
            case DataType.VarcharType t -> StringViews.compare(a.data(), a.varBuffers(), ra, b.data(), b.varBuffers(), rb);
            case DataType.Float64Type t -> Double.compare(a.getDouble(ra), b.getDouble(rb));
            case DataType.BooleanType t -> Boolean.compare(a.getBoolean(ra), b.getBoolean(rb));
            default -> a.byteWidth == 4 ? Integer.compare(a.getInt(ra), b.getInt(rb)) : Long.compare(a.getLong(ra), b.getLong(rb));
        };
    }

    /** The value at {@code i} as a plain Java object (null for SQL NULL); for tests and printing. */
    public Object getObject(int i) {
        if (isNull(i)) {
            return null;
        }
        return switch (type) {
            case DataType.BooleanType t -> getBoolean(i);
            case DataType.Int32Type t -> getInt(i);
            case DataType.Int64Type t -> getLong(i);
            case DataType.Float64Type t -> getDouble(i);
            case DataType.DateType t -> LocalDate.ofEpochDay(getInt(i));
            case DataType.TimestampType t -> getLong(i);
            case DataType.DecimalType t -> BigDecimal.valueOf(getLong(i), t.scale());
            case DataType.VarcharType t -> getString(i);
        };
    }

    /** Bytes this vector owns (zero for views). */
    public long ownedBytes() {
        long total = 0;
        for (Allocation a : owned) {
            total += a.byteSize();
        }
        return total;
    }

    @Override
    public void close() {
        for (Allocation a : owned) {
            a.close();
        }
    }
}
