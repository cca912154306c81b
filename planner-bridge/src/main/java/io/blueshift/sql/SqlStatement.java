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
 *   <li>{@code INSERT INTO}, {@code UPDATE}, {@code DELETE FROM} a table; {@code SET} / {@code RESET} a setting</li>
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

    /** A piece of the statement's text, by offsets: an expression or query the statement holds. */
    record Piece(int start, int end) {}

    /**
     * {@code INSERT INTO name [(columns)] query} (the query a SELECT, VALUES or WITH, blanked
     * before it as {@link Query}'s text is); {@code columns} is empty when not given.
     */
    record Insert(String text, String table, List<String> columns, List<Token> columnTokens, String query, Token at)
            implements SqlStatement {}

    /** {@code DELETE FROM name [[AS] alias] [WHERE condition]}; {@code where} null without WHERE. */
    record Delete(String text, String table, String alias, Piece where, Token at) implements SqlStatement {}

    /** One {@code column = expression} of an UPDATE. */
    record Assignment(String column, Token at, Piece value) {}

    /** {@code UPDATE name [[AS] alias] SET column = expression, ... [WHERE condition]}. */
    record Update(String text, String table, String alias, List<Assignment> set, Piece where, Token at)
            implements SqlStatement {}

    /**
     * {@code SET [SESSION|GLOBAL|LOCAL] name {=|TO} value}, {@code PRAGMA name = value} and
     * {@code RESET name} ({@code value} null): a session setting.
     */
    record SetOption(String name, String value, Token at) implements SqlStatement {}

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
        if (head.is("insert")) {
            return insert(text, t);
        }
        if (head.is("delete")) {
            return delete(text, t);
        }
        if (head.is("update")) {
            return update(text, t);
        }
        if (head.is("set") || head.is("reset") || head.is("pragma")) {
            return setOption(t);
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

    private static SqlStatement insert(String text, List<Token> t) {
        int i = 1;
        if (i < t.size() && t.get(i).is("or")) {
            throw FileReferences.error(t.get(i), "not supported: INSERT OR REPLACE / OR IGNORE (tables have no keys)");
        }
        if (i >= t.size() || !t.get(i).is("into")) {
            throw expected(t, i, "INTO after INSERT");
        }
        i++;
        String table = name(t, i);
        Token at = t.get(i);
        i++;
        List<String> columns = new java.util.ArrayList<>();
        List<Token> columnTokens = new java.util.ArrayList<>();
        if (i < t.size() && t.get(i).isSymbol("(") && !(i + 1 < t.size() && (t.get(i + 1).is("select") || t.get(i + 1).is("with")
                || t.get(i + 1).is("values") || t.get(i + 1).isSymbol("(")))) {
            int close = matching(t, i);
            for (int k = i + 1; k < close; k += 2) {
                columns.add(name(t, k));
                columnTokens.add(t.get(k));
                if (k + 1 < close && !t.get(k + 1).isSymbol(",")) {
                    throw expected(t, k + 1, "',' between the column names");
                }
            }
            i = close + 1;
        }
        if (i < t.size() && t.get(i).is("by")) {
            throw FileReferences.error(t.get(i), "not supported: INSERT ... BY NAME (list the columns instead)");
        }
        if (i < t.size() && t.get(i).is("default")) {
            throw FileReferences.error(t.get(i), "not supported: DEFAULT VALUES");
        }
        if (i >= t.size() || !(t.get(i).is("select") || t.get(i).is("with") || t.get(i).is("values") || t.get(i).isSymbol("("))) {
            throw expected(t, i, "VALUES (...) or a query after the table name");
        }
        for (int k = i; k < t.size(); k++) {
            if (t.get(k).is("returning") || (t.get(k).is("on") && k + 1 < t.size() && t.get(k + 1).is("conflict"))) {
                throw FileReferences.error(t.get(k), "not supported: " + (t.get(k).is("on") ? "ON CONFLICT" : "RETURNING") + " in INSERT");
            }
        }
        return new Insert(text, table, columns, columnTokens, blankBefore(text, t.get(i).start(), text.length()), at);
    }

    private static SqlStatement delete(String text, List<Token> t) {
        if (t.size() < 2 || !t.get(1).is("from")) {
            throw expected(t, 1, "FROM after DELETE");
        }
        String table = name(t, 2);
        Token at = t.get(2);
        int i = 3;
        String alias = alias(t, i, "where", "using", "returning");
        i += alias == null ? 0 : t.get(i).is("as") ? 2 : 1;
        if (i < t.size() && (t.get(i).is("using") || t.get(i).is("returning"))) {
            throw FileReferences.error(t.get(i), "not supported: " + t.get(i).text().toUpperCase(Locale.ROOT) + " in DELETE");
        }
        Piece where = null;
        if (i < t.size()) {
            if (!t.get(i).is("where")) {
                throw expected(t, i, "WHERE or the end of the statement");
            }
            if (i + 1 >= t.size()) {
                throw expected(t, i + 1, "a condition after WHERE");
            }
            where = new Piece(t.get(i + 1).start(), text.length());
        }
        return new Delete(text, table, alias, where, at);
    }

    /** A table's alias at {@code i} ({@code [AS] name}), or null when a word of {@code stops} (or nothing) is there. */
    private static String alias(List<Token> t, int i, String... stops) {
        if (i < t.size() && t.get(i).is("as")) {
            return name(t, i + 1);
        }
        if (i >= t.size() || (t.get(i).kind() != Kind.WORD && t.get(i).kind() != Kind.QUOTED)) {
            return null;
        }
        for (String stop : stops) {
            if (t.get(i).is(stop)) {
                return null;
            }
        }
        return name(t, i);
    }

    private static SqlStatement update(String text, List<Token> t) {
        String table = name(t, 1);
        Token at = t.get(1);
        int i = 2;
        String alias = alias(t, i, "set");
        i += alias == null ? 0 : t.get(i).is("as") ? 2 : 1;
        if (i >= t.size() || !t.get(i).is("set")) {
            throw expected(t, i, "SET after the table name");
        }
        i++;
        List<Assignment> set = new java.util.ArrayList<>();
        Piece where = null;
        while (true) {
            String column = name(t, i);
            Token col = t.get(i);
            i++;
            if (i < t.size() && t.get(i).isSymbol(".")) {
                throw FileReferences.error(t.get(i), "write the column to SET without its table");
            }
            if (i >= t.size() || !t.get(i).isSymbol("=")) {
                throw expected(t, i, "'=' after the column name");
            }
            i++;
            int start = i;
            int depth = 0;
            while (i < t.size()) {
                Token k = t.get(i);
                if (k.isSymbol("(")) {
                    depth++;
                } else if (k.isSymbol(")")) {
                    depth--;
                } else if (depth == 0 && (k.isSymbol(",") || k.is("where") || k.is("from") || k.is("returning"))) {
                    break;
                }
                i++;
            }
            if (i == start) {
                throw expected(t, i, "an expression after '='");
            }
            set.add(new Assignment(column, col, new Piece(t.get(start).start(), t.get(i - 1).end())));
            if (i < t.size() && t.get(i).isSymbol(",")) {
                i++;
                continue;
            }
            break;
        }
        if (i < t.size() && (t.get(i).is("from") || t.get(i).is("returning"))) {
            throw FileReferences.error(t.get(i), "not supported: " + t.get(i).text().toUpperCase(Locale.ROOT) + " in UPDATE");
        }
        if (i < t.size()) {
            if (i + 1 >= t.size()) {
                throw expected(t, i + 1, "a condition after WHERE");
            }
            where = new Piece(t.get(i + 1).start(), text.length());
        }
        return new Update(text, table, alias, set, where, at);
    }

    private static SqlStatement setOption(List<Token> t) {
        boolean reset = t.getFirst().is("reset");
        int i = 1;
        if (i < t.size() && (t.get(i).is("session") || t.get(i).is("global") || t.get(i).is("local"))) {
            i++;
        }
        String name = name(t, i);
        Token at = t.get(i);
        i++;
        if (reset) {
            if (i < t.size()) {
                throw FileReferences.error(t.get(i), "unexpected " + t.get(i).text() + " after RESET " + name);
            }
            return new SetOption(name, null, at);
        }
        if (i < t.size() && (t.get(i).isSymbol("=") || t.get(i).is("to"))) {
            i++;
        } else if (t.getFirst().is("pragma") && i < t.size() && t.get(i).isSymbol("(") && t.getLast().isSymbol(")")) {
            i++;
            t = t.subList(0, t.size() - 1);
        } else {
            throw expected(t, i, "'=' or TO after the setting's name");
        }
        if (i + 1 != t.size()) {
            throw expected(t, Math.min(i, t.size()), "one value");
        }
        return new SetOption(name, t.get(i).value(), at);
    }

    private static int matching(List<Token> t, int open) {
        int close = SqlLexer.matching(t, open);
        if (close < 0) {
            throw FileReferences.error(t.get(open), "unclosed parenthesis");
        }
        return close;
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
