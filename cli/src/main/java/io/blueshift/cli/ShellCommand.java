package io.blueshift.cli;

import io.blueshift.api.Blueshift;
import io.blueshift.api.Session;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code blueshift shell}: an interactive SQL shell on built-in TPC-H tables, with line editing
 * and history (JLine) on a terminal, and a plain line reader when stdin is a pipe or a file.
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = "Interactive SQL shell on built-in TPC-H tables (statements end with ';'; .help lists commands).")
final class ShellCommand implements Callable<Integer> {
    private static final String PROMPT = "blueshift> ";
    private static final String CONTINUATION = "        -> ";

    @Option(names = "--tpch", paramLabel = "SF", description = "Load TPC-H tables at this scale factor; 0 for none (default: ${DEFAULT-VALUE}).")
    double tpch = 0.01;

    @Option(names = "--history", paramLabel = "FILE", description = "History file (default: ~/.blueshift_history).")
    Path history = Path.of(System.getProperty("user.home"), ".blueshift_history");

    @Mixin
    EngineOptions engine = new EngineOptions();

    @Override
    public Integer call() throws IOException {
        if (tpch != 0) {
            TpchCli.checkScaleFactor(tpch);
        }
        try (Session session = Blueshift.open(engine.sessionOptions())) {
            if (tpch != 0) {
                session.attachTpch(tpch, System.err);
            }
            ShellInterpreter shell = new ShellInterpreter(session, System.out, System.err);
            if (System.console() != null && System.console().isTerminal()) {
                interactive(shell);
            } else {
                piped(shell);
            }
        }
        return 0;
    }

    /** Reads stdin line by line without prompts: how scripts and tests drive the shell. */
    private static void piped(ShellInterpreter shell) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (!shell.accept(line)) {
                return;
            }
        }
        shell.finish();
    }

    private void interactive(ShellInterpreter shell) throws IOException {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            LineReader reader = LineReaderBuilder.builder()
                    .terminal(terminal)
                    .appName("blueshift")
                    .variable(LineReader.HISTORY_FILE, history)
                    // SQL spans lines and quotes; the interpreter decides where a statement ends
                    .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                    .build();
            // Ctrl-C outside line editing (a query running) cancels the query; the shell goes on
            terminal.handle(Terminal.Signal.INT, signal -> shell.interruptRunning());
            PrintStream out = System.out;
            out.println("blueshift shell: " + (tpch != 0 ? "TPC-H SF " + TpchCli.sf(tpch) + " (generated on first use)" : "no tables loaded")
                    + "; statements end with ';', .help for commands");
            while (true) {
                String line;
                try {
                    line = reader.readLine(shell.continuing() ? CONTINUATION : PROMPT);
                } catch (UserInterruptException e) {
                    shell.cancel();
                    continue;
                } catch (EndOfFileException e) {
                    break;
                }
                if (!shell.accept(line)) {
                    break;
                }
            }
            reader.getHistory().save();
        }
    }
}
