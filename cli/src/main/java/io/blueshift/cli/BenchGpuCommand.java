package io.blueshift.cli;

import io.blueshift.gpu.bench.GpuBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code blueshift bench gpu}: CPU vs GPU filter scan and hash join at growing sizes. */
@Command(name = "gpu", mixinStandardHelpOptions = true,
        description = "CPU vs GPU: filter scan and hash join from 1M rows up, on device-resident data and with the transfers "
                + "counted. Without a CUDA device only the CPU side runs.")
final class BenchGpuCommand implements Callable<Integer> {
    @Option(names = "--max-rows", paramLabel = "N", description = "Largest size, e.g. 64m or 1b (default: ${DEFAULT-VALUE}); sizes grow 4x from 1m.")
    String maxRows = "64m";

    @Option(names = "--runs", description = "Timed runs per point, best reported (default: ${DEFAULT-VALUE}).")
    int runs = 3;

    @Option(names = "--threads", description = "CPU threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() {
        if (runs < 1) throw new IllegalArgumentException("--runs must be >= 1");
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1) throw new IllegalArgumentException("--threads must be >= 1");
        return GpuBench.run(GpuBench.parseRows(maxRows), runs, t, System.out, System.err);
    }
}
