package io.blueshift.cli;

import io.blueshift.memory.DataType;
import io.blueshift.memory.Schema;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.List;

/** Machine-readable result output: CSV (header row, NULL as empty) and JSON (array of objects). */
final class ResultFormats {
    private ResultFormats() {}

    static void csv(Schema schema, List<List<Object>> rows, PrintStream out) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < schema.size(); c++) {
            if (c > 0) sb.append(',');
            sb.append(csvCell(schema.field(c).name()));
        }
        out.println(sb);
        for (List<Object> row : rows) {
            sb.setLength(0);
            for (int c = 0; c < row.size(); c++) {
                if (c > 0) sb.append(',');
                Object v = row.get(c);
                if (v != null) {
                    sb.append(csvCell(ResultPrinter.format(v, schema.type(c))));
                }
            }
            out.println(sb);
        }
    }

    private static String csvCell(String s) {
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    static void json(Schema schema, List<List<Object>> rows, PrintStream out) {
        StringBuilder sb = new StringBuilder("[");
        for (int r = 0; r < rows.size(); r++) {
            sb.append(r == 0 ? "\n  {" : ",\n  {");
            List<Object> row = rows.get(r);
            for (int c = 0; c < row.size(); c++) {
                if (c > 0) sb.append(", ");
                sb.append(jsonString(schema.field(c).name())).append(": ");
                Object v = row.get(c);
                DataType t = schema.type(c);
                if (v == null) {
                    sb.append("null");
                } else if (t instanceof DataType.TimestampType) {
                    sb.append(jsonString(ResultPrinter.format(v, t)));
                } else if (v instanceof Boolean || v instanceof Long || v instanceof Integer) {
                    sb.append(v);
                } else if (v instanceof BigDecimal d) {
                    sb.append(d.toPlainString());
                } else if (v instanceof Double d) {
                    sb.append(d.isNaN() || d.isInfinite() ? jsonString(d.toString()) : ResultPrinter.format(d));
                } else {
                    sb.append(jsonString(v.toString()));
                }
            }
            sb.append('}');
        }
        sb.append(rows.isEmpty() ? "]" : "\n]");
        out.println(sb);
    }

    static String jsonString(String s) {
        return io.blueshift.hwprofiles.Json.quote(s);
    }
}
