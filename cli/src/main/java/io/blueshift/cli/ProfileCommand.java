package io.blueshift.cli;

import io.blueshift.hwprofiles.HardwareProfile;
import io.blueshift.hwprofiles.Json;
import io.blueshift.hwprofiles.NamedProfiles;
import io.blueshift.hwprofiles.Profile;
import io.blueshift.hwprofiles.ProfileFile;
import io.blueshift.hwprofiles.TuningParameters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code blueshift profile}: the machine, named targets, and the tuning each gives. */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = "Hardware profiles: detect this machine, calibrate it, show, list and compare named profiles.",
        subcommands = {ProfileCommand.Detect.class, ProfileCalibrateCommand.class, ProfileCommand.ListProfiles.class,
                ProfileCommand.Show.class, ProfileCommand.Diff.class, ProfileCommand.Explain.class})
final class ProfileCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new IllegalArgumentException("say what to do: profile detect, calibrate, list, show NAME, diff A B or explain [NAME]");
    }

    @Command(name = "detect", mixinStandardHelpOptions = true,
            description = "Detect this machine (cores, caches, memory, NUMA, vector width, GPU) and the tuning it gives.")
    static final class Detect implements Callable<Integer> {
        @Option(names = "--json", description = "Print JSON instead of tables.")
        boolean json;

        @Override
        public Integer call() {
            ProfileSupport.VectorWidth vw = ProfileSupport.vectorWidth();
            HardwareProfile h = HardwareProfile.detect().withVectorBits(vw.bits());
            TuningParameters t = TuningParameters.derive(h);
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("hardware", io.blueshift.hwprofiles.ProfileFile.hardwareJson(h));
                m.put("vectorWidthSource", vw.note());
                m.put("fastIntegerVectors", h.fastIntegerVectors().orElse(null));
                m.put("gpu", gpuJson(io.blueshift.hwprofiles.GpuDetector.detectAny()));
                m.put("tuning", tuningJson(t));
                System.out.print(Json.write(m));
                return 0;
            }
            List<String[]> rows = ProfileSupport.hardwareRows(h, true);
            if (h.vectorBits() <= 0) rows.getLast()[1] = vw.note();
            rows.add(ProfileSupport.row("GPU", io.blueshift.hwprofiles.GpuDetector.detectAny().summary()));
            System.out.println("This machine (detected from /proc and /sys)");
            System.out.print(ProfileSupport.table(rows, false));
            System.out.println();
            System.out.println("Tuning by the rules (see `blueshift profile explain`; `profile calibrate` measures instead)");
            System.out.print(ProfileSupport.table(tuningRows(t), false));
            return 0;
        }
    }

    /** {"detected": false, "reason": ...} or {"detected": true, "devices": [...]}. */
    static Map<String, Object> gpuJson(io.blueshift.hwprofiles.GpuDetector.Report r) {
        Map<String, Object> gpu = new LinkedHashMap<>();
        gpu.put("detected", r.found());
        if (!r.found()) {
            gpu.put("reason", r.reason());
            return gpu;
        }
        List<Object> devices = new ArrayList<>();
        for (var d : r.devices()) {
            Map<String, Object> dm = new LinkedHashMap<>();
            dm.put("name", d.name());
            dm.put("memoryBytes", d.memoryBytes());
            dm.put("multiprocessors", d.multiprocessors());
            dm.put("computeCapability", d.computeCapability());
            dm.put("pcieGBs", d.pcieGBs());
            dm.put("memoryGBs", d.memoryGBs());
            devices.add(dm);
        }
        gpu.put("devices", devices);
        return gpu;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The named profiles.")
    static final class ListProfiles implements Callable<Integer> {
        @Override
        public Integer call() {
            List<String[]> rows = new ArrayList<>();
            rows.add(ProfileSupport.row("name", "threads", "batch rows", "memory", "description"));
            for (String name : NamedProfiles.names()) {
                Profile p = name.equals(NamedProfiles.AUTO) ? ProfileSupport.auto() : NamedProfiles.shipped(name);
                TuningParameters t = p.tuning();
                String description = name.equals(NamedProfiles.AUTO)
                        ? "this machine (" + p.source() + ")" : firstSentence(p.description());
                rows.add(ProfileSupport.row(name, Integer.toString(t.threads()), Integer.toString(t.batchRows()),
                        ProfileSupport.size(p.hardware().memoryBytes()), description));
            }
            System.out.print(ProfileSupport.table(rows, true));
            return 0;
        }

        private static String firstSentence(String s) {
            int dot = s.indexOf(". ");
            return dot < 0 ? s : s.substring(0, dot + 1);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "A profile's hardware, tuning and calibration. --json prints it as a profile file (usable with --profile FILE).")
    static final class Show implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME|FILE", defaultValue = "auto",
                description = "auto, a named profile or a profile file (default: auto).")
        String name;

        @Option(names = "--json", description = "Print the profile file's JSON.")
        boolean json;

        @Override
        public Integer call() {
            Profile p = ProfileSupport.resolve(name);
            if (json) {
                System.out.print(ProfileFile.toJson(p));
                return 0;
            }
            System.out.println("Profile " + p.name() + " (" + p.source() + ")");
            if (!p.description().isEmpty()) System.out.println(p.description());
            System.out.println();
            List<String[]> rows = ProfileSupport.hardwareRows(p.hardware(), false);
            p.accelerator().ifPresent(a -> rows.add(ProfileSupport.row("accelerator", a.kind() + ": " + a.description()
                    + " (" + String.join(", ", a.operations()) + ")")));
            if (p.accelerator().isEmpty()) rows.add(ProfileSupport.row("accelerator", "none"));
            System.out.print(ProfileSupport.table(rows, false));
            System.out.println();
            System.out.println("Tuning");
            System.out.print(ProfileSupport.table(tuningRows(p.tuning()), false));
            p.calibration().ifPresent(c -> {
                System.out.println();
                System.out.println("Calibration (" + c.date() + (c.quick() ? ", quick" : "") + ")");
                System.out.print(ProfileCalibrateCommand.summary(c));
            });
            return 0;
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = "Compare two profiles: hardware and tuning side by side, differences marked with *.")
    static final class Diff implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "A") String a;
        @Parameters(index = "1", paramLabel = "B") String b;

        @Override
        public Integer call() {
            Profile pa = ProfileSupport.resolve(a);
            Profile pb = ProfileSupport.resolve(b);
            List<String[]> ra = ProfileSupport.hardwareRows(pa.hardware(), false);
            List<String[]> rb = ProfileSupport.hardwareRows(pb.hardware(), false);
            ra.add(ProfileSupport.row("accelerator", pa.accelerator().map(x -> x.kind()).orElse("none")));
            rb.add(ProfileSupport.row("accelerator", pb.accelerator().map(x -> x.kind()).orElse("none")));
            ra.addAll(tuningRows(pa.tuning()));
            rb.addAll(tuningRows(pb.tuning()));
            List<String[]> rows = new ArrayList<>();
            rows.add(ProfileSupport.row("", "", pa.name(), pb.name()));
            int differ = 0;
            for (int i = 0; i < ra.size(); i++) {
                boolean same = ra.get(i)[1].equals(rb.get(i)[1]);
                if (!same) differ++;
                rows.add(ProfileSupport.row(same ? " " : "*", ra.get(i)[0], ra.get(i)[1], rb.get(i)[1]));
            }
            System.out.print(ProfileSupport.table(rows, true));
            System.out.println(differ + " of " + ra.size() + " rows differ");
            return 0;
        }
    }

    @Command(name = "explain", mixinStandardHelpOptions = true,
            description = "Which rule or measurement chose each tuning parameter.")
    static final class Explain implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME|FILE", defaultValue = "auto",
                description = "auto, a named profile or a profile file (default: auto).")
        String name;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            Profile p = ProfileSupport.resolve(name);
            TuningParameters.Derivation d = p.derivation();
            if (json) {
                List<Object> out = new ArrayList<>();
                for (TuningParameters.Choice c : d.choices()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("parameter", c.parameter());
                    m.put("value", c.value());
                    m.put("source", c.source());
                    out.add(m);
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("profile", p.name());
                m.put("from", p.source());
                m.put("choices", out);
                System.out.print(Json.write(m));
                return 0;
            }
            System.out.println("Tuning for " + p.name() + " (" + p.source() + ")");
            List<String[]> rows = new ArrayList<>();
            rows.add(ProfileSupport.row("parameter", "value", "chosen by"));
            for (TuningParameters.Choice c : d.choices()) rows.add(ProfileSupport.row(c.parameter(), c.value(), c.source()));
            System.out.print(ProfileSupport.table(rows, true));
            return 0;
        }
    }

    static List<String[]> tuningRows(TuningParameters t) {
        List<String[]> rows = new ArrayList<>();
        rows.add(ProfileSupport.row("batch rows", Integer.toString(t.batchRows())));
        rows.add(ProfileSupport.row("morsel rows", Integer.toString(t.morselRows())));
        rows.add(ProfileSupport.row("hash partition bits", Integer.toString(t.hashPartitionBits())));
        rows.add(ProfileSupport.row("threads", Integer.toString(t.threads())));
        rows.add(ProfileSupport.row("simd", t.simd() ? "yes" : "no (scalar kernels)"));
        rows.add(ProfileSupport.row("offload min rows", t.offloadMinRows() < 0 ? "never (no accelerator)" : Long.toString(t.offloadMinRows())));
        return rows;
    }

    static Map<String, Object> tuningJson(TuningParameters t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("batchRows", t.batchRows());
        m.put("morselRows", t.morselRows());
        m.put("hashPartitionBits", t.hashPartitionBits());
        m.put("threads", t.threads());
        m.put("simd", t.simd());
        m.put("offloadMinRows", t.offloadMinRows());
        return m;
    }
}
