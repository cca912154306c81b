package io.blueshift.hwprofiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a {@link HardwareProfile} from a Linux-style tree under {@code root}. Every reader
 * swallows I/O and parse errors into {@link HardwareProfile#UNKNOWN}: detection must never
 * stop the engine from starting.
 */
final class LinuxHardwareSource {
    private static final long UNKNOWN = HardwareProfile.UNKNOWN;

    private final Path root;

    LinuxHardwareSource(Path root) {
        this.root = root;
    }

    HardwareProfile read() {
        List<String> cpuinfo = lines(root.resolve("proc/cpuinfo"));
        String model = "unknown";
        int logical = 0;
        Set<String> coreIds = new HashSet<>();
        String physicalId = "0";
        long alignment = UNKNOWN;
        for (String line : cpuinfo) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "processor" -> {
                    logical++;
                    physicalId = "0";
                }
                case "model name" -> { if (model.equals("unknown")) model = value; }
                case "physical id" -> physicalId = value;
                case "core id" -> coreIds.add(physicalId + ":" + value);
                case "cache_alignment" -> { if (alignment == UNKNOWN) alignment = parseLong(value); }
                default -> { }
            }
        }
        int logicalCores = logical == 0 ? -1 : logical;
        int physicalCores = coreIds.isEmpty() || logical == 0 ? -1 : coreIds.size();

        long l1d = UNKNOWN, l2 = UNKNOWN, l3 = UNKNOWN, line = UNKNOWN;
        for (int i = 0; i < 8; i++) {
            Path dir = root.resolve("sys/devices/system/cpu/cpu0/cache/index" + i);
            String level = first(dir.resolve("level"));
            String type = first(dir.resolve("type"));
            long size = parseSize(first(dir.resolve("size")));
            if (level == null || type == null || size == UNKNOWN) continue;
            boolean data = type.equals("Data") || type.equals("Unified");
            switch (level) {
                case "1" -> {
                    if (data) {
                        l1d = size;
                        line = parseLong(first(dir.resolve("coherency_line_size")));
                    }
                }
                case "2" -> { if (data) l2 = size; }
                case "3" -> { if (data) l3 = size; }
                default -> { }
            }
        }
        if (line == UNKNOWN) line = alignment;

        long memTotal = UNKNOWN;
        for (String l : lines(root.resolve("proc/meminfo"))) {
            if (l.startsWith("MemTotal:")) {
                memTotal = parseSize(l.substring("MemTotal:".length()).trim().replace(" kB", "K"));
            }
        }
        CgroupLimits cg = cgroupLimits();
        long memory = memTotal;
        if (cg.memoryBytes != UNKNOWN) memory = memTotal == UNKNOWN ? cg.memoryBytes : Math.min(memTotal, cg.memoryBytes);

        int effective = logicalCores;
        if (cg.cpuQuotaCores > 0) {
            int quota = (int) Math.max(1, Math.ceil(cg.cpuQuotaCores));
            effective = logicalCores == -1 ? quota : Math.min(logicalCores, quota);
        }
        return new HardwareProfile(model, logicalCores, physicalCores, effective, cg.cpuQuotaCores,
                l1d, l2, l3, (int) line, memory, numaNodes(), -1);
    }

    /** Entries {@code nodeN} under /sys/devices/system/node; unknown when the folder is absent. */
    private int numaNodes() {
        Path dir = root.resolve("sys/devices/system/node");
        if (!Files.isDirectory(dir)) return -1;
        try (var entries = Files.list(dir)) {
            int n = (int) entries.filter(e -> e.getFileName().toString().matches("node\\d+")).count();
            return n == 0 ? -1 : n;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private record CgroupLimits(long memoryBytes, double cpuQuotaCores) { }

    /**
     * The tightest memory and CPU limits on the path from this process's cgroup up to the
     * mount root: a parent's limit binds its children. In a container with a cgroup
     * namespace that path is just the mount root.
     */
    private CgroupLimits cgroupLimits() {
        Path mount = root.resolve("sys/fs/cgroup");
        long memory = UNKNOWN;
        double cpu = -1;
        if (Files.exists(mount.resolve("cgroup.controllers"))) {
            for (Path dir : chain(mount, ownCgroup(""))) {
                memory = minKnown(memory, parseLimit(first(dir.resolve("memory.max"))));
                String[] cpuMax = split(first(dir.resolve("cpu.max")));
                if (cpuMax.length == 2) cpu = minQuota(cpu, parseLimit(cpuMax[0]), parseLimit(cpuMax[1]));
            }
        } else {
            Path memMount = mount.resolve("memory");
            for (Path dir : chain(memMount, ownCgroup("memory"))) {
                memory = minKnown(memory, parseLimit(first(dir.resolve("memory.limit_in_bytes"))));
            }
            Path cpuMount = Files.isDirectory(mount.resolve("cpu")) ? mount.resolve("cpu") : mount.resolve("cpu,cpuacct");
            for (Path dir : chain(cpuMount, ownCgroup("cpu"))) {
                cpu = minQuota(cpu, parseLimit(first(dir.resolve("cpu.cfs_quota_us"))),
                        parseLimit(first(dir.resolve("cpu.cfs_period_us"))));
            }
        }
        return new CgroupLimits(memory, cpu);
    }

    /** This process's cgroup path for a v1 controller, or the v2 path when controller is "". */
    private String ownCgroup(String controller) {
        for (String l : lines(root.resolve("proc/self/cgroup"))) {
            String[] parts = l.split(":", 3);
            if (parts.length < 3) continue;
            boolean match = controller.isEmpty()
                    ? parts[0].equals("0") && parts[1].isEmpty()
                    : List.of(parts[1].split(",")).contains(controller);
            if (match) return parts[2];
        }
        return "/";
    }

    /** The mount root and every existing directory from it down to {@code path}. */
    private static List<Path> chain(Path mount, String path) {
        List<Path> dirs = new java.util.ArrayList<>();
        dirs.add(mount);
        Path dir = mount;
        for (String part : path.split("/")) {
            if (part.isEmpty()) continue;
            dir = dir.resolve(part);
            if (!Files.isDirectory(dir)) break;
            dirs.add(dir);
        }
        return dirs;
    }

    private static double minQuota(double current, long quota, long period) {
        if (quota <= 0 || period <= 0) return current;
        double cores = (double) quota / period;
        return current < 0 ? cores : Math.min(current, cores);
    }

    private static long minKnown(long a, long b) {
        if (a == UNKNOWN) return b;
        if (b == UNKNOWN) return a;
        return Math.min(a, b);
    }

    /** A cgroup limit: a number, or "max" / a negative / v1's near-2^63 "no limit" as unknown. */
    private static long parseLimit(String s) {
        if (s == null || s.equals("max")) return UNKNOWN;
        long v = parseLong(s);
        return v <= 0 || v >= Long.MAX_VALUE / 2 ? UNKNOWN : v;
    }

    /** Sizes as sysfs writes them: {@code 48K}, {@code 2M}, {@code 1G} or plain bytes. */
    static long parseSize(String s) {
        if (s == null || s.isEmpty()) return UNKNOWN;
        String t = s.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        char last = t.charAt(t.length() - 1);
        if (last == 'K') unit = 1L << 10;
        else if (last == 'M') unit = 1L << 20;
        else if (last == 'G') unit = 1L << 30;
        if (unit != 1) t = t.substring(0, t.length() - 1).trim();
        long v = parseLong(t);
        return v == UNKNOWN ? UNKNOWN : v * unit;
    }

    private static long parseLong(String s) {
        if (s == null) return UNKNOWN;
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return UNKNOWN;
        }
    }

    private static String[] split(String s) {
        return s == null ? new String[0] : s.trim().split("\\s+");
    }

    private static String first(Path file) {
        List<String> l = lines(file);
        return l.isEmpty() ? null : l.getFirst().trim();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
