package io.blueshift.memory.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.SelectionVector;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ViewVarCharVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ArrowRoundTripTest {
    private MemoryPool pool;
    private BufferAllocator allocator;
    private Arena arena;
    private int liveBefore;
    private long strayBefore;

    @BeforeEach
    void open() {
        pool = MemoryPool.root("arrow-test", 1L << 30);
        allocator = new RootAllocator();
        arena = Arena.ofConfined();
        liveBefore = ArrowExport.liveExports();
        strayBefore = ExportedStructs.strayReleases();
    }

    @AfterEach
    void close() {
        arena.close();
        assertEquals(liveBefore, ArrowExport.liveExports(), "exports never released");
        assertEquals(strayBefore, ExportedStructs.strayReleases(), "release called on a released struct");
        assertEquals(0, pool.reserved(), "pool still holds memory");
        pool.close();
        allocator.close(); // throws on leaked Arrow Java buffers
    }

    // ---- ours -> C Data -> Arrow Java ----

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 37, 1000})
    void exportToArrowJava(int rows) throws Exception {
        Batch batch = SampleBatch.create(pool, rows);
        long i64Address = batch.column(2).data().address();
        long viewsAddress = batch.column(7).data().address();
        try (org.apache.arrow.c.ArrowArray ca = org.apache.arrow.c.ArrowArray.allocateNew(allocator);
             org.apache.arrow.c.ArrowSchema cs = org.apache.arrow.c.ArrowSchema.allocateNew(allocator)) {
            MemorySegment array = ArrowArray.at(ca.memoryAddress());
            ArrowExport.exportBatch(batch, SampleBatch.NAMES, pool, array, ArrowSchema.at(cs.memoryAddress()));
            try (CountingRelease counter = new CountingRelease(array)) {
                try (VectorSchemaRoot root = Data.importVectorSchemaRoot(allocator, ca, cs, null)) {
                    assertEquals(rows, root.getRowCount());
                    assertEquals(SampleBatch.NAMES, root.getSchema().getFields().stream().map(f -> f.getName()).toList());
                    for (int c = 0; c < SampleBatch.NAMES.size(); c++) {
                        FieldVector v = root.getVector(c);
                        for (int r = 0; r < rows; r++) {
                            assertEquals(SampleBatch.value(r, c), arrowValue(v, r), "column " + c + " row " + r);
                        }
                    }
                    // no copies: Arrow Java reads our segments
                    assertEquals(i64Address, ((BigIntVector) root.getVector(2)).getDataBuffer().memoryAddress());
                    ViewVarCharVector names = (ViewVarCharVector) root.getVector(7);
                    assertEquals(viewsAddress, names.getDataBuffer().memoryAddress());
                    assertEquals(0, counter.calls());
                    assertTrue(pool.reserved() > 0);
                }
                assertEquals(1, counter.calls(), "release runs once, when Arrow Java drops the last buffer");
            }
        }
        assertEquals(0, pool.reserved(), "release closed the transferred columns");
    }

    @Test
    void exportCompactsSelection() {
        Batch batch = SampleBatch.create(pool, 50);
        SelectionVector selection = new SelectionVector(pool, 50);
        int[] rows = {0, 3, 4, 9, 20, 21, 22, 49};
        for (int i = 0; i < rows.length; i++) {
            selection.set(i, rows[i]);
        }
        selection.setCount(rows.length);
        try (org.apache.arrow.c.ArrowArray ca = org.apache.arrow.c.ArrowArray.allocateNew(allocator);
             org.apache.arrow.c.ArrowSchema cs = org.apache.arrow.c.ArrowSchema.allocateNew(allocator)) {
            ArrowExport.exportBatch(batch.withSelection(selection), SampleBatch.NAMES, pool,
                    ArrowArray.at(ca.memoryAddress()), ArrowSchema.at(cs.memoryAddress()));
            try (VectorSchemaRoot root = Data.importVectorSchemaRoot(allocator, ca, cs, null)) {
                assertEquals(rows.length, root.getRowCount());
                for (int c = 0; c < SampleBatch.NAMES.size(); c++) {
                    for (int i = 0; i < rows.length; i++) {
                        assertEquals(SampleBatch.value(rows[i], c), arrowValue(root.getVector(c), i), "column " + c);
                    }
                }
            }
        }
    }

    // ---- Arrow Java -> C Data -> ours ----

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 37, 1000})
    void importFromArrowJava(int rows) throws Exception {
        VectorSchemaRoot root = arrowJavaSample(rows);
        ImportedBatch imported;
        int releases;
        try (org.apache.arrow.c.ArrowArray ca = org.apache.arrow.c.ArrowArray.allocateNew(allocator);
             org.apache.arrow.c.ArrowSchema cs = org.apache.arrow.c.ArrowSchema.allocateNew(allocator)) {
            Data.exportVectorSchemaRoot(allocator, root, null, ca, cs);
            MemorySegment array = ArrowArray.at(ca.memoryAddress());
            try (CountingRelease counter = new CountingRelease(array)) {
                imported = ArrowImport.importBatch(array, ArrowSchema.at(cs.memoryAddress()), pool);
                assertTrue(ArrowArray.isReleased(array), "import moves the array out of the caller's struct");
                assertEquals(SampleBatch.NAMES, imported.names());
                Batch batch = imported.batch();
                assertEquals(rows, batch.rowCount());
                // no copies, except the documented decimal128 narrowing
                assertEquals(((IntVector) root.getVector(1)).getDataBuffer().memoryAddress(), batch.column(1).data().address());
                assertEquals(((ViewVarCharVector) root.getVector(7)).getDataBuffer().memoryAddress(),
                        batch.column(7).data().address());
                long arrowMemory = allocator.getAllocatedMemory();
                root.close(); // our import still holds the buffers through the producer's reference
                assertEquals(arrowMemory, allocator.getAllocatedMemory());
                assertSample(batch, rows);
                assertEquals(0, counter.calls());
                imported.close();
                imported.close();
                releases = counter.calls();
            }
        }
        assertEquals(1, releases);
        assertEquals(0, allocator.getAllocatedMemory(), "release returned Arrow Java's buffers");
        assertThrows(IllegalStateException.class, imported::batch);
    }

    @Test
    void importedViewsFailAfterClose() {
        VectorSchemaRoot root = arrowJavaSample(10);
        ColumnVector column;
        try (root;
             org.apache.arrow.c.ArrowArray ca = org.apache.arrow.c.ArrowArray.allocateNew(allocator);
             org.apache.arrow.c.ArrowSchema cs = org.apache.arrow.c.ArrowSchema.allocateNew(allocator)) {
            Data.exportVectorSchemaRoot(allocator, root, null, ca, cs);
            try (ImportedBatch imported = ArrowImport.importBatch(ArrowArray.at(ca.memoryAddress()),
                    ArrowSchema.at(cs.memoryAddress()), pool)) {
                column = imported.batch().column(1);
                column.getInt(1);
            }
        }
        assertThrows(IllegalStateException.class, () -> column.getInt(1));
    }

    @Test
    void unsupportedFormatNamesColumnAndFormat() {
        try (VectorSchemaRoot root = VectorSchemaRoot.of(new VarCharVector("comment", allocator));
             org.apache.arrow.c.ArrowArray ca = org.apache.arrow.c.ArrowArray.allocateNew(allocator);
             org.apache.arrow.c.ArrowSchema cs = org.apache.arrow.c.ArrowSchema.allocateNew(allocator)) {
            ((VarCharVector) root.getVector(0)).setSafe(0, "x".getBytes(StandardCharsets.UTF_8));
            root.setRowCount(1);
            Data.exportVectorSchemaRoot(allocator, root, null, ca, cs);
            MemorySegment array = ArrowArray.at(ca.memoryAddress());
            MemorySegment schema = ArrowSchema.at(cs.memoryAddress());
            var e = assertThrows(UnsupportedOperationException.class, () -> ArrowImport.importBatch(array, schema, pool));
            assertTrue(e.getMessage().contains("'comment'") && e.getMessage().contains("'u'"), e.getMessage());
            assertTrue(ArrowArray.isReleased(array) && ArrowSchema.isReleased(schema), "a failed import releases both");
        }
    }

    @Test
    void decimalBeyondInt64IsRefused() {
        try (DecimalVector wide = new DecimalVector("big", allocator, 30, 0);
             DecimalVector overflow = new DecimalVector("bad", allocator, 18, 0)) {
            wide.allocateNew(1);
            wide.set(0, BigDecimal.ONE);
            wide.setValueCount(1);
            var e = assertThrows(UnsupportedOperationException.class, () -> importSingle(wide));
            assertTrue(e.getMessage().contains("'big'") && e.getMessage().contains("d:30,0"), e.getMessage());

            overflow.allocateNew(2);
            overflow.set(0, BigDecimal.TEN);
            overflow.set(1, BigDecimal.ONE);
            overflow.getDataBuffer().setLong(16 + 8, 5); // high word of row 1: not a sign extension
            overflow.setValueCount(2);
            var o = assertThrows(IllegalArgumentException.class, () -> importSingle(overflow));
            assertTrue(o.getMessage().contains("'bad'") && o.getMessage().contains("row 1"), o.getMessage());
        }
    }

    private void importSingle(FieldVector vector) {
        try (VectorSchemaRoot root = new VectorSchemaRoot(List.of(vector));
             org.apache.arrow.c.ArrowArray ca = org.apache.arrow.c.ArrowArray.allocateNew(allocator);
             org.apache.arrow.c.ArrowSchema cs = org.apache.arrow.c.ArrowSchema.allocateNew(allocator)) {
            root.setRowCount(vector.getValueCount());
            Data.exportVectorSchemaRoot(allocator, root, null, ca, cs);
            ArrowImport.importBatch(ArrowArray.at(ca.memoryAddress()), ArrowSchema.at(cs.memoryAddress()), pool).close();
        }
    }

    // ---- ours -> C Data -> ours ----

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 37, 1000})
    void ourRoundTrip(int rows) throws Exception {
        Batch batch = SampleBatch.create(pool, rows);
        MemorySegment array = ArrowArray.allocate(arena);
        MemorySegment schema = ArrowSchema.allocate(arena);
        ArrowExport.exportBatch(batch, SampleBatch.NAMES, pool, array, schema);
        assertEquals(liveBefore + 2, ArrowExport.liveExports());
        try (CountingRelease counter = new CountingRelease(array)) {
            try (ImportedBatch imported = ArrowImport.importBatch(array, schema, pool)) {
                assertTrue(ArrowSchema.isReleased(schema));
                Batch back = imported.batch();
                assertSample(back, rows);
                for (int c = 0; c < batch.columnCount(); c++) {
                    ColumnVector ours = batch.column(c);
                    ColumnVector theirs = back.column(c);
                    if (ours.type() instanceof DataType.DecimalType) {
                        assertNotEquals(ours.data().address(), theirs.data().address()); // widened, then narrowed
                    } else {
                        assertEquals(ours.data().address(), theirs.data().address(), "column " + c + " copied");
                    }
                    if (rows > 0) {
                        assertEquals(ours.validity().address(), theirs.validity().address(), "validity " + c + " copied");
                    }
                }
                List<MemorySegment> ourStrings = batch.column(7).varBuffers();
                List<MemorySegment> theirStrings = back.column(7).varBuffers();
                assertEquals(ourStrings.size(), theirStrings.size());
                for (int b = 0; b < ourStrings.size(); b++) {
                    assertEquals(ourStrings.get(b).address(), theirStrings.get(b).address());
                }
                assertEquals(0, counter.calls());
            }
            assertEquals(1, counter.calls());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 8})
    void importHonorsOffset(int offset) {
        int rows = 40;
        Batch batch = SampleBatch.create(pool, rows);
        MemorySegment array = ArrowArray.allocate(arena);
        MemorySegment schema = ArrowSchema.allocate(arena);
        ArrowExport.exportBatch(batch, SampleBatch.NAMES, pool, array, schema);
        // the struct's offset applies to every child
        array.set(java.lang.foreign.ValueLayout.JAVA_LONG, ArrowArray.OFFSET, offset);
        array.set(java.lang.foreign.ValueLayout.JAVA_LONG, ArrowArray.LENGTH, rows - offset);
        try (ImportedBatch imported = ArrowImport.importBatch(array, schema, pool)) {
            Batch back = imported.batch();
            assertEquals(rows - offset, back.rowCount());
            for (int c = 0; c < back.columnCount(); c++) {
                for (int r = 0; r < back.rowCount(); r++) {
                    assertEquals(SampleBatch.value(r + offset, c), back.column(c).getObject(r), "column " + c + " row " + r);
                }
            }
            assertEquals(batch.column(1).data().address() + 4L * offset, back.column(1).data().address());
        }
    }

    @Test
    void borrowedExportLeavesColumnsWithCaller() {
        Batch batch = SampleBatch.create(pool, 20);
        MemorySegment array = ArrowArray.allocate(arena);
        MemorySegment schema = ArrowSchema.allocate(arena);
        ArrowExport.exportBatch(batch, SampleBatch.NAMES, pool, ArrowExport.Ownership.BORROW, array, schema);
        try (ImportedBatch imported = ArrowImport.importBatch(array, schema, pool)) {
            assertSample(imported.batch(), 20);
        }
        assertTrue(pool.reserved() > 0, "borrowed columns stay open");
        assertSample(batch, 20);
        batch.columns().forEach(ColumnVector::close);
    }

    @Test
    void releasingMovedChildBeforeParent() {
        Batch batch = SampleBatch.create(pool, 10);
        MemorySegment array = ArrowArray.allocate(arena);
        MemorySegment schema = ArrowSchema.allocate(arena);
        ArrowExport.exportBatch(batch, SampleBatch.NAMES, pool, array, schema);
        // a consumer moves child 7 out, releases the parent, then still reads the child
        MemorySegment child = ArrowArray.child(array, 7);
        MemorySegment moved = ArrowArray.allocate(arena);
        moved.copyFrom(child);
        child.set(java.lang.foreign.ValueLayout.ADDRESS, ArrowArray.RELEASE, MemorySegment.NULL);
        ExportedStructs.release(array, ArrowArray.BYTES, ArrowArray.RELEASE, ArrowArray.PRIVATE_DATA,
                ArrowArray.N_CHILDREN, ArrowArray.CHILDREN);
        assertTrue(pool.reserved() > 0, "the moved child keeps the export alive");
        assertEquals(SampleBatch.value(1, 7), batch.column(7).getString(1));
        ExportedStructs.release(moved, ArrowArray.BYTES, ArrowArray.RELEASE, ArrowArray.PRIVATE_DATA,
                ArrowArray.N_CHILDREN, ArrowArray.CHILDREN);
        ExportedStructs.release(schema, ArrowSchema.BYTES, ArrowSchema.RELEASE, ArrowSchema.PRIVATE_DATA,
                ArrowSchema.N_CHILDREN, ArrowSchema.CHILDREN);
        assertTrue(ArrowArray.isReleased(moved) && ArrowSchema.isReleased(schema));
    }

    @Test
    void batchWithoutColumns() {
        MemorySegment array = ArrowArray.allocate(arena);
        MemorySegment schema = ArrowSchema.allocate(arena);
        ArrowExport.exportBatch(new Batch(List.of(), 4), List.of(), pool, array, schema);
        try (ImportedBatch imported = ArrowImport.importBatch(array, schema, pool)) {
            assertEquals(0, imported.batch().columnCount());
            assertEquals(4, imported.batch().rowCount());
        }
        try (org.apache.arrow.c.ArrowArray ca = org.apache.arrow.c.ArrowArray.allocateNew(allocator);
             org.apache.arrow.c.ArrowSchema cs = org.apache.arrow.c.ArrowSchema.allocateNew(allocator)) {
            ArrowExport.exportBatch(new Batch(List.of(), 0), List.of(), pool,
                    ArrowArray.at(ca.memoryAddress()), ArrowSchema.at(cs.memoryAddress()));
            try (VectorSchemaRoot root = Data.importVectorSchemaRoot(allocator, ca, cs, null)) {
                assertEquals(0, root.getFieldVectors().size());
            }
        }
    }

    @Test
    void exportRejectsMismatchedNames() {
        Batch batch = SampleBatch.create(pool, 3);
        MemorySegment array = ArrowArray.allocate(arena);
        MemorySegment schema = ArrowSchema.allocate(arena);
        assertThrows(IllegalArgumentException.class,
                () -> ArrowExport.exportBatch(batch, List.of("only-one"), pool, array, schema));
        assertTrue(ArrowArray.isReleased(array) && ArrowSchema.isReleased(schema));
        batch.columns().forEach(ColumnVector::close); // a failed export transfers nothing
    }

    @Test
    void layoutsMatchTheCAbi() {
        assertEquals(72, ArrowSchema.BYTES);
        assertEquals(80, ArrowArray.BYTES);
        assertEquals(56, ArrowSchema.RELEASE);
        assertEquals(64, ArrowSchema.PRIVATE_DATA);
        assertEquals(64, ArrowArray.RELEASE);
        assertEquals(40, ArrowArray.BUFFERS);
    }

    // ---- helpers ----

    private static void assertSample(Batch batch, int rows) {
        assertEquals(rows, batch.rowCount());
        for (int c = 0; c < SampleBatch.TYPES.size(); c++) {
            assertEquals(SampleBatch.TYPES.get(c), batch.column(c).type());
            for (int r = 0; r < rows; r++) {
                assertEquals(SampleBatch.value(r, c), batch.column(c).getObject(r), "column " + c + " row " + r);
            }
        }
    }

    /** Arrow Java's value, in the Java types {@link ColumnVector#getObject} uses. */
    private static Object arrowValue(FieldVector v, int r) {
        if (v.isNull(r)) {
            return null;
        }
        return switch (v) {
            case DateDayVector d -> LocalDate.ofEpochDay(d.get(r));
            case TimeStampMicroVector t -> t.get(r);
            case ViewVarCharVector s -> new String(s.get(r), StandardCharsets.UTF_8);
            default -> v.getObject(r);
        };
    }

    private VectorSchemaRoot arrowJavaSample(int rows) {
        BitVector flag = new BitVector("flag", allocator);
        IntVector i32 = new IntVector("i32", allocator);
        BigIntVector i64 = new BigIntVector("i64", allocator);
        Float8Vector f64 = new Float8Vector("f64", allocator);
        DateDayVector day = new DateDayVector("day", allocator);
        TimeStampMicroVector ts = new TimeStampMicroVector("ts", allocator);
        DecimalVector price = new DecimalVector("price", allocator, 15, 2);
        ViewVarCharVector name = new ViewVarCharVector("name", allocator);
        List<FieldVector> vectors = List.of(flag, i32, i64, f64, day, ts, price, name);
        vectors.forEach(v -> v.setInitialCapacity(Math.max(rows, 1)));
        vectors.forEach(FieldVector::allocateNew);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < vectors.size(); c++) {
                Object o = SampleBatch.value(r, c);
                if (o == null) {
                    continue; // fresh vectors start all-null
                }
                switch (vectors.get(c)) {
                    case BitVector v -> v.setSafe(r, (Boolean) o ? 1 : 0);
                    case IntVector v -> v.setSafe(r, (Integer) o);
                    case BigIntVector v -> v.setSafe(r, (Long) o);
                    case Float8Vector v -> v.setSafe(r, (Double) o);
                    case DateDayVector v -> v.setSafe(r, (int) ((LocalDate) o).toEpochDay());
                    case TimeStampMicroVector v -> v.setSafe(r, (Long) o);
                    case DecimalVector v -> v.setSafe(r, (BigDecimal) o);
                    case ViewVarCharVector v -> v.setSafe(r, ((String) o).getBytes(StandardCharsets.UTF_8));
                    default -> throw new IllegalArgumentException();
                }
            }
        }
        VectorSchemaRoot root = new VectorSchemaRoot(vectors);
        root.setRowCount(rows);
        return root;
    }
}
