package io.blueshift.storage.parquet;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Our RLE / bit-packed hybrid encoder against our decoder: random widths 1..32, lengths that
 * hit every tail, long runs mixed with noise, decoded in uneven pieces (so unpacking starts
 * mid-group and mid-byte), with the data at the very end of its array or followed by slack.
 */
class RleBitPackedRoundTripTest {
    @Property(tries = 300)
    void decodesWhatWasEncoded(@ForAll @IntRange(min = 1, max = 32) int width,
                               @ForAll @IntRange(min = 0, max = 3000) int count,
                               @ForAll @IntRange(min = 0, max = 100) int runPercent,
                               @ForAll long seed) {
        Random r = new Random(seed);
        long bound = 1L << width;
        int[] values = new int[count];
        for (int i = 0; i < count; i++) {
            if (i > 0 && r.nextInt(100) < runPercent) {
                values[i] = values[i - 1];
            } else {
                values[i] = (int) (r.nextLong() & (bound - 1));
            }
        }
        ByteSink sink = new ByteSink(16);
        RleBitPackedEncoder.encode(values, 0, count, width, sink);
        int slack = r.nextBoolean() ? 0 : r.nextInt(20);
        byte[] data = Arrays.copyOf(sink.toByteArray(), sink.size() + slack);
        RleBitPackedDecoder decoder = new RleBitPackedDecoder(data, 0, sink.size(), width);
        int[] out = new int[count];
        int[] piece = new int[count + 1];
        int done = 0;
        while (done < count) {
            int n = Math.min(count - done, 1 + r.nextInt(r.nextBoolean() ? 13 : 700));
            decoder.decode(piece, n);
            System.arraycopy(piece, 0, out, done, n);
            done += n;
        }
        assertArrayEquals(values, out);
    }
}
