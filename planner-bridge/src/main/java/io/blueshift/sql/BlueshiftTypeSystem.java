package io.blueshift.sql;

import org.apache.calcite.rel.type.RelDataTypeSystemImpl;

/**
 * Calcite's default type system with one change: literals of different lengths in CASE,
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
}
