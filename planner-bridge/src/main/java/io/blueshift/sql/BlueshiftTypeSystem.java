package io.blueshift.sql;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * Calcite's default type system with three changes (constants also round half up): literals of different lengths in CASE,
 * VALUES and UNION are VARCHAR, not blank-padded CHAR, so {@code CASE WHEN c THEN 'a' ELSE
 * 'bb' END} is {@code 'a'}, as in DuckDB and PostgreSQL. Public with {@link #INSTANCE}
 * because Calcite instantiates it by class name.
 */
public final class BlueshiftTypeSystem extends RelDataTypeSystemImpl {
    public static final BlueshiftTypeSystem INSTANCE = new BlueshiftTypeSystem();

    @Override
    public boolean shouldConvertRaggedUnionTypesToVarying() {
        return true;
    }

    /**
     * Constants Calcite folds (a CAST to fewer decimal places) round half away from zero, as
     * DuckDB and our own casts do, instead of truncating.
     */
    @Override
    public java.math.RoundingMode roundingMode() {
        return java.math.RoundingMode.HALF_UP;
    }

    /**
     * TIMESTAMP keeps microseconds, as DuckDB's and our own TIMESTAMP values do: Calcite's
     * defaults (precision 0, at most 3) would cut a literal's or a cast's fraction.
     */
    @Override
    public int getDefaultPrecision(SqlTypeName typeName) {
        return typeName == SqlTypeName.TIMESTAMP ? 6 : super.getDefaultPrecision(typeName);
    }

    @Override
    public int getMaxPrecision(SqlTypeName typeName) {
        return typeName == SqlTypeName.TIMESTAMP ? 6 : super.getMaxPrecision(typeName);
    }

    /**
     * AVG, STDDEV and VARIANCE of any number are DOUBLE, as in DuckDB (Calcite keeps the
     * argument's type, so AVG of an INTEGER would truncate and STDDEV of a DECIMAL would
     * square it in 18 digits).
     */
    @Override
    public RelDataType deriveAvgAggType(RelDataTypeFactory typeFactory, RelDataType argumentType) {
        if (SqlTypeUtil.isNumeric(argumentType)) {
            return typeFactory.createTypeWithNullability(typeFactory.createSqlType(SqlTypeName.DOUBLE), argumentType.isNullable());
        }
        return super.deriveAvgAggType(typeFactory, argumentType);
    }

    /** COVAR_POP and COVAR_SAMP of numbers are DOUBLE, as in DuckDB (Calcite keeps the first argument's type). */
    @Override
    public RelDataType deriveCovarType(RelDataTypeFactory typeFactory, RelDataType arg0Type, RelDataType arg1Type) {
        if (SqlTypeUtil.isNumeric(arg0Type) && SqlTypeUtil.isNumeric(arg1Type)) {
            return typeFactory.createTypeWithNullability(typeFactory.createSqlType(SqlTypeName.DOUBLE), true);
        }
        return super.deriveCovarType(typeFactory, arg0Type, arg1Type);
    }
}
