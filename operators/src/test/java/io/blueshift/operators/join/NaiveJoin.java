package io.blueshift.operators.join;

import io.blueshift.operators.plan.PlanNode.JoinType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** The expected result of a join, by nested loops over Java values: the oracle for the tests. */
final class NaiveJoin {
    /** A residual over one probe row and one build row: TRUE, FALSE or null (unknown). */
    interface Residual {
        Boolean test(Object[] probe, Object[] build);
    }

    private NaiveJoin() {}

    static List<List<Object>> join(List<Object[]> probe, List<Object[]> build, int[] probeKeys, int[] buildKeys,
                                   JoinType type, Residual residual, int buildWidth) {
        return join(probe, build, probeKeys, buildKeys, type, residual, probe.isEmpty() ? 0 : probe.getFirst().length, buildWidth);
    }

    static List<List<Object>> join(List<Object[]> probe, List<Object[]> build, int[] probeKeys, int[] buildKeys,
                                   JoinType type, Residual residual, int probeWidth, int buildWidth) {
        boolean buildNullKey = build.stream().anyMatch(b -> anyNull(b, buildKeys));
        List<List<Object>> out = new ArrayList<>();
        if (type.marksBuildRows()) {
            for (Object[] b : build) {
                boolean any = false;
                for (Object[] p : probe) {
                    if (keysEqual(p, probeKeys, b, buildKeys) && (residual == null || Boolean.TRUE.equals(residual.test(p, b)))) {
                        any = true;
                        if (type == JoinType.RIGHT) {
                            out.add(concat(p, b));
                        }
                    }
                }
                switch (type) {
                    case RIGHT_SEMI -> { if (any) out.add(Arrays.asList(b)); }
                    case RIGHT_ANTI -> { if (!any) out.add(Arrays.asList(b)); }
                    default -> { if (!any) out.add(concat(new Object[probeWidth], b)); }
                }
            }
            return out;
        }
        for (Object[] p : probe) {
            List<Object[]> matches = new ArrayList<>();
            for (Object[] b : build) {
                if (keysEqual(p, probeKeys, b, buildKeys) && (residual == null || Boolean.TRUE.equals(residual.test(p, b)))) {
                    matches.add(b);
                }
            }
            switch (type) {
                case INNER -> matches.forEach(b -> out.add(concat(p, b)));
                case LEFT -> {
                    matches.forEach(b -> out.add(concat(p, b)));
                    if (matches.isEmpty()) out.add(concat(p, new Object[buildWidth]));
                }
                case SINGLE -> {
                    if (matches.size() > 1) {
                        throw new IllegalStateException("more than one row returned by a subquery used as an expression");
                    }
                    out.add(concat(p, matches.isEmpty() ? new Object[buildWidth] : matches.getFirst()));
                }
                case SEMI -> { if (!matches.isEmpty()) out.add(Arrays.asList(p)); }
                case ANTI -> { if (matches.isEmpty()) out.add(Arrays.asList(p)); }
                case MARK -> {
                    Boolean mark = !matches.isEmpty() ? Boolean.TRUE
                            : !build.isEmpty() && (buildNullKey || anyNull(p, probeKeys)) ? null : Boolean.FALSE;
                    List<Object> row = new ArrayList<>(Arrays.asList(p));
                    row.add(mark);
                    out.add(row);
                }
            }
        }
        return out;
    }

    private static boolean keysEqual(Object[] p, int[] pk, Object[] b, int[] bk) {
        for (int i = 0; i < pk.length; i++) {
            if (p[pk[i]] == null || b[bk[i]] == null || !Objects.equals(p[pk[i]], b[bk[i]])) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyNull(Object[] row, int[] keys) {
        for (int k : keys) {
            if (row[k] == null) return true;
        }
        return false;
    }

    private static List<Object> concat(Object[] a, Object[] b) {
        List<Object> row = new ArrayList<>(Arrays.asList(a));
        row.addAll(Arrays.asList(b));
        return row;
    }
}
