package io.blueshift.storage.csv;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The byte parsers and printers against the JDK's, on random values (seed printed on failure). */
class CsvValuesTest {
    private final CsvValues values = new CsvValues();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void doublesParseExactlyAsTheJdk() {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        for (int i = 0; i < 200_000; i++) {
            String s;
            switch (i % 4) {
                case 0 -> s = Double.toString(Double.longBitsToDouble(r.nextLong()));
                case 1 -> s = (r.nextBoolean() ? "-" : "") + r.nextInt(1_000_000) + "." + r.nextInt(1_000_000);
                case 2 -> {
                    StringBuilder sb = new StringBuilder();
                    for (int d = 0, n = 1 + r.nextInt(25); d < n; d++) {
                        sb.append((char) ('0' + r.nextInt(10)));
                    }
                    sb.insert(r.nextInt(sb.length() + 1), '.');
                    s = sb + (r.nextBoolean() ? "e" + (r.nextInt(80) - 40) : "");
                    if (s.startsWith(".") && s.length() == 1 || s.equals(".") || s.startsWith(".e")) {
                        continue;
                    }
                }
                default -> {
                    StringBuilder out = new StringBuilder();
                    CsvTextFormat.appendDouble(out, Double.longBitsToDouble(r.nextLong()));
                    s = out.toString();
                }
            }
            byte[] bytes = b(s);
            if (s.contains("NaN") || s.contains("nan")) {
                assertTrue(values.parseDouble(bytes, 0, bytes.length), s);
                assertTrue(Double.isNaN(values.doubleValue), s);
                continue;
            }
            double expected = Double.parseDouble(s.replace("inf", "Infinity"));
            assertTrue(values.parseDouble(bytes, 0, bytes.length), "seed " + seed + ": " + s);
            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(values.doubleValue), "seed " + seed + ": " + s);
        }
        for (String bad : new String[]{"", "-", ".", "e5", "1e", "1e+", "1.2.3", "0x10", "1d", "1f", "NaNx", "--1", "1 2"}) {
            byte[] bytes = b(bad);
            assertFalse(values.parseDouble(bytes, 0, bytes.length), bad);
        }
    }

    @Test
    void doublesPrintShortestAndRoundTrip() {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        for (int i = 0; i < 100_000; i++) {
            double v = i % 2 == 0 ? Double.longBitsToDouble(r.nextLong()) : r.nextInt(100_000) / Math.pow(10, r.nextInt(12));
            StringBuilder out = new StringBuilder();
            CsvTextFormat.appendDouble(out, v);
            String s = out.toString();
            if (Double.isNaN(v)) {
                assertEquals("nan", s);
                continue;
            }
            assertEquals(Double.doubleToRawLongBits(v), Double.doubleToRawLongBits(Double.parseDouble(s.replace("inf", "Infinity"))),
                    "seed " + seed + ": " + v + " printed " + s);
            // no more digits than the JDK's shortest
            String digits = s.replaceAll("e.*", "").replaceAll("[^0-9]", "").replaceAll("^0+", "").replaceAll("0+$", "");
            String jdk = Double.toString(Math.abs(v)).replaceAll("E.*", "").replaceAll("[^0-9]", "").replaceAll("^0+", "").replaceAll("0+$", "");
            assertTrue(digits.length() <= Math.max(1, jdk.length()), "seed " + seed + ": " + s + " vs " + Double.toString(v));
        }
    }

    @Test
    void integersAndDecimals() {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        for (int i = 0; i < 100_000; i++) {
            long v = i % 3 == 0 ? r.nextLong() : r.nextInt();
            byte[] bytes = b(Long.toString(v));
            assertTrue(values.parseLong(bytes, 0, bytes.length));
            assertEquals(v, values.longValue);
            int scale = r.nextInt(6);
            int precision = Math.min(18, scale + 1 + r.nextInt(13));
            long unscaled = r.nextLong() % CsvValues.LONG_TENS[precision];
            StringBuilder out = new StringBuilder();
            CsvTextFormat.appendDecimal(out, unscaled, scale);
            assertEquals(BigDecimal.valueOf(unscaled, scale).toPlainString(), out.toString());
            bytes = b(out.toString());
            assertTrue(values.parseDecimal(bytes, 0, bytes.length, precision, scale), out.toString());
            assertEquals(unscaled, values.longValue);
            // extra digits round half away from zero, as DuckDB
            String longer = BigDecimal.valueOf(unscaled, scale).add(BigDecimal.valueOf(r.nextInt(1000), scale + 3)
                    .multiply(BigDecimal.valueOf(Long.signum(unscaled) < 0 ? -1 : 1))).toPlainString();
            BigDecimal expected = new BigDecimal(longer).setScale(scale, RoundingMode.HALF_UP);
            bytes = b(longer);
            if (expected.unscaledValue().abs().compareTo(BigDecimal.TEN.pow(precision).toBigInteger()) < 0) {
                assertTrue(values.parseDecimal(bytes, 0, bytes.length, precision, scale), "seed " + seed + ": " + longer);
                assertEquals(expected.unscaledValue().longValueExact(), values.longValue, "seed " + seed + ": " + longer);
            }
        }
        for (String bad : new String[]{"9223372036854775808", "-9223372036854775809", "1.0", "", "+", "12a"}) {
            byte[] bytes = b(bad);
            assertFalse(values.parseLong(bytes, 0, bytes.length), bad);
        }
        assertTrue(values.parseLong(b("-9223372036854775808"), 0, 20));
        assertEquals(Long.MIN_VALUE, values.longValue);
    }

    @Test
    void datesAndTimestampsAgreeWithJavaTime() {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        for (int i = 0; i < 100_000; i++) {
            LocalDate d = LocalDate.ofEpochDay(r.nextInt(2_900_000) - 700_000);
            StringBuilder out = new StringBuilder();
            CsvTextFormat.appendDate(out, d.toEpochDay());
            assertEquals(d.toString(), out.toString());
            byte[] bytes = b(d.toString());
            assertTrue(values.parseDate(bytes, 0, bytes.length), d.toString());
            assertEquals(d.toEpochDay(), values.longValue);
            long micros = d.toEpochDay() * 86_400_000_000L + (long) (r.nextDouble() * 86_400_000_000L);
            LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000), (int) Math.floorMod(micros, 1_000_000) * 1000,
                    ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
            out.setLength(0);
            CsvTextFormat.appendTimestamp(out, micros);
            String iso = t.toString().replace('T', ' ') + (t.getSecond() == 0 && t.getNano() == 0 ? ":00" : "");
            assertEquals(iso.contains(".") ? iso.replaceAll("0+$", "") : iso, out.toString(), "trailing zeros of the fraction dropped");
            bytes = b(out.toString());
            assertTrue(values.parseTimestamp(bytes, 0, bytes.length), out.toString());
            assertEquals(micros, values.longValue, "seed " + seed + ": " + out);
        }
        for (String bad : new String[]{"2021-02-29", "2020-13-01", "2020-00-10", "2020-01-32", "20-01-01", "2020/01/01", "2020-01-01x"}) {
            byte[] bytes = b(bad);
            assertFalse(values.parseDate(bytes, 0, bytes.length), bad);
        }
        for (String bad : new String[]{"2020-01-01 25:00:00", "2020-01-01 10:60", "2020-01-01 10:00:61", "2020-01-01 1:00", "2020-01-01 10:00:00."}) {
            byte[] bytes = b(bad);
            assertFalse(values.parseTimestamp(bytes, 0, bytes.length), bad);
        }
    }

    @Test
    void utf8Validation() {
        assertEquals(3, CsvValues.validUtf8(b("abc"), 0, 3));
        byte[] ok = b("ü✓𝄞");
        assertEquals(ok.length, CsvValues.validUtf8(ok, 0, ok.length));
        assertEquals(0, CsvValues.validUtf8(new byte[]{(byte) 0xC0, (byte) 0x80}, 0, 2), "overlong");
        assertEquals(0, CsvValues.validUtf8(new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80}, 0, 3), "surrogate");
        assertEquals(1, CsvValues.validUtf8(new byte[]{'a', (byte) 0xE2, (byte) 0x9C}, 0, 3), "cut short");
        assertEquals(0, CsvValues.validUtf8(new byte[]{(byte) 0xFF}, 0, 1));
    }
}
