package io.blueshift.sql.slt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A parsed {@code .slt} file: an optional {@code load tpch SF} directive and its records.
 * Records are separated by blank lines; {@code #} starts a comment line. Format errors name
 * the file and line.
 */
record SltFile(Path path, List<String> lines, Double tpchScale, List<SltRecord> records) {

    static final List<String> ENGINES = List.of("blueshift", "duckdb");

    String name() {
        return path.getFileName().toString();
    }

    static SltFile read(Path path) {
        try {
            return parse(path, Files.readAllLines(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    static SltFile parse(Path path, List<String> lines) {
        String name = path.getFileName().toString();
        List<SltRecord> records = new ArrayList<>();
        Double tpch = null;
        List<SltRecord.Skip> skips = new ArrayList<>();
        int skipLine = -1;
        int i = 0;
        while (i < lines.size()) {
            String raw = lines.get(i);
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                if (line.isEmpty() && !skips.isEmpty()) {
                    throw error(name, skipLine, "skipif is not followed by a record");
                }
                i++;
                continue;
            }
            String[] words = line.split("\\s+");
            switch (words[0]) {
                case "load" -> {
                    if (words.length != 3 || !words[1].equals("tpch")) {
                        throw error(name, i, "expected 'load tpch <scale factor>'");
                    }
                    tpch = Double.parseDouble(words[2]);
                    i++;
                }
                case "skipif" -> {
                    int hash = line.indexOf('#');
                    String engine = (hash < 0 ? line : line.substring(0, hash)).substring("skipif".length()).strip();
                    if (!ENGINES.contains(engine)) {
                        throw error(name, i, "skipif names an unknown engine '" + engine + "' (known: " + ENGINES + ")");
                    }
                    if (skips.isEmpty()) {
                        skipLine = i;
                    }
                    skips.add(new SltRecord.Skip(engine, hash < 0 ? "" : line.substring(hash + 1).strip()));
                    i++;
                }
                case "statement" -> {
                    int start = skips.isEmpty() ? i : skipLine;
                    String error;
                    if (words.length == 2 && words[1].equals("ok")) {
                        error = null;
                    } else if (words[1].equals("error")) {
                        error = line.substring(line.indexOf("error") + "error".length()).strip();
                    } else {
                        throw error(name, i, "expected 'statement ok' or 'statement error <message>'");
                    }
                    int from = ++i;
                    while (i < lines.size() && !lines.get(i).isBlank()) {
                        i++;
                    }
                    records.add(new SltRecord.Statement(name, start + 1, sql(name, lines, from, i), error, List.copyOf(skips)));
                    skips.clear();
                }
                case "query" -> {
                    int start = skips.isEmpty() ? i : skipLine;
                    if (words.length < 2 || words.length > 3 || !words[1].matches("[IRNTDB]+")
                            || (words.length == 3 && !words[2].equals("rowsort"))) {
                        throw error(name, i, "expected 'query <types of I R N T D B> [rowsort]'");
                    }
                    int header = i;
                    int from = ++i;
                    while (i < lines.size() && !lines.get(i).isBlank() && !lines.get(i).strip().equals("----")) {
                        i++;
                    }
                    String sql = sql(name, lines, from, i);
                    boolean separator = i < lines.size() && lines.get(i).strip().equals("----");
                    int rowsFrom = separator ? ++i : i;
                    while (i < lines.size() && !lines.get(i).isBlank()) {
                        i++;
                    }
                    List<String> expected = new ArrayList<>();
                    for (int r = rowsFrom; r < i; r++) {
                        expected.add(lines.get(r));
                    }
                    records.add(new SltRecord.Query(name, start + 1, words[1], words.length == 3, sql, List.copyOf(expected),
                            List.copyOf(skips), header, separator, rowsFrom, i));
                    skips.clear();
                }
                default -> throw error(name, i, "expected statement, query, skipif, load or a # comment, got '" + words[0] + "'");
            }
        }
        if (!skips.isEmpty()) {
            throw error(name, skipLine, "skipif is not followed by a record");
        }
        return new SltFile(path, List.copyOf(lines), tpch, List.copyOf(records));
    }

    private static String sql(String file, List<String> lines, int from, int to) {
        if (from >= to) {
            throw error(file, from - 1, "the record has no SQL");
        }
        return String.join("\n", lines.subList(from, to)).strip();
    }

    private static IllegalArgumentException error(String file, int index, String message) {
        return new IllegalArgumentException(String.format(Locale.ROOT, "%s:%d: %s", file, index + 1, message));
    }
}
