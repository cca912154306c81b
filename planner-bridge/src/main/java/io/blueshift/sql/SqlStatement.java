package io.blueshift.sql;

import io.blueshift.sql.SqlLexer.Kind;
import io.blueshift.sql.SqlLexer.Token;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The statements beyond queries, told apart by their heads; the query inside each is handed to
 * Calcite with the head blanked out (line breaks kept), so error positions still point into
 * the statement as written.
 * <ul>
 *   <li>{@code CREATE [OR REPLACE] VIEW [IF NOT EXISTS] name AS query}</li>
 *   <li>{@code CREATE [OR REPLACE] TABLE [IF NOT EXISTS] name AS query}</li>
 *   <li>{@code DROP VIEW|TABLE [IF EXISTS] name}</li>
 *   <li>{@code COPY (query) TO 'file' [WITH] [(FORMAT parquet, COMPRESSION zstd, HEADER, DELIMITER '|')]},
 *       also {@code COPY name TO ...}</li>
 *   <li>{@code SHOW TABLES}, {@code DESCRIBE name|query}</li>
 * </ul>
 */
public sealed interface SqlStatement {
    record Query(String sql) implements SqlStatement {}

    record CreateView(String name, boolean orReplace, boolean ifNotExists, String query) implements SqlStatement {}

    record CreateTable(String name, boolean orReplace, boolean ifNotExists, String query) implements SqlStatement {}

    record Drop(boolean view, String name, boolean ifExists) implements SqlStatement {}

    /** {@code options}: lower-case names; a bare option (HEADER) is "true". */
    record Copy(String query, String path, Map<String, String> options, int line, int column) implements SqlStatement {}

    /** {@code SHOW TABLES}: the tables and views, by name. */
    record ShowTables() implements SqlStatement {}

    /** {@code DESCRIBE name} or {@code DESCRIBE query}: the columns and their types. */
    record Describe(String query) implements SqlStatement {}

    static SqlStatement parse(String text) {
        List<Token> t = SqlLexer.tokenize(text);
        if (!t.isEmpty() && t.getLast().isSymbol(";")) {
            // a trailing ';' ends the statement; Calcite must not see it
            text = text.substring(0, t.getLast().start());
            t = t.subList(0, t.size() - 1);
        }
        if (t.isEmpty()) {
            throw new SqlException("empty statement");
        }
        Token head = t.getFirst();
        if (head.is("create")) {
            return create(text, t);
        }
        if (head.is("drop")) {
            return drop(t);
        }
        if (head.is("copy")) {
            return copy(text, t);
        }
        if (head.is("show") && t.size() == 2 && t.get(1).is("tables")) {
            return new ShowTables();
        }
        if ((head.is("describe") || head.is("desc")) && t.size() > 1) {
            String rest = text.substring(t.get(1).start()).strip();
            boolean query = t.get(1).is("select") || t.get(1).is("with") || t.get(1).isSymbol("(");
            return new Describe(query ? rest : "SELECT * FROM " + rest);
        }
        return new Query(text);
    }

    private static SqlStatement create(String text, List<Token> t) {
        int i = 1;
        boolean orReplace = false;
        if (i + 1 < t.size() && t.get(i).is("or") && t.get(i + 1).is("replace")) {
            orReplace = true;
            i += 2;
        }
        if (i < t.size() && (t.get(i).is("temp") || t.get(i).is("temporary"))) {
            i++;
        }
        boolean view;
        if (i < t.size() && t.get(i).is("view")) {
            view = true;
        } else if (i < t.size() && t.get(i).is("table")) {
            view = false;
        } else {
            throw expected(t, i, "VIEW or TABLE after CREATE");
        }
        i++;
        boolean ifNotExists = false;
        if (i + 2 < t.size() && t.get(i).is("if") && t.get(i + 1).is("not") && t.get(i + 2).is("exists")) {
            ifNotExists = true;
            i += 3;
        }
        if (orReplace && ifNotExists) {
            throw FileReferences.error(t.get(i - 1), "OR REPLACE and IF NOT EXISTS cannot both be given");
        }
        String name = name(t, i);
        i++;
        if (i >= t.size() || !t.get(i).is("as")) {
            throw expected(t, i, view ? "AS query after the view name (column lists are not supported)"
                    : "AS query after the table name (CREATE TABLE with column definitions is not supported yet)");
        }
        if (i + 1 >= t.size()) {
            throw expected(t, i + 1, "a query after AS");
        }
        String query = blankBefore(text, t.get(i + 1).start(), text.length());
        return view ? new CreateView(name, orReplace, ifNotExists, query) : new CreateTable(name, orReplace, ifNotExists, query);
    }

    private static SqlStatement drop(List<Token> t) {
        boolean view;
        if (t.size() > 1 && t.get(1).is("view")) {
            view = true;
        } else if (t.size() > 1 && t.get(1).is("table")) {
            view = false;
        } else {
            throw expected(t, 1, "VIEW or TABLE after DROP");
        }
        int i = 2;
        boolean ifExists = false;
        if (i + 1 < t.size() && t.get(i).is("if") && t.get(i + 1).is("exists")) {
            ifExists = true;
            i += 2;
        }
        String name = name(t, i);
        if (i + 1 < t.size()) {
            throw FileReferences.error(t.get(i + 1), "unexpected " + t.get(i + 1).text() + " after DROP " + (view ? "VIEW " : "TABLE ") + name);
        }
        return new Drop(view, name, ifExists);
    }

    private static SqlStatement copy(String text, List<Token> t) {
        int i = 1;
        String query;
        if (i < t.size() && t.get(i).isSymbol("(")) {
            int close = matching(t, i);
            if (close == i + 1) {
                throw expected(t, i + 1, "a query inside COPY ( )");
            }
            query = blankBefore(text, t.get(i + 1).start(), t.get(close).start());
            i = close + 1;
        } else {
            name(t, i);
            Token n = t.get(i);
            query = "SELECT * FROM " + text.substring(n.start(), n.end());
            i++;
        }
        if (i >= t.size() || !t.get(i).is("to")) {
            throw expected(t, i, "TO 'file' in COPY");
        }
        i++;
        if (i >= t.size() || t.get(i).kind() != Kind.STRING) {
            throw expected(t, i, "a file path in quotes after TO");
        }
        Token path = t.get(i);
        i++;
        if (i < t.size() && t.get(i).is("with")) {
            i++;
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (i < t.size()) {
            if (!t.get(i).isSymbol("(")) {
                throw expected(t, i, "(options) after the file path");
            }
            int close = matching(t, i);
            int k = i + 1;
            while (k < close) {
                Token opt = t.get(k);
                if (opt.kind() != Kind.WORD && opt.kind() != Kind.QUOTED) {
                    throw FileReferences.error(opt, "expected a COPY option name, found " + opt.text());
                }
                k++;
                StringBuilder value = new StringBuilder();
                while (k < close && !t.get(k).isSymbol(",")) {
                    value.append(t.get(k).value());
                    k++;
                }
                options.put(opt.value().toLowerCase(Locale.ROOT), value.isEmpty() ? "true" : value.toString());
                k++;
            }
            if (close + 1 < t.size()) {
                throw FileReferences.error(t.get(close + 1), "unexpected " + t.get(close + 1).text() + " after the COPY options");
            }
        }
        return new Copy(query, path.value(), options, path.line(), path.column());
    }

    private static int matching(List<Token> t, int open) {
        int depth = 0;
        for (int k = open; k < t.size(); k++) {
            if (t.get(k).isSymbol("(")) depth++;
            if (t.get(k).isSymbol(")") && --depth == 0) return k;
        }
        throw FileReferences.error(t.get(open), "unclosed parenthesis");
    }

    private static String name(List<Token> t, int i) {
        if (i >= t.size() || (t.get(i).kind() != Kind.WORD && t.get(i).kind() != Kind.QUOTED)) {
            throw expected(t, i, "a name");
        }
        Token n = t.get(i);
        return n.kind() == Kind.QUOTED ? n.value() : n.text().toLowerCase(Locale.ROOT);
    }

    private static SqlException expected(List<Token> t, int i, String what) {
        if (i < t.size()) {
            return FileReferences.error(t.get(i), "expected " + what + ", found " + t.get(i).text());
        }
        Token last = t.getLast();
        return new SqlException("syntax error at line " + last.line() + ", column " + (last.column() + last.text().length())
                + ": expected " + what + " at the end of the statement", last.line(), last.column(), null);
    }

    /** The text from {@code from} to {@code to}, with everything before it blanked to spaces (line breaks kept). */
    private static String blankBefore(String text, int from, int to) {
        StringBuilder sb = new StringBuilder(to);
        for (int k = 0; k < from; k++) {
            sb.append(text.charAt(k) == '\n' ? '\n' : ' ');
        }
        sb.append(text, from, to);
        return sb.toString();
    }
}
