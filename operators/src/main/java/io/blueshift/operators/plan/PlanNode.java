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

    /**
     * Window functions: the input's columns plus one per call, computed over the partitions
     * of {@code partition} ordered by {@code order}, aggregates over {@code frame}.
     */
    record Window(PlanNode input, int[] partition, List<SortKey> order, io.blueshift.operators.window.WindowFrame frame,
                  List<io.blueshift.operators.window.WindowCall> calls) implements PlanNode {
        public Window {
            order = List.copyOf(order);
            calls = List.copyOf(calls);
        }

        public Schema schema() {
            List<Field> fields = new ArrayList<>(input.schema().fields());
            for (var c : calls) {
                fields.add(new Field(c.name(), c.type(), true));
            }
            return new Schema(fields);
        }

        public List<PlanNode> inputs() { return List.of(input); }
    }

    /**
     * GROUP BY computed from each group's sorted rows ({@link io.blueshift.operators.holistic.GroupAggregates}):
     * the plan for aggregates the hash aggregation does not keep (MEDIAN, STRING_AGG, ARG_MIN, ...).
     * Output: the keys, then one column per call.
     */
    record GroupAggregate(PlanNode input, int[] keys, List<io.blueshift.operators.holistic.GroupCall> calls) implements PlanNode {
        public GroupAggregate {
            calls = List.copyOf(calls);
        }

        public Schema schema() {
            Schema in = input.schema();
            List<Field> fields = new ArrayList<>();
            for (int k : keys) {
                fields.add(in.field(k));
            }
            for (var c : calls) {
                fields.add(new Field(c.name(), c.type(), true));
            }
            return new Schema(fields);
        }

        public List<PlanNode> inputs() { return List.of(input); }
    }

    /**
     * WITH RECURSIVE ... UNION [ALL]: {@code seed}'s rows, then {@code step} (which scans
     * {@code working}) rerun on the rows each run added until it adds none, at most
     * {@code maxIterations} times ({@link io.blueshift.operators.set.RecursiveUnion}).
     * Both inputs have this node's schema.
     */
    record RecursiveUnion(PlanNode seed, PlanNode step, io.blueshift.operators.set.WorkingTable working, boolean all,
                          int maxIterations) implements PlanNode {
        public Schema schema() { return working.schema(); }
        public List<PlanNode> inputs() { return List.of(seed, step); }
    }

    /** LIMIT/OFFSET without ordering. */
    record Limit(PlanNode input, long offset, long limit) implements PlanNode {
        public Schema schema() { return input.schema(); }
        public List<PlanNode> inputs() { return List.of(input); }
    }

    /** How a hash join combines its sides (probe = the streamed side, build = the hashed side). */
    enum JoinType {
        /** Probe rows with their matching build rows. */
        INNER,
        /** Every probe row; build columns NULL where nothing matches. */
        LEFT,
        /** Probe rows that have a match (EXISTS, IN); probe columns only. */
        SEMI,
        /** Probe rows that have no match (NOT EXISTS); probe columns only. NULL keys never match. */
        ANTI,
        /** Every probe row plus a BOOLEAN column: TRUE on a match, FALSE if none, NULL if none but a NULL was involved (NOT IN semantics). */
        MARK,
        /** Every probe row with at most one matching build row (scalar subqueries); a second match is an error. */
        SINGLE,
        /**
         * Build rows that have a match; build columns only. The same answer as SEMI with the
         * sides swapped, for when the preserved side is the smaller one and is built.
         */
        RIGHT_SEMI,
        /** Build rows that have no match (NULL keys never match); build columns only. */
        RIGHT_ANTI,
        /** Matching pairs plus every build row without a match, its probe columns NULL (a right outer join). */
        RIGHT;

        /** True for the joins whose output includes build rows chosen after the whole probe side has run. */
        public boolean marksBuildRows() {
            return this == RIGHT_SEMI || this == RIGHT_ANTI || this == RIGHT;
        }
    }

    /**
     * Equi-join on {@code probeKeys[i] = buildKeys[i]} (NULL never equals NULL), plus an optional
     * {@code residual} condition over the output row (probe columns then build columns),
     * evaluated on candidate pairs. Output: probe columns then build columns (INNER, LEFT,
     * SINGLE), probe columns only (SEMI, ANTI), or probe columns and the mark (MARK).
     */
    record HashJoin(PlanNode probe, PlanNode build, int[] probeKeys, int[] buildKeys, JoinType type,
                    Expr residual) implements PlanNode {
        public Schema schema() {
            List<Field> fields = new ArrayList<>(probe.schema().fields());
            switch (type) {
                case INNER, SINGLE -> fields.addAll(build.schema().fields());
                case RIGHT_SEMI, RIGHT_ANTI -> {
                    fields.clear();
                    fields.addAll(build.schema().fields());
                }
                case RIGHT -> {
                    fields.clear();
                    for (Field f : probe.schema().fields()) {
                        fields.add(new Field(f.name(), f.type(), true));
                    }
                    fields.addAll(build.schema().fields());
                }
                case LEFT -> {
                    for (Field f : build.schema().fields()) {
                        fields.add(new Field(f.name(), f.type(), true));
                    }
                }
                case MARK -> fields.add(new Field("mark", io.blueshift.memory.DataType.BOOLEAN, true));
                case SEMI, ANTI -> { }
            }
            return new Schema(fields);
        }

        public List<PlanNode> inputs() { return List.of(probe, build); }
    }

    /**
     * Every pair of rows of the two inputs that satisfies {@code condition} (null = all
     * pairs): for joins without equality keys, typically against a one-row side.
     * {@code type} is INNER or LEFT (SINGLE for scalar subqueries).
     */
    record NestedLoopJoin(PlanNode left, PlanNode right, Expr condition, JoinType type) implements PlanNode {
        public Schema schema() {
            List<Field> fields = new ArrayList<>(left.schema().fields());
            for (Field f : right.schema().fields()) {
                fields.add(type == JoinType.INNER ? f : new Field(f.name(), f.type(), true));
            }
            return new Schema(fields);
        }

        public List<PlanNode> inputs() { return List.of(left, right); }
    }

    /** UNION ALL of inputs with the same column types. */
    record UnionAll(List<PlanNode> inputs) implements PlanNode {
        public UnionAll {
            inputs = List.copyOf(inputs);
        }

        public Schema schema() { return inputs.getFirst().schema(); }
    }

    /** Constant rows (VALUES, or a FROM-less SELECT); values as in {@link Expr.Literal}. */
    record Values(Schema schema, List<List<Object>> rows) implements PlanNode {
        public List<PlanNode> inputs() { return List.of(); }
    }
}
