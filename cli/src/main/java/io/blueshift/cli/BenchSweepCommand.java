package io.blueshift.cli;

import io.blueshift.api.Session;
import io.blueshift.bench.calibration.BatchSweep;
import io.blueshift.bench.calibration.JoinSweep;
import io.blueshift.bench.charts.SvgLineChart;
import io.blueshift.hwprofiles.Calibration;
import io.blueshift.hwprofiles.Profile;
import io.blueshift.hwprofiles.TuningParameters;
import io.blueshift.kernels.Kernels;
import io.blueshift.memory.MemoryPool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code blueshift bench sweep}: TPC-H queries across batch rows and across hash partition
 * bits, and the mixed-pipeline and join kernels of calibration across the same values, as tables
 * and SVG charts that mark the profile's choice (calibrated when {@code profile calibrate}
 * ran) and the fixed defaults (the L2 rules without calibration). Every configuration runs
 * once per round, rounds interleave them, figures are medians over the rounds, after one
 * untimed round of every configuration.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "TPC-H time and mixed-pipeline/join kernel time across batch rows and hash partition bits, marking the "
                + "profile's (calibrated) choice and the fixed defaults; writes tables and SVG charts to --out.")
final class BenchSweepCommand implements Callable<Integer> {
    @Option(names = "--sf", description = "Scale factor (default: ${DEFAULT-VALUE}).")
    double scaleFactor = 1;

    @Option(names = "--queries", split = ",", description = "Query numbers (default: 1,3,5,6,9,10,18).")
    List<Integer> queries = List.of(1, 3, 5, 6, 9, 10, 18);

    @Option(names = "--batch-sizes", split = ",", description = "Batch rows to sweep (default: 2048..65536 by powers of two).")
    List<Integer> batchSizes = List.of(2048, 4096, 8192, 16384, 32768, 65536);

    @Option(names = "--bits", split = ",", description = "Hash partition bits to sweep (default: 0,2,4,6,8,10,12).")
    List<Integer> bits = List.of(0, 2, 4, 6, 8, 10, 12);

    @Option(names = "--runs", description = "Rounds (each configuration once per round); medians reported (default: ${DEFAULT-VALUE}).")
    int runs = 3;

    @Option(names = "--kernel-rows", description = "Probe rows of the mixed-pipeline kernel (default: ${DEFAULT-VALUE}); the "
            + "join kernel's build has a quarter as many.")
    int kernelRows = 2 << 20;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write sweep.md and the charts (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("bench/results/sweep");

    @Mixin
    EngineOptions engine = new EngineOptions();

    /** One swept knob: its values, and the medians of each measured series at each value. */
    record Sweep(String knob, List<Integer> values, int chosen, int fixed, List<String> series, List<double[]> ms) { }

    @Override
    public Integer call() throws IOException {
        TpchCli.checkScaleFactor(scaleFactor);
        List<Integer> qs = TpchCli.checkQueries(queries, false);
        if (runs < 1) throw new IllegalArgumentException("--runs must be >= 1");
        PrintStream err = System.err;
        Profile profile = ProfileSupport.resolve(engine.profile == null ? "auto" : engine.profile);
        TuningParameters chosen = profile.tuning();
        TuningParameters fixed = TuningParameters.derive(profile.hardware());
        String chosenWhat = profile.calibration().isPresent() ? "calibrated" : "profile (not calibrated)";
        for (int b : bits) if (b < 0 || b > 12) throw new IllegalArgumentException("--bits must be 0..12, got " + b);
        List<Integer> sizes = withValues(batchSizes, chosen.batchRows(), fixed.batchRows());
        List<Integer> bitList = withValues(bits, chosen.hashPartitionBits(), fixed.hashPartitionBits());
        int threads = engine.threads();
        err.printf(Locale.ROOT, "profile %s: %s batch rows %d, bits %d; fixed defaults (L2 rules) batch rows %d, bits %d; %d threads%n",
                profile.name(), chosenWhat, chosen.batchRows(), chosen.hashPartitionBits(), fixed.batchRows(),
                fixed.hashPartitionBits(), threads);
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        err.printf(Locale.ROOT, "load average %.1f (others' work on these cores makes the figures noisy)%n", load);

        List<String> series = new ArrayList<>();
        for (int q : qs) series.add("Q" + q);
        double[][] batchQ;
        double[][] bitsQ;
        try (TpchEngine bs = new TpchEngine(scaleFactor, engine, err)) {
            Session s = bs.session();
            s.setThreads(threads);
            err.println("warm-up: each query once");
            for (int q : qs) bs.rows(q);
            s.setHashPartitionBits(chosen.hashPartitionBits());
            batchQ = tpch(bs, qs, sizes, s::setBatchRows, "batch rows", err);
            s.setBatchRows(chosen.batchRows());
            bitsQ = tpch(bs, qs, bitList, s::setHashPartitionBits, "partition bits", err);
        }
        double[] aggKernel;
        double[] joinKernel;
        try (MemoryPool pool = MemoryPool.root("sweep kernels", Math.max(2L << 30, 256L * kernelRows))) {
            err.printf(Locale.ROOT, "mixed-pipeline kernel: %s, each batch size%n", BatchSweep.workload(kernelRows));
            aggKernel = new BatchSweep(kernelRows, threads, err).run(pool, Kernels.provider(), sizes, runs, Long.MAX_VALUE)
                    .stream().mapToDouble(Calibration.SweepPoint::millis).toArray();
            int build = Math.max(1, kernelRows / 4);
            err.printf(Locale.ROOT, "join kernel: %s, each bit count%n", JoinSweep.workload(build));
            joinKernel = new JoinSweep(build, threads, chosen.batchRows(), err).run(pool, Kernels.provider(), bitList, runs, Long.MAX_VALUE)
                    .stream().mapToDouble(Calibration.PartitionPoint::millis).toArray();
        }
        Sweep batch = new Sweep("batch rows", sizes, chosen.batchRows(), fixed.batchRows(), series, columns(batchQ));
        Sweep part = new Sweep("hash partition bits", bitList, chosen.hashPartitionBits(), fixed.hashPartitionBits(), series, columns(bitsQ));

        Files.createDirectories(out);
        String machine = profile.hardware().cpuModel() + ", " + threads + " threads";
        String sf = "TPC-H SF " + TpchCli.sf(scaleFactor) + " (Q" + String.join(",", qs.stream().map(String::valueOf).toList()) + ")";
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%s, %s; medians of %d interleaved rounds; %s: batch rows %d, bits %d; fixed defaults: "
                        + "batch rows %d, bits %d%n%n", sf, machine, runs, chosenWhat, chosen.batchRows(), chosen.hashPartitionBits(),
                fixed.batchRows(), fixed.hashPartitionBits()));
        md.append(table(batch, "mixed-pipeline kernel ms", aggKernel, chosenWhat)).append('\n');
        md.append(table(part, "join kernel ms", joinKernel, chosenWhat)).append('\n');
        md.append(verdict(batch, chosenWhat)).append(verdict(part, chosenWhat));
        Files.writeString(out.resolve("sweep.md"), md.toString());
        chart(out.resolve("sweep-tpch-batch-rows.svg"), sf + " across batch rows: " + machine, batch, "total s",
                sum(batch), 1e-3, chosenWhat);
        chart(out.resolve("sweep-tpch-partition-bits.svg"), sf + " across hash partition bits: " + machine, part, "total s",
                sum(part), 1e-3, chosenWhat);
        chart(out.resolve("sweep-kernel-mixed.svg"), "Mixed pipeline (calibration's workload) across batch rows: " + machine,
                batch, "ms (scan, filter, join probe, group by; " + kernelRows + " probe rows)", aggKernel, 1, chosenWhat);
        chart(out.resolve("sweep-kernel-join.svg"), "Join kernel across hash partition bits: " + machine, part,
                "ms (" + JoinSweep.workload(Math.max(1, kernelRows / 4)) + ")", joinKernel, 1, chosenWhat);
        System.out.print(md);
        err.println("wrote " + out.resolve("sweep.md") + " and 4 charts in " + out);
        return 0;
    }

    /** Times each query at each value of a knob; rounds interleave the values. [value][query] medians. */
    private double[][] tpch(TpchEngine bs, List<Integer> qs, List<Integer> values, java.util.function.IntConsumer set,
                            String knob, PrintStream err) {
        double[][][] ms = new double[values.size()][qs.size()][runs];
        for (int r = -1; r < runs; r++) { // round -1: untimed, every value once (its own code paths warm)
            for (int v = 0; v < values.size(); v++) {
                set.accept(values.get(v));
                long t0 = System.nanoTime();
                for (int q = 0; q < qs.size(); q++) {
                    long t = System.nanoTime();
                    bs.rows(qs.get(q));
                    if (r >= 0) ms[v][q][r] = (System.nanoTime() - t) / 1e6;
                }
                err.printf(Locale.ROOT, "  %s, %s %d: %.0f ms%n", r < 0 ? "warm-up round" : "round " + (r + 1) + "/" + runs, knob,
                        values.get(v), (System.nanoTime() - t0) / 1e6);
            }
        }
        double[][] med = new double[values.size()][qs.size()];
        for (int v = 0; v < values.size(); v++) {
            for (int q = 0; q < qs.size(); q++) med[v][q] = median(ms[v][q]);
        }
        return med;
    }

    private static List<Integer> withValues(List<Integer> swept, int... more) {
        TreeSet<Integer> all = new TreeSet<>(swept);
        for (int m : more) all.add(m);
        return List.copyOf(all);
    }

    private static double median(double[] xs) {
        double[] c = xs.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    private static List<double[]> columns(double[][] byValue) {
        return Arrays.asList(byValue);
    }

    private static double[] sum(Sweep s) {
        double[] t = new double[s.values().size()];
        for (int v = 0; v < t.length; v++) for (double x : s.ms().get(v)) t[v] += x;
        return t;
    }

    private static String table(Sweep s, String kernelName, double[] kernel, String chosenWhat) {
        StringBuilder sb = new StringBuilder();
        sb.append("| ").append(s.knob()).append(" | ");
        for (String q : s.series()) sb.append(q).append(" ms | ");
        sb.append("TPC-H total ms | ").append(kernelName).append(" |\n|");
        sb.append("---|".repeat(s.series().size() + 3)).append('\n');
        double[] total = sum(s);
        for (int v = 0; v < s.values().size(); v++) {
            int value = s.values().get(v);
            String label = value + (value == s.chosen() ? " (" + chosenWhat + ")" : "") + (value == s.fixed() ? " (fixed default)" : "");
            sb.append("| ").append(label).append(" | ");
            for (double x : s.ms().get(v)) sb.append(String.format(Locale.ROOT, "%.0f | ", x));
            sb.append(String.format(Locale.ROOT, "%.0f | %.1f |%n", total[v], kernel[v]));
        }
        return sb.toString();
    }

    /** The acceptance check: the chosen value's TPC-H total within 5% of the best and no slower than the fixed default. */
    static String verdict(Sweep s, String chosenWhat) {
        double[] total = sum(s);
        int best = 0;
        for (int v = 1; v < total.length; v++) if (total[v] < total[best]) best = v;
        double chosen = total[s.values().indexOf(s.chosen())];
        double fixed = total[s.values().indexOf(s.fixed())];
        double vsBest = chosen / total[best] - 1;
        double vsFixed = chosen / fixed - 1;
        return String.format(Locale.ROOT, "- %s: %s %d is %.0f ms, best point %d is %.0f ms (%+.1f%%: %s), fixed default %d is %.0f ms "
                        + "(%+.1f%%: %s)%n", s.knob(), chosenWhat, s.chosen(), chosen, s.values().get(best), total[best], vsBest * 100,
                vsBest <= 0.05 ? "within 5%" : "NOT within 5%", s.fixed(), fixed, vsFixed * 100,
                chosen <= fixed ? "at least as fast" : "slower");
    }

    private static void chart(Path file, String title, Sweep s, String yLabel, double[] values, double scale, String chosenWhat)
            throws IOException {
        SvgLineChart c = new SvgLineChart(title, s.knob(), yLabel, s.values().stream().map(String::valueOf).toList());
        List<Double> ys = new ArrayList<>();
        for (double v : values) ys.add(v * scale);
        c.add(new SvgLineChart.Series("Blueshift", ys));
        int ci = s.values().indexOf(s.chosen());
        int fi = s.values().indexOf(s.fixed());
        c.mark(new SvgLineChart.Mark(0, ci, ci == fi ? chosenWhat + " = fixed default" : chosenWhat));
        if (ci != fi) c.mark(new SvgLineChart.Mark(0, fi, "fixed default"));
        Files.writeString(file, c.render());
    }
}
