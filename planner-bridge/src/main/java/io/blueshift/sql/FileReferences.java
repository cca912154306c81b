package io.blueshift.sql;

import io.blueshift.sql.SqlLexer.Kind;
import io.blueshift.sql.SqlLexer.Token;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Finds the file references in a query, which Calcite's grammar does not accept, and puts a
 * generated table name in their place: a string literal where a table belongs
 * ({@code FROM 'data/*.parquet'}, also after JOIN and after a comma in a FROM list) and the
 * table functions {@code read_parquet(...)}, {@code read_csv(...)}, {@code read_arrow(...)}
 * with DuckDB-style named arguments ({@code header => true, delim => '|'}). The tokenizer
 * respects quotes and comments. The replacement is padded to the reference's own length and
 * keeps its line breaks, so Calcite's line and column numbers still point into the user's text.
 */
final class FileReferences {
    /** The functions that read files, by lower-case name, with the format each reads. */
    static final Map<String, String> FUNCTIONS = Map.of(
            "read_parquet", "parquet", "parquet_scan", "parquet",
            "read_csv", "csv", "read_csv_auto", "csv",
            "read_arrow", "arrow");

    /**
     * One reference: the table name put in its place, the format ("parquet", "csv", "arrow",
     * or null when it is to be told from the extension), the paths or globs, the named options
     * (lower-case names, values as written, strings unquoted) and where it is in the text.
     */
    record FileRef(String name, String format, List<String> paths, Map<String, String> options, int line, int column, String text) {
        String where() {
            return line > 0 ? "line " + line + ", column " + column : "";
        }
    }

    record Rewritten(String sql, List<FileRef> refs) {}

    /**
     * The table functions that generate integers ({@link SeriesTable}); their references have
     * the function's name as format and the integer arguments as paths.
     */
    static final Set<String> SERIES = Set.of("range", "generate_series");

    static boolean isSeries(FileRef ref) {
        return ref.format() != null && SERIES.contains(ref.format());
    }

    private static final Set<String> CLAUSES = Set.of("select", "from", "where", "group", "having", "order", "limit",
            "offset", "fetch", "union", "intersect", "except", "minus", "window", "qualify", "values");

    private FileReferences() {}

    /**
     * Rewrites {@code sql}; names are {@code prefix} plus a number, skipping those {@code taken}
     * says are in use.
     */
    static Rewritten rewrite(String sql, String prefix, Predicate<String> taken) {
        List<Token> toks = SqlLexer.tokenize(sql);
        List<FileRef> refs = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        int copied = 0;
        List<String> clause = new ArrayList<>();
        clause.add("");
        int counter = 0;
        boolean fromClause = false;
        for (int i = 0; i < toks.size(); i++) {
            Token t = toks.get(i);
            int depth = clause.size() - 1;
            if (t.isSymbol("(")) {
                clause.add("");
                continue;
            }
            if (t.isSymbol(")")) {
                if (clause.size() > 1) {
                    clause.removeLast();
                }
                continue;
            }
            if (t.is("from")) {
                // a FROM clause follows a SELECT list at the same depth; FROM inside TRIM(...),
                // EXTRACT(...), SUBSTRING(...) or IS [NOT] DISTINCT FROM is not one
                boolean distinct = i > 0 && toks.get(i - 1).is("distinct") && i > 1 && (toks.get(i - 2).is("is") || toks.get(i - 2).is("not"));
                fromClause = clause.get(depth).equals("select") && !distinct;
                if (fromClause) {
                    clause.set(depth, "from");
                }
                continue;
            }
            if (t.kind() == Kind.WORD && CLAUSES.contains(t.text().toLowerCase(Locale.ROOT))) {
                clause.set(depth, t.text().toLowerCase(Locale.ROOT));
                continue;
            }
            Token prev = i > 0 ? toks.get(i - 1) : null;
            boolean inFrom = clause.get(depth).equals("from");
            boolean itemPosition = prev != null && ((prev.is("from") && fromClause)
                    || (prev.is("join") && inFrom) || (prev.isSymbol(",") && inFrom));
            if (!itemPosition) {
                continue;
            }
            int end;
            String format;
            List<String> paths = new ArrayList<>();
            Map<String, String> options = new LinkedHashMap<>();
            if (t.kind() == Kind.STRING) {
                end = i;
                format = null;
                paths.add(t.value());
            } else if (t.kind() == Kind.WORD && FUNCTIONS.containsKey(t.text().toLowerCase(Locale.ROOT))
                    && i + 1 < toks.size() && toks.get(i + 1).isSymbol("(")) {
                format = FUNCTIONS.get(t.text().toLowerCase(Locale.ROOT));
                end = arguments(toks, i, paths, options);
            } else if (t.kind() == Kind.WORD && SERIES.contains(t.text().toLowerCase(Locale.ROOT))
                    && i + 1 < toks.size() && toks.get(i + 1).isSymbol("(")) {
                format = t.text().toLowerCase(Locale.ROOT);
                end = seriesArguments(toks, i, paths);
            } else {
                continue;
            }
            String name;
            do {
                name = prefix + (++counter);
            } while (taken.test(name));
            int from = t.start();
            int to = toks.get(end).end();
            String original = sql.substring(from, to);
            refs.add(new FileRef(name, format, List.copyOf(paths), Map.copyOf(options), t.line(), t.column(), original));
            out.append(sql, copied, from);
            out.append(padded(name, original));
            copied = to;
            i = end;
        }
        out.append(sql, copied, sql.length());
        return new Rewritten(out.toString(), List.copyOf(refs));
    }

    /** The name, then spaces and the original's line breaks, so later positions do not move. */
    private static String padded(String name, String original) {
        StringBuilder sb = new StringBuilder(name);
        int lineBreak = original.indexOf('\n');
        int firstLine = lineBreak < 0 ? original.length() : lineBreak;
        for (int k = name.length(); k < firstLine; k++) {
            sb.append(' ');
        }
        if (lineBreak >= 0) {
            int lastBreak = original.lastIndexOf('\n');
            for (int k = lineBreak; k <= lastBreak; k++) {
                if (original.charAt(k) == '\n') {
                    sb.append('\n');
                }
            }
            for (int k = lastBreak + 1; k < original.length(); k++) {
                sb.append(' ');
            }
        }
        return sb.toString();
    }

    /** Parses {@code fn(args)} from token {@code i} (the name); returns the index of the closing parenthesis. */
    private static int arguments(List<Token> toks, int i, List<String> paths, Map<String, String> options) {
        Token fn = toks.get(i);
        int k = i + 2;
        boolean first = true;
        while (true) {
            if (k >= toks.size()) {
                throw error(fn, "unclosed argument list of " + fn.text());
            }
            Token t = toks.get(k);
            if (t.isSymbol(")")) {
                if (paths.isEmpty()) {
                    throw error(fn, fn.text() + " needs a file path or glob as its first argument");
                }
                return k;
            }
            if (!first) {
                if (!t.isSymbol(",")) {
                    throw error(t, "expected ',' or ')' in the arguments of " + fn.text() + ", found " + t.text());
                }
                k++;
                t = k < toks.size() ? toks.get(k) : t;
            }
            if (first) {
                if (t.kind() == Kind.STRING) {
                    paths.add(t.value());
                    k++;
                } else if (t.isSymbol("[")) {
                    k++;
                    while (k < toks.size() && !toks.get(k).isSymbol("]")) {
                        Token p = toks.get(k);
                        if (p.kind() == Kind.STRING) {
                            paths.add(p.value());
                        } else if (!p.isSymbol(",")) {
                            throw error(p, "expected a list of file paths in the arguments of " + fn.text() + ", found " + p.text());
                        }
                        k++;
                    }
                    k++;
                } else {
                    throw error(t, fn.text() + " needs a file path or glob (a string) as its first argument, found " + t.text());
                }
                first = false;
                continue;
            }
            // name => value, or name = value
            if (t.kind() != Kind.WORD && t.kind() != Kind.QUOTED) {
                throw error(t, "expected a named argument (name => value) in " + fn.text() + ", found " + t.text());
            }
            String name = t.value().toLowerCase(Locale.ROOT);
            if (k + 2 >= toks.size() || !(toks.get(k + 1).isSymbol("=>") || toks.get(k + 1).isSymbol("=") || toks.get(k + 1).isSymbol(":="))) {
                throw error(t, "expected '=>' after the argument name " + t.text() + " of " + fn.text());
            }
            Token v = toks.get(k + 2);
            String value;
            if (v.isSymbol("-") && k + 3 < toks.size() && toks.get(k + 3).kind() == Kind.NUMBER) {
                value = "-" + toks.get(k + 3).text();
                k++;
            } else if (v.kind() == Kind.STRING || v.kind() == Kind.NUMBER || v.kind() == Kind.WORD) {
                value = v.value();
            } else if (v.isSymbol("{")) {
                int close = k + 2;
                while (close < toks.size() && !toks.get(close).isSymbol("}")) {
                    close++;
                }
                if (close >= toks.size()) {
                    throw error(v, "unclosed { in the value of " + t.text());
                }
                StringBuilder raw = new StringBuilder();
                for (int x = k + 2; x <= close; x++) {
                    raw.append(toks.get(x).text()).append(' ');
                }
                value = raw.toString().strip();
                k += close - (k + 2);
            } else {
                throw error(v, "the value of " + t.text() + " in " + fn.text() + " must be a string, number or true/false, found " + v.text());
            }
            if (options.put(name, value) != null) {
                throw error(t, "argument " + t.text() + " given twice to " + fn.text());
            }
            k += 3;
        }
    }

    /** Parses {@code range(a, b, c)}'s integer constants (signs allowed) from token {@code i}; returns the index of ')'. */
    private static int seriesArguments(List<Token> toks, int i, List<String> args) {
        Token fn = toks.get(i);
        int k = i + 2;
        while (true) {
            if (k >= toks.size()) {
                throw error(fn, "unclosed argument list of " + fn.text());
            }
            Token t = toks.get(k);
            if (t.isSymbol(")") && args.isEmpty()) {
                throw error(fn, fn.text() + " needs 1 to 3 integer arguments: (stop), (start, stop) or (start, stop, step)");
            }
            String sign = "";
            if (t.isSymbol("-") || t.isSymbol("+")) {
                sign = t.text();
                k++;
                t = k < toks.size() ? toks.get(k) : t;
            }
            if (t.kind() != Kind.NUMBER || !t.text().chars().allMatch(Character::isDigit)) {
                throw error(t, "not supported: " + fn.text() + " with an argument other than an integer constant (found " + t.text() + ")");
            }
            try {
                args.add(String.valueOf(Long.parseLong(sign.equals("-") ? "-" + t.text() : t.text())));
            } catch (NumberFormatException e) {
                throw error(t, "the argument " + t.text() + " of " + fn.text() + " is out of the BIGINT range");
            }
            k++;
            Token next = k < toks.size() ? toks.get(k) : null;
            if (next != null && next.isSymbol(")")) {
                if (args.size() > 3) {
                    throw error(fn, fn.text() + " takes 1 to 3 integer arguments, got " + args.size());
                }
                return k;
            }
            if (next == null || !next.isSymbol(",")) {
                throw error(next == null ? fn : next, "not supported: " + fn.text()
                        + " with an argument other than an integer constant" + (next == null ? "" : " (found " + next.text() + ")"));
            }
            k++;
        }
    }

    /** A struct value {@code {'name': 'TYPE', ...}} as written, to its entries in order. */
    static Map<String, String> struct(String raw) {
        List<Token> toks = SqlLexer.tokenize(raw);
        Map<String, String> out = new LinkedHashMap<>();
        if (toks.isEmpty() || !toks.getFirst().isSymbol("{") || !toks.getLast().isSymbol("}")) {
            throw new SqlException("expected {'name': 'TYPE', ...}, got " + raw);
        }
        int k = 1;
        while (k + 2 < toks.size()) {
            Token name = toks.get(k);
            Token colon = toks.get(k + 1);
            Token type = toks.get(k + 2);
            if ((name.kind() != Kind.STRING && name.kind() != Kind.QUOTED && name.kind() != Kind.WORD) || !colon.isSymbol(":")
                    || (type.kind() != Kind.STRING && type.kind() != Kind.WORD)) {
                throw new SqlException("expected {'name': 'TYPE', ...}, got " + raw);
            }
            out.put(name.value(), type.value());
            k += 3;
            if (toks.get(k).isSymbol(",")) {
                k++;
            }
        }
        return out;
    }

    static SqlException error(Token at, String message) {
        return new SqlException("error at line " + at.line() + ", column " + at.column() + ": " + message, at.line(), at.column(), null);
    }
}
