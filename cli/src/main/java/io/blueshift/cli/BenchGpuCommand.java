package io.blueshift.cli;

import io.blueshift.gpu.bench.GpuBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code blueshift bench gpu}: CPU vs GPU filter scan and hash join at growing sizes and, with
 * {@code --tpch-sf}, TPC-H queries with gpu=off vs gpu=auto.
 */
@Command(name = "gpu", mixinStandardHelpOptions = true,
        description = "CPU vs GPU: filter scan and hash join from 1M rows up, on device-resident data and with the transfers "
                + "counted; with --tpch-sf, TPC-H queries with gpu=off vs gpu=auto on one set of generated tables. "
                + "Without a CUDA device only the CPU side runs (gpu=auto then runs like gpu=off).")
final class BenchGpuCommand implements Callable<Integer> {
    @Option(names = "--max-rows", paramLabel = "N", description = "Largest size, e.g. 64m or 1b (default: ${DEFAULT-VALUE}); sizes grow 4x "
            + "from 1m; 0 skips the kernel sizes (with --tpch-sf).")
    String maxRows = "64m";

    @Option(names = "--runs", description = "Timed runs per point, best reported (default: ${DEFAULT-VALUE}).")
    int runs = 3;

    @Option(names = "--threads", description = "CPU threads (default: all cores).")
    Integer threads;

    @Option(names = "--tpch-sf", paramLabel = "SF", description = "Also run TPC-H at this scale factor, generated in memory, "
            + "with gpu=off and gpu=auto; each auto result is checked against the off one.")
    Double tpchSf;

    @Option(names = "--tpch-queries", split = ",", paramLabel = "N", description = "TPC-H query numbers, e.g. 1,3 (default: all 22).")
    List<Integer> tpchQueries;

    @Option(names = "--tpch-runs", paramLabel = "N", description = "Timed runs of each query per mode, median reported (default: ${DEFAULT-VALUE}).")
    int tpchRuns = 3;

    @Option(names = "--tpch-threads", paramLabel = "N", description = "Worker threads of the TPC-H queries (default: all cores).")
    Integer tpchThreads;

    @Override
    public Integer call() {
        if (runs < 1) throw new IllegalArgumentException("--runs must be >= 1");
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1) throw new IllegalArgumentException("--threads must be >= 1");
        long rows = GpuBench.parseRows(maxRows);
        if (rows == 0 && tpchSf == null) {
            throw new IllegalArgumentException("--max-rows 0 skips the kernel sizes: give --tpch-sf to run something");
        }
        if (tpchSf != null) {
            if (tpchRuns < 1) throw new IllegalArgumentException("--tpch-runs must be >= 1");
            if (tpchThreads != null && tpchThreads < 1) throw new IllegalArgumentException("--tpch-threads must be >= 1");
            TpchCli.checkScaleFactor(tpchSf);
            TpchCli.checkQueries(tpchQueries, false);
        }
        int status = 0;
        if (rows != 0) {
            status = GpuBench.run(rows, runs, t, System.out, System.err);
            System.out.flush();
        }
        if (tpchSf != null) {
            int tt = tpchThreads == null ? Runtime.getRuntime().availableProcessors() : tpchThreads;
            if (rows != 0) System.out.println();
            status = Math.max(status, GpuTpchBench.run(tpchSf, tpchQueries, tpchRuns, tt, System.out, System.err));
        }
        return status;
    }
}
