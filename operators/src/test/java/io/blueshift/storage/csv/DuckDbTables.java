package io.blueshift.storage.csv;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.storage.Table;
import io.blueshift.storage.TableBlock;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** DuckDB (test scope) as the oracle for file readers: runs SQL, compares a table value by value. */
public final class DuckDbTables {
    private DuckDbTables() {}

    public static void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Asserts that {@code t} holds the rows of {@code SELECT * FROM source} in DuckDB, in order. */
    public static void assertSame(String source, Table t) throws SQLException {
        List<String> exprs = new ArrayList<>();
        for (int c = 0; c < t.schema().size(); c++) {
            String col = "\"" + t.schema().field(c).name() + "\"";
            exprs.add(switch (t.schema().type(c)) {
                case DataType.DateType d -> "(" + col + " - DATE '1970-01-01')::BIGINT";
                case DataType.TimestampType ts -> "epoch_us(" + col + "::TIMESTAMP)";
                case DataType.Float64Type f -> col + "::DOUBLE";
                case DataType.Int32Type i -> col + "::BIGINT";
                default -> col;
            });
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + String.join(", ", exprs) + " FROM " + source)) {
            int blockIndex = 0;
            int rowInBlock = 0;
            long row = 0;
            while (rs.next()) {
                while (blockIndex < t.blocks().size() && t.blocks().get(blockIndex).rowCount() == rowInBlock) {
                    blockIndex++;
                    rowInBlock = 0;
                }
                if (blockIndex == t.blocks().size()) {
                    fail("DuckDB has more rows than our " + t.rowCount());
                }
                TableBlock b = t.blocks().get(blockIndex);
                for (int col = 0; col < t.schema().size(); col++) {
                    Object expected = normalize(rs.getObject(col + 1));
                    Object actual = ours(b.column(col), rowInBlock);
                    if (!Objects.equals(expected, actual)) {
                        fail("row " + row + ", column " + t.schema().field(col).name() + ": DuckDB " + expected + ", ours " + actual);
                    }
                }
                rowInBlock++;
                row++;
            }
            assertEquals(t.rowCount(), row, "row count");
        }
    }

    static Object normalize(Object v) {
        return switch (v) {
            case null -> null;
            case Integer i -> i.longValue();
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case Float f -> f.doubleValue();
            case BigDecimal d -> d;
            case java.math.BigInteger b -> b.longValueExact();
            default -> v;
        };
    }

    static Object ours(ColumnVector v, int row) {
        if (v.isNull(row)) {
            return null;
        }
        return switch (v.type()) {
            case DataType.DateType d -> (long) v.getInt(row);
            case DataType.Int32Type i -> (long) v.getInt(row);
            default -> v.getObject(row);
        };
    }
}
