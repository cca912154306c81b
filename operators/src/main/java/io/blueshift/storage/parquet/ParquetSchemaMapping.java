package io.blueshift.storage.parquet;

import io.blueshift.memory.DataType;
import io.blueshift.storage.parquet.ParquetColumn.Conversion;
import org.apache.parquet.format.ConvertedType;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.LogicalType;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.TimeUnit;
import org.apache.parquet.format.Type;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps a Parquet schema (the footer's flattened tree) to engine columns. Nested and repeated
 * columns are listed with {@code null} mapping so their leaves keep their chunk positions;
 * asking for one is a "not supported yet" error.
 */
final class ParquetSchemaMapping {
    /** A top-level field: either a flat column or the reason it cannot be read yet. */
    record TopLevel(String name, ParquetColumn column, String unsupported) {}

    private ParquetSchemaMapping() {}

    static List<TopLevel> map(Path file, List<SchemaElement> elements) {
        if (elements == null || elements.isEmpty()) {
            throw new ParquetException(file, null, -1, "footer has an empty schema");
        }
        SchemaElement root = elements.get(0);
        int children = root.isSetNum_children() ? root.getNum_children() : 0;
        if (children < 0 || children > elements.size() - 1) {
            throw new ParquetException(file, null, -1, "schema root claims " + children + " fields but the footer lists "
                    + (elements.size() - 1) + " schema elements");
        }
        List<TopLevel> out = new ArrayList<>(children);
        int[] cursor = {1};
        int[] leaves = {0};
        for (int c = 0; c < children; c++) {
            if (cursor[0] >= elements.size()) {
                throw new ParquetException(file, null, -1, "schema tree ends early");
            }
            SchemaElement e = elements.get(cursor[0]);
            String name = e.getName();
            boolean nested = e.isSetNum_children() && e.getNum_children() > 0
                    || e.isSetRepetition_type() && e.getRepetition_type() == FieldRepetitionType.REPEATED;
            if (nested) {
                skipSubtree(file, elements, cursor, leaves, 0);
                out.add(new TopLevel(name, null, "not supported yet: nested column " + name));
                continue;
            }
            cursor[0]++;
            int leaf = leaves[0]++;
            String unsupported = null;
            ParquetColumn col = null;
            try {
                col = mapLeaf(e, leaf);
            } catch (UnsupportedOperationException ex) {
                unsupported = ex.getMessage();
            }
            out.add(new TopLevel(name, col, unsupported));
        }
        return out;
    }

    /** Total number of leaf columns (chunks per row group) in the schema. */
    static int leafCount(Path file, List<SchemaElement> elements) {
        int[] cursor = {1};
        int[] leaves = {0};
        int children = elements.get(0).getNum_children();
        for (int c = 0; c < children; c++) {
            skipSubtree(file, elements, cursor, leaves, 0);
        }
        return leaves[0];
    }

    private static void skipSubtree(Path file, List<SchemaElement> elements, int[] cursor, int[] leaves, int depth) {
        if (cursor[0] >= elements.size() || depth > 64) {
            throw new ParquetException(file, null, -1, "schema tree is malformed (ends early or nests too deep)");
        }
        SchemaElement e = elements.get(cursor[0]++);
        int n = e.isSetNum_children() ? e.getNum_children() : 0;
        if (n < 0 || n > elements.size()) {
            throw new ParquetException(file, null, -1, "schema element " + e.getName() + " claims " + n + " children");
        }
        if (n == 0) {
            leaves[0]++;
        }
        for (int i = 0; i < n; i++) {
            skipSubtree(file, elements, cursor, leaves, depth + 1);
        }
    }

    private static ParquetColumn mapLeaf(SchemaElement e, int leaf) {
        String name = e.getName();
        if (!e.isSetType()) {
            throw new UnsupportedOperationException("column " + name + " has no physical type");
        }
        boolean optional = !e.isSetRepetition_type() || e.getRepetition_type() != FieldRepetitionType.REQUIRED;
        Type t = e.getType();
        LogicalType lt = e.isSetLogicalType() ? e.getLogicalType() : null;
        ConvertedType ct = e.isSetConverted_type() ? e.getConverted_type() : null;
        int typeLength = e.isSetType_length() ? e.getType_length() : 0;
        DataType type;
        Conversion conv;
        boolean decimal = lt != null && lt.isSetDECIMAL() || ct == ConvertedType.DECIMAL;
        if (decimal) {
            int precision = lt != null && lt.isSetDECIMAL() ? lt.getDECIMAL().getPrecision() : e.getPrecision();
            int scale = lt != null && lt.isSetDECIMAL() ? lt.getDECIMAL().getScale() : e.getScale();
            if (precision > DataType.DecimalType.MAX_PRECISION) {
                throw new UnsupportedOperationException("not supported yet: DECIMAL(" + precision + "," + scale
                        + ") in column " + name + " (precision above " + DataType.DecimalType.MAX_PRECISION + ")");
            }
            if (precision < 1 || scale < 0 || scale > precision) {
                throw new UnsupportedOperationException("column " + name + " has an invalid DECIMAL(" + precision + "," + scale + ")");
            }
            type = DataType.decimal(precision, scale);
            conv = switch (t) {
                case INT32 -> Conversion.INT32_TO_INT64;
                case INT64 -> Conversion.INT64;
                case BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY -> Conversion.BINARY_DECIMAL;
                default -> throw new UnsupportedOperationException("column " + name + ": DECIMAL stored as " + t);
            };
            if (t == Type.FIXED_LEN_BYTE_ARRAY && typeLength <= 0) {
                throw new UnsupportedOperationException("column " + name + " has fixed length " + typeLength);
            }
            return new ParquetColumn(name, leaf, t, typeLength, optional, type, conv);
        }
        switch (t) {
            case BOOLEAN -> { type = DataType.BOOLEAN; conv = Conversion.BOOLEAN; }
            case INT32 -> {
                if (lt != null && lt.isSetDATE() || ct == ConvertedType.DATE) {
                    type = DataType.DATE;
                    conv = Conversion.INT32;
                } else if (lt != null && lt.isSetINTEGER() && !lt.getINTEGER().isIsSigned() && lt.getINTEGER().getBitWidth() == 32
                        || ct == ConvertedType.UINT_32) {
                    type = DataType.INT64;
                    conv = Conversion.UINT32_TO_INT64;
                } else if (lt != null && (lt.isSetTIME() || lt.isSetUNKNOWN()) || ct == ConvertedType.TIME_MILLIS) {
                    throw new UnsupportedOperationException("not supported yet: logical type " + lt + " in column " + name);
                } else {
                    type = DataType.INT32; // INT(8/16/32), UINT(8/16) fit
                    conv = Conversion.INT32;
                }
            }
            case INT64 -> {
                if (lt != null && lt.isSetTIMESTAMP()) {
                    TimeUnit unit = lt.getTIMESTAMP().getUnit();
                    type = DataType.TIMESTAMP;
                    conv = unit.isSetMILLIS() ? Conversion.TIMESTAMP_MILLIS
                            : unit.isSetNANOS() ? Conversion.TIMESTAMP_NANOS : Conversion.TIMESTAMP_MICROS;
                } else if (ct == ConvertedType.TIMESTAMP_MILLIS) {
                    type = DataType.TIMESTAMP;
                    conv = Conversion.TIMESTAMP_MILLIS;
                } else if (ct == ConvertedType.TIMESTAMP_MICROS) {
                    type = DataType.TIMESTAMP;
                    conv = Conversion.TIMESTAMP_MICROS;
                } else if (lt != null && lt.isSetINTEGER() && !lt.getINTEGER().isIsSigned() || ct == ConvertedType.UINT_64) {
                    throw new UnsupportedOperationException("not supported yet: UINT64 column " + name);
                } else if (lt != null && lt.isSetTIME() || ct == ConvertedType.TIME_MICROS) {
                    throw new UnsupportedOperationException("not supported yet: TIME column " + name);
                } else {
                    type = DataType.INT64;
                    conv = Conversion.INT64;
                }
            }
            case INT96 -> { type = DataType.TIMESTAMP; conv = Conversion.INT96_TIMESTAMP; }
            case FLOAT -> { type = DataType.FLOAT64; conv = Conversion.FLOAT_TO_DOUBLE; }
            case DOUBLE -> { type = DataType.FLOAT64; conv = Conversion.DOUBLE; }
            case BYTE_ARRAY -> { type = DataType.VARCHAR; conv = Conversion.STRING; }
            case FIXED_LEN_BYTE_ARRAY -> throw new UnsupportedOperationException(
                    "not supported yet: FIXED_LEN_BYTE_ARRAY column " + name + " with logical type " + lt);
            default -> throw new UnsupportedOperationException("not supported yet: physical type " + t + " in column " + name);
        }
        return new ParquetColumn(name, leaf, t, typeLength, optional, type, conv);
    }
}
