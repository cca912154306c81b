package io.blueshift.operators.order;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Schema;
import io.blueshift.memory.StringViews;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Comparator;
import java.util.List;

/**
 * The ORDER BY comparison of rows given by their position in the sort input. Each key is
 * read once into a long per row whose signed order is the key's order: exactly for numbers,
 * dates and booleans, and for strings their first eight bytes (big-endian), which decide
 * most pairs; only equal string prefixes compare the bytes where they live. So a comparison
 * touches two arrays instead of two batches, their vectors and string buffers.
 */
final class RowOrder implements Comparator<Long> {
    private static final ValueLayout.OfLong BIG_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final long[][] values;
    /** Per key: null when the column has no nulls, else which rows are null. */
    private final boolean[][] nulls;
    /** Per key: a string column, whose value is only a prefix ({@code null} for exact keys). */
    private final ColumnVector[][] strings;
    /** Per string key: each row's length, which settles equal prefixes when both fit in them. */
    private final int[][] lengths;
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
                    lengths[k][i] = StringViews.length(c.data(), r);
                }
                v[i] = normalized(type, c, r);
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

    /** Compares rows at positions {@code x} and {@code y} of the sort input. */
    @Override
    public int compare(Long x, Long y) {
        int a = (int) (long) x;
        int b = (int) (long) y;
        for (int k = 0; k < values.length; k++) {
            boolean[] nk = nulls[k];
            if (nk != null && (nk[a] | nk[b])) {
                if (nk[a] && nk[b]) {
                    continue;
                }
                return nk[a] == nullsFirst[k] ? -1 : 1;
            }
            int cmp = Long.compare(values[k][a], values[k][b]);
            if (cmp == 0 && strings[k] != null) {
                int la = lengths[k][a];
                int lb = lengths[k][b];
                // both strings lie within the equal 8 bytes: the shorter is a prefix of the longer
                cmp = la <= 8 && lb <= 8 ? Integer.compare(la, lb) : StringViews.compare(strings[k][batchOf[a]].data(), strings[k][batchOf[a]].varBuffers(), rowOf[a],
                        strings[k][batchOf[b]].data(), strings[k][batchOf[b]].varBuffers(), rowOf[b]);
            }
            if (cmp != 0) {
                return ascending[k] ? cmp : -cmp;
            }
        }
        return 0;
    }
}
