package io.blueshift.cli;

import io.blueshift.memory.MemoryLimitExceededException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** The {@code blueshift} command. Errors are one line on stderr and a non-zero exit. */
@Command(name = "blueshift", mixinStandardHelpOptions = true, version = "blueshift 0.1.0",
        description = "Blueshift: a vectorized SQL execution engine for the JVM.",
        subcommands = {SqlCommand.class, ShellCommand.class, TpchCommand.class, BenchCommand.class, ProfileCommand.class})
public final class BlueshiftCli implements Callable<Integer> {

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine cli = new CommandLine(new BlueshiftCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            System.err.println("blueshift: error: " + message(e));
            if (Boolean.getBoolean("blueshift.debug")) {
                e.printStackTrace();
            }
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        cli.setParameterExceptionHandler((e, a) -> {
            System.err.println("blueshift: " + e.getMessage());
            System.err.println("try: blueshift " + String.join(" ", e.getCommandLine().getCommandSpec().qualifiedName().replace("blueshift", "").trim()) + " --help");
            return 2;
        });
        try {
            return cli.execute(args);
        } catch (StackOverflowError | OutOfMemoryError | AssertionError e) {
            // not an Exception, so past picocli's handler: one line, not a stack trace
            System.err.println("blueshift: error: " + (e instanceof StackOverflowError
                    ? "the statement is nested too deeply for the planner (stack overflow)"
                    : e instanceof AssertionError ? "internal error (" + message(e) + "); please report the statement" : message(e)));
            if (Boolean.getBoolean("blueshift.debug")) {
                e.printStackTrace();
            }
            return 1;
        }
    }

    static String message(Throwable e) {
        if (e instanceof MemoryLimitExceededException) {
            return e.getMessage();
        }
        if (e instanceof OutOfMemoryError) {
            return "the JVM heap is exhausted (" + e.getMessage() + "); set BLUESHIFT_JAVA_OPTS=-Xmx..";
        }
        String m = e.getMessage();
        Throwable cause = e.getCause();
        while ((m == null || m.isBlank()) && cause != null) {
            m = cause.getMessage();
            cause = cause.getCause();
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
