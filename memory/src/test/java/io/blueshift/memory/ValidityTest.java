package io.blueshift.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ValidityTest {

    @Test
    void bytesForRoundsToWholeWords() {
        assertEquals(0, Validity.bytesFor(0));
        assertEquals(8, Validity.bytesFor(1));
        assertEquals(8, Validity.bytesFor(64));
        assertEquals(16, Validity.bytesFor(65));
        assertEquals(((Integer.MAX_VALUE + 63L) / 64) * 8, Validity.bytesFor(Integer.MAX_VALUE));
    }

    @Test
    void arrowBitOrder() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bits = arena.allocate(8);
            Validity.set(bits, 0, true);
            Validity.set(bits, 9, true);
            assertEquals(1, bits.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(2, bits.get(ValueLayout.JAVA_BYTE, 1));
            Validity.set(bits, 9, false);
            assertEquals(0, bits.get(ValueLayout.JAVA_BYTE, 1));
            assertTrue(Validity.isValid(null, 12345), "no bitmap means no nulls");
            Validity.setAll(bits, true);
            assertTrue(Validity.isValid(bits, 63));
            Validity.setAll(bits, false);
            assertFalse(Validity.isValid(bits, 0));
        }
    }

    @Test
    void countNullsAtEveryTail() {
        SplittableRandom random = new SplittableRandom(7);
        try (Arena arena = Arena.ofConfined()) {
            for (int count : new int[] {0, 1, 7, 8, 63, 64, 65, 127, 128, 200, 4098}) {
                MemorySegment bits = arena.allocate(Validity.bytesFor(count) + 8);
                Validity.setAll(bits, true); // bits past count are set and must not be counted
                int nulls = 0;
                for (int i = 0; i < count; i++) {
                    if (random.nextInt(4) == 0) {
                        Validity.set(bits, i, false);
                        nulls++;
                    }
                }
                assertEquals(nulls, Validity.countNulls(bits, count), "count " + count);
            }
            assertEquals(0, Validity.countNulls(null, 100));
        }
    }
}
