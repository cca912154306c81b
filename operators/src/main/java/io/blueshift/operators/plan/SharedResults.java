package io.blueshift.operators.plan;

import io.blueshift.memory.MemoryLimitExceededException;
import io.blueshift.operators.exec.MaterializedResult;

import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Subplans a query computes more than once, computed once: a view or CTE referenced twice (TPC-H
 * Q15's revenue view: the same GROUP BY over lineitem feeds both the join and the MAX) becomes
 * two equal subtrees of the physical plan. Aggregates are the shared unit: their results are
 * materialized anyway, so every reference after the first reads the same rows, and the memory is
 * freed when the last reader closes them. So are the filtered scans {@link CommonSubplans} made
 * equal: their rows are collected once (when that runs out of memory, each reference runs its
 * own pipeline again, as without sharing). Plans are deterministic (no volatile functions), so two
 * structurally equal subtrees give the same rows.
 */
final class SharedResults {
    /** One shared subtree: how many references the plan holds, how many have been handed out. */
    private static final class Entry {
        final PlanNode node;
        final int references;
        int handedOut;
        int open;
        boolean failed;
        MaterializedResult result;

        Entry(PlanNode node, int references) {
            this.node = node;
            this.references = references;
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    /** Finds the aggregates and the filtered scans worth sharing that occur more than once in {@code plan}. */
    SharedResults(PlanNode plan) {
        List<PlanNode> aggregates = new ArrayList<>();
        List<PlanNode> projected = new ArrayList<>();
        List<PlanNode> filters = new ArrayList<>();
        collect(plan, aggregates, projected, filters);
        share(aggregates);
        // a shared projection of a filtered scan reads its filter once (a projection that is not
        // shared occurs once): the projections of one shared filter may differ
        for (List<PlanNode> group : groups(projected)) {
            if (group.size() > 1) {
                entries.add(new Entry(group.getFirst(), group.size()));
            }
            filters.add(group.getFirst().inputs().getFirst());
        }
        share(filters);
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * Aggregates, projections of filtered scans worth sharing ({@link CommonSubplans#shareable}),
     * and such filtered scans with no projection above.
     */
    private static void collect(PlanNode node, List<PlanNode> aggregates, List<PlanNode> projected, List<PlanNode> filters) {
        if (node instanceof PlanNode.RecursiveUnion) {
            return;   // its step runs again on each iteration's new rows
        }
        if (node instanceof PlanNode.Aggregate) {
            aggregates.add(node);
        } else if (node instanceof PlanNode.Project p && CommonSubplans.shareable(p.input())) {
            projected.add(node);
            return;
        } else if (CommonSubplans.shareable(node)) {
            filters.add(node);
            return;
        }
        for (PlanNode in : node.inputs()) {
            collect(in, aggregates, projected, filters);
        }
    }

    private void share(List<PlanNode> nodes) {
        for (List<PlanNode> group : groups(nodes)) {
            if (group.size() > 1) {
                entries.add(new Entry(group.getFirst(), group.size()));
            }
        }
    }

    /** {@code nodes} grouped by structural equality, in order of first occurrence. */
    private static List<List<PlanNode>> groups(List<PlanNode> nodes) {
        return groups(nodes, SharedResults::same);
    }

    /** {@code items} grouped by {@code same}, each group in order and the groups in order of first occurrence. */
    static <T> List<List<T>> groups(List<T> items, java.util.function.BiPredicate<? super T, ? super T> same) {
        List<List<T>> out = new ArrayList<>();
        boolean[] taken = new boolean[items.size()];
        for (int i = 0; i < items.size(); i++) {
            if (taken[i]) {
                continue;
            }
            List<T> group = new ArrayList<>();
            group.add(items.get(i));
            for (int j = i + 1; j < items.size(); j++) {
                if (!taken[j] && same.test(items.get(i), items.get(j))) {
                    taken[j] = true;
                    group.add(items.get(j));
                }
            }
            out.add(group);
        }
        return out;
    }

    /**
     * The rows of {@code node}: computed by {@code compute} the first time, then the same rows
     * again for each later reference of an equal subtree. Each returned result is the caller's to
     * close; the shared rows are freed with the last one.
     */
    MaterializedResult get(PlanNode node, Supplier<MaterializedResult> compute) {
        Entry e = find(node);
        if (e == null) {
            return compute.get();
        }
        if (e.result == null) {
            e.result = compute.get();
            e.open = e.references;
        }
        return handOut(e);
    }

    /**
     * As {@link #get}, for a subtree whose references could each run their own pipeline: null
     * when {@code node} is not shared, or when collecting its rows once ran out of memory (then
     * no reference shares them).
     */
    MaterializedResult getOrNull(PlanNode node, Supplier<MaterializedResult> compute) {
        Entry e = find(node);
        if (e == null) {
            return null;
        }
        if (e.result == null) {
            try {
                e.result = compute.get();
            } catch (MemoryLimitExceededException ex) {
                e.failed = true;
                return null;
            }
            e.open = e.references;
        }
        return handOut(e);
    }

    private static MaterializedResult handOut(Entry e) {
        e.handedOut++;
        boolean[] closed = new boolean[1];
        AutoCloseable release = () -> {
            if (!closed[0]) {
                closed[0] = true;
                release(e);
            }
        };
        return new MaterializedResult(e.result.schema(), e.result.batches(), List.of(release));
    }

    private Entry find(PlanNode node) {
        for (Entry e : entries) {
            if (!e.failed && e.handedOut < e.references && (e.node == node || same(e.node, node))) {
                return e;
            }
        }
        return null;
    }

    private static void release(Entry e) {
        if (--e.open == 0 && e.result != null) {
            e.result.close();
        }
    }

    /** Drops the references the plan never read (a query that failed or stopped early). */
    void releaseUnread() {
        for (Entry e : entries) {
            if (e.result != null) {
                while (e.handedOut < e.references) {
                    e.handedOut++;
                    release(e);
                }
            }
        }
    }

    /**
     * Structural equality of plan values: records component by component, lists and arrays
     * element by element, anything else (tables, literals' values) by its own equals.
     */
    static boolean same(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null || a.getClass() != b.getClass()) {
            return false;
        }
        if (a.getClass().isArray()) {
            int n = Array.getLength(a);
            if (n != Array.getLength(b)) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (!same(Array.get(a, i), Array.get(b, i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List<?> x) {
            List<?> y = (List<?>) b;
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!same(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Record) {
            for (RecordComponent c : a.getClass().getRecordComponents()) {
                try {
                    var accessor = c.getAccessor();
                    accessor.setAccessible(true);
                    if (!same(accessor.invoke(a), accessor.invoke(b))) {
                        return false;
                    }
                } catch (ReflectiveOperationException | RuntimeException ex) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }
}
