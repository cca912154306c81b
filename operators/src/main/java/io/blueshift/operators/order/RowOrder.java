package io.blueshift.operators.order;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Schema;
import io.blueshift.memory.StringViews;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The ORDER BY comparison of rows given by their position in the sort input. Each key is
 * read once into a long per row whose signed order is the key's order: exactly for numbers,
 * dates and booleans, and for strings their first eight bytes (big-endian), which decide
 * most pairs, and when some string is longer than eight bytes also its next eight; only
 * strings equal in those (and longer than them) compare the bytes where they live. So a
 * comparison touches a few primitive arrays instead of batches, vectors and string buffers.
 */
final class RowOrder {
    private static final ValueLayout.OfLong BIG_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BIG_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final long[][] values;
    /** Per key: null when the column has no nulls, else which rows are null. */
    private final boolean[][] nulls;
    /** Per key: a string column, whose value is only a prefix ({@code null} for exact keys). */
    private final ColumnVector[][] strings;
    /** Per string key: each row's length, which settles equal prefixes when both fit in them. */
    private final int[][] lengths;
    /** Per string key with a string over 8 bytes: bytes 8-15 of each row in order (else null). */
    private final long[][] seconds;
    private final int[] batchOf;
    private final int[] rowOf;
    private final boolean[] ascending;
    private final boolean[] nullsFirst;

    RowOrder(List<Batch> batches, long[] refs, List<SortKey> keys, Schema schema) {
        int n = refs.length;
        int keyCount = keys.size();
        values = new long[keyCount][n];
        nulls = new boolean[keyCount][];
        strings = new ColumnVector[keyCount][];
        lengths = new int[keyCount][];
        seconds = new long[keyCount][];
        ascending = new boolean[keyCount];
        nullsFirst = new boolean[keyCount];
        batchOf = new int[n];
        rowOf = new int[n];
        for (int i = 0; i < n; i++) {
            batchOf[i] = (int) (refs[i] >>> 32);
            rowOf[i] = (int) refs[i];
        }
        for (int k = 0; k < keyCount; k++) {
            SortKey key = keys.get(k);
            ascending[k] = key.ascending();
            nullsFirst[k] = key.nullsFirst();
            DataType type = schema.type(key.column());
            boolean varchar = type instanceof DataType.VarcharType;
            if (varchar) {
                strings[k] = new ColumnVector[batches.size()];
                lengths[k] = new int[n];
            }
            long[] v = values[k];
            for (int i = 0; i < n; i++) {
                ColumnVector c = batches.get(batchOf[i]).column(key.column());
                int r = rowOf[i];
                if (c.isNull(r)) {
                    if (nulls[k] == null) {
                        nulls[k] = new boolean[n];
                    }
                    nulls[k][i] = true;
                    continue;
                }
                if (varchar) {
                    strings[k][batchOf[i]] = c;
                    int len = StringViews.length(c.data(), r);
                    lengths[k][i] = len;
                    if (len > 8) {
                        if (seconds[k] == null) {
                            seconds[k] = new long[n];
                        }
                        seconds[k][i] = secondChunk(c, r, len);
                    }
                }
                v[i] = normalized(type, c, r);
            }
            if (varchar && seconds[k] != null) {
                // rows of 8 bytes or fewer have zero bytes 8-15: in the flipped order that is MIN_VALUE
                long[] s = seconds[k];
                int[] lens = lengths[k];
                for (int i = 0; i < n; i++) {
                    if (lens[i] <= 8) {
                        s[i] = Long.MIN_VALUE;
                    }
                }
            }
        }
    }

    /** Row {@code r}'s value as a long in the key's order (strings: their first 8 bytes, in order). */
    private static long normalized(DataType type, ColumnVector c, int r) {
        return switch (type) {
            case DataType.VarcharType t -> {
                MemorySegment views = c.data();
                long base = (long) r * StringViews.VIEW_BYTES;
                int len = views.get(ValueLayout.JAVA_INT_UNALIGNED, base);
                long head = len <= StringViews.INLINE_MAX
                        ? views.get(BIG_LONG, base + 4)   // zero padded past the string
                        : c.varBuffers().get(views.get(ValueLayout.JAVA_INT_UNALIGNED, base + 8))
                                .get(BIG_LONG, Integer.toUnsignedLong(views.get(ValueLayout.JAVA_INT_UNALIGNED, base + 12)));
                yield head ^ Long.MIN_VALUE;   // unsigned byte order as a signed compare
            }
            case DataType.Float64Type t -> {
                // Double.compare's order (-0.0 before 0.0, NaN last) as a signed long
                long bits = Double.doubleToLongBits(c.getDouble(r));
                yield bits ^ ((bits >> 63) & Long.MAX_VALUE);
            }
            case DataType.BooleanType t -> c.getBoolean(r) ? 1 : 0;
            default -> type.byteWidth() == 4 ? c.getInt(r) : c.getLong(r);
        };
    }

    /** Bytes 8-15 of a string longer than 8 bytes, zero padded past its end, as a signed-order long. */
    static long secondChunk(ColumnVector c, int r, int len) {
        MemorySegment views = c.data();
        long base = (long) r * StringViews.VIEW_BYTES;
        long chunk;
        if (len <= StringViews.INLINE_MAX) {
            chunk = (long) views.get(BIG_INT, base + 12) << 32;   // bytes 8-11, zero padded in the view
        } else {
            MemorySegment buf = c.varBuffers().get(views.get(ValueLayout.JAVA_INT_UNALIGNED, base + 8));
            long at = Integer.toUnsignedLong(views.get(ValueLayout.JAVA_INT_UNALIGNED, base + 12)) + 8;
            if (len >= 16) {
                chunk = buf.get(BIG_LONG, at);
            } else {
                chunk = 0;
                int m = len - 8;
                for (int j = 0; j < m; j++) {
                    chunk = (chunk << 8) | (buf.get(ValueLayout.JAVA_BYTE, at + j) & 0xFF);
                }
                chunk <<= 8 * (8 - m);
            }
        }
        return chunk ^ Long.MIN_VALUE;
    }

    /** Compares rows at positions {@code a} and {@code b} of the sort input (0 when all keys tie). */
    int compare(int a, int b) {
        for (int k = 0; k < values.length; k++) {
            boolean[] nk = nulls[k];
            if (nk != null && (nk[a] | nk[b])) {
                if (nk[a] && nk[b]) {
                    continue;
                }
                return nk[a] == nullsFirst[k] ? -1 : 1;
            }
            long[] v = values[k];
            int cmp = Long.compare(v[a], v[b]);
            if (cmp == 0 && strings[k] != null) {
                cmp = compareStrings(k, a, b);
            }
            if (cmp != 0) {
                return ascending[k] ? cmp : -cmp;
            }
        }
        return 0;
    }

    /** Two strings of key {@code k} whose first 8 bytes agree. */
    private int compareStrings(int k, int a, int b) {
        int la = lengths[k][a];
        int lb = lengths[k][b];
        // both strings lie within the equal bytes: the shorter is a prefix of the longer
        if (la <= 8 && lb <= 8) {
            return Integer.compare(la, lb);
        }
        long[] s = seconds[k];
        if (s != null) {
            int cmp = Long.compare(s[a], s[b]);
            if (cmp != 0) {
                return cmp;
            }
            if (la <= 16 && lb <= 16) {
                return Integer.compare(la, lb);
            }
        }
        ColumnVector ca = strings[k][batchOf[a]];
        ColumnVector cb = strings[k][batchOf[b]];
        return StringViews.compare(ca.data(), ca.varBuffers(), rowOf[a], cb.data(), cb.varBuffers(), rowOf[b]);
    }

    /** {@link #compare}, ties broken by position: the order of a stable sort. */
    int compareStable(int a, int b) {
        int cmp = compare(a, b);
        return cmp != 0 ? cmp : Integer.compare(a, b);
    }
}
