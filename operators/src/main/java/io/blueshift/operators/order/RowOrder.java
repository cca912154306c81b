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
 * most pairs, and when some string is longer than eight bytes its next bytes, eight to a long,
 * up to 32; only strings equal in those (and longer) compare the bytes where they live. So a
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
    /** Per string key with a string over 8 bytes: bytes 8-15, 16-23, 24-31 of each row in order (else null). */
    private final long[][][] chunks;
    /** Longs a string key is read into: its first 32 bytes. */
    private static final int MAX_CHUNKS = 4;
    private final int[] batchOf;
    private final int[] rowOf;
    private final boolean[] ascending;
    private final boolean[] nullsFirst;

    /*
     * Compiled code (session 8): the constructor only decides per key; each loop over the rows
     * is a small method for one key type (no per-row type switch, no per-row lookup of the
     * batch's vector), so C2 compiles a few short loops once instead of one large constructor
     * that each new key type or a first NULL threw away (profile_predicate traps, 1 s compiles).
     */
    RowOrder(List<Batch> batches, long[] refs, List<SortKey> keys, Schema schema) {
        int n = refs.length;
        int keyCount = keys.size();
        values = new long[keyCount][];
        nulls = new boolean[keyCount][];
        strings = new ColumnVector[keyCount][];
        lengths = new int[keyCount][];
        chunks = new long[keyCount][][];
        ascending = new boolean[keyCount];
        nullsFirst = new boolean[keyCount];
        batchOf = new int[n];
        rowOf = new int[n];
        split(refs, batchOf, rowOf);
        for (int k = 0; k < keyCount; k++) {
            SortKey key = keys.get(k);
            ascending[k] = key.ascending();
            nullsFirst[k] = key.nullsFirst();
            DataType type = schema.type(key.column());
            ColumnVector[] cols = new ColumnVector[batches.size()];
            boolean mayHaveNulls = false;
            for (int b = 0; b < cols.length; b++) {
                cols[b] = batches.get(b).column(key.column());
                mayHaveNulls |= cols[b].mayHaveNulls();
            }
            boolean[] isNull = mayHaveNulls ? nullRows(cols, batchOf, rowOf) : null;
            nulls[k] = isNull;
            long[] v = new long[n];
            values[k] = v;
            switch (type) {
                case DataType.VarcharType t -> {
                    strings[k] = cols;
                    int[] lens = new int[n];
                    lengths[k] = lens;
                    int maxLength = isNull == null
                            ? stringHeads(cols, batchOf, rowOf, v, lens)
                            : stringHeadsNullable(cols, batchOf, rowOf, isNull, v, lens);
                    if (maxLength > 8) {
                        // bytes 8.. of each string as further keys, 8 at a time, up to MAX_CHUNKS in all;
                        // zero padded past a string's end (a string of 8 bytes or fewer: all zero)
                        int extra = Math.min(MAX_CHUNKS, (maxLength + 7) / 8) - 1;
                        long[][] more = new long[extra][];
                        for (int j = 0; j < extra; j++) {
                            more[j] = chunks(cols, batchOf, rowOf, lens, 8 * (j + 1));
                        }
                        chunks[k] = more;
                    }
                }
                case DataType.Float64Type t -> doubles(cols, batchOf, rowOf, v);
                case DataType.BooleanType t -> booleans(cols, batchOf, rowOf, v);
                default -> {
                    if (type.byteWidth() == 4) {
                        ints(cols, batchOf, rowOf, v);
                    } else {
                        longs(cols, batchOf, rowOf, v);
                    }
                }
            }
        }
    }

    /** Rows as batch index and row (see {@link OrderBy}) into the two arrays; PackedOrder's too. */
    static void split(long[] refs, int[] batchOf, int[] rowOf) {
        for (int i = 0; i < refs.length; i++) {
            batchOf[i] = (int) (refs[i] >>> 32);
            rowOf[i] = (int) refs[i];
        }
    }

    /** Which rows are NULL, or null when none is (PackedOrder's codes too). */
    static boolean[] nullRows(ColumnVector[] cols, int[] batchOf, int[] rowOf) {
        boolean[] isNull = new boolean[batchOf.length];
        boolean any = false;
        for (int i = 0; i < isNull.length; i++) {
            boolean x = cols[batchOf[i]].isNull(rowOf[i]);
            isNull[i] = x;
            any |= x;
        }
        return any ? isNull : null;
    }

    // Fixed-width keys: a NULL row's value is read too (whatever its slot holds) and never used,
    // since compare() settles NULLs first.

    static void ints(ColumnVector[] cols, int[] batchOf, int[] rowOf, long[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = cols[batchOf[i]].data().getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, rowOf[i]);
        }
    }

    static void longs(ColumnVector[] cols, int[] batchOf, int[] rowOf, long[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = cols[batchOf[i]].data().getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, rowOf[i]);
        }
    }

    /** Double.compare's order (-0.0 before 0.0, NaN last) as a signed long. */
    static void doubles(ColumnVector[] cols, int[] batchOf, int[] rowOf, long[] v) {
        for (int i = 0; i < v.length; i++) {
            long bits = Double.doubleToLongBits(cols[batchOf[i]].data().getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, rowOf[i]));
            v[i] = bits ^ ((bits >> 63) & Long.MAX_VALUE);
        }
    }

    static void booleans(ColumnVector[] cols, int[] batchOf, int[] rowOf, long[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = cols[batchOf[i]].getBoolean(rowOf[i]) ? 1 : 0;
        }
    }

    /** Each string's first 8 bytes as a signed-order long and its length; returns the longest length. */
    private static int stringHeads(ColumnVector[] cols, int[] batchOf, int[] rowOf, long[] v, int[] lens) {
        int maxLength = 0;
        for (int i = 0; i < v.length; i++) {
            ColumnVector c = cols[batchOf[i]];
            int len = StringViews.length(c.data(), rowOf[i]);
            lens[i] = len;
            maxLength = Math.max(maxLength, len);
            v[i] = head(c, rowOf[i], len);
        }
        return maxLength;
    }

    /** As {@link #stringHeads}, NULL rows left at 0. */
    private static int stringHeadsNullable(ColumnVector[] cols, int[] batchOf, int[] rowOf, boolean[] isNull,
                                           long[] v, int[] lens) {
        int maxLength = 0;
        for (int i = 0; i < v.length; i++) {
            if (isNull[i]) {
                continue;
            }
            ColumnVector c = cols[batchOf[i]];
            int len = StringViews.length(c.data(), rowOf[i]);
            lens[i] = len;
            maxLength = Math.max(maxLength, len);
            v[i] = head(c, rowOf[i], len);
        }
        return maxLength;
    }

    /** Bytes {@code [from, from + 8)} of each string (see {@link #chunk}); NULL rows have length 0, so 0 bytes. */
    private static long[] chunks(ColumnVector[] cols, int[] batchOf, int[] rowOf, int[] lens, int from) {
        long[] out = new long[lens.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = chunk(cols[batchOf[i]], rowOf[i], lens[i], from);
        }
        return out;
    }

    /** A non-null string's first 8 bytes, zero padded past its end, in unsigned byte order as a signed long. */
    private static long head(ColumnVector c, int r, int len) {
        MemorySegment views = c.data();
        long base = (long) r * StringViews.VIEW_BYTES;
        long head = len <= StringViews.INLINE_MAX
                ? views.get(BIG_LONG, base + 4)   // zero padded past the string
                : c.varBuffers().get(views.get(ValueLayout.JAVA_INT_UNALIGNED, base + 8))
                        .get(BIG_LONG, Integer.toUnsignedLong(views.get(ValueLayout.JAVA_INT_UNALIGNED, base + 12)));
        return head ^ Long.MIN_VALUE;
    }

    /**
     * Bytes {@code [from, from + 8)} of a string of {@code len} bytes, zero padded past its end,
     * as a signed-order long ({@code from} a multiple of 8, at least 8).
     */
    static long chunk(ColumnVector c, int r, int len, int from) {
        long raw;
        if (len <= from) {
            raw = 0;
        } else {
            MemorySegment views = c.data();
            long base = (long) r * StringViews.VIEW_BYTES;
            if (len <= StringViews.INLINE_MAX) {
                raw = (long) views.get(BIG_INT, base + 12) << 32;   // bytes 8-11, zero padded in the view
            } else {
                MemorySegment buf = c.varBuffers().get(views.get(ValueLayout.JAVA_INT_UNALIGNED, base + 8));
                long at = Integer.toUnsignedLong(views.get(ValueLayout.JAVA_INT_UNALIGNED, base + 12)) + from;
                int m = len - from;
                if (m >= 8) {
                    raw = buf.get(BIG_LONG, at);
                } else {
                    raw = 0;
                    for (int j = 0; j < m; j++) {
                        raw = (raw << 8) | (buf.get(ValueLayout.JAVA_BYTE, at + j) & 0xFF);
                    }
                    raw <<= 8 * (8 - m);
                }
            }
        }
        return raw ^ Long.MIN_VALUE;
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
        long[][] more = chunks[k];
        if (more != null) {
            for (long[] m : more) {
                int cmp = Long.compare(m[a], m[b]);
                if (cmp != 0) {
                    return cmp;
                }
            }
            int covered = 8 * (more.length + 1);
            if (la <= covered && lb <= covered) {
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
