package io.blueshift.operators.set;

import io.blueshift.memory.Batch;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.Schema;
import io.blueshift.operators.exec.MaterializedResult;

import java.util.ArrayList;
import java.util.List;

/**
 * UNION ALL over materialized inputs: their batches one after another, no copies. The schema
 * is the first input's names with a column nullable where any input's is.
 */
public final class UnionAllResult {
    private UnionAllResult() {}

    /** Fails unless every schema has the first one's column types. */
    public static Schema unionSchema(List<Schema> inputs) {
        Schema first = inputs.getFirst();
        List<Field> fields = new ArrayList<>(first.fields());
        for (int i = 1; i < inputs.size(); i++) {
            Schema s = inputs.get(i);
            if (s.size() != first.size()) {
                throw new IllegalArgumentException("UNION ALL input " + (i + 1) + " has " + s.size()
                        + " columns, the first has " + first.size());
            }
            for (int c = 0; c < s.size(); c++) {
                DataType a = first.type(c);
                DataType b = s.type(c);
                if (!a.equals(b)) {
                    throw new IllegalArgumentException("UNION ALL column " + (c + 1) + " is " + a.sqlName()
                            + " in the first input and " + b.sqlName() + " in input " + (i + 1));
                }
                if (s.field(c).nullable() && !fields.get(c).nullable()) {
                    fields.set(c, new Field(fields.get(c).name(), a, true));
                }
            }
        }
        return new Schema(fields);
    }

    /** Takes ownership of {@code parts}: closing the result closes them. */
    public static MaterializedResult concat(Schema schema, List<MaterializedResult> parts) {
        List<Batch> batches = new ArrayList<>();
        for (MaterializedResult p : parts) {
            batches.addAll(p.batches());
        }
        return new MaterializedResult(schema, batches, parts);
    }

    /**
     * {@link #concat} of the parts that hold rows (the first part when none does), the empty
     * others closed: the partitions of a parallel merge, in partition order.
     */
    public static MaterializedResult concatNonEmpty(Schema schema, MaterializedResult[] parts) {
        List<MaterializedResult> out = new ArrayList<>();
        for (MaterializedResult r : parts) {
            if (r.rowCount() > 0 || out.isEmpty()) {
                out.add(r);
            } else {
                r.close();
            }
        }
        return concat(schema, out);
    }
}
