package io.blueshift.hwprofiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The profiles shipped as resources ({@code profiles/NAME.json} beside this class), the
 * detected one ({@code auto}), and profile files. {@code auto} takes the calibration saved by
 * {@code profile calibrate} when it was measured on a machine like this one (same CPU model
 * and effective cores); otherwise the rules alone.
 */
public final class NamedProfiles {
    public static final String AUTO = "auto";
    /** Shipped targets, in the order {@code profile list} shows them. */
    public static final List<String> SHIPPED = List.of("ra3.xlplus", "ra3.4xlarge", "ra3.16xlarge", "aqua", "laptop");

    private NamedProfiles() { }

    public static List<String> names() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(AUTO), SHIPPED.stream()).toList();
    }

    /** A shipped profile by name. */
    public static Profile shipped(String name) {
        if (!SHIPPED.contains(name)) {
            throw new IllegalArgumentException("no shipped profile '" + name + "'; known: " + String.join(", ", names()));
        }
        String resource = "profiles/" + name + ".json";
        try (InputStream in = NamedProfiles.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("profile resource missing: " + resource);
            return ProfileFile.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "profile " + name)
                    .withSource("shipped profile " + name);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    /**
     * {@code auto}, a shipped name, or a profile file's path. {@code auto} is built by the
     * supplier (the caller knows the vector width: see {@link #auto}).
     */
    public static Profile resolve(String nameOrFile, Supplier<Profile> auto) {
        if (nameOrFile.equals(AUTO)) return auto.get();
        if (SHIPPED.contains(nameOrFile)) return shipped(nameOrFile);
        Path file = Path.of(nameOrFile);
        if (Files.isRegularFile(file)) return ProfileFile.read(file).withSource("file " + file);
        throw new IllegalArgumentException("unknown profile '" + nameOrFile + "': not one of "
                + String.join(", ", names()) + ", and no such file");
    }

    /** The detected machine, with the saved calibration when it was measured on the same kind of machine. */
    public static Profile auto(HardwareProfile detected, Path calibrationFile) {
        String gpu = "GPU: " + GpuDetector.detectAny().summary();
        Profile p = new Profile(AUTO, "this machine, detected from /proc and /sys; " + gpu, detected,
                Optional.empty(), Optional.empty(), "detected");
        if (calibrationFile == null || !Files.isRegularFile(calibrationFile)) return p;
        Profile saved = ProfileFile.read(calibrationFile);
        Optional<Calibration> cal = saved.calibration();
        if (cal.isEmpty()) return p;
        if (!cal.get().cpuModel().equals(detected.cpuModel()) || cal.get().threads() != detected.effectiveCores()) {
            return p.withSource("detected (calibration in " + calibrationFile + " is for " + cal.get().cpuModel()
                    + " with " + cal.get().threads() + " cores: ignored)");
        }
        return p.withCalibration(cal.get()).withSource("detected, calibration from " + calibrationFile);
    }

    /** Where {@code profile calibrate} saves: {@code $XDG_CONFIG_HOME/blueshift/profile.json}, else {@code ~/.config/...}. */
    public static Path userProfilePath(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("blueshift").resolve("profile.json");
    }
}
