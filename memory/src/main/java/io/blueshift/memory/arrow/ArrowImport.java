package io.blueshift.memory.arrow;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.StringViews;
import io.blueshift.memory.Validity;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Imports a struct array through the Arrow C Data Interface as a {@link Batch} of
 * {@link ColumnVector#wrap views} over the producer's buffers: no copies, except
 * <ul>
 *   <li>decimal128 ({@code d:p,s}) is narrowed into a new int64 buffer, failing on values that
 *       do not fit (precision above 18 is refused up front); {@code d:p,s,64} is not copied;</li>
 *   <li>a bitmap (validity or BOOLEAN values) whose offset is not a multiple of 8 is copied
 *       shifted, since our bitmaps start on a byte.</li>
 * </ul>
 * The import takes ownership of both structs, as the spec's "move" does: the schema is released
 * once read, the array is moved into the {@link ImportedBatch} (the caller's struct is marked
 * released) and released by {@link ImportedBatch#close()}. If the import throws, both have been
 * released. The views are scoped to the import, so reading them after close fails instead of
 * touching freed memory. Imported bitmaps are exactly {@code ceil(bits/8)} bytes, not padded to
 * whole words as {@link Validity#bytesFor} pads ours.
 */
public final class ArrowImport {
    private static final MethodHandle CALL_RELEASE =
            Linker.nativeLinker().downcallHandle(FunctionDescriptor.ofVoid(ADDRESS));

    private ArrowImport() {}

    /** One column of an imported schema, with the Arrow format it arrived in. */
    public record Field(String name, DataType type, boolean nullable, String format) {}

    /**
     * Imports {@code array} (an {@link ArrowArray}) described by {@code schema} (an
     * {@link ArrowSchema} of format {@code +s}); {@code pool} pays for the copies named above.
     */
    public static ImportedBatch importBatch(MemorySegment array, MemorySegment schema, MemoryPool pool) {
        Objects.requireNonNull(pool, "pool is null");
        ArrowExport.checkStruct(array, ArrowArray.BYTES, "ArrowArray");
        ArrowExport.checkStruct(schema, ArrowSchema.BYTES, "ArrowSchema");
        List<Field> fields;
        try {
            fields = importSchema(schema);
        } catch (RuntimeException e) {
            release(array, ArrowArray.RELEASE);
            throw e;
        }
        if (ArrowArray.isReleased(array)) {
            throw new IllegalArgumentException("ArrowArray is already released");
        }
        // move: our copy owns the array now, the caller's struct reads as released
        Arena structArena = Arena.ofShared();
        MemorySegment moved = ArrowArray.allocate(structArena);
        moved.copyFrom(array.asSlice(0, ArrowArray.BYTES));
        array.set(ADDRESS, ArrowArray.RELEASE, MemorySegment.NULL);
        ImportedBatch imported = new ImportedBatch(structArena, moved);
        try {
            imported.init(readColumns(moved, fields, imported, pool), fields);
            return imported;
        } catch (RuntimeException | Error e) {
            imported.close();
            throw e;
        }
    }

    /** Reads a struct schema's columns, then releases the schema (the import owns it). */
    public static List<Field> importSchema(MemorySegment schema) {
        ArrowExport.checkStruct(schema, ArrowSchema.BYTES, "ArrowSchema");
        if (ArrowSchema.isReleased(schema)) {
            throw new IllegalArgumentException("ArrowSchema is already released");
        }
        try {
            String format = ArrowSchema.format(schema);
            if (!"+s".equals(format)) {
                throw new UnsupportedOperationException(
                        "can only import a struct array (format '+s') as a batch, got format '" + format + "'");
            }
            long n = ArrowSchema.nChildren(schema);
            List<Field> fields = new ArrayList<>((int) n);
            for (long i = 0; i < n; i++) {
                MemorySegment child = ArrowSchema.child(schema, i);
                String name = ArrowSchema.name(child);
                String column = name == null ? "#" + i : "'" + name + "'";
                String childFormat = ArrowSchema.format(child);
                if (ArrowSchema.dictionary(child).address() != 0) {
                    throw new UnsupportedOperationException("column " + column
                            + ": dictionary-encoded columns are not supported (format '" + childFormat + "')");
                }
                boolean nullable = (ArrowSchema.flags(child) & ArrowSchema.FLAG_NULLABLE) != 0;
                fields.add(new Field(name == null ? "" : name, dataType(childFormat, column), nullable, childFormat));
            }
            return fields;
        } finally {
            release(schema, ArrowSchema.RELEASE);
        }
    }

    /** Our type for an Arrow format string; {@code column} names the column in errors. */
    public static DataType dataType(String format, String column) {
        switch (format) {
            case "b": return DataType.BOOLEAN;
            case "i": return DataType.INT32;
            case "l": return DataType.INT64;
            case "g": return DataType.FLOAT64;
            case "tdD": return DataType.DATE;
            case "tsu:": return DataType.TIMESTAMP;
            case "vu": return DataType.VARCHAR;
            default: break;
        }
        if (format.startsWith("d:")) {
            String[] parts = format.substring(2).split(",");
            try {
                int precision = Integer.parseInt(parts[0].trim());
                int scale = Integer.parseInt(parts[1].trim());
                int bits = parts.length > 2 ? Integer.parseInt(parts[2].trim()) : 128;
                if ((bits == 64 || bits == 128) && precision <= DataType.DecimalType.MAX_PRECISION
                        && scale >= 0 && scale <= precision) {
                    return DataType.decimal(precision, scale);
                }
            } catch (RuntimeException e) {
                // falls through to the error below
            }
            throw new UnsupportedOperationException("column " + column + ": unsupported decimal format '" + format
                    + "' (need 64- or 128-bit, precision <= " + DataType.DecimalType.MAX_PRECISION + ", 0 <= scale <= precision)");
        }
        throw new UnsupportedOperationException("column " + column + ": unsupported Arrow format '" + format
                + "' (supported: b, i, l, g, tdD, tsu:, d:p,s[,64|128], vu)");
    }

    private static List<ColumnVector> readColumns(MemorySegment parent, List<Field> fields, ImportedBatch imported,
                                                  MemoryPool pool) {
        long length = ArrowArray.length(parent);
        long parentOffset = ArrowArray.offset(parent);
        if (length < 0 || length > Integer.MAX_VALUE || parentOffset < 0) {
            throw new IllegalArgumentException("struct array length " + length + " / offset " + parentOffset
                    + " out of range");
        }
        if (ArrowArray.nChildren(parent) != fields.size()) {
            throw new IllegalArgumentException("struct array has " + ArrowArray.nChildren(parent)
                    + " children but its schema " + fields.size());
        }
        if (ArrowArray.nullCount(parent) != 0 && ArrowArray.nBuffers(parent) > 0 && ArrowArray.buffer(parent, 0) != 0) {
            throw new UnsupportedOperationException("struct array has null rows; a batch cannot represent them");
        }
        List<ColumnVector> columns = new ArrayList<>(fields.size());
        for (int i = 0; i < fields.size(); i++) {
            Field field = fields.get(i);
            MemorySegment child = ArrowArray.child(parent, i);
            try {
                columns.add(readColumn(child, field, (int) length, parentOffset, imported, pool));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("column '" + field.name() + "' (" + field.type().sqlName()
                        + "): " + e.getMessage(), e);
            }
        }
        return columns;
    }

    private static ColumnVector readColumn(MemorySegment a, Field field, int rows, long parentOffset,
                                           ImportedBatch imported, MemoryPool pool) {
        DataType type = field.type();
        if (ArrowArray.dictionary(a).address() != 0) {
            throw new UnsupportedOperationException("dictionary-encoded arrays are not supported");
        }
        long offset = ArrowArray.offset(a) + parentOffset;
        if (ArrowArray.offset(a) < 0 || ArrowArray.length(a) < parentOffset + rows) {
            throw new IllegalArgumentException("child of length " + ArrowArray.length(a) + " offset "
                    + ArrowArray.offset(a) + " is shorter than its struct (" + rows + " rows from " + parentOffset + ")");
        }
        long nBuffers = ArrowArray.nBuffers(a);
        long expected = type instanceof DataType.VarcharType ? 3 : 2;
        if (type instanceof DataType.VarcharType ? nBuffers < expected : nBuffers != expected) {
            throw new IllegalArgumentException("expected " + (expected == 3 ? "at least 3" : "2") + " buffers, got " + nBuffers);
        }
        long nullCount = ArrowArray.nullCount(a);
        MemorySegment validity = null;
        long validityAddress = ArrowArray.buffer(a, 0);
        if (nullCount != 0 && rows > 0) {
            if (validityAddress == 0) {
                if (nullCount > 0) {
                    throw new IllegalArgumentException("null_count is " + nullCount + " but the validity buffer is NULL");
                }
            } else {
                validity = bitmap(validityAddress, offset, rows, imported, pool, "validity");
            }
        }
        long dataAddress = ArrowArray.buffer(a, 1);
        MemorySegment data;
        List<MemorySegment> varBuffers = null;
        switch (type) {
            case DataType.BooleanType t -> data = bitmap(dataAddress, offset, rows, imported, pool, "boolean values");
            case DataType.DecimalType t -> data = field.format().endsWith(",64")
                    ? buffer(dataAddress, offset * 8, rows * 8L, imported)
                    : narrowDecimals(buffer(dataAddress, offset * 16, rows * 16L, imported), rows, validity, imported, pool);
            case DataType.VarcharType t -> {
                data = buffer(dataAddress, offset * StringViews.VIEW_BYTES, (long) rows * StringViews.VIEW_BYTES, imported);
                int variadic = (int) (nBuffers - 3);
                MemorySegment sizes = buffer(ArrowArray.buffer(a, nBuffers - 1), 0, variadic * 8L, imported);
                varBuffers = new ArrayList<>(variadic);
                for (int b = 0; b < variadic; b++) {
                    long size = sizes.getAtIndex(JAVA_LONG_UNALIGNED, b);
                    varBuffers.add(buffer(ArrowArray.buffer(a, 2 + b), 0, size, imported));
                }
                varBuffers = List.copyOf(varBuffers);
            }
            default -> data = buffer(dataAddress, offset * type.byteWidth(), (long) rows * type.byteWidth(), imported);
        }
        return ColumnVector.wrap(type, rows, data, validity, varBuffers);
    }

    /** {@code bytes} bytes from {@code from} of the producer buffer at {@code address}, scoped to the import. */
    private static MemorySegment buffer(long address, long from, long bytes, ImportedBatch imported) {
        if (address == 0) {
            if (bytes == 0) {
                return MemorySegment.NULL;
            }
            throw new IllegalArgumentException("a data buffer is NULL");
        }
        return MemorySegment.ofAddress(address).reinterpret(from + bytes, imported.viewArena(), null).asSlice(from, bytes);
    }

    /** A bitmap of {@code rows} bits from bit {@code offset}: a view when byte-aligned, else a shifted copy. */
    private static MemorySegment bitmap(long address, long offset, int rows, ImportedBatch imported, MemoryPool pool,
                                        String what) {
        long bytes = (offset + rows + 7) >>> 3;
        if (address == 0) {
            if (rows == 0) {
                return MemorySegment.NULL;
            }
            throw new IllegalArgumentException("the " + what + " buffer is NULL");
        }
        MemorySegment source = MemorySegment.ofAddress(address).reinterpret(bytes, imported.viewArena(), null);
        if ((offset & 7) == 0) {
            return source.asSlice(offset >>> 3);
        }
        MemorySegment copy = imported.own(pool.allocate(Validity.bytesFor(rows), "arrow import " + what)).segment();
        for (int i = 0; i < rows; i++) {
            long bit = offset + i;
            boolean set = (source.get(JAVA_BYTE, bit >>> 3) & (1 << (bit & 7))) != 0;
            Validity.set(copy, i, set);
        }
        return copy;
    }

    /** Narrows decimal128 values to int64, refusing any that do not fit; null slots become 0. */
    private static MemorySegment narrowDecimals(MemorySegment wide, int rows, MemorySegment validity,
                                                ImportedBatch imported, MemoryPool pool) {
        MemorySegment narrow = imported.own(pool.allocate(rows * 8L, "arrow import decimal64")).segment();
        for (int i = 0; i < rows; i++) {
            if (!Validity.isValid(validity, i)) {
                continue;
            }
            long low = wide.get(JAVA_LONG_UNALIGNED, i * 16L);
            long high = wide.get(JAVA_LONG_UNALIGNED, i * 16L + 8);
            if (high != (low >> 63)) {
                throw new ArithmeticException("decimal128 value at row " + i + " does not fit in 64 bits");
            }
            narrow.setAtIndex(JAVA_LONG, i, low);
        }
        return narrow;
    }

    private static void release(MemorySegment struct, long releaseAt) {
        MemorySegment fn = struct.get(ADDRESS, releaseAt);
        if (fn.address() == 0) {
            return;
        }
        try {
            CALL_RELEASE.invokeExact(fn, struct);
        } catch (Throwable t) {
            throw new IllegalStateException("Arrow release callback failed", t);
        }
        // a conforming release sets this already; make sure we never call it twice
        struct.set(ADDRESS, releaseAt, MemorySegment.NULL);
    }

    /** Releases a moved {@link ArrowArray}; for {@link ImportedBatch#close()}. */
    static void releaseArray(MemorySegment array) {
        release(array, ArrowArray.RELEASE);
    }
}
