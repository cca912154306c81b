package io.blueshift.bench.tpch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The 22 TPC-H queries with the specification's validation parameters, one resource file each
 * ({@code queries/q01.sql} .. {@code q22.sql} beside this class). The text is the standard
 * text as DuckDB runs it: DATE literals with the interval arithmetic already done, Q15's view
 * as a common table expression, no trailing semicolon.
 */
public final class TpchQueries {
    public static final int FIRST = 1;
    public static final int LAST = 22;

    private static final Pattern ORDER_BY = Pattern.compile("(?i)\\border\\s+by\\b");

    private TpchQueries() {
    }

    /** Query numbers 1..22. */
    public static List<Integer> all() {
        return IntStream.rangeClosed(FIRST, LAST).boxed().toList();
    }

    /** The SQL text of query {@code n} (1..22). */
    public static String sql(int n) {
        if (n < FIRST || n > LAST) {
            throw new IllegalArgumentException("unknown TPC-H query " + n + "; valid are " + FIRST + ".." + LAST);
        }
        String resource = String.format(Locale.ROOT, "queries/q%02d.sql", n);
        try (InputStream in = TpchQueries.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("TPC-H query resource " + resource + " is missing from the classpath");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            return text.endsWith(";") ? text.substring(0, text.length() - 1).stripTrailing() : text;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }

    /** True when the query's result order is defined (it ends with ORDER BY), so compare in order. */
    public static boolean ordered(int n) {
        return ORDER_BY.matcher(sql(n)).find();
    }
}
