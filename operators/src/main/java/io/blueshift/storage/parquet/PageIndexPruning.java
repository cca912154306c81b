package io.blueshift.storage.parquet;

import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Validity;
import io.blueshift.storage.Table;
import io.blueshift.storage.ZoneMap;
import org.apache.parquet.format.ColumnIndex;
import org.apache.parquet.format.OffsetIndex;
import org.apache.parquet.format.PageLocation;
import org.apache.parquet.format.Statistics;

import java.lang.foreign.MemorySegment;
import java.util.BitSet;
import java.util.List;

/**
 * Row ranges of a row group that a filter cannot rule out, from the page index (a column
 * index with each page's min/max, an offset index with where each page starts and its first
 * row), and the pages of each column those rows need. Rows are kept as sorted, disjoint
 * {@code [start, end)} pairs in one int array. A page index that is absent or does not hold
 * together (rows out of order, sizes that disagree) prunes nothing: it is only an optimization.
 */
final class PageIndexPruning {
    private PageIndexPruning() {}

    /** First row of every page, then the row group's row count; null when the offset index is unusable. */
    static long[] pageRows(OffsetIndex oi, long rows) {
        if (oi == null || oi.getPage_locations() == null || oi.getPage_locations().isEmpty()) {
            return null;
        }
        List<PageLocation> pages = oi.getPage_locations();
        long[] starts = new long[pages.size() + 1];
        for (int i = 0; i < pages.size(); i++) {
            starts[i] = pages.get(i).getFirst_row_index();
            if (i == 0 ? starts[0] != 0 : starts[i] <= starts[i - 1]) {
                return null;
            }
        }
        starts[pages.size()] = rows;
        if (starts[pages.size() - 1] >= rows) {
            return null;
        }
        return starts;
    }

    /**
     * Marks in {@code excluded} the rows of pages whose bounds in {@code ci} rule them out for
     * {@code column} (schema index {@code schemaColumn}). Returns how many pages it ruled out.
     */
    static int exclude(ParquetColumn column, int schemaColumn, ColumnIndex ci, long[] pageRows,
                       Table.RowFilter filter, BitSet excluded) {
        int pages = pageRows.length - 1;
        if (ci == null || ci.getNull_pages() == null || ci.getMin_values() == null || ci.getMax_values() == null
                || ci.getNull_pages().size() != pages || ci.getMin_values().size() != pages || ci.getMax_values().size() != pages
                || (ci.isSetNull_counts() && ci.getNull_counts().size() != pages)) {
            return 0;
        }
        int ruledOut = 0;
        for (int p = 0; p < pages; p++) {
            int rows = (int) (pageRows[p + 1] - pageRows[p]);
            long nullCount = ci.isSetNull_counts() ? ci.getNull_counts().get(p) : 0;
            int nulls = !column.optional() ? 0 : ci.getNull_pages().get(p) ? rows
                    : nullCount >= 0 && nullCount <= rows ? (int) nullCount : 0;
            long[] bounds = null;
            if (!ci.getNull_pages().get(p)) {
                Statistics st = new Statistics();
                st.setMin_value(ci.getMin_values().get(p));
                st.setMax_value(ci.getMax_values().get(p));
                bounds = FooterStatistics.longBounds(column, st);
            }
            ZoneMap zone = new ZoneMap(bounds != null, bounds == null ? Long.MAX_VALUE : bounds[0],
                    bounds == null ? Long.MIN_VALUE : bounds[1], Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, nulls, rows);
            if ((bounds != null || nulls == rows) && filter.excludes(schemaColumn, zone)) {
                excluded.set((int) pageRows[p], (int) pageRows[p + 1]);
                ruledOut++;
            }
        }
        return ruledOut;
    }

    /** The rows of {@code [0, rows)} not in {@code excluded}, as ranges. */
    static int[] kept(BitSet excluded, int rows) {
        int[] out = new int[8];
        int n = 0;
        for (int start = excluded.nextClearBit(0); start < rows; ) {
            int end = Math.min(rows, excluded.nextSetBit(start) < 0 ? rows : excluded.nextSetBit(start));
            if (n + 2 > out.length) {
                out = java.util.Arrays.copyOf(out, out.length * 2);
            }
            out[n++] = start;
            out[n++] = end;
            start = excluded.nextClearBit(end);
        }
        return java.util.Arrays.copyOf(out, n);
    }

    static int count(int[] ranges) {
        int n = 0;
        for (int i = 0; i < ranges.length; i += 2) {
            n += ranges[i + 1] - ranges[i];
        }
        return n;
    }

    /** The parts of the sorted ranges {@code ranges} inside {@code [from, to)}. */
    static int[] intersect(int[] ranges, int from, int to) {
        int[] out = new int[ranges.length];
        int n = 0;
        for (int i = 0; i < ranges.length; i += 2) {
            int a = Math.max(ranges[i], from);
            int b = Math.min(ranges[i + 1], to);
            if (a < b) {
                out[n++] = a;
                out[n++] = b;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** Pages (first rows {@code pageRows}, then the row count) with no row in {@code [from, to)}; 0 without an index. */
    static int pagesOutside(long[] pageRows, int from, int to) {
        if (pageRows == null) {
            return 0;
        }
        int n = 0;
        for (int p = 0; p + 1 < pageRows.length; p++) {
            if (pageRows[p + 1] <= from || pageRows[p] >= to) {
                n++;
            }
        }
        return n;
    }

    /** Which pages hold at least one kept row. */
    static boolean[] pagesNeeded(long[] pageRows, int[] kept) {
        int pages = pageRows.length - 1;
        boolean[] need = new boolean[pages];
        int k = 0;
        for (int p = 0; p < pages; p++) {
            // skip kept ranges that end before this page
            while (k < kept.length && kept[k + 1] <= pageRows[p]) {
                k += 2;
            }
            need[p] = k < kept.length && kept[k] < pageRows[p + 1];
        }
        return need;
    }

    /** The rows the needed pages hold, merged into ranges. */
    static int[] decodedRows(long[] pageRows, boolean[] need) {
        int[] out = new int[2 * need.length];
        int n = 0;
        for (int p = 0; p < need.length; p++) {
            if (!need[p]) {
                continue;
            }
            if (n > 0 && out[n - 1] == pageRows[p]) {
                out[n - 1] = (int) pageRows[p + 1];
            } else {
                out[n++] = (int) pageRows[p];
                out[n++] = (int) pageRows[p + 1];
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /**
     * {@code v} holds the rows {@code decoded} (in order, from row 0 of the vector); moves the
     * {@code kept} rows, all inside {@code decoded}, to the front, in order.
     */
    static void compact(ColumnVector v, int[] decoded, int[] kept) {
        int dst = 0;
        int d = 0;
        int base = 0; // vector row of decoded[d]
        for (int k = 0; k < kept.length; k += 2) {
            while (decoded[d + 1] <= kept[k]) {
                base += decoded[d + 1] - decoded[d];
                d += 2;
            }
            int src = base + kept[k] - decoded[d];
            int n = kept[k + 1] - kept[k];
            moveRows(v, src, dst, n);
            dst += n;
        }
    }

    /** Rows {@code [src, src+n)} to {@code [dst, dst+n)}, {@code dst <= src}. */
    private static void moveRows(ColumnVector v, int src, int dst, int n) {
        if (src == dst || n == 0) {
            return;
        }
        MemorySegment data = v.data();
        if (v.type() instanceof DataType.BooleanType) {
            moveBits(data, src, dst, n);
        } else {
            long w = v.type().byteWidth();
            MemorySegment.copy(data, src * w, data, dst * w, n * w);
        }
        if (v.validity() != null) {
            moveBits(v.validity(), src, dst, n);
        }
    }

    private static void moveBits(MemorySegment bits, int src, int dst, int n) {
        for (int i = 0; i < n; i++) {
            Validity.set(bits, dst + i, Validity.isValid(bits, src + i));
        }
    }
}
