package io.blueshift.api;

/**
 * Entry point for embedding Blueshift:
 * <pre>{@code
 * try (Session s = Blueshift.open(Options.defaults())) {
 *     s.loadTpch(0.1, null);
 *     try (QueryResult r = s.sql("SELECT l_returnflag, count(*) FROM lineitem GROUP BY 1")) {
 *         for (List<Object> row : r.rows()) System.out.println(row);
 *     }
 * }
 * }</pre>
 */
public final class Blueshift {
    private Blueshift() {}

    public static Session open(Options options) {
        return new Session(options);
    }

    public static Session open() {
        return new Session(Options.defaults());
    }
}
