package io.blueshift.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ColumnVectorTest {
    private MemoryPool pool;

    @BeforeEach
    void open() {
        pool = MemoryPool.root("vectors", 64L << 20);
    }

    @AfterEach
    void close() {
        pool.close(); // every test is a leak check
    }

    @Test
    void fixedWidthValuesAndNulls() {
        try (ColumnVector v = ColumnVector.allocate(pool, DataType.INT64, 100, true, "l_orderkey")) {
            assertTrue(v.mayHaveNulls());
            for (int i = 0; i < 100; i++) {
                v.setLong(i, i * 3L);
            }
            v.setNull(7);
            assertTrue(v.isNull(7));
            assertNull(v.getObject(7));
            assertEquals(9L, v.getObject(3));
            v.setValid(7);
            assertFalse(v.isNull(7));
            assertEquals(1, v.data().byteSize() / 800);
        }
        assertEquals(0, pool.reserved());
    }

    @Test
    void nonNullableVectorGetsValidityOnFirstNull() {
        try (ColumnVector v = ColumnVector.allocate(pool, DataType.DATE, 10, false, "d")) {
            assertFalse(v.mayHaveNulls());
            long before = v.ownedBytes();
            v.setInt(0, 19_000);
            assertEquals(LocalDate.ofEpochDay(19_000), v.getObject(0));
            v.setNull(3);
            assertTrue(v.mayHaveNulls());
            assertTrue(v.ownedBytes() > before);
            assertEquals(1, Validity.countNulls(v.validity(), 10));
        }
    }

    @Test
    void booleansDecimalsAndDoubles() {
        try (ColumnVector b = ColumnVector.allocate(pool, DataType.BOOLEAN, 70, false, "b");
             ColumnVector d = ColumnVector.allocate(pool, DataType.decimal(12, 2), 3, false, "d");
             ColumnVector f = ColumnVector.allocate(pool, DataType.FLOAT64, 3, false, "f")) {
            for (int i = 0; i < 70; i++) {
                b.setBoolean(i, i % 3 == 0);
            }
            for (int i = 0; i < 70; i++) {
                assertEquals(i % 3 == 0, b.getBoolean(i), "row " + i);
            }
            d.setLong(0, -12_345);
            assertEquals(new BigDecimal("-123.45"), d.getObject(0));
            f.setDouble(2, Double.NaN);
            assertTrue(Double.isNaN(f.getDouble(2)));
        }
    }

    @Test
    void stringsInlineAndOutOfLine() {
        String inline12 = "twelve bytes";
        String longer = "thirteen byte";
        String unicode = "Zürich–Genève ☃ long enough";
        try (ColumnVector v = ColumnVector.allocate(pool, DataType.VARCHAR, 5, true, "name")) {
            v.setString(0, inline12);
            v.setString(1, longer);
            v.setString(2, "");
            v.setString(3, unicode);
            v.setNull(4);
            assertEquals(12, StringViews.length(v.data(), 0));
            assertTrue(v.varBuffers().size() == 1, "only strings over 12 bytes use a buffer");
            assertEquals(inline12, v.getString(0));
            assertEquals(longer, v.getString(1));
            assertEquals("", v.getString(2));
            assertEquals(unicode, v.getObject(3));
            assertNull(v.getObject(4));
            assertEquals(0, StringViews.bufferIndex(v.data(), 1));
            assertEquals(longer.length(), StringViews.bufferOffset(v.data(), 3));
            assertTrue(StringViews.equals(v.data(), v.varBuffers(), 1, v.data(), v.varBuffers(), 1));
            assertFalse(StringViews.equals(v.data(), v.varBuffers(), 0, v.data(), v.varBuffers(), 1));
            assertTrue(StringViews.compare(v.data(), v.varBuffers(), 2, v.data(), v.varBuffers(), 0) < 0);
        }
    }

    /** Random strings, inline and out of line, sharing prefixes, with zero and high bytes: compare agrees with the bytes'. */
    @Test
    void stringCompareOrdersBytesUnsigned() {
        java.util.Random random = new java.util.Random(42);
        byte[] alphabet = {0, 1, 'a', 'b', (byte) 0x7F, (byte) 0x80, (byte) 0xC3, (byte) 0xFF};
        int n = 400;
        byte[][] values = new byte[n][];
        try (ColumnVector v = ColumnVector.allocate(pool, DataType.VARCHAR, n, false, "strings")) {
            for (int i = 0; i < n; i++) {
                byte[] s = new byte[random.nextInt(20)];
                for (int j = 0; j < s.length; j++) {
                    s[j] = j < 3 ? (byte) 'a' : alphabet[random.nextInt(alphabet.length)];
                }
                values[i] = s;
                v.setString(i, s);
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    int want = Integer.signum(java.util.Arrays.compareUnsigned(values[i], values[j]));
                    int got = Integer.signum(StringViews.compare(v.data(), v.varBuffers(), i, v.data(), v.varBuffers(), j));
                    assertEquals(want, got, java.util.Arrays.toString(values[i]) + " vs " + java.util.Arrays.toString(values[j]));
                }
            }
        }
    }

    @Test
    void stringLongerThanABufferGetsItsOwn() {
        byte[] big = new byte[ColumnVector.STRING_BUFFER_BYTES + 10];
        java.util.Arrays.fill(big, (byte) 'x');
        try (ColumnVector v = ColumnVector.allocate(pool, DataType.VARCHAR, 3, false, "blob")) {
            v.setString(0, "short but not inline");
            v.setString(1, big);
            v.setString(2, "and another long one");
            assertEquals(3, v.varBuffers().size());
            assertEquals(big.length, v.getStringBytes(1).length);
            assertEquals("and another long one", v.getString(2));
        }
    }

    @Test
    void sliceIsAViewOfTheSameMemory() {
        try (ColumnVector v = ColumnVector.allocate(pool, DataType.INT32, 64, true, "k")) {
            for (int i = 0; i < 64; i++) {
                v.setInt(i, i);
            }
            v.setNull(17);
            ColumnVector s = v.slice(16, 8);
            assertEquals(8, s.capacity());
            assertEquals(16, s.getInt(0));
            assertTrue(s.isNull(1));
            assertEquals(0, s.ownedBytes());
            s.setInt(2, -1);
            assertEquals(-1, v.getInt(18), "a slice writes through");
            s.close(); // a view frees nothing
            assertEquals(16, v.getInt(16));
            var e = assertThrows(IllegalArgumentException.class, () -> v.slice(3, 4));
            assertTrue(e.getMessage().contains("multiple of 8"));
            assertThrows(IndexOutOfBoundsException.class, () -> v.slice(60, 8));
            s.setNull(3); // the slice shares the parent's bitmap
            assertTrue(v.isNull(19));
        }
    }

    @Test
    void viewsRefuseToGrow() {
        try (ColumnVector v = ColumnVector.allocate(pool, DataType.VARCHAR, 16, false, "s")) {
            ColumnVector view = v.slice(8, 8);
            assertThrows(IllegalStateException.class, () -> view.setNull(0));
            assertThrows(IllegalStateException.class, () -> view.setString(0, "longer than twelve bytes"));
            view.setString(0, "short");
            assertEquals("short", v.getString(8));
        }
    }

    @Test
    void closedVectorCannotBeRead() {
        ColumnVector v = ColumnVector.allocate(pool, DataType.INT32, 4, false, "c");
        v.close();
        v.close();
        assertEquals(0, pool.reserved());
        assertThrows(IllegalStateException.class, () -> v.getInt(0));
    }

    @Test
    void leakedVectorIsNamedWhenThePoolCloses() {
        MemoryPool p = MemoryPool.root("query", 1 << 20);
        ColumnVector v = ColumnVector.allocate(p, DataType.INT32, 4, true, "o_custkey");
        var e = assertThrows(IllegalStateException.class, p::close);
        assertTrue(e.getMessage().contains("o_custkey (16 bytes)") && e.getMessage().contains("o_custkey validity"),
                e.getMessage());
        v.close();
        p.close();
    }

    @Test
    void batchChecksColumnLengths() {
        try (ColumnVector v = ColumnVector.allocate(pool, DataType.INT32, 4, false, "c");
             SelectionVector sel = new SelectionVector(pool, 4)) {
            var e = assertThrows(IllegalArgumentException.class, () -> new Batch(java.util.List.of(v), 5));
            assertTrue(e.getMessage().contains("4 values"));
            Batch b = new Batch(java.util.List.of(v), 4);
            assertEquals(4, b.liveCount());
            sel.set(0, 2);
            sel.setCount(1);
            Batch filtered = b.withSelection(sel);
            assertEquals(1, filtered.liveCount());
            assertEquals(2, filtered.liveRow(0));
            assertThrows(IllegalArgumentException.class, () -> sel.setCount(5));
        }
    }
}
