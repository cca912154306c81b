package io.blueshift.hwprofiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void roundTrip() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a \"q\" \\ \n\t\u0001é");
        m.put("i", -12L);
        m.put("d", 2.5);
        m.put("b", true);
        m.put("n", null);
        m.put("l", List.of(1L, "x"));
        m.put("o", Map.of("k", List.of(Map.of("z", 0L))));
        m.put("e", List.of());
        assertEquals(m, Json.parse(Json.write(m)));
    }

    @Test
    void rejectsBadInput() {
        for (String bad : new String[] {"", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,\"a\":2}", "tru", "\"x", "1 2", "-"}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
    }

    @Test
    void nonFiniteDoublesWriteAsNull() {
        assertEquals("[null, 1.5]\n", Json.write(List.of(Double.NaN, 1.5)));
    }
}
