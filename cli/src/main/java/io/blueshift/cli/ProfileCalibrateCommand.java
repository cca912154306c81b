package io.blueshift.cli;

import io.blueshift.bench.calibration.Calibrator;
import io.blueshift.bench.calibration.SweepChart;
import io.blueshift.hwprofiles.Calibration;
import io.blueshift.hwprofiles.HardwareProfile;
import io.blueshift.hwprofiles.NamedProfiles;
import io.blueshift.hwprofiles.Profile;
import io.blueshift.hwprofiles.ProfileFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code blueshift profile calibrate}: measure this machine and save the profile the engine then uses as {@code auto}. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Measure bandwidth, latency, kernels, a batch-rows sweep on a mixed pipeline (scan, filter, join probe, "
                + "group by) that confirms or overrides the L2 rule, and a partition-bits sweep on a hash join (under 30 s; --quick under 10 s) "
                + "and save the calibrated profile (default: $XDG_CONFIG_HOME/blueshift/profile.json or ~/.config/blueshift/profile.json).")
final class ProfileCalibrateCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Smaller data and fewer repetitions: under 10 s.")
    boolean quick;

    @Option(names = "--output", paramLabel = "FILE", description = "Where to save the profile (default: the user's config folder).")
    Path output;

    @Option(names = "--chart", paramLabel = "FILE", description = "Also write the batch-rows sweep as an SVG chart, and the partition-bits sweep beside it (FILE-join.svg).")
    Path chart;

    @Override
    public Integer call() throws IOException {
        HardwareProfile h = ProfileSupport.detect();
        Path file = output != null ? output : ProfileSupport.userProfilePath();
        System.err.printf(Locale.ROOT, "calibrating %s, %d cores (%s run; progress below)%n", h.cpuModel(),
                h.effectiveCores(), quick ? "quick" : "full");
        Calibration c = new Calibrator(h, quick ? Calibrator.QUICK : Calibrator.FULL, System.err).run();
        Profile p = NamedProfiles.auto(h, null).withCalibration(c);
        ProfileFile.write(p, file);
        if (chart != null) {
            if (chart.getParent() != null) Files.createDirectories(chart.getParent());
            Files.writeString(chart, SweepChart.svg(c, h.cpuModel() + ", " + c.threads() + " cores"));
            Files.writeString(joinChart(chart), SweepChart.partitionSvg(c, h.cpuModel() + ", " + c.threads() + " cores"));
        }
        System.out.printf(Locale.ROOT, "Calibration of %s, %d cores, %s (%.1f s)%n", h.cpuModel(), c.threads(), c.date(), c.seconds());
        System.out.print(summary(c));
        System.out.println();
        System.out.println("Tuning from this calibration");
        System.out.print(ProfileSupport.table(ProfileCommand.tuningRows(p.tuning()), false));
        System.out.println("saved " + file + (chart != null ? "; charts " + chart + ", " + joinChart(chart) : ""));
        return 0;
    }

    /** The measured figures as a two-column table. */
    static String summary(Calibration c) {
        List<String[]> rows = new ArrayList<>();
        rows.add(ProfileSupport.row("read bandwidth, 1 core", gbs(c.readGBsOneCore())));
        rows.add(ProfileSupport.row("read bandwidth, " + c.threads() + " threads", gbs(c.readGBsAllCores())));
        rows.add(ProfileSupport.row("random-access latency", c.latencyNs() > 0 ? String.format(Locale.ROOT, "%.0f ns", c.latencyNs()) : "not measured"));
        rows.add(ProfileSupport.row("filter int32 scalar / simd", gbs(c.filterScalarGBs()) + " / " + gbs(c.filterSimdGBs())));
        rows.add(ProfileSupport.row("hash int64 scalar / simd", gbs(c.hashScalarGBs()) + " / " + gbs(c.hashSimdGBs())));
        StringBuilder sweep = new StringBuilder();
        for (Calibration.SweepPoint p : c.batchSweep()) {
            if (!sweep.isEmpty()) sweep.append(", ");
            sweep.append(p.batchRows()).append(String.format(Locale.ROOT, ": %.1f", p.millis()));
        }
        rows.add(ProfileSupport.row("batch sweep (rows: ms)", sweep.isEmpty() ? "not measured" : sweep.toString()));
        String vsRule = c.point(c.ruleBatchRows()).flatMap(r -> c.point(c.batchRows()).map(b ->
                String.format(Locale.ROOT, " (%.1f ms; L2 rule's %d: %.1f ms)", b.millis(), r.batchRows(), r.millis()))).orElse("");
        rows.add(ProfileSupport.row("calibrated batch rows", c.batchRows() > 0 ? c.batchRows() + vsRule : "none"));
        StringBuilder parts = new StringBuilder();
        for (Calibration.PartitionPoint p : c.partitionSweep()) {
            if (!parts.isEmpty()) parts.append(", ");
            parts.append(p.bits()).append(String.format(Locale.ROOT, ": %.1f", p.millis()));
        }
        rows.add(ProfileSupport.row("partition sweep (bits: ms)", parts.isEmpty() ? "not measured" : parts.toString()));
        String bitsVsRule = c.partitionPoint(c.ruleHashPartitionBits()).flatMap(r -> c.partitionPoint(c.hashPartitionBits()).map(b ->
                String.format(Locale.ROOT, " (%.1f ms; L2 rule's %d: %.1f ms)", b.millis(), r.bits(), r.millis()))).orElse("");
        rows.add(ProfileSupport.row("calibrated partition bits", c.hashPartitionBits() >= 0 ? c.hashPartitionBits() + bitsVsRule : "none"));
        return ProfileSupport.table(rows, false);
    }

    /** FILE.svg -> FILE-join.svg */
    static Path joinChart(Path chart) {
        String n = chart.getFileName().toString();
        String base = n.endsWith(".svg") ? n.substring(0, n.length() - 4) : n;
        return chart.resolveSibling(base + "-join.svg");
    }

    private static String gbs(double v) {
        return v > 0 ? String.format(Locale.ROOT, "%.1f GB/s", v) : "n/a";
    }

}
