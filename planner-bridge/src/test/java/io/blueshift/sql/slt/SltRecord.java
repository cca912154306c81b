package io.blueshift.sql.slt;

import java.util.List;

/**
 * One case of a {@code .slt} file. {@code line} is the 1-based line of its first line (the
 * first {@code skipif} or the {@code statement}/{@code query} header); {@code skips} are the
 * engines ({@code blueshift}, {@code duckdb}) it is not run on, with the reasons given.
 */
sealed interface SltRecord {
    String file();

    int line();

    String sql();

    List<Skip> skips();

    /** An engine a record is not run on, and why ({@code skipif ENGINE # reason}). */
    record Skip(String engine, String reason) {
    }

    /** {@code statement ok}, or {@code statement error <substring of the message>} when {@code error} is not null. */
    record Statement(String file, int line, String sql, String error, List<Skip> skips) implements SltRecord {
    }

    /**
     * {@code query <types> [rowsort]}, the SQL, {@code ----}, the expected rows. The line
     * indexes (0-based, into the file's lines) let complete mode rewrite the header and rows:
     * {@code header} is the query line, rows span {@code [rowsFrom, rowsTo)}, and
     * {@code separator} is false when the record has no {@code ----} yet.
     */
    record Query(String file, int line, String types, boolean rowsort, String sql, List<String> expected,
                 List<Skip> skips, int header, boolean separator, int rowsFrom, int rowsTo) implements SltRecord {
    }

    default boolean skipped(String engine) {
        return skips().stream().anyMatch(s -> s.engine().equals(engine));
    }

    default String skipReason(String engine) {
        return skips().stream().filter(s -> s.engine().equals(engine)).map(Skip::reason).findFirst().orElse("");
    }

    default String where() {
        return file() + ":" + line();
    }
}
