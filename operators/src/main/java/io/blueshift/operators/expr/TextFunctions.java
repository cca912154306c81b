package io.blueshift.operators.expr;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Validity;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * String functions beyond the core ones of {@link Functions}, with DuckDB's answers at the
 * edges (negative counts, empty patterns, multi-byte characters). Searches and tests run on
 * the UTF-8 bytes in place; functions that rebuild the string decode it once per row.
 * Positions and lengths count code points.
 */
final class TextFunctions {
    /** The largest string REPEAT, LPAD and RPAD build (DuckDB's own cap is similar). */
    private static final long MAX_RESULT_BYTES = 1L << 28;

    private final ExpressionEvaluator eval;

    TextFunctions(ExpressionEvaluator eval) {
        this.eval = eval;
    }

    ColumnVector evaluate(Expr.Call call, Batch batch) {
        return switch (call.function()) {
            case TRIM, LTRIM, RTRIM -> trim(call, batch);
            case STRPOS, STARTS_WITH, ENDS_WITH, CONTAINS -> search(call, batch);
            case CONCAT_FN, CONCAT_WS -> concatSkippingNulls(call, batch);
            case ASCII -> ascii(call, batch);
            case LIKE_ROWS -> likeRows(call, batch);
            case REGEXP_MATCHES -> regexpMatches(call, batch);
            default -> rebuild(call, batch);
        };
    }

    private ColumnVector[] args(Expr.Call call, Batch batch) {
        ColumnVector[] a = new ColumnVector[call.args().size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = eval.evaluate(call.args().get(i), batch);
        }
        return a;
    }

    static String string(ColumnVector v, int r) {
        int len = StringOutput.length(v, r);
        byte[] b = new byte[len];
        MemorySegment.copy(StringOutput.segment(v, r), ValueLayout.JAVA_BYTE, StringOutput.offset(v, r), b, 0, len);
        return new String(b, StandardCharsets.UTF_8);
    }

    // ---- TRIM ----

    /** Cuts the characters of the second argument (a space without one) from one or both ends. */
    private ColumnVector trim(Expr.Call call, Batch batch) {
        Functions.requireArgs(call, 1, 2);
        ColumnVector[] a = args(call, batch);
        int rows = batch.rowCount();
        MemorySegment validity = eval.allValid(a, rows);
        boolean left = call.function() != Expr.Function.RTRIM;
        boolean right = call.function() != Expr.Function.LTRIM;
        StringOutput out = new StringOutput(eval.scratch(), rows);
        String lastChars = null;
        int[] set = {' '};
        boolean asciiSet = true;
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (validity != null && !Validity.isValid(validity, r)) {
                continue;
            }
            if (a.length == 2) {
                String chars = string(a[1], r);
                if (!chars.equals(lastChars)) {
                    lastChars = chars;
                    set = chars.codePoints().toArray();
                    asciiSet = chars.chars().allMatch(c -> c < 0x80);
                }
            }
            MemorySegment seg = StringOutput.segment(a[0], r);
            long off = StringOutput.offset(a[0], r);
            int len = StringOutput.length(a[0], r);
            if (asciiSet) {
                // ASCII bytes never occur inside a multi-byte UTF-8 character: cut bytes
                int from = 0;
                int to = len;
                while (left && from < to && contains(set, seg.get(ValueLayout.JAVA_BYTE, off + from))) {
                    from++;
                }
                while (right && to > from && contains(set, seg.get(ValueLayout.JAVA_BYTE, off + to - 1))) {
                    to--;
                }
                out.put(r, seg, off + from, to - from);
            } else {
                String s = string(a[0], r);
                int from = 0;
                int to = s.length();
                while (left && from < to && contains(set, s.codePointAt(from))) {
                    from += Character.charCount(s.codePointAt(from));
                }
                while (right && to > from && contains(set, s.codePointBefore(to))) {
                    to -= Character.charCount(s.codePointBefore(to));
                }
                out.put(r, s.substring(from, to).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.finish(validity);
    }

    private static boolean contains(int[] set, int c) {
        for (int x : set) {
            if (x == c) {
                return true;
            }
        }
        return false;
    }

    // ---- searches ----

    /** STRPOS, STARTS_WITH, ENDS_WITH and CONTAINS, on the bytes in place. */
    private ColumnVector search(Expr.Call call, Batch batch) {
        Functions.requireArgs(call, 2, 2);
        ColumnVector[] a = args(call, batch);
        int rows = batch.rowCount();
        MemorySegment validity = eval.allValid(a, rows);
        Expr.Function f = call.function();
        ColumnVector out = eval.newVector(f == Expr.Function.STRPOS ? DataType.INT64 : DataType.BOOLEAN, rows, validity);
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (validity != null && !Validity.isValid(validity, r)) {
                continue;
            }
            MemorySegment s = StringOutput.segment(a[0], r);
            long so = StringOutput.offset(a[0], r);
            int sl = StringOutput.length(a[0], r);
            MemorySegment p = StringOutput.segment(a[1], r);
            long po = StringOutput.offset(a[1], r);
            int pl = StringOutput.length(a[1], r);
            switch (f) {
                case STARTS_WITH -> out.setBoolean(r, pl <= sl && equal(s, so, p, po, pl));
                case ENDS_WITH -> out.setBoolean(r, pl <= sl && equal(s, so + sl - pl, p, po, pl));
                case CONTAINS -> out.setBoolean(r, indexOf(s, so, sl, p, po, pl) >= 0);
                default -> {
                    int at = indexOf(s, so, sl, p, po, pl);
                    out.setLong(r, at < 0 ? 0 : Functions.charCount(s, so, at) + 1);
                }
            }
        }
        return out;
    }

    private static boolean equal(MemorySegment a, long ao, MemorySegment b, long bo, int len) {
        return len == 0 || MemorySegment.mismatch(a, ao, ao + len, b, bo, bo + len) == -1;
    }

    /** Byte offset of the first occurrence of {@code p} in {@code s}, or -1. */
    static int indexOf(MemorySegment s, long so, int sl, MemorySegment p, long po, int pl) {
        if (pl == 0) {
            return 0;
        }
        byte first = p.get(ValueLayout.JAVA_BYTE, po);
        for (int i = 0; i + pl <= sl; i++) {
            if (s.get(ValueLayout.JAVA_BYTE, so + i) == first && equal(s, so + i, p, po, pl)) {
                return i;
            }
        }
        return -1;
    }

    // ---- CONCAT and CONCAT_WS ----

    private ColumnVector concatSkippingNulls(Expr.Call call, Batch batch) {
        boolean ws = call.function() == Expr.Function.CONCAT_WS;
        Functions.requireArgs(call, ws ? 2 : 1, Integer.MAX_VALUE);
        int rows = batch.rowCount();
        ColumnVector[] parts = new ColumnVector[call.args().size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = eval.evaluateAs(call.args().get(i), DataType.VARCHAR, batch);
        }
        MemorySegment validity = ws ? parts[0].validity() : null;
        StringOutput out = new StringOutput(eval.scratch(), rows);
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (ws && parts[0].isNull(r)) {
                continue;
            }
            buf.reset();
            boolean first = true;
            for (int k = ws ? 1 : 0; k < parts.length; k++) {
                ColumnVector p = parts[k];
                if (p.isNull(r)) {
                    continue;
                }
                if (ws && !first) {
                    append(buf, parts[0], r);
                }
                append(buf, p, r);
                first = false;
            }
            out.put(r, buf.toByteArray());
        }
        return out.finish(validity);
    }

    private static void append(java.io.ByteArrayOutputStream buf, ColumnVector v, int r) {
        int len = StringOutput.length(v, r);
        byte[] b = new byte[len];
        MemorySegment.copy(StringOutput.segment(v, r), ValueLayout.JAVA_BYTE, StringOutput.offset(v, r), b, 0, len);
        buf.writeBytes(b);
    }

    private ColumnVector ascii(Expr.Call call, Batch batch) {
        Functions.requireArgs(call, 1, 1);
        ColumnVector s = eval.evaluate(call.args().getFirst(), batch);
        ColumnVector out = eval.newVector(DataType.INT32, batch.rowCount(), s.validity());
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (!s.isNull(r)) {
                String v = string(s, r);
                out.setInt(r, v.isEmpty() ? 0 : v.codePointAt(0));
            }
        }
        return out;
    }

    /** LIKE against a pattern that varies by row; the last pattern's compiled form is reused. */
    private ColumnVector likeRows(Expr.Call call, Batch batch) {
        Functions.requireArgs(call, 2, 3);
        ColumnVector[] a = args(call, batch);
        int rows = batch.rowCount();
        MemorySegment validity = eval.allValid(a, rows);
        ColumnVector out = eval.newVector(DataType.BOOLEAN, rows, validity);
        String lastPattern = null;
        String lastEscape = null;
        LikePattern compiled = null;
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (validity != null && !Validity.isValid(validity, r)) {
                continue;
            }
            String pattern = string(a[1], r);
            String escape = a.length == 3 ? string(a[2], r) : null;
            if (compiled == null || !pattern.equals(lastPattern) || !java.util.Objects.equals(escape, lastEscape)) {
                if (escape != null && escape.length() > 1) {
                    throw new IllegalArgumentException("LIKE: the escape must be one character, got '" + escape + "'");
                }
                compiled = LikePattern.compile(pattern, escape == null || escape.isEmpty() ? null : escape.charAt(0));
                lastPattern = pattern;
                lastEscape = escape;
            }
            out.setBoolean(r, compiled.matches(eval.kernels().strings(), StringOutput.segment(a[0], r), StringOutput.offset(a[0], r), StringOutput.length(a[0], r)));
        }
        return out;
    }

    // ---- functions that build a new string ----

    private ColumnVector rebuild(Expr.Call call, Batch batch) {
        ColumnVector[] a = args(call, batch);
        int rows = batch.rowCount();
        MemorySegment validity = eval.allValid(a, rows);
        StringOutput out = new StringOutput(eval.scratch(), rows);
        Patterns patterns = new Patterns();
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (validity != null && !Validity.isValid(validity, r)) {
                continue;
            }
            out.put(r, value(call.function(), a, r, patterns).getBytes(StandardCharsets.UTF_8));
        }
        return out.finish(validity);
    }

    // ---- regular expressions ----

    /**
     * The last pattern compiled in one batch: patterns are nearly always constants, so each
     * batch compiles its pattern once. Java's regular expressions take RE2's common syntax;
     * options: 'i' ignores case, 'c' is case-sensitive, 's' and 'm' as in RE2, 'g' (for
     * REGEXP_REPLACE) replaces every match.
     */
    private static final class Patterns {
        private String text;
        private String options;
        private java.util.regex.Pattern pattern;

        java.util.regex.Pattern of(String regex, String opts) {
            if (pattern == null || !regex.equals(text) || !opts.equals(options)) {
                int flags = 0;
                for (char c : opts.toCharArray()) {
                    switch (c) {
                        case 'i' -> flags |= java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.UNICODE_CASE;
                        case 'c' -> flags &= ~(java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.UNICODE_CASE);
                        case 's' -> flags |= java.util.regex.Pattern.DOTALL;
                        case 'm', 'n', 'p' -> flags |= java.util.regex.Pattern.MULTILINE;
                        case 'g' -> { }
                        default -> throw new IllegalArgumentException("regular expression option '" + c + "' is not one of c, i, m, n, p, s, g");
                    }
                }
                try {
                    pattern = java.util.regex.Pattern.compile(regex, flags);
                } catch (java.util.regex.PatternSyntaxException e) {
                    throw new IllegalArgumentException("invalid regular expression '" + regex + "': " + e.getDescription());
                }
                text = regex;
                options = opts;
            }
            return pattern;
        }
    }

    private ColumnVector regexpMatches(Expr.Call call, Batch batch) {
        ColumnVector[] a = args(call, batch);
        int rows = batch.rowCount();
        MemorySegment validity = eval.allValid(a, rows);
        ColumnVector out = eval.newVector(DataType.BOOLEAN, rows, validity);
        Patterns patterns = new Patterns();
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (validity != null && !Validity.isValid(validity, r)) {
                continue;
            }
            String opts = a.length > 2 ? string(a[2], r) : "";
            out.setBoolean(r, patterns.of(string(a[1], r), opts).matcher(string(a[0], r)).find());
        }
        return out;
    }

    /** RE2's replacement ({@code \\1} a group, {@code \\\\} a backslash) in Java's spelling ({@code $1}, {@code $} escaped). */
    private static String javaReplacement(String re2) {
        StringBuilder sb = new StringBuilder(re2.length() + 4);
        for (int i = 0; i < re2.length(); i++) {
            char c = re2.charAt(i);
            if (c == '\\' && i + 1 < re2.length()) {
                char d = re2.charAt(++i);
                if (d >= '0' && d <= '9') {
                    sb.append('$').append(d);
                } else {
                    sb.append('\\').append(d);
                }
            } else if (c == '$') {
                sb.append("\\$");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** DuckDB's SPLIT_PART: an empty separator splits into characters. */
    private static String splitPart(String s, String sep, long n) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        if (sep.isEmpty()) {
            s.codePoints().forEach(cp -> parts.add(Character.toString(cp)));
            if (parts.isEmpty()) {
                parts.add("");
            }
        } else {
            int from = 0;
            for (int at; (at = s.indexOf(sep, from)) >= 0; from = at + sep.length()) {
                parts.add(s.substring(from, at));
            }
            parts.add(s.substring(from));
        }
        long index = n > 0 ? n - 1 : parts.size() + n;
        return n == 0 || index < 0 || index >= parts.size() ? "" : parts.get((int) index);
    }

    private static String value(Expr.Function f, ColumnVector[] a, int r, Patterns patterns) {
        return switch (f) {
            case SPLIT_PART -> splitPart(string(a[0], r), string(a[1], r), Functions.integral(a[2], r));
            case REGEXP_REPLACE -> {
                String opts = a.length > 3 ? string(a[3], r) : "";
                java.util.regex.Matcher m = patterns.of(string(a[1], r), opts).matcher(string(a[0], r));
                String replacement = javaReplacement(string(a[2], r));
                try {
                    yield opts.indexOf('g') >= 0 ? m.replaceAll(replacement) : m.replaceFirst(replacement);
                } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
                    throw new IllegalArgumentException("REGEXP_REPLACE: bad replacement '" + string(a[2], r) + "': " + e.getMessage());
                }
            }
            case REGEXP_EXTRACT -> {
                java.util.regex.Matcher m = patterns.of(string(a[1], r), "").matcher(string(a[0], r));
                long group = a.length > 2 ? Functions.integral(a[2], r) : 0;
                if (group < 0 || group > m.groupCount()) {
                    throw new IllegalArgumentException("REGEXP_EXTRACT: group " + group + " is not in the pattern (it has "
                            + m.groupCount() + ")");
                }
                String g = m.find() ? m.group((int) group) : "";
                yield g == null ? "" : g;
            }
            case STRFTIME -> Strftime.format(a[0], r, string(a[1], r));
            case REPLACE -> {
                String from = string(a[1], r);
                yield from.isEmpty() ? string(a[0], r) : string(a[0], r).replace(from, string(a[2], r));
            }
            case LEFT, RIGHT -> {
                String s = string(a[0], r);
                int size = s.codePointCount(0, s.length());
                long n = Functions.integral(a[1], r);
                int keep = (int) (n >= 0 ? Math.min(n, size) : Math.max(0, size + n));
                yield f == Expr.Function.LEFT ? s.substring(0, s.offsetByCodePoints(0, keep))
                        : s.substring(s.offsetByCodePoints(0, size - keep));
            }
            case REVERSE -> new StringBuilder(string(a[0], r)).reverse().toString();
            case REPEAT -> {
                String s = string(a[0], r);
                long n = Math.max(0, Functions.integral(a[1], r));
                checkSize("REPEAT", (long) StringOutput.length(a[0], r) * n);
                yield s.repeat((int) n);
            }
            case LPAD, RPAD -> pad(f == Expr.Function.LPAD, string(a[0], r), Functions.integral(a[1], r), string(a[2], r));
            case CHR -> {
                long c = Functions.integral(a[0], r);
                if (c < 0 || c > Character.MAX_CODE_POINT || (c >= 0xD800 && c <= 0xDFFF)) {
                    throw new IllegalArgumentException("CHR: " + c + " is not a valid code point");
                }
                yield Character.toString((int) c);
            }
            default -> throw new IllegalArgumentException("not a string function: " + f);
        };
    }

    private static String pad(boolean left, String s, long n, String fill) {
        if (n <= 0) {
            return "";
        }
        int size = s.codePointCount(0, s.length());
        if (size >= n) {
            return s.substring(0, s.offsetByCodePoints(0, (int) n));
        }
        if (fill.isEmpty()) {
            throw new IllegalArgumentException((left ? "LPAD" : "RPAD") + ": the fill string is empty");
        }
        checkSize(left ? "LPAD" : "RPAD", n * 4);
        int need = (int) n - size;
        int[] cps = fill.codePoints().toArray();
        StringBuilder padding = new StringBuilder();
        for (int i = 0; i < need; i++) {
            padding.appendCodePoint(cps[i % cps.length]);
        }
        return left ? padding + s : s + padding;
    }

    private static void checkSize(String function, long bytes) {
        if (bytes > MAX_RESULT_BYTES) {
            throw new IllegalArgumentException(function + ": the result would be " + bytes + " bytes, over the limit of "
                    + MAX_RESULT_BYTES + " bytes for one string");
        }
    }
}
