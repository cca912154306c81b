package io.blueshift.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.blueshift.kernels.ArithmeticKernels;
import io.blueshift.simd.RandomColumns.Nulls;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * SIMD arithmetic equals the scalar twins: the same results on every computed row, or the
 * same overflow (same first row, same message); overflow on null rows is ignored by both.
 */
@AddLifecycleHook(RequiresVectorized.class)
class ArithmeticPropertyTest {
    private final ArithmeticKernels scalar = RandomColumns.scalarArithmetic();
    private final ArithmeticKernels simd = RandomColumns.simdArithmetic();

    private static final long[] EXTREMES = {Long.MIN_VALUE, Long.MAX_VALUE, -1, 1L << 32, -(1L << 31) - 7};

    @Provide
    Arbitrary<Integer> sizes() {
        return RandomColumns.sizes();
    }

    private interface Call {
        void run(ArithmeticKernels kernels, MemorySegment out);
    }

    /** Runs both; compares results of the rows computed, or the exceptions' messages. */
    private static void assertSame(int n, MemorySegment sel, int count, Call call, Arena arena) {
        MemorySegment expected = arena.allocate(8L * n);
        MemorySegment actual = arena.allocate(8L * n);
        String expectedError = null;
        String actualError = null;
        try {
            call.run(RandomColumns.scalarArithmetic(), expected);
        } catch (ArithmeticException e) {
            expectedError = e.getMessage();
        }
        try {
            call.run(RandomColumns.simdArithmetic(), actual);
        } catch (ArithmeticException e) {
            actualError = e.getMessage();
        }
        assertEquals(expectedError, actualError, "overflow");
        if (expectedError == null) {
            assertArrayEquals(RandomColumns.longs(expected, n), RandomColumns.longs(actual, n));
        }
    }

    @Property(tries = 150)
    void int64(@ForAll("sizes") int n, @ForAll long seed, @ForAll Nulls aNulls, @ForAll Nulls bNulls,
               @ForAll boolean selected, @ForAll boolean small, @ForAll boolean extremeConstant) {
        try (Arena arena = Arena.ofConfined()) {
            RandomColumns r = new RandomColumns(seed, arena);
            // small: magnitudes that rarely overflow, so most tries compare whole results
            MemorySegment a = small ? r.boundedLongs(n) : r.longs(n, 1L << 40);
            MemorySegment b = small ? r.boundedLongs(n) : r.longs(n, 1L << 20);
            MemorySegment aValidity = r.validity(n, aNulls);
            MemorySegment bValidity = r.validity(n, bNulls);
            MemorySegment sel = selected ? r.selection(n) : null;
            int count = selected ? RandomColumns.count(sel) : n;
            // extreme constants overflow on most rows: each operator's loop and tail must throw for the first valid one
            long c = extremeConstant ? EXTREMES[r.random.nextInt(EXTREMES.length)] : r.nextLong(1L << 20);
            assertSame(n, sel, count, (k, out) -> k.addInt64(a, b, aValidity, bValidity, sel, count, out), arena);
            assertSame(n, sel, count, (k, out) -> k.subtractInt64(a, b, aValidity, bValidity, sel, count, out), arena);
            assertSame(n, sel, count, (k, out) -> k.multiplyInt64(a, b, aValidity, bValidity, sel, count, out), arena);
            assertSame(n, sel, count, (k, out) -> k.addInt64Constant(a, aValidity, c, sel, count, out), arena);
            assertSame(n, sel, count, (k, out) -> k.subtractFromConstantInt64(c, a, aValidity, sel, count, out), arena);
            assertSame(n, sel, count, (k, out) -> k.multiplyInt64Constant(a, aValidity, c, sel, count, out), arena);
        }
    }

    @Property(tries = 100)
    void decimals(@ForAll("sizes") int n, @ForAll long seed, @ForAll Nulls nulls, @ForAll boolean selected,
                  @ForAll @IntRange(min = 0, max = 18) int digits) {
        try (Arena arena = Arena.ofConfined()) {
            RandomColumns r = new RandomColumns(seed, arena);
            MemorySegment a = r.random.nextBoolean() ? r.boundedLongs(n) : r.longs(n, 1_000_000);
            MemorySegment validity = r.validity(n, nulls);
            MemorySegment sel = selected ? r.selection(n) : null;
            int count = selected ? RandomColumns.count(sel) : n;
            assertSame(n, sel, count, (k, out) -> k.scaleUpInt64(a, validity, digits, sel, count, out), arena);
            // bit-identical doubles: one long-to-double conversion and one IEEE division in both
            assertSame(n, sel, count, (k, out) -> k.decimalToFloat64(a, digits, sel, count, out), arena);
        }
    }

    @Property(tries = 50)
    void inPlace(@ForAll("sizes") int n, @ForAll long seed, @ForAll Nulls nulls) {
        try (Arena arena = Arena.ofConfined()) {
            RandomColumns r = new RandomColumns(seed, arena);
            MemorySegment a = r.boundedLongs(n);
            MemorySegment b = r.boundedLongs(n);
            MemorySegment validity = r.validity(n, nulls);
            MemorySegment expected = arena.allocate(8L * n);
            scalar.addInt64(a, b, validity, null, null, n, expected);
            simd.addInt64(a, b, validity, null, null, n, a);
            assertArrayEquals(RandomColumns.longs(expected, n), RandomColumns.longs(a, n));
        }
    }

    /**
     * In place over a selection (gathered a block at a time, scattered back): the selected rows
     * get the scalar twin's results, the others keep their values; extreme values overflow on
     * null rows without an error.
     */
    @Property(tries = 80)
    void inPlaceSelected(@ForAll("sizes") int n, @ForAll long seed, @ForAll Nulls nulls, @ForAll boolean extremes) {
        try (Arena arena = Arena.ofConfined()) {
            RandomColumns r = new RandomColumns(seed, arena);
            MemorySegment a = extremes ? r.longs(n, 1L << 40) : r.boundedLongs(n);
            MemorySegment b = extremes ? r.longs(n, 1L << 40) : r.boundedLongs(n);
            MemorySegment validity = r.validity(n, nulls);
            MemorySegment sel = r.selection(n);
            int count = RandomColumns.count(sel);
            MemorySegment expected = arena.allocate(8L * Math.max(n, 1));
            MemorySegment.copy(a, 0, expected, 0, 8L * n);
            MemorySegment actual = arena.allocate(8L * Math.max(n, 1));
            MemorySegment.copy(a, 0, actual, 0, 8L * n);
            String expectedError = null;
            String actualError = null;
            try {
                scalar.multiplyInt64(expected, b, validity, null, sel, count, expected);
            } catch (ArithmeticException e) {
                expectedError = e.getMessage();
            }
            try {
                simd.multiplyInt64(actual, b, validity, null, sel, count, actual);
            } catch (ArithmeticException e) {
                actualError = e.getMessage();
            }
            assertEquals(expectedError, actualError, "overflow");
            if (expectedError == null) {
                assertArrayEquals(RandomColumns.longs(expected, n), RandomColumns.longs(actual, n));
            }
        }
    }
}
