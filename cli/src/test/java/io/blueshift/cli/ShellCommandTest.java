package io.blueshift.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code blueshift shell} driven through a pipe, as a script would drive it. */
class ShellCommandTest {

    private record Outcome(int exit, String out, String err) {
        /** stderr lines that are errors (progress lines of the TPC-H load left out). */
        long errorLines() {
            return err.lines().filter(l -> l.startsWith("error:")).count();
        }
    }

    private static synchronized Outcome shell(String input) {
        InputStream oldIn = System.in;
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = BlueshiftCli.run("shell", "--tpch", "0.01", "--threads", "2");
            return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(oldIn);
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void tablesSchemaAndAQuery() {
        Outcome o = shell(".tables\n.schema nation\nselect count(*) from nation;\n.quit\n");
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains("lineitem") && o.out().contains("60,175 rows"), o.out());
        assertTrue(o.out().contains("n_nationkey INTEGER") || o.out().contains("n_nationkey BIGINT"), o.out());
        assertTrue(o.out().contains("25") && o.out().contains("1 row"), o.out());
        assertEquals(0, o.errorLines(), o.err());
    }

    @Test
    void statementsSpanLinesAndShareALine() {
        Outcome o = shell("select n_name\nfrom nation\nwhere n_nationkey = 7;\nselect 1 + 1 from region where r_regionkey = 0; select r_name from region where r_regionkey = 1;\n");
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains("GERMANY"), o.out());
        assertTrue(o.out().contains("AMERICA"), o.out());
        assertEquals(3, o.out().lines().filter(l -> l.equals("1 row")).count(), o.out());
    }

    @Test
    void errorsAreOneLineAndTheShellGoesOn() {
        Outcome o = shell("select nope from nation;\nselect * from;\n.schema nowhere\n.frobnicate\n.timer maybe\nselect count(*) from region;\n");
        assertEquals(0, o.exit(), o.err());
        assertEquals(5, o.errorLines(), o.err());
        assertTrue(o.err().contains("nope"), o.err());
        assertTrue(o.err().contains("line 1, column"), o.err());
        assertTrue(o.err().contains("nowhere"), o.err());
        assertFalse(o.err().contains("\tat "), o.err());
        assertTrue(o.out().contains("1 row"), "the statement after the errors ran: " + o.out());
    }

    @Test
    void timerHelpAndQuitStopsReading() {
        Outcome o = shell(".help\n.timer on\nselect count(*) from region;\n.timer off\n.quit\nselect nope;\n");
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains(".schema [TABLE]"), o.out());
        assertTrue(o.out().matches("(?s).*1 row \\([0-9.]+ ms\\).*"), o.out());
        assertEquals(0, o.errorLines(), "nothing after .quit runs: " + o.err());
    }

    @Test
    void aStatementWithoutItsSemicolonRunsAtEndOfInput() {
        Outcome o = shell("select r_name from region where r_regionkey = 4");
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.out().contains("MIDDLE EAST"), o.out());
    }
}
