package io.blueshift.cli;

import io.blueshift.memory.DataType;
import io.blueshift.memory.Schema;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/** Prints rows as an aligned table: numbers right-aligned, NULL spelled out. */
final class ResultPrinter {
    private ResultPrinter() {}

    static void print(Schema schema, List<List<Object>> rows, PrintStream out) {
        int cols = schema.size();
        List<String[]> cells = new ArrayList<>();
        String[] header = new String[cols];
        int[] width = new int[cols];
        for (int c = 0; c < cols; c++) {
            header[c] = schema.field(c).name();
            width[c] = header[c].length();
        }
        for (List<Object> row : rows) {
            String[] line = new String[cols];
            for (int c = 0; c < cols; c++) {
                line[c] = format(row.get(c), schema.type(c));
                width[c] = Math.max(width[c], line[c].length());
            }
            cells.add(line);
        }
        StringBuilder sep = new StringBuilder("+");
        for (int c = 0; c < cols; c++) {
            sep.append("-".repeat(width[c] + 2)).append('+');
        }
        out.println(sep);
        out.println(line(header, width, schema, true));
        out.println(sep);
        for (String[] line : cells) {
            out.println(line(line, width, schema, false));
        }
        out.println(sep);
    }

    private static String line(String[] cells, int[] width, Schema schema, boolean header) {
        StringBuilder sb = new StringBuilder("|");
        for (int c = 0; c < cells.length; c++) {
            boolean right = !header && isNumeric(schema.type(c));
            String cell = cells[c];
            String pad = " ".repeat(width[c] - cell.length());
            sb.append(' ').append(right ? pad + cell : cell + pad).append(" |");
        }
        return sb.toString();
    }

    private static boolean isNumeric(DataType t) {
        return t instanceof DataType.Int32Type || t instanceof DataType.Int64Type
                || t instanceof DataType.Float64Type || t instanceof DataType.DecimalType;
    }

    /** A value for display; TIMESTAMP columns (microseconds) as {@code 2024-05-01 13:45:10.5}. */
    static String format(Object v, DataType type) {
        if (type instanceof DataType.TimestampType && v instanceof Long micros) {
            return io.blueshift.storage.csv.CsvTextFormat.timestamp(micros);
        }
        return format(v);
    }

    static String format(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                return d.toString();
            }
            return new BigDecimal(d).round(MathContext.DECIMAL64).stripTrailingZeros().toPlainString();
        }
        return v.toString();
    }
}
