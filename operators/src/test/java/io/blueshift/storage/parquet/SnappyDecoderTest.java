package io.blueshift.storage.parquet;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java SNAPPY decoder against snappy-java: data shaped like column pages (small integers in
 * 8-byte slots, repeated words, runs, noise, so every element kind, literal and copy length and
 * copy distance occurs, long literals included), at the very end of its input array or followed
 * by slack, into outputs without and with spare room (the fast loop and the careful one), and
 * corrupted bytes, which must give an {@link IOException} or some output, never another exception.
 */
class SnappyDecoderTest {
    static byte[] sample(Random r, int size, int kind) {
        byte[] b = new byte[size];
        switch (kind) {
            case 0 -> r.nextBytes(b); // incompressible: long literals
            case 1 -> { // PLAIN INT64 of small values: short literal, short copy
                for (int i = 0; i + 8 <= size; i += 8) {
                    long v = r.nextInt(1 << (8 + r.nextInt(16)));
                    for (int k = 0; k < 8; k++) {
                        b[i + k] = (byte) (v >>> (8 * k));
                    }
                }
            }
            case 2 -> { // words from a small vocabulary: copies of every length and distance
                String[] words = {"the ", "quick ", "fox ", "ly ", "furiously ", "final ", "deposits ", "a", " ", "packages "};
                int p = 0;
                while (p < size) {
                    byte[] w = words[r.nextInt(words.length)].getBytes();
                    int n = Math.min(w.length, size - p);
                    System.arraycopy(w, 0, b, p, n);
                    p += n;
                }
            }
            default -> { // runs (copies from 1-7 bytes back) and noise
                int p = 0;
                while (p < size) {
                    int n = Math.min(size - p, 1 + r.nextInt(300));
                    if (r.nextBoolean()) {
                        Arrays.fill(b, p, p + n, (byte) r.nextInt(4));
                    } else {
                        int period = 1 + r.nextInt(7);
                        for (int i = 0; i < n; i++) {
                            b[p + i] = (byte) (i % period == 0 ? r.nextInt() : i);
                        }
                    }
                    p += n;
                }
            }
        }
        return b;
    }

    @Property(tries = 400)
    void decodesWhatSnappyEncoded(@ForAll @IntRange(min = 0, max = 70_000) int size,
                                  @ForAll @IntRange(min = 0, max = 3) int kind,
                                  @ForAll long seed) throws IOException {
        Random r = new Random(seed);
        byte[] data = sample(r, size, kind);
        byte[] packed = Snappy.compress(data);
        int lead = r.nextInt(5);
        int slack = r.nextBoolean() ? 0 : r.nextInt(100);
        byte[] in = new byte[lead + packed.length + slack];
        System.arraycopy(packed, 0, in, lead, packed.length);
        byte[] out = new byte[size + (r.nextBoolean() ? 0 : r.nextInt(200))];
        SnappyDecoder.decompress(in, lead, packed.length, out, size);
        assertArrayEquals(data, Arrays.copyOf(out, size));
    }

    @Property(tries = 300)
    void corruptDataIsAnIOExceptionOrSomeOutput(@ForAll @IntRange(min = 1, max = 5000) int size,
                                                @ForAll @IntRange(min = 0, max = 3) int kind,
                                                @ForAll long seed) {
        Random r = new Random(seed);
        byte[] packed;
        try {
            packed = Snappy.compress(sample(r, size, kind));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        int flips = 1 + r.nextInt(4);
        for (int i = 0; i < flips; i++) {
            packed[r.nextInt(packed.length)] ^= (byte) (1 + r.nextInt(255));
        }
        int cut = r.nextInt(4) == 0 ? r.nextInt(packed.length + 1) : packed.length;
        byte[] out = new byte[size + r.nextInt(100)];
        try {
            SnappyDecoder.decompress(packed, 0, cut, out, size);
        } catch (IOException e) {
            assertTrue(e.getMessage().contains("SNAPPY"), e.getMessage());
        }
    }

    @Test
    void namesWhatIsWrong() {
        byte[] out = new byte[100];
        // length 10, then a copy from 5 bytes back with nothing written yet
        IOException e = assertThrows(IOException.class,
                () -> SnappyDecoder.decompress(new byte[] {10, (byte) 0x01 | (1 << 2), 5}, 0, 3, out, 10));
        assertTrue(e.getMessage().contains("copy from 5 bytes back at output byte 0"), e.getMessage());
        // declared length differs from the page header's
        e = assertThrows(IOException.class, () -> SnappyDecoder.decompress(new byte[] {3, 8, 1, 2, 3}, 0, 5, out, 4));
        assertEquals("SNAPPY data holds 3 bytes, page header says 4", e.getMessage());
        // a literal longer than the data left
        e = assertThrows(IOException.class, () -> SnappyDecoder.decompress(new byte[] {3, 8, 1}, 0, 3, out, 3));
        assertTrue(e.getMessage().contains("past the end of the data"), e.getMessage());
    }

    @Test
    void emptyAndExactOutputs() throws IOException {
        byte[] packed = Snappy.compress(new byte[0]);
        SnappyDecoder.decompress(packed, 0, packed.length, new byte[0], 0);
        byte[] data = "abcabcabcabcabcabcabcabcabcabc".getBytes();
        packed = Snappy.compress(data);
        byte[] out = new byte[data.length];
        SnappyDecoder.decompress(packed, 0, packed.length, out, data.length);
        assertArrayEquals(data, out);
    }
}
