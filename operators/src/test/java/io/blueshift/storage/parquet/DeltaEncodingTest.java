package io.blueshift.storage.parquet;

import io.blueshift.memory.DataType;
import io.blueshift.storage.parquet.ParquetColumn.Conversion;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.Type;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Hand-encoded pages for the decoders DuckDB's writer does not exercise (DELTA_BYTE_ARRAY, extremes). */
class DeltaEncodingTest {

    @Test
    void deltaBinaryPackedRoundTripsExtremesAndTails() {
        Random random = new Random(42);
        for (int n : new int[] {1, 2, 31, 32, 33, 127, 128, 129, 1000, 4097}) {
            long[] values = new long[n];
            for (int i = 0; i < n; i++) {
                values[i] = switch (i % 5) {
                    case 0 -> Long.MAX_VALUE;
                    case 1 -> Long.MIN_VALUE;
                    case 2 -> random.nextLong();
                    default -> i * 3L; // small deltas between extremes
                };
            }
            byte[] page = encodeDelta(values);
            DeltaBinaryPackedDecoder d = new DeltaBinaryPackedDecoder(page, 0, page.length);
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                out[i] = d.next();
            }
            assertArrayEquals(values, out, "n = " + n);
            assertEquals(page.length, d.endPosition(), "n = " + n);
        }
    }

    @Test
    void deltaBinaryPackedTruncatedIsAnError() {
        byte[] page = encodeDelta(new long[] {1, 1000, -5, 7, 123456789});
        byte[] cut = Arrays.copyOf(page, 8); // header, min delta, part of the bit widths
        DeltaBinaryPackedDecoder d = new DeltaBinaryPackedDecoder(cut, 0, cut.length);
        assertThrows(IllegalStateException.class, () -> {
            for (int i = 0; i < 5; i++) {
                d.next();
            }
        });
    }

    @Test
    void deltaByteArraySharesPrefixes() {
        List<String> strings = List.of("apple", "applesauce", "apply", "banana", "band", "", "bandana", "bandana");
        ByteArrayOutputStream page = new ByteArrayOutputStream();
        long[] prefixes = new long[strings.size()];
        long[] suffixLengths = new long[strings.size()];
        ByteArrayOutputStream suffixBytes = new ByteArrayOutputStream();
        String previous = "";
        for (int i = 0; i < strings.size(); i++) {
            String s = strings.get(i);
            int p = 0;
            while (p < Math.min(s.length(), previous.length()) && s.charAt(p) == previous.charAt(p)) {
                p++;
            }
            prefixes[i] = p;
            byte[] suffix = s.substring(p).getBytes(StandardCharsets.UTF_8);
            suffixLengths[i] = suffix.length;
            suffixBytes.writeBytes(suffix);
            previous = s;
        }
        page.writeBytes(encodeDelta(prefixes));
        page.writeBytes(encodeDelta(suffixLengths));
        page.writeBytes(suffixBytes.toByteArray());
        byte[] bytes = page.toByteArray();
        ParquetColumn column = new ParquetColumn("s", 0, Type.BYTE_ARRAY, 0, false, DataType.VARCHAR, Conversion.STRING);
        var source = DeltaAndSplitValues.open(Encoding.DELTA_BYTE_ARRAY, column, bytes, 0, bytes.length, strings.size());
        PageValues values = new PageValues(column, 16);
        source.read(3, values); // two batches: the prefix carries over
        String[] got = new String[strings.size()];
        for (int i = 0; i < 3; i++) {
            got[i] = new String(values.bytes, values.offsets[i], values.lengths[i], StandardCharsets.UTF_8);
        }
        source.read(strings.size() - 3, values);
        for (int i = 3; i < strings.size(); i++) {
            got[i] = new String(values.bytes, values.offsets[i - 3], values.lengths[i - 3], StandardCharsets.UTF_8);
        }
        assertEquals(strings, List.of(got));
    }

    @Test
    void rleBitPackedHybridMixesRunsAndPackedGroups() {
        // RLE run of 5 x 3 (width 3: one value byte), then one bit-packed group of 8 values 0..7
        byte[] data = {(byte) (5 << 1), 3, (byte) ((1 << 1) | 1), (byte) 0b10001000, (byte) 0b11000110, (byte) 0b11111010};
        RleBitPackedDecoder d = new RleBitPackedDecoder(data, 0, data.length, 3);
        int[] out = new int[13];
        d.decode(out, 13);
        assertArrayEquals(new int[] {3, 3, 3, 3, 3, 0, 1, 2, 3, 4, 5, 6, 7}, out);
        assertThrows(IllegalStateException.class, () -> d.decode(new int[1], 1));
    }

    /** A minimal DELTA_BINARY_PACKED writer: blocks of 128 values, 4 miniblocks of 32. */
    static byte[] encodeDelta(long[] values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        varint(out, 128);
        varint(out, 4);
        varint(out, values.length);
        varint(out, zigzag(values[0]));
        for (int start = 1; start < values.length; start += 128) {
            int count = Math.min(128, values.length - start);
            long[] deltas = new long[count];
            long min = Long.MAX_VALUE;
            for (int i = 0; i < count; i++) {
                deltas[i] = values[start + i] - values[start + i - 1];
                min = Math.min(min, deltas[i]);
            }
            varint(out, zigzag(min));
            int[] widths = new int[4];
            for (int m = 0; m < 4; m++) {
                long or = 0;
                for (int i = m * 32; i < Math.min(count, m * 32 + 32); i++) {
                    or |= deltas[i] - min;
                }
                widths[m] = 64 - Long.numberOfLeadingZeros(or);
                out.write(widths[m]);
            }
            for (int m = 0; m < 4 && m * 32 < count; m++) {
                byte[] packed = new byte[32 * widths[m] / 8];
                for (int i = 0; i < 32; i++) {
                    long v = m * 32 + i < count ? deltas[m * 32 + i] - min : 0;
                    for (int b = 0; b < widths[m]; b++) {
                        if ((v >>> b & 1) != 0) {
                            int bit = i * widths[m] + b;
                            packed[bit >>> 3] |= (byte) (1 << (bit & 7));
                        }
                    }
                }
                out.writeBytes(packed);
            }
        }
        return out.toByteArray();
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
