package io.blueshift.memory.arrow;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.SelectionVector;
import io.blueshift.memory.Validity;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Exports a {@link Batch} through the Arrow C Data Interface as a struct array (one child per
 * column) plus a struct schema, into structs the consumer provides.
 *
 * <ul>
 *   <li><b>No copies</b> of data buffers: Arrow buffer pointers are our ColumnVector segments
 *       (validity, values, string views, string data). Two exceptions, both documented copies:
 *       DECIMAL is widened to Arrow's 128-bit decimal into a new buffer, because Arrow Java 19
 *       has no 64-bit decimal vector; a batch with a selection vector is compacted first (the
 *       selected fixed-width values, bits and views are copied; string data is still shared).</li>
 *   <li><b>Ownership</b>: with {@link Ownership#TRANSFER} (the default) the export takes the
 *       batch's columns and closes them when the consumer releases the array, so the caller
 *       must not close them; the columns' pool must stay open until then. With
 *       {@link Ownership#BORROW} the caller keeps the columns and must keep them alive until
 *       the consumer has released the array ({@link ArrowArray#isReleased}). If the export
 *       throws, nothing was transferred.</li>
 *   <li>The schema and the array are released independently, as the spec allows; the structs
 *       and copies the export allocates are charged to {@code pool}.</li>
 * </ul>
 */
public final class ArrowExport {

    /** Who frees the exported columns. */
    public enum Ownership {
        /** The consumer's release of the array closes the batch's columns. */
        TRANSFER,
        /** The caller keeps the columns and must keep them alive until the array is released. */
        BORROW
    }

    private ArrowExport() {}

    /** Exports {@code batch}, transferring its columns to the consumer's release. */
    public static void exportBatch(Batch batch, List<String> names, MemoryPool pool,
                                   MemorySegment array, MemorySegment schema) {
        exportBatch(batch, names, pool, Ownership.TRANSFER, array, schema);
    }

    /**
     * Fills {@code array} and {@code schema} (each an {@link ArrowArray}/{@link ArrowSchema}
     * struct, e.g. {@code ArrowArray.at(address)}) with {@code batch} as a struct array whose
     * children are named {@code names}.
     */
    public static void exportBatch(Batch batch, List<String> names, MemoryPool pool, Ownership ownership,
                                   MemorySegment array, MemorySegment schema) {
        Objects.requireNonNull(batch, "batch is null");
        Objects.requireNonNull(ownership, "ownership is null");
        checkStruct(array, ArrowArray.BYTES, "ArrowArray");
        checkStruct(schema, ArrowSchema.BYTES, "ArrowSchema");
        List<DataType> types = new ArrayList<>(batch.columnCount());
        for (ColumnVector c : batch.columns()) {
            types.add(c.type());
        }
        exportSchema(names, types, pool, schema);
        try {
            exportArray(batch, pool, ownership, array);
        } catch (RuntimeException | Error e) {
            ExportedStructs.release(schema, ArrowSchema.BYTES, ArrowSchema.RELEASE, ArrowSchema.PRIVATE_DATA,
                    ArrowSchema.N_CHILDREN, ArrowSchema.CHILDREN);
            throw e;
        }
    }

    /** Fills {@code schema} with a struct schema of the given columns (all nullable). */
    public static void exportSchema(List<String> names, List<DataType> types, MemoryPool pool, MemorySegment schema) {
        Objects.requireNonNull(names, "names is null");
        Objects.requireNonNull(types, "types is null");
        Objects.requireNonNull(pool, "pool is null");
        checkStruct(schema, ArrowSchema.BYTES, "ArrowSchema");
        if (names.size() != types.size()) {
            throw new IllegalArgumentException(names.size() + " column names for " + types.size() + " columns");
        }
        int n = types.size();
        ExportedStructs.Export export = new ExportedStructs.Export("exported Arrow schema");
        List<MemorySegment> tokens = new ArrayList<>();
        try {
            // children structs, then the pointer array to them
            MemorySegment structs = export.own(pool.allocate(n * ArrowSchema.BYTES + n * ADDRESS.byteSize(),
                    "arrow export schema structs")).segment();
            MemorySegment children = structs.asSlice(n * ArrowSchema.BYTES);
            for (int i = 0; i < n; i++) {
                MemorySegment child = structs.asSlice(i * ArrowSchema.BYTES, ArrowSchema.BYTES);
                String name = Objects.requireNonNull(names.get(i), "column name is null");
                fillSchema(child, cString(export, pool, format(types.get(i))), cString(export, pool, name),
                        ArrowSchema.FLAG_NULLABLE, 0, MemorySegment.NULL);
                MemorySegment token = export.register(false);
                tokens.add(token);
                child.set(ADDRESS, ArrowSchema.PRIVATE_DATA, token);
                children.setAtIndex(ADDRESS, i, child);
            }
            fillSchema(schema, cString(export, pool, "+s"), cString(export, pool, ""), 0, n, children);
            MemorySegment token = export.register(true);
            tokens.add(token);
            schema.set(ADDRESS, ArrowSchema.PRIVATE_DATA, token);
        } catch (RuntimeException | Error e) {
            export.abandon(tokens);
            schema.set(ADDRESS, ArrowSchema.RELEASE, MemorySegment.NULL);
            throw e;
        }
    }

    /** Exports that the consumer has not fully released yet (schemas and arrays count apart). */
    public static int liveExports() {
        return ExportedStructs.live();
    }

    /** The Arrow format string a column of {@code type} is exported with. */
    public static String format(DataType type) {
        return switch (type) {
            case DataType.BooleanType t -> "b";
            case DataType.Int32Type t -> "i";
            case DataType.Int64Type t -> "l";
            case DataType.Float64Type t -> "g";
            case DataType.DateType t -> "tdD";
            case DataType.TimestampType t -> "tsu:";
            // widened to decimal128 (Arrow Java 19 cannot import "d:p,s,64")
            case DataType.DecimalType t -> "d:" + t.precision() + "," + t.scale();
            case DataType.VarcharType t -> "vu";
        };
    }

    private static void exportArray(Batch batch, MemoryPool pool, Ownership ownership, MemorySegment array) {
        int n = batch.columnCount();
        int rows = batch.liveCount();
        ExportedStructs.Export export = new ExportedStructs.Export("exported Arrow array");
        List<MemorySegment> tokens = new ArrayList<>();
        try {
            MemorySegment structs = export.own(pool.allocate(
                    n * ArrowArray.BYTES + n * ADDRESS.byteSize() + ADDRESS.byteSize(),
                    "arrow export array structs")).segment();
            MemorySegment children = structs.asSlice(n * ArrowArray.BYTES, n * ADDRESS.byteSize());
            MemorySegment parentBuffers = structs.asSlice(n * ArrowArray.BYTES + n * ADDRESS.byteSize());
            parentBuffers.set(ADDRESS, 0, MemorySegment.NULL); // struct validity: no struct-level nulls
            for (int i = 0; i < n; i++) {
                ColumnVector column = batch.column(i);
                if (batch.selection() != null) {
                    column = compact(column, batch.selection(), export, pool);
                }
                MemorySegment child = structs.asSlice(i * ArrowArray.BYTES, ArrowArray.BYTES);
                fillColumn(child, column, rows, export, pool);
                MemorySegment token = export.register(false);
                tokens.add(token);
                child.set(ADDRESS, ArrowArray.PRIVATE_DATA, token);
                children.setAtIndex(ADDRESS, i, child);
            }
            if (ownership == Ownership.TRANSFER) {
                List<ColumnVector> columns = batch.columns();
                SelectionVector selection = batch.selection();
                export.own(() -> {
                    for (ColumnVector c : columns) {
                        c.close();
                    }
                    if (selection != null) {
                        selection.close();
                    }
                });
            }
            fillArray(array, rows, 0, parentBuffers, 1, children, n);
            MemorySegment token = export.register(true);
            tokens.add(token);
            array.set(ADDRESS, ArrowArray.PRIVATE_DATA, token);
        } catch (RuntimeException | Error e) {
            export.abandon(tokens);
            array.set(ADDRESS, ArrowArray.RELEASE, MemorySegment.NULL);
            throw e;
        }
    }

    private static void fillColumn(MemorySegment child, ColumnVector column, int rows,
                                   ExportedStructs.Export export, MemoryPool pool) {
        DataType type = column.type();
        MemorySegment validity = column.validity();
        long nulls = validity == null ? 0 : Validity.countNulls(validity, rows);
        MemorySegment data = column.data();
        if (type instanceof DataType.DecimalType) {
            data = widenDecimals(data, rows, export, pool);
        }
        List<MemorySegment> varBuffers = type instanceof DataType.VarcharType ? column.varBuffers() : List.of();
        int nBuffers = type instanceof DataType.VarcharType ? 3 + varBuffers.size() : 2;
        MemorySegment buffers = export.own(pool.allocate(
                nBuffers * ADDRESS.byteSize() + varBuffers.size() * JAVA_LONG.byteSize(),
                "arrow export buffers")).segment();
        buffers.setAtIndex(ADDRESS, 0, nulls == 0 ? MemorySegment.NULL : validity);
        buffers.setAtIndex(ADDRESS, 1, data);
        if (type instanceof DataType.VarcharType) {
            MemorySegment sizes = buffers.asSlice(nBuffers * ADDRESS.byteSize());
            for (int b = 0; b < varBuffers.size(); b++) {
                buffers.setAtIndex(ADDRESS, 2 + b, varBuffers.get(b));
                sizes.setAtIndex(JAVA_LONG, b, varBuffers.get(b).byteSize());
            }
            buffers.setAtIndex(ADDRESS, nBuffers - 1, sizes);
        }
        fillArray(child, rows, nulls, buffers, nBuffers, MemorySegment.NULL, 0);
    }

    /** Arrow decimal128 is little-endian two's complement: the int64, then its sign. */
    private static MemorySegment widenDecimals(MemorySegment values, int rows, ExportedStructs.Export export,
                                               MemoryPool pool) {
        MemorySegment wide = export.own(pool.allocate(rows * 16L, "arrow export decimal128")).segment();
        for (int i = 0; i < rows; i++) {
            long v = values.getAtIndex(JAVA_LONG_UNALIGNED, i);
            wide.set(JAVA_LONG, i * 16L, v);
            wide.set(JAVA_LONG, i * 16L + 8, v >> 63);
        }
        return wide;
    }

    /** The selected rows of {@code column} as a dense view; string data stays shared. */
    private static ColumnVector compact(ColumnVector column, SelectionVector selection,
                                        ExportedStructs.Export export, MemoryPool pool) {
        DataType type = column.type();
        int rows = selection.count();
        MemorySegment data;
        if (type instanceof DataType.BooleanType) {
            data = export.own(pool.allocate(Validity.bytesFor(rows), "arrow export compacted")).segment();
            for (int i = 0; i < rows; i++) {
                Validity.set(data, i, column.getBoolean(selection.get(i)));
            }
        } else {
            long width = type.byteWidth();
            data = export.own(pool.allocate(rows * width, "arrow export compacted")).segment();
            for (int i = 0; i < rows; i++) {
                MemorySegment.copy(column.data(), selection.get(i) * width, data, i * width, width);
            }
        }
        MemorySegment validity = null;
        if (column.validity() != null) {
            validity = export.own(pool.allocate(Validity.bytesFor(rows), "arrow export compacted validity")).segment();
            for (int i = 0; i < rows; i++) {
                Validity.set(validity, i, !column.isNull(selection.get(i)));
            }
        }
        return ColumnVector.wrap(type, rows, data, validity,
                type instanceof DataType.VarcharType ? column.varBuffers() : null);
    }

    private static void fillArray(MemorySegment a, long length, long nullCount, MemorySegment buffers, long nBuffers,
                                  MemorySegment children, long nChildren) {
        a.set(JAVA_LONG, ArrowArray.LENGTH, length);
        a.set(JAVA_LONG, ArrowArray.NULL_COUNT, nullCount);
        a.set(JAVA_LONG, ArrowArray.OFFSET, 0L);
        a.set(JAVA_LONG, ArrowArray.N_BUFFERS, nBuffers);
        a.set(JAVA_LONG, ArrowArray.N_CHILDREN, nChildren);
        a.set(ADDRESS, ArrowArray.BUFFERS, buffers);
        a.set(ADDRESS, ArrowArray.CHILDREN, children);
        a.set(ADDRESS, ArrowArray.DICTIONARY, MemorySegment.NULL);
        a.set(ADDRESS, ArrowArray.RELEASE, ExportedStructs.ARRAY_RELEASE);
    }

    private static void fillSchema(MemorySegment s, MemorySegment format, MemorySegment name, long flags,
                                   long nChildren, MemorySegment children) {
        s.set(ADDRESS, ArrowSchema.FORMAT, format);
        s.set(ADDRESS, ArrowSchema.NAME, name);
        s.set(ADDRESS, ArrowSchema.METADATA, MemorySegment.NULL);
        s.set(JAVA_LONG, ArrowSchema.FLAGS, flags);
        s.set(JAVA_LONG, ArrowSchema.N_CHILDREN, nChildren);
        s.set(ADDRESS, ArrowSchema.CHILDREN, children);
        s.set(ADDRESS, ArrowSchema.DICTIONARY, MemorySegment.NULL);
        s.set(ADDRESS, ArrowSchema.RELEASE, ExportedStructs.SCHEMA_RELEASE);
    }

    private static MemorySegment cString(ExportedStructs.Export export, MemoryPool pool, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        MemorySegment seg = export.own(pool.allocate(utf8.length + 1L, "arrow export string")).segment();
        MemorySegment.copy(utf8, 0, seg, JAVA_BYTE, 0, utf8.length);
        seg.set(JAVA_BYTE, utf8.length, (byte) 0);
        return seg;
    }

    static void checkStruct(MemorySegment s, long bytes, String what) {
        Objects.requireNonNull(s, what + " is null");
        if (s.byteSize() < bytes) {
            throw new IllegalArgumentException(what + " segment has " + s.byteSize() + " bytes, needs " + bytes
                    + " (use " + what + ".at(address) for a raw pointer)");
        }
    }
}
