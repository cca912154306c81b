package io.blueshift.bench.duckdb;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class ResultComparatorTest {
    private static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    @SafeVarargs
    private static List<List<Object>> rows(List<Object>... rows) {
        return List.of(rows);
    }

    private static boolean same(Object e, Object a) {
        return ResultComparator.valuesMatch(e, a);
    }

    @Test
    void integersAndStringsAreExact() {
        assertTrue(same(1L, 1L));
        assertTrue(same(1, 1L)); // INTEGER vs BIGINT
        assertTrue(same(BigInteger.valueOf(7), 7L)); // HUGEINT vs BIGINT
        assertFalse(same(1L, 2L));
        assertTrue(same("abc", "abc"));
        assertFalse(same("abc", "abc "));
        assertFalse(same("1", 1L));
    }

    @Test
    void nulls() {
        assertTrue(same(null, null));
        assertFalse(same(null, 0L));
        assertFalse(same("", null));
    }

    @Test
    void decimalsMatchAtTheCoarserScale() {
        assertTrue(same(new BigDecimal("1.50"), new BigDecimal("1.5")));
        assertTrue(same(new BigDecimal("0.3333"), new BigDecimal("0.33333333")));
        assertTrue(same(new BigDecimal("25.52"), new BigDecimal("25.5156")));
        assertFalse(same(new BigDecimal("25.51"), new BigDecimal("25.5156")));
        assertFalse(same(new BigDecimal("1.50"), new BigDecimal("1.51")));
    }

    @Test
    void integerAgainstDecimalIsNumeric() {
        assertTrue(same(3L, new BigDecimal("3")));
        assertTrue(same(new BigDecimal("3.00"), 3L));
        assertFalse(same(3L, new BigDecimal("3.4"))); // no rounding of a decimal to an integer
    }

    @Test
    void doublesToOnePartInABillion() {
        assertTrue(same(1.0, 1.0 + 1e-12));
        assertTrue(same(1e12, 1e12 + 1)); // relative 1e-12
        assertFalse(same(1e12, 1e12 + 10_000));
        assertTrue(same(0.0, 1e-10)); // absolute near zero
        assertFalse(same(0.0, 1e-6));
        assertTrue(same(Double.NaN, Double.NaN));
        assertFalse(same(Double.NaN, 0.0));
        assertTrue(same(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY));
    }

    @Test
    void decimalAgainstDoubleComparesAsDoubles() {
        assertTrue(same(new BigDecimal("35785.709306"), 35785.70930655));
        assertTrue(same(25.0, new BigDecimal("25.00")));
        assertFalse(same(new BigDecimal("0.05"), 0.0500001));
    }

    @Test
    void datesAndTimestamps() {
        assertTrue(same(LocalDate.of(1995, 3, 15), LocalDate.of(1995, 3, 15)));
        assertFalse(same(LocalDate.of(1995, 3, 15), LocalDate.of(1995, 3, 16)));
        assertTrue(same(LocalDateTime.of(1970, 1, 1, 0, 0, 1), 1_000_000L));
    }

    @Test
    void duckDbTimestampAtMidnightMatchesOurDate() {
        // DuckDB types DATE + INTERVAL as TIMESTAMP; we keep DATE
        assertTrue(same(LocalDateTime.of(1995, 3, 15, 0, 0), LocalDate.of(1995, 3, 15)));
        assertFalse(same(LocalDateTime.of(1995, 3, 15, 0, 0, 1), LocalDate.of(1995, 3, 15)));
        assertFalse(same(LocalDateTime.of(1995, 3, 16, 0, 0), LocalDate.of(1995, 3, 15)));
    }

    @Test
    void rowCountMismatchIsReported() {
        ResultComparator.Result r = ResultComparator.compare(rows(row(1L), row(2L)), rows(row(1L)), true);
        assertFalse(r.matched());
        assertTrue(r.message().contains("row count differs: expected 2 rows, actual 1 rows"), r.message());
    }

    @Test
    void firstDifferenceNamesRowColumnAndValues() {
        ResultComparator.Result r = ResultComparator.compare(
                rows(row("A", 1L), row("B", new BigDecimal("2.50"))),
                rows(row("A", 1L), row("B", new BigDecimal("2.60"))), true);
        assertFalse(r.matched());
        assertTrue(r.message().startsWith("row 2, column 2: expected 2.50 (BigDecimal), actual 2.60 (BigDecimal)"),
                r.message());
    }

    @Test
    void columnCountMismatch() {
        ResultComparator.Result r = ResultComparator.compare(rows(row(1L, 2L)), rows(row(1L)), false);
        assertFalse(r.matched());
        assertTrue(r.message().contains("column count differs"), r.message());
    }

    @Test
    void orderMattersOnlyWhenAsked() {
        List<List<Object>> e = rows(row("a", 1L), row("b", 2L), row(null, 3L));
        List<List<Object>> a = rows(row(null, 3L), row("b", 2L), row("a", 1L));
        assertFalse(ResultComparator.compare(e, a, true).matched());
        assertTrue(ResultComparator.compare(e, a, false).matched());
        assertTrue(ResultComparator.compare(e, e, true).matched());
    }

    @Test
    void unorderedWithNearEqualDoublesThatSortApart() {
        // sorted by the first column these pair up crosswise; any-order matching finds the pairing
        List<List<Object>> e = rows(row(1.0, "x"), row(1.0 + 1e-12, "y"));
        List<List<Object>> a = rows(row(1.0 + 2e-12, "x"), row(1.0, "y"));
        assertTrue(ResultComparator.compare(e, a, false).matched());
        List<List<Object>> wrong = rows(row(1.0, "x"), row(1.0, "z"));
        ResultComparator.Result r = ResultComparator.compare(e, wrong, false);
        assertFalse(r.matched());
        assertTrue(r.message().contains("(rows sorted)"), r.message());
    }

    @Test
    void emptyResultsMatch() {
        assertTrue(ResultComparator.compare(new ArrayList<>(), List.of(), true).matched());
    }
}
