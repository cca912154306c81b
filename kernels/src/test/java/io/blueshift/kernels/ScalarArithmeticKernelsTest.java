package io.blueshift.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ScalarArithmeticKernelsTest {
    private final ArithmeticKernels math = ScalarArithmeticKernels.INSTANCE;

    @Test
    void matchesExactMathOnRandomRows() {
        Random random = new Random(3);
        int n = 500;
        long[] a = random.longs(n, -1L << 31, 1L << 31).toArray();
        long[] b = random.longs(n, -1L << 31, 1L << 31).toArray();
        long[] sum = new long[n];
        long[] diff = new long[n];
        long[] prod = new long[n];
        for (int i = 0; i < n; i++) {
            sum[i] = Math.addExact(a[i], b[i]);
            diff[i] = Math.subtractExact(a[i], b[i]);
            prod[i] = Math.multiplyExact(a[i], b[i]);
        }
        MemorySegment out = Segments.of(new long[n]);
        math.addInt64(Segments.of(a), Segments.of(b), null, null, null, n, out);
        assertArrayEquals(sum, Segments.longs(out, n));
        math.subtractInt64(Segments.of(a), Segments.of(b), null, null, null, n, out);
        assertArrayEquals(diff, Segments.longs(out, n));
        math.multiplyInt64(Segments.of(a), Segments.of(b), null, null, null, n, out);
        assertArrayEquals(prod, Segments.longs(out, n));
    }

    @Test
    void overflowThrowsOnValidRowsOnly() {
        MemorySegment a = Segments.of(1L, Long.MAX_VALUE, Long.MIN_VALUE);
        MemorySegment b = Segments.of(2L, 1L, 2L);
        MemorySegment out = Segments.of(new long[3]);
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> math.addInt64(a, b, null, null, null, 3, out));
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());
        assertThrows(ArithmeticException.class, () -> math.subtractInt64(b, a, null, null, null, 3, out));
        assertThrows(ArithmeticException.class, () -> math.multiplyInt64(a, b, null, null, null, 3, out));
        assertThrows(ArithmeticException.class, () -> math.multiplyInt64Constant(Segments.of(Long.MIN_VALUE), null, -1, null, 1, out));
        assertThrows(ArithmeticException.class, () -> math.subtractFromConstantInt64(0, Segments.of(Long.MIN_VALUE), null, null, 1, out));
        assertThrows(ArithmeticException.class, () -> math.scaleUpInt64(Segments.of(10L), null, 18, null, 1, out));

        // rows 1 and 2 are null in b or a: their overflow is ignored, the wrapped value stays
        MemorySegment aValid = Segments.validity(new boolean[]{true, true, false});
        MemorySegment bValid = Segments.validity(new boolean[]{true, false, true});
        math.addInt64(a, b, aValid, bValid, null, 3, out);
        assertArrayEquals(new long[]{3, Long.MIN_VALUE, Long.MIN_VALUE + 2}, Segments.longs(out, 3));
        // with a selection only the selected rows are computed
        MemorySegment sparse = Segments.of(new long[3]);
        math.addInt64Constant(a, null, 10, Segments.of(0, 2), 2, sparse);
        assertArrayEquals(new long[]{11, 0, Long.MIN_VALUE + 10}, Segments.longs(sparse, 3));
    }

    @Test
    void decimalHelpers() {
        MemorySegment out = Segments.of(new long[2]);
        math.scaleUpInt64(Segments.of(12L, -3L), null, 2, null, 2, out);
        assertArrayEquals(new long[]{1200, -300}, Segments.longs(out, 2));
        MemorySegment d = Segments.of(new double[2]);
        math.decimalToFloat64(Segments.of(1234L, -5L), 2, null, 2, d);
        assertArrayEquals(new double[]{12.34, -0.05}, Segments.doubles(d, 2));
        math.subtractFromConstantInt64(100, Segments.of(7L, 100L), null, null, 2, out);
        assertArrayEquals(new long[]{93, 0}, Segments.longs(out, 2));
        assertThrows(IllegalArgumentException.class, () -> math.scaleUpInt64(Segments.of(1L), null, 19, null, 1, out));
    }
}
