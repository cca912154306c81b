package io.blueshift.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Device memory is accounted with {@link MemoryPool#reserveExternal}: limits, leak check, no host segment. */
class ExternalReservationTest {

    @Test
    void countsAgainstEveryLimitAndIsReturnedOnClose() {
        try (MemoryPool root = MemoryPool.root("root", 1 << 20)) {
            MemoryPool device = root.child("device", 512 * 1024);
            Allocation held = device.reserveExternal(400 * 1024, "device hash table");
            assertEquals(400 * 1024, device.reserved());
            assertEquals(400 * 1024, root.reserved());
            var e = assertThrows(MemoryLimitExceededException.class, () -> device.reserveExternal(200 * 1024, "device keys"));
            assertTrue(e.getMessage().contains("device keys"), e.getMessage());
            held.close();
            held.close();
            assertEquals(0, root.reserved());
            device.close();
        }
    }

    @Test
    void leakIsNamedOnClose() {
        MemoryPool pool = MemoryPool.root("q", 1 << 20);
        Allocation held = pool.reserveExternal(1000, "device column l_quantity");
        var e = assertThrows(IllegalStateException.class, pool::close);
        assertTrue(e.getMessage().contains("device column l_quantity"), e.getMessage());
        held.close();
        pool.close();
    }
}
