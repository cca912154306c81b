package io.blueshift.operators.plan;

import io.blueshift.memory.Field;
import io.blueshift.memory.Schema;
import io.blueshift.operators.aggregate.AggregateCall;
import io.blueshift.operators.expr.Expr;
import io.blueshift.operators.order.SortKey;
import io.blueshift.storage.Table;

import java.util.ArrayList;
import java.util.List;

/** The physical plan: a tree of operator specs, built by hand or by the SQL planner. */
public sealed interface PlanNode {
    Schema schema();

    List<PlanNode> inputs();

    /** Reads {@code columns} (indexes into the table's schema) of a table. */
    record Scan(Table table, int[] columns) implements PlanNode {
        public Schema schema() {
            List<Field> fields = new ArrayList<>();
            for (int c : columns) {
                fields.add(table.schema().field(c));
            }
            return new Schema(fields);
        }

        public List<PlanNode> inputs() { return List.of(); }
    }

    record Filter(PlanNode input, Expr predicate) implements PlanNode {
        public Schema schema() { return input.schema(); }
        public List<PlanNode> inputs() { return List.of(input); }
    }

    record Project(PlanNode input, List<Expr> expressions, List<String> names) implements PlanNode {
        public Project {
            expressions = List.copyOf(expressions);
            names = List.copyOf(names);
        }

        public Schema schema() {
            List<Field> fields = new ArrayList<>();
            for (int i = 0; i < expressions.size(); i++) {
                fields.add(new Field(names.get(i), expressions.get(i).type(), true));
            }
            return new Schema(fields);
        }

        public List<PlanNode> inputs() { return List.of(input); }
    }

    /** GROUP BY {@code keys} (input columns) computing {@code aggregates}; no keys = one row. */
    record Aggregate(PlanNode input, int[] keys, List<AggregateCall> aggregates) implements PlanNode {
        public Aggregate {
            aggregates = List.copyOf(aggregates);
        }

        public Schema schema() {
            List<Field> fields = new ArrayList<>();
            for (int k : keys) {
                fields.add(input.schema().field(k));
            }
            for (AggregateCall a : aggregates) {
                fields.add(new Field(a.name(), a.resultType(), true));
            }
            return new Schema(fields);
        }

        public List<PlanNode> inputs() { return List.of(input); }
    }

    /** ORDER BY, with an optional OFFSET/LIMIT applied after sorting. */
    record Sort(PlanNode input, List<SortKey> keys, long offset, long limit) implements PlanNode {
        public Sort {
            keys = List.copyOf(keys);
        }

        public Schema schema() { return input.schema(); }
        public List<PlanNode> inputs() { return List.of(input); }
    }

    /** LIMIT/OFFSET without ordering. */
    record Limit(PlanNode input, long offset, long limit) implements PlanNode {
        public Schema schema() { return input.schema(); }
        public List<PlanNode> inputs() { return List.of(input); }
    }
}
