package io.blueshift.cli;

import java.util.ArrayList;
import java.util.List;

/** Splits SQL text into statements at ';' outside quotes and comments. */
final class SqlScripts {
    private SqlScripts() {}

    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!single && !dbl && c == '-' && i + 1 < text.length() && text.charAt(i + 1) == '-') {
                int nl = text.indexOf('\n', i);
                i = nl < 0 ? text.length() : nl;
                cur.append('\n');
                continue;
            }
            if (!single && !dbl && c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '*') {
                // a block comment may hold ';' and quotes; keep its line breaks for error positions
                int close = text.indexOf("*/", i + 2);
                int end = close < 0 ? text.length() : close + 2;
                for (int k = i; k < end; k++) {
                    cur.append(text.charAt(k) == '\n' ? '\n' : ' ');
                }
                i = end - 1;
                continue;
            }
            if (c == '\'' && !dbl) single = !single;
            else if (c == '"' && !single) dbl = !dbl;
            if (c == ';' && !single && !dbl) {
                add(out, cur);
                continue;
            }
            cur.append(c);
        }
        add(out, cur);
        return out;
    }

    /** True when the text so far ends a statement (a ';' outside quotes at the end). */
    static boolean complete(String text) {
        String t = text.strip();
        if (!t.endsWith(";")) {
            return false;
        }
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '\'' && !dbl) single = !single;
            else if (c == '"' && !single) dbl = !dbl;
        }
        return !single && !dbl;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String s = cur.toString().strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
        cur.setLength(0);
    }
}
