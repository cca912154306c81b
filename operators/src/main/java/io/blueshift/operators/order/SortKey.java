package io.blueshift.operators.order;

/** One ORDER BY key: a column of the input, its direction, and where NULLs go. */
public record SortKey(int column, boolean ascending, boolean nullsFirst) {
    /** SQL's default: ASC NULLS LAST, DESC NULLS FIRST (as DuckDB and PostgreSQL). */
    public static SortKey asc(int column) { return new SortKey(column, true, false); }
    public static SortKey desc(int column) { return new SortKey(column, false, true); }
}
