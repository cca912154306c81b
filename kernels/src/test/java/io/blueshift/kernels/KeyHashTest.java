package io.blueshift.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.blueshift.memory.StringViews;
import org.junit.jupiter.api.Test;

class KeyHashTest {
    private final HashKernels hash = ScalarHashKernels.INSTANCE;

    @Test
    void int32HashesLikeTheSameInt64AndNullsHashToTheConstant() {
        MemorySegment ints = Segments.of(-1, 0, 7, Integer.MIN_VALUE);
        MemorySegment longs = Segments.of(-1L, 0L, 7L, (long) Integer.MIN_VALUE);
        MemorySegment a = Segments.of(new long[4]);
        MemorySegment b = Segments.of(new long[4]);
        hash.hashInt32(ints, null, null, 4, a);
        hash.hashInt64(longs, null, null, 4, b);
        assertArrayEquals(Segments.longs(a, 4), Segments.longs(b, 4));
        hash.hashInt64(longs, Segments.validity(new boolean[]{true, false, true, true}), Segments.of(1, 2), 2, b);
        assertEquals(HashKernels.NULL_HASH, Segments.longs(b, 1)[0]);
        assertEquals(KeyHash.hashLong(7), Segments.longs(b, 2)[1]);
    }

    @Test
    void sequentialKeysSpreadOverLowAndHighBits() {
        Set<Long> low = new HashSet<>();
        Set<Long> high = new HashSet<>();
        for (long k = 0; k < 4096; k++) {
            low.add(KeyHash.hashLong(k) & 1023);
            high.add(KeyHash.hashLong(k) >>> 54);
        }
        // 4096 random draws leave about 1024 / e^4 = 19 of 1024 buckets empty
        assertTrue(low.size() > 990, "low bits hit " + low.size());
        assertTrue(high.size() > 990, "high bits hit " + high.size());
    }

    @Test
    void combineIsOrderSensitive() {
        long x = KeyHash.hashLong(1);
        long y = KeyHash.hashLong(2);
        assertNotEquals(KeyHash.combine(KeyHash.combine(0, x), y), KeyHash.combine(KeyHash.combine(0, y), x));
        MemorySegment out = Segments.of(x, x);
        hash.combineInt32(Segments.of(2, 2), Segments.validity(new boolean[]{true, false}), null, 2, out);
        assertArrayEquals(new long[]{KeyHash.combine(x, y), KeyHash.combine(x, HashKernels.NULL_HASH)}, Segments.longs(out, 2));
    }

    @Test
    void stringHashDependsOnBytesNotOnWhereTheyLive() {
        String[] strings = {"", "a", "abcdefgh", "abcdefghijkl", "abcdefghijklm", "a much longer string than twelve bytes"};
        // the same strings twice: long ones in different buffers at different offsets
        MemorySegment first = MemorySegment.ofArray(new byte[16 * strings.length]);
        MemorySegment second = MemorySegment.ofArray(new byte[16 * strings.length]);
        MemorySegment bufferA = MemorySegment.ofArray(new byte[256]);
        MemorySegment bufferB = MemorySegment.ofArray(new byte[256]);
        int fillA = 0;
        int fillB = 3; // an odd offset, so word reads are unaligned
        for (int i = 0; i < strings.length; i++) {
            byte[] s = strings[i].getBytes(StandardCharsets.UTF_8);
            if (s.length <= StringViews.INLINE_MAX) {
                StringViews.writeInline(first, i, s, 0, s.length);
                StringViews.writeInline(second, i, s, 0, s.length);
                // garbage in the padding must not change the hash
                for (int p = 4 + s.length; p < 16; p++) {
                    second.set(ValueLayout.JAVA_BYTE, 16L * i + p, (byte) 0x5A);
                }
            } else {
                MemorySegment.copy(s, 0, bufferA, ValueLayout.JAVA_BYTE, fillA, s.length);
                StringViews.writeReference(first, i, s, 0, s.length, 0, fillA);
                fillA += s.length;
                MemorySegment.copy(s, 0, bufferB, ValueLayout.JAVA_BYTE, fillB, s.length);
                StringViews.writeReference(second, i, s, 0, s.length, 1, fillB);
                fillB += s.length;
            }
        }
        int n = strings.length;
        MemorySegment a = Segments.of(new long[n]);
        MemorySegment b = Segments.of(new long[n]);
        hash.hashStringViews(first, List.of(bufferA), null, null, n, a);
        hash.hashStringViews(second, List.of(bufferA, bufferB), null, null, n, b);
        assertArrayEquals(Segments.longs(a, n), Segments.longs(b, n));
        assertEquals(n, java.util.Arrays.stream(Segments.longs(a, n)).distinct().count());
        for (int i = 0; i < n; i++) {
            byte[] bytes = strings[i].getBytes(StandardCharsets.UTF_8);
            assertEquals(KeyHash.hashBytes(MemorySegment.ofArray(bytes), 0, bytes.length), Segments.longs(a, n)[i], strings[i]);
        }
    }
}
