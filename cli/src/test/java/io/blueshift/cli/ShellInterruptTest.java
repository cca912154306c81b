package io.blueshift.cli;

import io.blueshift.api.Blueshift;
import io.blueshift.api.Options;
import io.blueshift.api.Session;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ctrl-C in the shell (the terminal's INT signal calls {@code interruptRunning}) cancels the query; the shell goes on. */
class ShellInterruptTest {
    @Test
    void ctrlCCancelsTheRunningQueryAndTheShellGoesOn() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Session session = Blueshift.open(Options.defaults().withThreads(2))) {
            session.loadTpch(0.01, null);
            ShellInterpreter shell = new ShellInterpreter(session, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            // billions of join matches: runs far longer than the test unless cancelled
            Thread t = Thread.ofPlatform().start(() -> shell.accept("SELECT count(*) FROM lineitem a JOIN lineitem b"
                    + " ON a.l_suppkey = b.l_suppkey JOIN lineitem c ON b.l_partkey = c.l_partkey JOIN lineitem d ON c.l_orderkey = d.l_orderkey;"));
            Thread.sleep(500);
            long t0 = System.nanoTime();
            shell.interruptRunning();
            t.join(5000);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(!t.isAlive(), "the statement did not stop");
            assertTrue(ms < 1000, "cancel took " + ms + " ms");
            assertEquals("error: query cancelled", err.toString(StandardCharsets.UTF_8).strip());
            assertEquals(0, session.queryMemoryInUse());
            shell.accept("SELECT count(*) FROM nation;");
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("1 row"), out.toString(StandardCharsets.UTF_8));
            shell.interruptRunning(); // nothing running: nothing happens
        }
    }
}
