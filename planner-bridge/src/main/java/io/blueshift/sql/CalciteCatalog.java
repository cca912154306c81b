package io.blueshift.sql;

import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.storage.Catalog;
import io.blueshift.storage.Table;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

import java.util.List;

/** Our catalog as a Calcite schema: table row types and row counts for the optimizer. */
final class CalciteCatalog {
    private CalciteCatalog() {}

    /**
     * The schema under every query's root: it has no tables or schemas of its own (each query's root
     * holds the catalog's tables and the query's files), and Calcite caches the case-insensitive name
     * index of its (empty) tables and sub-schemas in it, which a root schema made per query built again
     * at the query's first table lookup. Its lazily built indexes are safe to share between threads.
     */
    private static final org.apache.calcite.schema.Schema EMPTY = new org.apache.calcite.schema.impl.AbstractSchema() {
        @Override
        public org.apache.calcite.linq4j.tree.Expression getExpression(SchemaPlus parentSchema, String name) {
            // as Calcite's own root schema (code generation only, which we never run)
            return org.apache.calcite.linq4j.tree.Expressions.call(org.apache.calcite.DataContext.ROOT,
                    org.apache.calcite.util.BuiltInMethod.DATA_CONTEXT_GET_ROOT_SCHEMA.method);
        }
    };

    static SchemaPlus rootSchema(Catalog catalog) {
        SchemaPlus root = CalciteSchema.createRootSchema(false, false, "", EMPTY).plus();
        for (Table t : catalog.tables()) {
            root.add(t.name().toLowerCase(), of(t));
        }
        return root;
    }

    /**
     * Row types by table (weakly keyed: an entry goes with its table; the value holds no reference
     * to it), with the schema they were derived from, so a query no longer builds the row type of
     * every table it reads (types are interned by Calcite, the same in every query's type factory
     * of our type system). Keyed by the table rather than its schema, a record whose hash code
     * hashes every field again at every lookup; a table whose schema object changed derives it again.
     */
    private static final java.util.Map<Table, Derived> ROW_TYPES =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private record Derived(io.blueshift.memory.Schema schema, RelDataType type) {}

    private static CalciteTable of(Table t) {
        return new CalciteTable(t);
    }

    /** A table Calcite can validate and plan against; it never runs it. */
    static final class CalciteTable extends AbstractTable {
        final Table table;

        CalciteTable(Table table) {
            this.table = table;
        }

        @Override
        public RelDataType getRowType(RelDataTypeFactory typeFactory) {
            if (!(typeFactory instanceof org.apache.calcite.jdbc.JavaTypeFactoryImpl)
                    || typeFactory.getTypeSystem() != BlueshiftTypeSystem.INSTANCE) {
                return deriveRowType(typeFactory);
            }
            io.blueshift.memory.Schema schema = table.schema();
            Derived cached = ROW_TYPES.get(table);
            if (cached != null && cached.schema() == schema) {
                return cached.type();
            }
            RelDataType type = deriveRowType(typeFactory);
            ROW_TYPES.put(table, new Derived(schema, type));
            return type;
        }

        private RelDataType deriveRowType(RelDataTypeFactory typeFactory) {
            RelDataTypeFactory.Builder b = typeFactory.builder();
            for (Field f : table.schema().fields()) {
                b.add(f.name().toLowerCase(), typeFactory.createTypeWithNullability(toCalcite(typeFactory, f.type()), f.nullable()));
            }
            return b.build();
        }

        /**
         * The table's statistic, made at the first call: a table of a query's schema is asked for it many times
         * (the validator's monotonicity test of each ORDER BY and GROUP BY item, every row-count estimate), and
         * each call walked the zone maps of every block and column for the unique columns.
         */
        private Statistic statistic;

        @Override
        public Statistic getStatistic() {
            Statistic s = statistic;
            if (s == null) {
                List<org.apache.calcite.util.ImmutableBitSet> keys = new java.util.ArrayList<>();
                for (int c : table.uniqueColumns()) {
                    keys.add(org.apache.calcite.util.ImmutableBitSet.of(c));
                }
                s = Statistics.of(table.rowCount(), keys);
                statistic = s;
            }
            return s;
        }
    }

    static RelDataType toCalcite(RelDataTypeFactory f, DataType type) {
        return switch (type) {
            case DataType.BooleanType t -> f.createSqlType(SqlTypeName.BOOLEAN);
            case DataType.Int32Type t -> f.createSqlType(SqlTypeName.INTEGER);
            case DataType.Int64Type t -> f.createSqlType(SqlTypeName.BIGINT);
            case DataType.Float64Type t -> f.createSqlType(SqlTypeName.DOUBLE);
            case DataType.DateType t -> f.createSqlType(SqlTypeName.DATE);
            case DataType.TimestampType t -> f.createSqlType(SqlTypeName.TIMESTAMP, 6);
            case DataType.DecimalType d -> f.createSqlType(SqlTypeName.DECIMAL, d.precision(), d.scale());
            case DataType.VarcharType t -> f.createSqlType(SqlTypeName.VARCHAR);
        };
    }

    /** Calcite's type in ours; wider DECIMALs are refused with the type named. */
    static DataType fromCalcite(RelDataType type) {
        SqlTypeName name = type.getSqlTypeName();
        return switch (name) {
            case BOOLEAN -> DataType.BOOLEAN;
            case TINYINT, SMALLINT, INTEGER -> DataType.INT32;
            case BIGINT -> DataType.INT64;
            case FLOAT, REAL, DOUBLE -> DataType.FLOAT64;
            case DATE -> DataType.DATE;
            case TIMESTAMP -> DataType.TIMESTAMP;
            case DECIMAL -> {
                int p = type.getPrecision();
                int s = type.getScale();
                if (p > DataType.DecimalType.MAX_PRECISION) {
                    // wide intermediate types: keep the scale, cap the precision (overflow is checked)
                    if (s > DataType.DecimalType.MAX_PRECISION) {
                        throw new UnsupportedOperationException("not supported: " + type.getFullTypeString());
                    }
                    p = DataType.DecimalType.MAX_PRECISION;
                }
                yield DataType.decimal(Math.max(p, Math.max(s, 1)), s);
            }
            case CHAR, VARCHAR -> DataType.VARCHAR;
            case NULL -> DataType.INT32;
            default -> throw new UnsupportedOperationException("not supported: type " + type.getFullTypeString());
        };
    }
}
