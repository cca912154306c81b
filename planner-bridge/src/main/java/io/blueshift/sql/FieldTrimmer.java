package io.blueshift.sql;

import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rel.logical.LogicalUnion;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql2rel.RelFieldTrimmer;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;

import java.util.Set;

/**
 * Calcite's field trimmer with a method for each logical node class our plans hold, each
 * calling the one Calcite's dispatch would choose. The trimmer finds its method by reflection,
 * once per node class and trimmer (so once per query): without an exact match it tries the
 * class's superclasses and every interface they implement, and each miss throws a
 * {@code NoSuchMethodException} with its stack trace and message (about eight per query).
 * Public: Calcite invokes these methods by reflection.
 */
public final class FieldTrimmer extends RelFieldTrimmer {
    FieldTrimmer(RelBuilder relBuilder) {
        super(null, relBuilder);
    }

    public TrimResult trimFields(LogicalProject rel, ImmutableBitSet fieldsUsed, Set<RelDataTypeField> extraFields) {
        return trimFields((Project) rel, fieldsUsed, extraFields);
    }

    public TrimResult trimFields(LogicalFilter rel, ImmutableBitSet fieldsUsed, Set<RelDataTypeField> extraFields) {
        return trimFields((Filter) rel, fieldsUsed, extraFields);
    }

    public TrimResult trimFields(LogicalJoin rel, ImmutableBitSet fieldsUsed, Set<RelDataTypeField> extraFields) {
        return trimFields((Join) rel, fieldsUsed, extraFields);
    }

    public TrimResult trimFields(LogicalAggregate rel, ImmutableBitSet fieldsUsed, Set<RelDataTypeField> extraFields) {
        return trimFields((Aggregate) rel, fieldsUsed, extraFields);
    }

    public TrimResult trimFields(LogicalSort rel, ImmutableBitSet fieldsUsed, Set<RelDataTypeField> extraFields) {
        return trimFields((Sort) rel, fieldsUsed, extraFields);
    }

    public TrimResult trimFields(LogicalTableScan rel, ImmutableBitSet fieldsUsed, Set<RelDataTypeField> extraFields) {
        return trimFields((TableScan) rel, fieldsUsed, extraFields);
    }

    public TrimResult trimFields(LogicalUnion rel, ImmutableBitSet fieldsUsed, Set<RelDataTypeField> extraFields) {
        return trimFields((SetOp) rel, fieldsUsed, extraFields);
    }
}
