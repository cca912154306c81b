package io.blueshift.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class ScalarSelectionAndGatherTest {
    private final SelectionKernels selection = ScalarSelectionKernels.INSTANCE;
    private final GatherKernels gather = ScalarGatherKernels.INSTANCE;
    private final Random random = new Random(11);

    private int[] randomSelection(int n) {
        return IntStream.range(0, n).filter(i -> random.nextInt(3) == 0).toArray();
    }

    @Test
    void setOperationsMatchTreeSets() {
        int n = 300;
        int[] a = randomSelection(n);
        int[] b = randomSelection(n);
        TreeSet<Integer> and = new TreeSet<>();
        TreeSet<Integer> or = new TreeSet<>();
        TreeSet<Integer> not = new TreeSet<>();
        IntStream.of(a).forEach(or::add);
        IntStream.of(b).forEach(or::add);
        IntStream.of(a).filter(x -> IntStream.of(b).anyMatch(y -> y == x)).forEach(and::add);
        IntStream.range(0, n).filter(x -> IntStream.of(a).noneMatch(y -> y == x)).forEach(not::add);
        MemorySegment out = Segments.of(new int[2 * n]);
        int k = selection.and(Segments.of(a), a.length, Segments.of(b), b.length, out);
        assertArrayEquals(and.stream().mapToInt(Integer::intValue).toArray(), Segments.ints(out, k));
        k = selection.or(Segments.of(a), a.length, Segments.of(b), b.length, out);
        assertArrayEquals(or.stream().mapToInt(Integer::intValue).toArray(), Segments.ints(out, k));
        k = selection.complement(Segments.of(a), a.length, n, out);
        assertArrayEquals(not.stream().mapToInt(Integer::intValue).toArray(), Segments.ints(out, k));
    }

    @Test
    void fromBitmapReadsArrowBitOrderAndStopsAtCount() {
        boolean[] bits = new boolean[70];
        bits[0] = bits[9] = bits[63] = bits[64] = bits[69] = true;
        MemorySegment bitmap = Segments.validity(bits);
        MemorySegment out = Segments.of(new int[70]);
        assertEquals(5, selection.fromBitmap(bitmap, 70, out));
        assertArrayEquals(new int[]{0, 9, 63, 64, 69}, Segments.ints(out, 5));
        assertEquals(4, selection.fromBitmap(bitmap, 69, out));
    }

    @Test
    void gathersCopyByRowId() {
        MemorySegment rows = Segments.of(2, 0, 2, 1);
        MemorySegment dst = Segments.of(new long[8]);
        gather.gatherInt32(Segments.of(10, 11, 12), rows, 4, dst);
        assertArrayEquals(new int[]{12, 10, 12, 11}, Segments.ints(dst, 4));
        gather.gatherInt64(Segments.of(10L, 11L, 12L), rows, 4, dst);
        assertArrayEquals(new long[]{12, 10, 12, 11}, Segments.longs(dst, 4));
        gather.gatherInt128(Segments.of(1L, 2L, 3L, 4L, 5L, 6L), rows, 4, dst);
        assertArrayEquals(new long[]{5, 6, 1, 2, 5, 6, 3, 4}, Segments.longs(dst, 8));
        MemorySegment bits = MemorySegment.ofArray(new byte[]{(byte) 0xF0});
        gather.gatherBits(Segments.validity(new boolean[]{true, false, true}), rows, 4, bits);
        // bits 0..3 from rows 2, 0, 2, 1; bits 4..7 untouched
        assertEquals((byte) 0xF7, bits.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
    }
}
