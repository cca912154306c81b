package io.blueshift.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A query made of our own text and pieces of the user's statement (UPDATE's expressions,
 * DELETE's condition): an error Calcite reports at a line and column of the made query is
 * reported at the place in the statement the user wrote.
 */
public final class Spliced {
    private final String original;
    private final StringBuilder sql = new StringBuilder();
    /** Per piece of the user's text: its start in the made query, its end there, its start in the original. */
    private final List<int[]> pieces = new ArrayList<>();

    public Spliced(String original) {
        this.original = original;
    }

    /** Our own text. */
    public Spliced add(String text) {
        sql.append(text);
        return this;
    }

    /** A piece of the user's statement, as written. */
    public Spliced add(SqlStatement.Piece piece) {
        int at = sql.length();
        sql.append(original, piece.start(), piece.end());
        pieces.add(new int[] {at, sql.length(), piece.start()});
        return this;
    }

    public String sql() {
        return sql.toString();
    }

    private static final Pattern POSITION = Pattern.compile("line (\\d+), column (\\d+)");

    /** The error with its position moved from the made query to the statement, when it lies in a piece of the statement. */
    public SqlException remap(SqlException e) {
        if (e.line() <= 0) {
            return e;
        }
        int offset = offset(sql, e.line(), e.column());
        for (int[] p : pieces) {
            if (offset >= p[0] && offset < p[1]) {
                int orig = p[2] + (offset - p[0]);
                int line = 1;
                int lineStart = 0;
                for (int k = 0; k < orig; k++) {
                    if (original.charAt(k) == '\n') {
                        line++;
                        lineStart = k + 1;
                    }
                }
                int column = orig - lineStart + 1;
                Matcher m = POSITION.matcher(e.getMessage());
                String message = m.find() ? m.replaceFirst("line " + line + ", column " + column) : e.getMessage();
                return new SqlException(message, line, column, e.getCause());
            }
        }
        return e;
    }

    private static int offset(CharSequence text, int line, int column) {
        int l = 1;
        int k = 0;
        while (l < line && k < text.length()) {
            if (text.charAt(k++) == '\n') {
                l++;
            }
        }
        return k + column - 1;
    }
}
