package io.blueshift.operators.expr;

import io.blueshift.kernels.StringKernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A LIKE pattern compiled once into UTF-8 units: literal bytes, {@code _} (one character) and
 * {@code %} (any run). Common shapes get a direct test ({@code 'abc'}, {@code 'abc%'},
 * {@code '%abc'}, {@code '%abc%'}); the rest run a greedy matcher that backtracks to the last
 * {@code %} only, which is exact for these wildcards. Every pattern also yields a view-header
 * prefilter: its leading literal bytes and the fewest bytes a match can have.
 */
final class LikePattern {
    enum Shape { EXACT, PREFIX, SUFFIX, CONTAINS, SEGMENTS, GENERAL }

    private static final int ONE = -1;
    private static final int MANY = -2;

    final Shape shape;
    /** The literal of the fast shapes. */
    final byte[] literal;
    /** Literal bytes before the first wildcard. */
    final byte[] leading;
    /** Fewest bytes a matching string has. */
    final int minLength;
    /** Most bytes a matching string has (no % in the pattern), else Integer.MAX_VALUE. */
    final int maxLength;
    private final int[] units;
    /** SEGMENTS: the literals between the '%'s, in order; whether the first and last are anchored. */
    private byte[][] segments;
    private boolean anchoredStart;
    private boolean anchoredEnd;

    private LikePattern(Shape shape, byte[] literal, byte[] leading, int minLength, int maxLength, int[] units) {
        this.shape = shape;
        this.literal = literal;
        this.leading = leading;
        this.minLength = minLength;
        this.maxLength = maxLength;
        this.units = units;
    }

    static LikePattern compile(String pattern, Character escape) {
        List<Object> tokens = new ArrayList<>(); // String literal, or Integer ONE/MANY
        StringBuilder lit = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (escape != null && c == escape) {
                if (i + 1 == pattern.length()) {
                    throw new IllegalArgumentException("LIKE pattern must not end with the escape character: '" + pattern + "'");
                }
                lit.append(pattern.charAt(++i));
            } else if (c == '%' || c == '_') {
                if (!lit.isEmpty()) {
                    tokens.add(lit.toString());
                    lit.setLength(0);
                }
                int t = c == '%' ? MANY : ONE;
                if (t == MANY && !tokens.isEmpty() && tokens.getLast().equals(MANY)) {
                    continue;
                }
                tokens.add(t);
            } else {
                lit.append(c);
            }
        }
        if (!lit.isEmpty()) {
            tokens.add(lit.toString());
        }
        List<Integer> units = new ArrayList<>();
        int min = 0;
        boolean many = false;
        for (Object t : tokens) {
            if (t instanceof String s) {
                for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
                    units.add(b & 0xFF);
                    min++;
                }
            } else {
                units.add((Integer) t);
                if (t.equals(ONE)) {
                    min++;
                } else {
                    many = true;
                }
            }
        }
        int[] u = units.stream().mapToInt(Integer::intValue).toArray();
        int lead = 0;
        while (lead < u.length && u[lead] >= 0) {
            lead++;
        }
        byte[] leading = new byte[lead];
        for (int i = 0; i < lead; i++) {
            leading[i] = (byte) u[i];
        }
        // a _ matches up to 4 bytes
        int ones = (int) Arrays.stream(u).filter(x -> x == ONE).count();
        int max = many ? Integer.MAX_VALUE : min + 3 * ones;
        Shape shape = Shape.GENERAL;
        byte[] literal = null;
        if (ones == 0) {
            boolean first = !tokens.isEmpty() && tokens.getFirst().equals(MANY);
            boolean last = !tokens.isEmpty() && tokens.getLast().equals(MANY);
            long literals = tokens.stream().filter(t -> t instanceof String).count();
            if (literals == 0) {
                shape = many ? Shape.PREFIX : Shape.EXACT; // '%' is the empty prefix
                literal = new byte[0];
            } else if (literals == 1) {
                literal = tokens.stream().filter(t -> t instanceof String).findFirst().map(s -> ((String) s).getBytes(StandardCharsets.UTF_8)).orElseThrow();
                shape = first ? (last ? Shape.CONTAINS : Shape.SUFFIX) : (last ? Shape.PREFIX : Shape.EXACT);
            } else {
                // 'a%b%c' and the like: each literal found after the previous one
                LikePattern p = new LikePattern(Shape.SEGMENTS, null, leading, min, max, u);
                p.segments = tokens.stream().filter(t -> t instanceof String).map(t -> ((String) t).getBytes(StandardCharsets.UTF_8))
                        .toArray(byte[][]::new);
                p.anchoredStart = !first;
                p.anchoredEnd = !last;
                return p;
            }
        }
        return new LikePattern(shape, literal, leading, min, max, u);
    }

    /** Whether the {@code len} bytes at {@code s[off..]} match; substring searches run on {@code strings}. */
    boolean matches(StringKernels strings, MemorySegment s, long off, int len) {
        return switch (shape) {
            case EXACT -> len == literal.length && equalsAt(s, off, literal, 0);
            case PREFIX -> len >= literal.length && equalsAt(s, off, literal, 0);
            case SUFFIX -> len >= literal.length && equalsAt(s, off + len - literal.length, literal, 0);
            case CONTAINS -> strings.indexOf(s, off, len, literal) >= 0;
            case SEGMENTS -> segments(strings, s, off, len);
            case GENERAL -> general(s, off, len);
        };
    }

    /** As {@link #matches} when the first {@code checked} bytes are already known to match the leading literal. */
    boolean matchesAfterPrefix(StringKernels strings, MemorySegment s, long off, int len, int checked) {
        return switch (shape) {
            case EXACT, PREFIX -> equalsAt(s, off, literal, checked);
            default -> matches(strings, s, off, len);
        };
    }

    static boolean equalsAt(MemorySegment s, long off, byte[] lit, int from) {
        for (int i = from; i < lit.length; i++) {
            if (s.get(ValueLayout.JAVA_BYTE, off + i) != lit[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Literals separated by '%' only: the leftmost match of each literal after the previous
     * one is as good as any (a later one leaves less room), so one pass of searches decides.
     */
    private boolean segments(StringKernels strings, MemorySegment s, long off, int len) {
        byte[][] lits = segments;
        int from = 0;
        int to = lits.length;
        int pos = 0;
        int end = len;
        if (anchoredStart) {
            byte[] l = lits[0];
            if (len < l.length || !equalsAt(s, off, l, 0)) {
                return false;
            }
            pos = l.length;
            from = 1;
        }
        if (anchoredEnd) {
            byte[] l = lits[to - 1];
            if (end - pos < l.length || !equalsAt(s, off + len - l.length, l, 0)) {
                return false;
            }
            end = len - l.length;
            to--;
        }
        return inOrder(strings, s, off, lits, from, to, pos, end);
    }

    /** Whether {@code lits[from..to)} occur one after another in the bytes {@code [pos, end)} at {@code s[off..]}. */
    private static boolean inOrder(StringKernels strings, MemorySegment s, long off, byte[][] lits, int from, int to, int pos, int end) {
        for (int k = from; k < to; k++) {
            byte[] l = lits[k];
            long at = strings.indexOf(s, off + pos, end - pos, l);
            if (at < 0) {
                return false;
            }
            pos += (int) at + l.length;
        }
        return true;
    }

    /**
     * The literal a match must contain wherever it starts, searched first, when the pattern is
     * '%abc%' or '%abc%...' (no leading literal, no '_'); else null. Its leftmost occurrence in a
     * string decides: {@link #matchesAfterFirst} finishes the test from there.
     */
    byte[] unanchoredFirst() {
        if (shape == Shape.CONTAINS) {
            return literal;
        }
        return shape == Shape.SEGMENTS && !anchoredStart ? segments[0] : null;
    }

    /**
     * Whether the {@code len} bytes at {@code s[off..]} match, given that the leftmost occurrence of
     * {@link #unanchoredFirst} in them ends at {@code pos}.
     */
    boolean matchesAfterFirst(StringKernels strings, MemorySegment s, long off, int len, int pos) {
        if (shape == Shape.CONTAINS) {
            return true;
        }
        byte[][] lits = segments;
        int to = lits.length;
        int end = len;
        if (anchoredEnd) {
            byte[] l = lits[to - 1];
            if (len < l.length || !equalsAt(s, off + len - l.length, l, 0)) {
                return false;
            }
            end = len - l.length;
            to--;
        }
        if (pos > end) {
            return false; // the first literal overlaps the anchored last one, and so would any later occurrence
        }
        return inOrder(strings, s, off, lits, 1, to, pos, end);
    }

    private boolean general(MemorySegment s, long off, int len) {
        int[] u = units;
        int p = 0;
        int i = 0;
        int starP = -1;
        int starI = -1;
        while (i < len) {
            int unit = p < u.length ? u[p] : Integer.MIN_VALUE;
            if (unit == ONE) {
                i += charBytes(s.get(ValueLayout.JAVA_BYTE, off + i));
                p++;
            } else if (unit >= 0 && (s.get(ValueLayout.JAVA_BYTE, off + i) & 0xFF) == unit) {
                i++;
                p++;
            } else if (unit == MANY) {
                starP = p++;
                starI = i;
            } else if (starP >= 0) {
                p = starP + 1;
                starI += charBytes(s.get(ValueLayout.JAVA_BYTE, off + starI));
                i = starI;
            } else {
                return false;
            }
        }
        if (i > len) {
            return false; // a truncated character at the end
        }
        while (p < u.length && u[p] == MANY) {
            p++;
        }
        return p == u.length;
    }

    /** Bytes of the UTF-8 character that starts with {@code lead}. */
    static int charBytes(byte lead) {
        int b = lead & 0xFF;
        if (b < 0x80) return 1;
        if (b >= 0xF0) return 4;
        if (b >= 0xE0) return 3;
        if (b >= 0xC0) return 2;
        return 1; // a stray continuation byte counts as one
    }
}
