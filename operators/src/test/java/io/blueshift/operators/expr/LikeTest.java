package io.blueshift.operators.expr;

import io.blueshift.kernels.KernelProvider;
import io.blueshift.memory.Batch;
import io.blueshift.memory.DataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** LIKE / NOT LIKE as filters and as values, against a regular-expression reference. */
class LikeTest extends ExprTestBase {
    private static final String[] VALUES = {
            "", "a", "abc", "abcd", "abcde", "ab%c", "a_c", "xabcx", "hello world!", "exactly12byt",
            "thirteen byte", "a much longer string over twelve bytes", "PROMO BRUSHED STEEL", "%", "_",
            "é", "aé", "éa", "日本語テキスト", "naïve café au lait", "abcabcabcabcabc", "a\\b", null};

    private static final String[] PATTERNS = {
            "%", "", "_", "a", "abc", "abc%", "%abc", "%abc%", "a%c", "a_c", "_b%", "%b_", "__", "___",
            "%%", "a%%c", "PROMO%", "%STEEL", "%BRUSHED%", "é", "_é", "é%", "%é", "日本%", "%テキスト",
            "%café%", "naïve%lait", "a%b%c%", "abcabc%abc", "%abc%abc", "%a%b%c%d%", "exactly12byt",
            "thirteen byte", "thirteen%", "a much longer string over twelve bytes%", "%twelve_bytes",
            "a\\\\b", "x%", "%x", "%xyz%", "abcd_", "abcde_"};

    static List<KernelProvider> kernels() {
        return providers();
    }

    /** The reference: LIKE as an anchored regex over code points ('.' matches one character). */
    static Boolean reference(String value, String pattern, Character escape) {
        if (value == null) {
            return null;
        }
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (escape != null && c == escape) {
                re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (c == '%') {
                re.append(".*");
            } else if (c == '_') {
                re.append(".");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL).matcher(value).matches();
    }

    private void check(KernelProvider k, String[] values, String pattern, Character escape) {
        Batch b = batch(column(DataType.VARCHAR, (Object[]) values));
        ExpressionEvaluator ev = evaluator(k);
        for (boolean negated : new boolean[]{false, true}) {
            Expr like = new Expr.Like(col(0, DataType.VARCHAR), pattern, escape, negated);
            List<Object> want = new ArrayList<>();
            List<Integer> wantRows = new ArrayList<>();
            for (int i = 0; i < values.length; i++) {
                Boolean r = reference(values[i], pattern, escape);
                Boolean w = r == null ? null : r != negated;
                want.add(w);
                if (Boolean.TRUE.equals(w)) {
                    wantRows.add(i);
                }
            }
            String what = "'" + pattern + "'" + (negated ? " NOT" : "") + " on " + k.name();
            assertEquals(want, values(ev, like, b), what);
            assertEquals(wantRows, selected(ev, like, b), what);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void everyPatternAgainstEveryValue(KernelProvider k) {
        for (String p : PATTERNS) {
            check(k, VALUES, p, null);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void escapes(KernelProvider k) {
        String[] values = {"50%", "50% off", "5_0", "50", "a\\b", "a!b", "!", "%", null};
        for (String p : new String[]{"50!%", "50!%%", "5!_0", "%!%%", "!!", "a!!b", "!%", "%!_%"}) {
            check(k, values, p, '!');
        }
        check(k, values, "a\\\\b", '\\');
        check(k, values, "50\\%", '\\');
    }

    @Test
    void patternEndingInEscapeIsAnError() {
        Batch b = batch(column(DataType.VARCHAR, "x"));
        ExpressionEvaluator ev = evaluator(providers().getFirst());
        assertThrows(IllegalArgumentException.class,
                () -> values(ev, new Expr.Like(col(0, DataType.VARCHAR), "abc!", '!', false), b));
    }

    /** Random values and patterns over a small alphabet (with multi-byte characters), many batch sizes. */
    @ParameterizedTest
    @MethodSource("kernels")
    void randomPatterns(KernelProvider k) {
        Random random = new Random(20261125);
        String alphabet = "abé日";
        for (int round = 0; round < 60; round++) {
            int n = 1 + random.nextInt(150);
            String[] values = new String[n];
            for (int i = 0; i < n; i++) {
                values[i] = random.nextInt(12) == 0 ? null : randomString(random, alphabet, random.nextInt(18));
            }
            StringBuilder p = new StringBuilder();
            for (int i = random.nextInt(8); i > 0; i--) {
                int x = random.nextInt(6);
                p.append(x == 0 ? '%' : x == 1 ? '_' : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            check(k, values, p.toString(), null);
        }
    }

    /** Only '%' between literals (searched one after another), long values for the word-at-a-time scan. */
    @ParameterizedTest
    @MethodSource("kernels")
    void randomPercentPatterns(KernelProvider k) {
        Random random = new Random(20261126);
        String alphabet = "abcé日";
        for (int round = 0; round < 120; round++) {
            int n = 1 + random.nextInt(100);
            String[] values = new String[n];
            for (int i = 0; i < n; i++) {
                values[i] = random.nextInt(15) == 0 ? null : randomString(random, alphabet, random.nextInt(60));
            }
            StringBuilder p = new StringBuilder(random.nextBoolean() ? "%" : "");
            for (int parts = 2 + random.nextInt(3); parts > 0; parts--) {
                p.append(randomString(random, alphabet, 1 + random.nextInt(3)));
                if (parts > 1 || random.nextBoolean()) {
                    p.append('%');
                }
            }
            check(k, values, p.toString(), null);
        }
    }

    private static String randomString(Random r, String alphabet, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    @Test
    void onlyLiveRowsOfASelection() {
        for (KernelProvider k : providers()) {
            Batch b = batch(column(DataType.VARCHAR, "abc", "abd", null, "abcdefghijklmnop", "xabc")).withSelection(selection(1, 2, 3));
            ExpressionEvaluator ev = evaluator(k);
            assertEquals(list(false, null, true), values(ev, new Expr.Like(col(0, DataType.VARCHAR), "abc%", null, false), b));
            assertEquals(List.of(3), selected(ev, new Expr.Like(col(0, DataType.VARCHAR), "abc%", null, false), b));
            assertEquals(List.of(1), selected(ev, new Expr.Like(col(0, DataType.VARCHAR), "abc%", null, true), b));
        }
    }
}
