package io.blueshift.operators.expr;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import io.blueshift.kernels.ScalarStringKernels;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link ScalarStringKernels#indexOf} (LIKE's substring search, eight starts at a time, first and last byte) against its
 * byte-by-byte twin: small alphabets so literals occur and nearly occur, every length from
 * empty to past several words, literals longer than the text, and the text at an offset.
 */
class LikeIndexOfPropertyTest {
    @Provide
    Arbitrary<byte[]> texts() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().between((byte) 'a', (byte) 'c').array(byte[].class).ofMinSize(0).ofMaxSize(70),
                Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(40),
                Arbitraries.of((byte) 0, (byte) 1, (byte) 0x7f, (byte) 0x80, (byte) 0xff).array(byte[].class).ofMinSize(0).ofMaxSize(40));
    }

    @Provide
    Arbitrary<byte[]> literals() {
        return Arbitraries.oneOf(
                Arbitraries.bytes().between((byte) 'a', (byte) 'c').array(byte[].class).ofMinSize(1).ofMaxSize(12),
                Arbitraries.of((byte) 0, (byte) 1, (byte) 0x7f, (byte) 0x80, (byte) 0xff).array(byte[].class).ofMinSize(1).ofMaxSize(4));
    }

    @Property(tries = 3000)
    void matchesTheByteByByteSearch(@ForAll("texts") byte[] text, @ForAll("literals") byte[] lit,
                                    @ForAll("offsets") int pad) {
        byte[] padded = new byte[pad + text.length + 3];
        java.util.Arrays.fill(padded, (byte) 'a');   // bytes around the text must never be read as part of it
        System.arraycopy(text, 0, padded, pad, text.length);
        MemorySegment s = MemorySegment.ofArray(padded);
        assertEquals(ScalarStringKernels.indexOfPlain(s, pad, text.length, lit), ScalarStringKernels.INSTANCE.indexOf(s, pad, text.length, lit));
    }

    @Provide
    Arbitrary<Integer> offsets() {
        return Arbitraries.integers().between(0, 9);
    }

    @Property(tries = 500)
    void literalPlantedAtTheEndIsFound(@ForAll("texts") byte[] text, @ForAll("literals") byte[] lit) {
        byte[] both = new byte[text.length + lit.length];
        System.arraycopy(text, 0, both, 0, text.length);
        System.arraycopy(lit, 0, both, text.length, lit.length);
        MemorySegment s = MemorySegment.ofArray(both);
        long at = ScalarStringKernels.INSTANCE.indexOf(s, 0, both.length, lit);
        assertEquals(ScalarStringKernels.indexOfPlain(s, 0, both.length, lit), at);
        assertEquals(true, at >= 0 && at <= text.length);
    }
}
