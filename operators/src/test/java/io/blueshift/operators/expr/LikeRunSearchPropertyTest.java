package io.blueshift.operators.expr;

import io.blueshift.kernels.KernelProvider;
import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.SelectionVector;
import io.blueshift.memory.StringViews;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * LIKE '%abc%' and '%a%b%...' as a filter, whose rows are searched a run of back-to-back strings
 * at a time, against the regular-expression reference of {@link LikeTest}: string bytes in order
 * in one buffer (the run case), with gaps between them, in shuffled order, spread over two
 * buffers; short inline strings and NULLs among them; dense batches and selections; literals
 * that occur across the boundary of two rows.
 */
class LikeRunSearchPropertyTest {
    private static final String ALPHABET = "abé";

    enum Layout { BACK_TO_BACK, GAPS, SHUFFLED, TWO_BUFFERS }

    record Case(List<String> values, String pattern, Layout layout, boolean select, long seed) {}

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<String> value = Arbitraries.strings().withChars(ALPHABET.toCharArray()).ofMinLength(0).ofMaxLength(30)
                .injectNull(0.08);
        Arbitrary<List<String>> values = value.list().ofMinSize(1).ofMaxSize(120);
        Arbitrary<String> literal = Arbitraries.strings().withChars(ALPHABET.toCharArray()).ofMinLength(1).ofMaxLength(4);
        Arbitrary<String> pattern = Combinators.combine(literal.list().ofMinSize(1).ofMaxSize(3), Arbitraries.of(true, false))
                .as((lits, openEnd) -> "%" + String.join("%", lits) + (openEnd ? "%" : ""));
        return Combinators.combine(values, pattern, Arbitraries.of(Layout.class), Arbitraries.of(true, false), Arbitraries.longs())
                .as(Case::new);
    }

    @Property(tries = 1500)
    void filterMatchesTheReference(@ForAll("cases") Case c) {
        try (MemoryPool pool = MemoryPool.unbounded("like-runs"); Arena arena = Arena.ofConfined()) {
            Random random = new Random(c.seed());
            int n = c.values().size();
            ColumnVector v = column(arena, c.values(), c.layout(), random);
            Batch b = new Batch(List.of(v), n);
            List<Integer> live = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (!c.select() || random.nextInt(3) != 0) {
                    live.add(i);
                }
            }
            if (c.select()) {
                MemorySegment s = arena.allocate(Math.max(4L, live.size() * 4L));
                for (int i = 0; i < live.size(); i++) {
                    s.setAtIndex(ValueLayout.JAVA_INT, i, live.get(i));
                }
                b = b.withSelection(new SelectionVector(s, live.size()));
            }
            for (KernelProvider k : ExprTestBase.providers()) {
                for (boolean negated : new boolean[]{false, true}) {
                    List<Integer> want = new ArrayList<>();
                    for (int r : live) {
                        Boolean m = LikeTest.reference(c.values().get(r), c.pattern(), null);
                        if (m != null && m != negated) {
                            want.add(r);
                        }
                    }
                    try (ExpressionEvaluator ev = new ExpressionEvaluator(k, pool)) {
                        PredicateEvaluator p = new PredicateEvaluator(k, ev);
                        MemorySegment out = ev.scratch().take(Math.max(4L, n * 4L));
                        int got = p.select(new Expr.Like(new Expr.ColumnRef(0, DataType.VARCHAR, "c0"), c.pattern(), null, negated), b, out);
                        List<Integer> rows = new ArrayList<>();
                        for (int i = 0; i < got; i++) {
                            rows.add(out.getAtIndex(ValueLayout.JAVA_INT, i));
                        }
                        assertEquals(want, rows, "'" + c.pattern() + "'" + (negated ? " NOT" : "") + " " + c.layout() + " on " + k.name());
                    }
                }
            }
        }
    }

    /** A VARCHAR column of string views over buffers laid out as {@code layout} says. */
    private static ColumnVector column(Arena arena, List<String> values, Layout layout, Random random) {
        int n = values.size();
        MemorySegment views = arena.allocate((long) n * StringViews.VIEW_BYTES, 16);
        MemorySegment validity = arena.allocate((n + 7) / 8);
        byte[][] bytes = new byte[n][];
        long total = 0;
        for (int i = 0; i < n; i++) {
            bytes[i] = values.get(i) == null ? new byte[0] : values.get(i).getBytes(StandardCharsets.UTF_8);
            total += bytes[i].length + 3;
        }
        MemorySegment[] buffers = {arena.allocate(Math.max(1, total)), arena.allocate(Math.max(1, total))};
        long[] used = new long[2];
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        if (layout == Layout.SHUFFLED) {
            java.util.Collections.shuffle(order, random);
        }
        for (int i : order) {
            long view = (long) i * StringViews.VIEW_BYTES;
            if (values.get(i) == null) {
                views.set(ValueLayout.JAVA_INT, view, random.nextInt(40)); // a NULL's view is not to be read
                continue;
            }
            validity.set(ValueLayout.JAVA_BYTE, i >>> 3, (byte) (validity.get(ValueLayout.JAVA_BYTE, i >>> 3) | 1 << (i & 7)));
            byte[] s = bytes[i];
            views.set(ValueLayout.JAVA_INT, view, s.length);
            if (s.length <= StringViews.INLINE_MAX) {
                MemorySegment.copy(s, 0, views, ValueLayout.JAVA_BYTE, view + 4, s.length);
                continue;
            }
            int buffer = layout == Layout.TWO_BUFFERS ? random.nextInt(2) : 0;
            if (layout == Layout.GAPS) {
                used[buffer] += random.nextInt(3);
            }
            long at = used[buffer];
            MemorySegment.copy(s, 0, buffers[buffer], ValueLayout.JAVA_BYTE, at, s.length);
            used[buffer] += s.length;
            MemorySegment.copy(s, 0, views, ValueLayout.JAVA_BYTE, view + 4, 4);
            views.set(ValueLayout.JAVA_INT, view + 8, buffer);
            views.set(ValueLayout.JAVA_INT, view + 12, (int) at);
        }
        return ColumnVector.wrap(DataType.VARCHAR, n, views, validity, List.of(buffers));
    }
}
