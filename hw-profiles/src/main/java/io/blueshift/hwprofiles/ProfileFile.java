package io.blueshift.hwprofiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Profiles as JSON files. The layout, with every {@code hardware} field optional (absent is
 * unknown) and sizes either bytes or a string such as {@code "2M"} or {@code "384G"}:
 * <pre>{@code
 * { "name": "ra3.4xlarge", "description": "...",
 *   "hardware": { "cpuModel": "...", "logicalCores": 12, "physicalCores": 6, "effectiveCores": 12,
 *                 "l1dBytes": "32K", "l2Bytes": "1M", "l3Bytes": "33M", "cacheLineBytes": 64,
 *                 "memoryBytes": "96G", "numaNodes": 1, "vectorBits": 512 },
 *   "accelerator": { "kind": "...", "description": "...", "operations": ["scan", "filter"], "offloadMinRows": 100000 },
 *   "calibration": { ... written by profile calibrate ... } }
 * }</pre>
 * Unknown fields are errors (a typo would otherwise be silently unknown), and every error
 * names the file and the field, e.g. {@code field 'hardware.l2Bytes'}.
 */
public final class ProfileFile {
    private static final Set<String> TOP = Set.of("name", "description", "hardware", "accelerator", "calibration");
    private static final Set<String> HARDWARE = Set.of("cpuModel", "logicalCores", "physicalCores", "effectiveCores",
            "cpuQuotaCores", "l1dBytes", "l2Bytes", "l3Bytes", "cacheLineBytes", "memoryBytes", "numaNodes", "vectorBits");
    private static final Set<String> ACCELERATOR = Set.of("kind", "description", "operations", "offloadMinRows");
    private static final Set<String> CALIBRATION = Set.of("date", "cpuModel", "threads", "quick", "seconds",
            "readGBsOneCore", "readGBsAllCores", "latencyNs", "filterScalarGBs", "filterSimdGBs", "hashScalarGBs",
            "hashSimdGBs", "sweepWorkload", "batchSweep", "batchRows", "ruleBatchRows", "joinWorkload", "partitionSweep",
            "hashPartitionBits", "ruleHashPartitionBits");

    private ProfileFile() { }

    public static Profile read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ProfileFormatException(file + ": cannot read the profile file (" + e.getMessage() + ")");
        }
        return parse(text, file.toString());
    }

    public static void write(Profile profile, Path file) throws IOException {
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, toJson(profile));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Parses a profile; {@code source} (a file name or resource) starts every error message. */
    public static Profile parse(String text, String source) {
        Object root;
        try {
            root = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ProfileFormatException(source + ": " + e.getMessage());
        }
        Fields top = new Fields(source, "", object(source, "(top level)", root), TOP);
        String name = top.string("name", null);
        if (name == null || name.isBlank()) throw top.error("name", "is required (a non-empty string)");
        Fields hw = top.object("hardware", HARDWARE);
        if (hw == null) throw top.error("hardware", "is required (an object)");
        int logical = hw.integer("logicalCores", -1);
        HardwareProfile hardware = new HardwareProfile(
                hw.string("cpuModel", "unknown"), logical, hw.integer("physicalCores", -1),
                hw.integer("effectiveCores", logical), hw.decimal("cpuQuotaCores", -1),
                hw.size("l1dBytes"), hw.size("l2Bytes"), hw.size("l3Bytes"), (int) hw.size("cacheLineBytes"),
                hw.size("memoryBytes"), hw.integer("numaNodes", -1), hw.integer("vectorBits", -1));
        Optional<Accelerator> accelerator = Optional.empty();
        Fields acc = top.object("accelerator", ACCELERATOR);
        if (acc != null) {
            String kind = acc.string("kind", null);
            if (kind == null) throw acc.error("kind", "is required (a string)");
            long minRows = acc.size("offloadMinRows");
            if (minRows < 0) throw acc.error("offloadMinRows", "is required (rows, >= 0)");
            accelerator = Optional.of(new Accelerator(kind, acc.string("description", ""), acc.strings("operations"), minRows));
        }
        Optional<Calibration> calibration = Optional.empty();
        Fields cal = top.object("calibration", CALIBRATION);
        if (cal != null) {
            calibration = Optional.of(new Calibration(cal.string("date", "unknown"), cal.string("cpuModel", "unknown"),
                    cal.integer("threads", -1), cal.bool("quick"), cal.decimal("seconds", -1),
                    cal.decimal("readGBsOneCore", -1), cal.decimal("readGBsAllCores", -1), cal.decimal("latencyNs", -1),
                    cal.decimal("filterScalarGBs", -1), cal.decimal("filterSimdGBs", -1),
                    cal.decimal("hashScalarGBs", -1), cal.decimal("hashSimdGBs", -1),
                    cal.string("sweepWorkload", ""), cal.sweep("batchSweep"),
                    cal.integer("batchRows", -1), cal.integer("ruleBatchRows", -1),
                    cal.string("joinWorkload", ""), cal.partitionSweep("partitionSweep"),
                    cal.bits("hashPartitionBits"), cal.bits("ruleHashPartitionBits")));
            int rows = calibration.get().batchRows();
            if (rows != -1 && (rows <= 0 || (rows & 63) != 0)) {
                throw cal.error("batchRows", "must be a positive multiple of 64, got " + rows);
            }
        }
        return new Profile(name, top.string("description", ""), hardware, accelerator, calibration, source);
    }

    public static String toJson(Profile p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("description", p.description());
        m.put("hardware", hardwareJson(p.hardware()));
        p.accelerator().ifPresent(a -> {
            Map<String, Object> am = new LinkedHashMap<>();
            am.put("kind", a.kind());
            am.put("description", a.description());
            am.put("operations", a.operations());
            am.put("offloadMinRows", a.offloadMinRows());
            m.put("accelerator", am);
        });
        p.calibration().ifPresent(c -> m.put("calibration", calibrationJson(c)));
        return Json.write(m);
    }

    /** The {@code hardware} object of a profile file (also what {@code profile detect --json} prints). */
    public static Map<String, Object> hardwareJson(HardwareProfile h) {
        Map<String, Object> hw = new LinkedHashMap<>();
        hw.put("cpuModel", h.cpuModel());
        hw.put("logicalCores", h.logicalCores());
        hw.put("physicalCores", h.physicalCores());
        hw.put("effectiveCores", h.effectiveCores());
        hw.put("cpuQuotaCores", h.cpuQuotaCores());
        hw.put("l1dBytes", h.l1dBytes());
        hw.put("l2Bytes", h.l2Bytes());
        hw.put("l3Bytes", h.l3Bytes());
        hw.put("cacheLineBytes", h.cacheLineBytes());
        hw.put("memoryBytes", h.memoryBytes());
        hw.put("numaNodes", h.numaNodes());
        hw.put("vectorBits", h.vectorBits());
        return hw;
    }

    static Map<String, Object> calibrationJson(Calibration c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", c.date());
        m.put("cpuModel", c.cpuModel());
        m.put("threads", c.threads());
        m.put("quick", c.quick());
        m.put("seconds", c.seconds());
        m.put("readGBsOneCore", c.readGBsOneCore());
        m.put("readGBsAllCores", c.readGBsAllCores());
        m.put("latencyNs", c.latencyNs());
        m.put("filterScalarGBs", c.filterScalarGBs());
        m.put("filterSimdGBs", c.filterSimdGBs());
        m.put("hashScalarGBs", c.hashScalarGBs());
        m.put("hashSimdGBs", c.hashSimdGBs());
        m.put("sweepWorkload", c.sweepWorkload());
        List<Object> sweep = new ArrayList<>();
        for (Calibration.SweepPoint sp : c.batchSweep()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("batchRows", sp.batchRows());
            pm.put("millis", sp.millis());
            sweep.add(pm);
        }
        m.put("batchSweep", sweep);
        m.put("batchRows", c.batchRows());
        m.put("ruleBatchRows", c.ruleBatchRows());
        if (c.hashPartitionBits() >= 0 || !c.partitionSweep().isEmpty()) {
            m.put("joinWorkload", c.joinWorkload());
            List<Object> parts = new ArrayList<>();
            for (Calibration.PartitionPoint pp : c.partitionSweep()) {
                Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("bits", pp.bits());
                pm.put("millis", pp.millis());
                parts.add(pm);
            }
            m.put("partitionSweep", parts);
            m.put("hashPartitionBits", c.hashPartitionBits());
            m.put("ruleHashPartitionBits", c.ruleHashPartitionBits());
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String source, String path, Object v) {
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new ProfileFormatException(source + ": " + path + " must be a JSON object, got " + describe(v));
    }

    private static String describe(Object v) {
        return switch (v) {
            case null -> "null";
            case String s -> "\"" + s + "\"";
            case Map<?, ?> m -> "an object";
            case List<?> l -> "an array";
            default -> v.toString();
        };
    }

    /** One JSON object of the file, with typed getters whose errors name {@code prefix.field}. */
    private record Fields(String source, String prefix, Map<String, Object> map, Set<String> allowed) {
        Fields {
            for (String k : map.keySet()) {
                if (!allowed.contains(k)) {
                    throw new ProfileFormatException(source + ": unknown field '" + prefix + k
                            + "' (known: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
                }
            }
        }

        ProfileFormatException error(String field, String what) {
            return new ProfileFormatException(source + ": field '" + prefix + field + "' " + what);
        }

        Fields object(String field, Set<String> fields) {
            Object v = map.get(field);
            if (v == null) return null;
            if (!(v instanceof Map<?, ?>)) throw error(field, "must be an object, got " + describe(v));
            return new Fields(source, prefix + field + ".", ProfileFile.object(source, field, v), fields);
        }

        String string(String field, String absent) {
            Object v = map.get(field);
            if (v == null) return absent;
            if (v instanceof String s) return s;
            throw error(field, "must be a string, got " + describe(v));
        }

        int integer(String field, int absent) {
            Object v = map.get(field);
            if (v == null) return absent;
            if (v instanceof Long l && l >= -1 && l <= Integer.MAX_VALUE) return l.intValue();
            throw error(field, "must be a whole number >= -1 (-1: unknown), got " + describe(v));
        }

        double decimal(String field, double absent) {
            Object v = map.get(field);
            if (v == null) return absent;
            if (v instanceof Number n) return n.doubleValue();
            throw error(field, "must be a number, got " + describe(v));
        }

        boolean bool(String field) {
            Object v = map.get(field);
            if (v == null) return false;
            if (v instanceof Boolean b) return b;
            throw error(field, "must be true or false, got " + describe(v));
        }

        /** Bytes or rows: a whole number, or a string with a K/M/G suffix (powers of 1024); absent is -1. */
        long size(String field) {
            Object v = map.get(field);
            if (v == null) return -1;
            if (v instanceof Long l && l >= -1) return l;
            if (v instanceof String s) {
                long parsed = LinuxHardwareSource.parseSize(s.replaceAll("(?i)i?b$", ""));
                if (parsed >= 0) return parsed;
            }
            throw error(field, "must be a size: a whole number or a string like \"32K\", \"2M\", \"96G\"; got " + describe(v));
        }

        List<String> strings(String field) {
            Object v = map.get(field);
            if (v == null) return List.of();
            if (v instanceof List<?> l && l.stream().allMatch(x -> x instanceof String)) {
                return l.stream().map(String.class::cast).toList();
            }
            throw error(field, "must be an array of strings, got " + describe(v));
        }

        /** Partition bits: 0..12, or -1 (absent: not swept). */
        int bits(String field) {
            int v = integer(field, -1);
            if (v > 12) throw error(field, "must be 0..12 (or -1: not swept), got " + v);
            return v;
        }

        List<Calibration.PartitionPoint> partitionSweep(String field) {
            Object v = map.get(field);
            if (v == null) return List.of();
            if (!(v instanceof List<?> l)) throw error(field, "must be an array, got " + describe(v));
            List<Calibration.PartitionPoint> points = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                Object e = l.get(i);
                if (!(e instanceof Map<?, ?>)) throw error(field + "[" + i + "]", "must be an object, got " + describe(e));
                Fields pf = new Fields(source, prefix + field + "[" + i + "].", ProfileFile.object(source, field, e),
                        Set.of("bits", "millis"));
                if (pf.map().get("bits") == null) throw pf.error("bits", "is required (0..12)");
                int b = pf.bits("bits");
                if (b < 0) throw pf.error("bits", "must be 0..12, got " + b);
                double ms = pf.decimal("millis", -1);
                if (ms < 0) throw pf.error("millis", "is required (a number >= 0)");
                points.add(new Calibration.PartitionPoint(b, ms));
            }
            return points;
        }

        List<Calibration.SweepPoint> sweep(String field) {
            Object v = map.get(field);
            if (v == null) return List.of();
            if (!(v instanceof List<?> l)) throw error(field, "must be an array, got " + describe(v));
            List<Calibration.SweepPoint> points = new ArrayList<>();
            for (int i = 0; i < l.size(); i++) {
                Object e = l.get(i);
                if (!(e instanceof Map<?, ?>)) throw error(field + "[" + i + "]", "must be an object, got " + describe(e));
                Fields pf = new Fields(source, prefix + field + "[" + i + "].", ProfileFile.object(source, field, e),
                        Set.of("batchRows", "millis"));
                int rows = pf.integer("batchRows", -1);
                double ms = pf.decimal("millis", -1);
                if (rows <= 0) throw pf.error("batchRows", "is required (a positive whole number)");
                if (ms < 0) throw pf.error("millis", "is required (a number >= 0)");
                points.add(new Calibration.SweepPoint(rows, ms));
            }
            return points;
        }
    }
}
