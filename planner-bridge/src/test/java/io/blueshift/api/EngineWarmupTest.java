package io.blueshift.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EngineWarmupTest {
    @Test
    void everyStatementOfARoundRuns() {
        // strict: a statement our engine refuses fails the test instead of ending the warm-up quietly
        assertEquals(2 * EngineWarmup.STATEMENTS.size(), EngineWarmup.run(2, true));
    }
}
