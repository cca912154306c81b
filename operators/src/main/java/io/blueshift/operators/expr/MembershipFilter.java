package io.blueshift.operators.expr;

import io.blueshift.kernels.CompareOp;
import io.blueshift.kernels.KernelProvider;
import io.blueshift.kernels.StringKernels;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Validity;
import io.blueshift.memory.DataType.DecimalType;
import io.blueshift.memory.StringViews;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The compiled form of {@code LIKE} and {@code IN (constants)} for one value type: selects the
 * rows where the predicate is TRUE. Both read a string's 16-byte view first (length and
 * 4-byte prefix) and touch its bytes only when those agree.
 */
abstract sealed class MembershipFilter {
    /** Writes the rows of {@code in} (null = {@code [0, inCount)}) for which the test is TRUE. */
    abstract int select(ColumnVector v, MemorySegment in, int inCount, MemorySegment out, KernelProvider kernels, Scratch scratch);

    static int candidate(MemorySegment in, int i) {
        return in == null ? i : in.getAtIndex(ValueLayout.JAVA_INT, i);
    }

    /**
     * Non-null rows of {@code in} that are not among the {@code mCount} ascending rows of {@code m}.
     * Dense and selected candidates in two loops: with {@code in == null} tested per row, C2
     * compiled the loop for the case it had seen and trapped on the other (profile_predicate).
     */
    static int nonNullExcept(ColumnVector v, MemorySegment in, int inCount, MemorySegment m, int mCount, MemorySegment out) {
        return in == null
                ? nonNullExceptDense(v.validity(), inCount, m, mCount, out)
                : nonNullExceptSelected(v.validity(), in, inCount, m, mCount, out);
    }

    private static int nonNullExceptDense(MemorySegment validity, int count, MemorySegment m, int mCount, MemorySegment out) {
        int k = 0;
        int j = 0;
        for (int r = 0; r < count; r++) {
            while (j < mCount && m.getAtIndex(ValueLayout.JAVA_INT, j) < r) {
                j++;
            }
            if (j < mCount && m.getAtIndex(ValueLayout.JAVA_INT, j) == r) {
                continue;
            }
            if (validity == null || Validity.isValid(validity, r)) {
                out.setAtIndex(ValueLayout.JAVA_INT, k++, r);
            }
        }
        return k;
    }

    private static int nonNullExceptSelected(MemorySegment validity, MemorySegment in, int inCount, MemorySegment m, int mCount,
                                             MemorySegment out) {
        int k = 0;
        int j = 0;
        for (int i = 0; i < inCount; i++) {
            int r = in.getAtIndex(ValueLayout.JAVA_INT, i);
            while (j < mCount && m.getAtIndex(ValueLayout.JAVA_INT, j) < r) {
                j++;
            }
            if (j < mCount && m.getAtIndex(ValueLayout.JAVA_INT, j) == r) {
                continue;
            }
            if (validity == null || Validity.isValid(validity, r)) {
                out.setAtIndex(ValueLayout.JAVA_INT, k++, r);
            }
        }
        return k;
    }

    static final class Like extends MembershipFilter {
        private final LikePattern pattern;
        private final boolean negated;
        private final int prefix;
        private final int prefixMask;
        private final int checked;

        Like(Expr.Like like) {
            this.pattern = LikePattern.compile(like.pattern(), like.escape());
            this.negated = like.negated();
            this.checked = Math.min(4, pattern.leading.length);
            this.prefixMask = StringKernels.prefixMask(checked);
            this.prefix = StringKernels.prefixWord(pattern.leading) & prefixMask;
        }

        @Override
        int select(ColumnVector v, MemorySegment in, int inCount, MemorySegment out, KernelProvider kernels, Scratch scratch) {
            if (!(v.type() instanceof DataType.VarcharType)) {
                throw new IllegalArgumentException("LIKE needs a VARCHAR, got " + v.type().sqlName());
            }
            MemorySegment matches = negated ? scratch.take(Math.max(4L, inCount * 4L)) : out;
            int k;
            if (checked == 0) {
                // no leading literal: a header pass would keep nearly every row; test the bytes at once
                k = matchRows(v, in, inCount, matches, kernels.strings());
            } else {
                // header pass (SIMD where dense): length range and leading bytes, then the bytes
                int n = kernels.strings().selectByHeader(v.data(), v.validity(), in, inCount,
                        pattern.minLength, pattern.maxLength, prefix, prefixMask, matches);
                boolean whole = pattern.shape == LikePattern.Shape.EXACT || pattern.shape == LikePattern.Shape.PREFIX;
                k = whole && pattern.literal.length <= checked
                        ? n // the header said it all
                        : matchAfterPrefix(v, matches, n, kernels.strings());
            }
            return negated ? nonNullExcept(v, in, inCount, matches, k, out) : k;
        }

        /*
         * The row loops are methods of their own: a batch runs each once, so C2 compiles them on
         * stack (OSR), and an OSR compile takes in the whole method around its loop.
         */

        /**
         * Candidates whose whole string matches, written to {@code matches}; returns how many.
         * One loop per common shape, chosen once per batch: with the shape switch inside the row
         * loop, C2 trapped on each new shape a query brought and compiled all of them together.
         */
        private int matchRows(ColumnVector v, MemorySegment in, int inCount, MemorySegment matches, StringKernels strings) {
            byte[] first = pattern.unanchoredFirst();
            if (first != null) {
                return runRows(v, in, inCount, matches, strings, first);
            }
            return pattern.shape == LikePattern.Shape.SUFFIX
                    ? suffixRows(v, in, inCount, matches)
                    : patternRows(v, in, inCount, matches, strings);
        }

        /**
         * '%abc%' and '%abc%...': rows whose bytes lie back to back in one buffer (a scanned
         * column's long strings do) are searched as one span, so one substring search covers many
         * rows and the rows are only walked to place each hit. A hit that crosses into the next
         * row means no match in its row (a later start there would cross too); the search goes on
         * from the next row. Short (inline) strings, and rows whose bytes lie elsewhere, are runs
         * of one row.
         */
        private int runRows(ColumnVector v, MemorySegment in, int inCount, MemorySegment matches, StringKernels strings, byte[] first) {
            MemorySegment views = v.data();
            MemorySegment validity = v.validity();
            int k = 0;
            int i = 0;
            while (i < inCount) {
                int r = candidate(in, i);
                long view = (long) r * StringViews.VIEW_BYTES;
                int len = views.get(ValueLayout.JAVA_INT, view);
                if (validity != null && !Validity.isValid(validity, r)) {
                    i++;
                    continue;
                }
                if (len <= StringViews.INLINE_MAX) {
                    if (len >= pattern.minLength && pattern.matches(strings, views, view + 4, len)) {
                        matches.setAtIndex(ValueLayout.JAVA_INT, k++, r);
                    }
                    i++;
                    continue;
                }
                int buffer = views.get(ValueLayout.JAVA_INT, view + 8);
                long start = views.get(ValueLayout.JAVA_INT, view + 12);
                long end = start + len;
                int j = i + 1;
                for (; j < inCount; j++) {
                    int r2 = candidate(in, j);
                    long view2 = (long) r2 * StringViews.VIEW_BYTES;
                    int len2 = views.get(ValueLayout.JAVA_INT, view2);
                    if (len2 <= StringViews.INLINE_MAX || views.get(ValueLayout.JAVA_INT, view2 + 8) != buffer
                            || views.get(ValueLayout.JAVA_INT, view2 + 12) != end
                            || validity != null && !Validity.isValid(validity, r2)) {
                        break;
                    }
                    end += len2;
                }
                k = searchRun(views, v.varBuffers().get(buffer), in, i, j, start, end, matches, k, strings, first);
                i = j;
            }
            return k;
        }

        /** Candidates {@code [from, to)}, whose bytes are {@code [start, end)} of {@code bytes} in order. */
        private int searchRun(MemorySegment views, MemorySegment bytes, MemorySegment in, int from, int to, long start, long end,
                              MemorySegment matches, int k, StringKernels strings, byte[] first) {
            int row = from;
            long rowStart = start;
            long rowEnd = start + views.get(ValueLayout.JAVA_INT, (long) candidate(in, row) * StringViews.VIEW_BYTES);
            long pos = start;
            while (pos < end) {
                long at = strings.indexOf(bytes, pos, (int) (end - pos), first);
                if (at < 0) {
                    break;
                }
                long hit = pos + at;
                while (rowEnd <= hit) {
                    row++;
                    rowStart = rowEnd;
                    rowEnd += views.get(ValueLayout.JAVA_INT, (long) candidate(in, row) * StringViews.VIEW_BYTES);
                }
                if (hit + first.length <= rowEnd && pattern.matchesAfterFirst(strings, bytes, rowStart, (int) (rowEnd - rowStart),
                        (int) (hit - rowStart) + first.length)) {
                    matches.setAtIndex(ValueLayout.JAVA_INT, k++, candidate(in, row));
                }
                pos = rowEnd; // at most one match per row: on to the next
            }
            return k;
        }

        private int suffixRows(ColumnVector v, MemorySegment in, int inCount, MemorySegment matches) {
            MemorySegment validity = v.validity();
            byte[] literal = pattern.literal;
            int k = 0;
            for (int i = 0; i < inCount; i++) {
                int r = candidate(in, i);
                if (validity != null && !Validity.isValid(validity, r)) {
                    continue;
                }
                int len = StringOutput.length(v, r);
                if (len >= literal.length && LikePattern.equalsAt(StringOutput.segment(v, r), StringOutput.offset(v, r) + len - literal.length, literal, 0)) {
                    matches.setAtIndex(ValueLayout.JAVA_INT, k++, r);
                }
            }
            return k;
        }

        private int patternRows(ColumnVector v, MemorySegment in, int inCount, MemorySegment matches, StringKernels strings) {
            MemorySegment validity = v.validity();
            int min = pattern.minLength;
            int max = pattern.maxLength;
            int k = 0;
            for (int i = 0; i < inCount; i++) {
                int r = candidate(in, i);
                if (validity != null && !Validity.isValid(validity, r)) {
                    continue;
                }
                int len = StringOutput.length(v, r);
                if (len >= min && len <= max && pattern.matches(strings, StringOutput.segment(v, r), StringOutput.offset(v, r), len)) {
                    matches.setAtIndex(ValueLayout.JAVA_INT, k++, r);
                }
            }
            return k;
        }

        /** The {@code n} rows that passed the header, kept in place where the bytes after the prefix match. */
        private int matchAfterPrefix(ColumnVector v, MemorySegment matches, int n, StringKernels strings) {
            int k = 0;
            for (int i = 0; i < n; i++) {
                int r = matches.getAtIndex(ValueLayout.JAVA_INT, i);
                if (pattern.matchesAfterPrefix(strings, StringOutput.segment(v, r), StringOutput.offset(v, r), StringOutput.length(v, r), checked)) {
                    matches.setAtIndex(ValueLayout.JAVA_INT, k++, r);
                }
            }
            return k;
        }
    }

    static final class InList extends MembershipFilter {
        private final boolean negated;
        private final boolean hasNull;
        private final List<Expr.Literal> values;
        private DataType compiledFor;
        private long[] longs;
        private double[] doubles;
        private byte[][] strings;
        private int[] stringHeads;
        /** Each string value's 16-byte view as two words (length and prefix; the rest), zero padded. */
        private long[] stringWords;
        /** Whether every string value is inline (12 bytes or fewer), so the view words decide. */
        private boolean allInline;
        private boolean[] booleans;

        InList(Expr.InList in) {
            this.negated = in.negated();
            this.values = in.values();
            this.hasNull = values.stream().anyMatch(Expr.Literal::isNull);
        }

        private void compile(DataType t) {
            compiledFor = t;
            List<Expr.Literal> present = values.stream().filter(l -> !l.isNull()).toList();
            if (PredicateEvaluator.isIntegral(t) && present.stream().allMatch(l -> l.value() instanceof Long && PredicateEvaluator.isIntegral(l.type()))) {
                TreeSet<Long> set = new TreeSet<>();
                int scale = t instanceof DecimalType d ? d.scale() : 0;
                for (Expr.Literal l : present) {
                    PredicateEvaluator.Bound b = PredicateEvaluator.integralBound(CompareOp.EQ, l, scale,
                            l.type() instanceof DecimalType d ? d.scale() : 0);
                    if (b.always() == null) {
                        set.add(b.value());
                    }
                }
                longs = set.stream().mapToLong(Long::longValue).toArray();
            } else if (ExprTypes.isNumeric(t)) {
                doubles = present.stream().mapToDouble(l -> l.type() instanceof DecimalType d
                        ? BigDecimal.valueOf(l.longValue(), d.scale()).doubleValue() : ((Number) l.value()).doubleValue()).sorted().toArray();
            } else if (t instanceof DataType.VarcharType) {
                strings = present.stream().map(l -> l.value().toString().getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
                stringHeads = Arrays.stream(strings).mapToInt(StringKernels::prefixWord).toArray();
                stringWords = new long[2 * strings.length];
                allInline = true;
                try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                    MemorySegment view = arena.allocate(StringViews.VIEW_BYTES, 8);
                    for (int c = 0; c < strings.length; c++) {
                        view.fill((byte) 0);
                        int len = strings[c].length;
                        view.set(ValueLayout.JAVA_INT_UNALIGNED, 0, len);
                        MemorySegment.copy(strings[c], 0, view, ValueLayout.JAVA_BYTE, 4, Math.min(len, StringViews.INLINE_MAX));
                        stringWords[2 * c] = view.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                        stringWords[2 * c + 1] = view.get(ValueLayout.JAVA_LONG_UNALIGNED, 8);
                        allInline &= len <= StringViews.INLINE_MAX;
                    }
                }
            } else if (t instanceof DataType.BooleanType) {
                booleans = new boolean[2];
                for (Expr.Literal l : present) {
                    booleans[(Boolean) l.value() ? 1 : 0] = true;
                }
            } else {
                throw new IllegalArgumentException("not supported: IN list over " + t.sqlName());
            }
        }

        @Override
        int select(ColumnVector v, MemorySegment in, int inCount, MemorySegment out, KernelProvider kernels, Scratch scratch) {
            if (!v.type().equals(compiledFor)) {
                compile(v.type());
            }
            if (negated && hasNull) {
                return 0; // x NOT IN (..., NULL) is never TRUE
            }
            if (strings != null && allInline) {
                return selectInline(v, in, inCount, out);
            }
            int k = 0;
            for (int i = 0; i < inCount; i++) {
                int r = candidate(in, i);
                if (v.isNull(r)) {
                    continue;
                }
                if (contains(v, r) != negated) {
                    out.setAtIndex(ValueLayout.JAVA_INT, k++, r);
                }
            }
            return k;
        }

        /**
         * String values of 12 bytes or fewer: a row is one of them exactly when its view's two
         * words equal the value's (inline views are zero padded; a longer row differs in length),
         * so no row's bytes are read.
         */
        private int selectInline(ColumnVector v, MemorySegment in, int inCount, MemorySegment out) {
            MemorySegment views = v.data();
            MemorySegment validity = v.validity();
            long[] words = stringWords;
            boolean keep = !negated;
            int k = 0;
            for (int i = 0; i < inCount; i++) {
                int r = in == null ? i : in.getAtIndex(ValueLayout.JAVA_INT, i);
                long base = (long) r * StringViews.VIEW_BYTES;
                long w0 = views.get(ValueLayout.JAVA_LONG_UNALIGNED, base);
                long w1 = views.get(ValueLayout.JAVA_LONG_UNALIGNED, base + 8);
                boolean found = false;
                for (int c = 0; c < words.length; c += 2) {
                    found |= w0 == words[c] & w1 == words[c + 1];
                }
                if (found == keep && (validity == null || Validity.isValid(validity, r))) {
                    out.setAtIndex(ValueLayout.JAVA_INT, k++, r);
                }
            }
            return k;
        }

        private boolean contains(ColumnVector v, int r) {
            if (longs != null) {
                long x = v.byteWidth() == 4 ? v.getInt(r) : v.getLong(r);
                if (longs.length <= 8) {
                    for (long c : longs) {
                        if (c == x) return true;
                    }
                    return false;
                }
                return Arrays.binarySearch(longs, x) >= 0;
            }
            if (doubles != null) {
                double x = switch (v.type()) {
                    case DataType.Float64Type f -> v.getDouble(r);
                    case DecimalType d -> BigDecimal.valueOf(v.getLong(r), d.scale()).doubleValue();
                    default -> v.byteWidth() == 4 ? v.getInt(r) : v.getLong(r);
                };
                for (double c : doubles) {
                    if (c == x) return true;
                }
                return false;
            }
            if (strings != null) {
                long base = (long) r * StringViews.VIEW_BYTES;
                int len = v.data().get(ValueLayout.JAVA_INT_UNALIGNED, base);
                int head = v.data().get(ValueLayout.JAVA_INT_UNALIGNED, base + 4);
                for (int c = 0; c < strings.length; c++) {
                    if (strings[c].length == len && stringHeads[c] == head
                            && MemorySegment.mismatch(StringOutput.segment(v, r), StringOutput.offset(v, r), StringOutput.offset(v, r) + len,
                                    MemorySegment.ofArray(strings[c]), 0, len) == -1) {
                        return true;
                    }
                }
                return false;
            }
            return booleans[v.getBoolean(r) ? 1 : 0];
        }
    }
}
