package io.blueshift.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

class KernelsTest {
    @Test
    void scalarIsAlwaysThereAndProviderIsChosenOnce() {
        assertEquals("scalar", Kernels.scalar().name());
        // the kernels module alone has no vectorized implementation on its class path
        assertTrue(Kernels.vectorized().isEmpty());
        if ("simd".equals(System.getProperty(Kernels.PROPERTY))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, Kernels::provider);
            assertTrue(e.getMessage().contains("no vectorized provider"), e.getMessage());
            return;
        }
        KernelProvider chosen = Kernels.provider();
        assertSame(chosen, Kernels.provider());
        assertSame(Kernels.scalar(), chosen);
    }

    @Test
    void bitmapWordsNeverReadPastTheSegment() {
        MemorySegment bitmap = MemorySegment.ofArray(new byte[]{1, 2, 3});
        assertEquals(0x030201L, BitmapWords.word(bitmap, 0));
        assertEquals(0, BitmapWords.word(bitmap, 1));
        assertEquals(0b1, BitmapWords.lanes(bitmap, 0, 8));
        assertEquals(0b10, BitmapWords.lanes(bitmap, 8, 8));
        assertEquals(0xFFFFL, BitmapWords.lanes(null, 16, 16));
    }
}
