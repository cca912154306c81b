package io.blueshift.gpu.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The PTX of the kernels shipped as {@code blueshift_kernels.cu}, for one compute capability:
 * compiled by NVRTC once per capability and process, kept on disk under the user's cache
 * folder (keyed by the source's hash), or, where NVRTC is missing, a PTX file built with the
 * bundle ({@code blueshift_kernels.ptx}, when present). {@link #source} says which.
 */
public record KernelImage(byte[] ptx, String source) {
    static final String CU = "blueshift_kernels.cu";
    static final String PTX = "blueshift_kernels.ptx";
    private static final Map<String, KernelImage> CACHE = new ConcurrentHashMap<>();

    public static String kernelSource() {
        return resource(CU).orElseThrow(() -> new IllegalStateException("kernel source resource missing: " + CU));
    }

    private static java.util.Optional<String> resource(String name) {
        try (InputStream in = KernelImage.class.getResourceAsStream(name)) {
            return in == null ? java.util.Optional.empty()
                    : java.util.Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    /** The image for a device of compute capability {@code major.minor}. */
    public static KernelImage forDevice(int major, int minor) {
        String arch = "compute_" + major + minor;
        String key = System.getProperty("blueshift.gpu.libnvrtc", "") + "|" + System.getProperty("blueshift.gpu.ptxcache", "") + "|" + arch;
        return CACHE.computeIfAbsent(key, k -> build(arch));
    }

    private static KernelImage build(String arch) {
        String src = kernelSource();
        Path cached = cacheDir().resolve(sha256(src) + "-" + arch + ".ptx");
        try {
            if (Files.isRegularFile(cached)) {
                return new KernelImage(Files.readAllBytes(cached), "cached " + cached);
            }
        } catch (IOException e) {
            // compile again
        }
        List<String> failures = new ArrayList<>();
        try {
            Nvrtc nvrtc = Nvrtc.load();
            // a device newer than this NVRTC: fall back to an older virtual architecture the driver JITs up
            for (String a : List.of(arch, "compute_90", "compute_80", "compute_75")) {
                try {
                    byte[] ptx = nvrtc.compile(src, CU, List.of("--gpu-architecture=" + a, "-default-device"));
                    try {
                        Files.createDirectories(cached.getParent());
                        Files.write(cached, ptx);
                    } catch (IOException e) {
                        // no cache folder: compile each run
                    }
                    return new KernelImage(ptx, "NVRTC (" + nvrtc.library() + ", " + a + ")");
                } catch (CudaException e) {
                    failures.add(a + ": " + e.getMessage());
                }
            }
        } catch (NativeLibrary.Unavailable e) {
            failures.add(e.getMessage());
        }
        var bundled = resource(PTX);
        if (bundled.isPresent()) {
            return new KernelImage(bundled.get().getBytes(StandardCharsets.UTF_8), "bundled PTX (NVRTC: " + String.join("; ", failures) + ")");
        }
        throw new IllegalStateException("cannot compile the GPU kernels: " + String.join("; ", failures));
    }

    /** The PTX built with the bundle ({@code blueshift_kernels.ptx}), where there is one. */
    static java.util.Optional<KernelImage> bundled() {
        return resource(PTX).map(t -> new KernelImage(t.getBytes(StandardCharsets.UTF_8), "bundled PTX"));
    }

    /** The PTX as the driver reads it: in native memory, NUL-terminated. */
    java.lang.foreign.MemorySegment nulTerminated() {
        var seg = java.lang.foreign.Arena.ofAuto().allocate(ptx.length + 1L);
        java.lang.foreign.MemorySegment.copy(ptx, 0, seg, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, ptx.length);
        return seg;
    }

    /** {@code -Dblueshift.gpu.ptxcache=DIR}, else {@code $XDG_CACHE_HOME/blueshift/ptx}, else {@code ~/.cache/blueshift/ptx}. */
    static Path cacheDir() {
        String override = System.getProperty("blueshift.gpu.ptxcache");
        if (override != null) return Path.of(override);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("blueshift").resolve("ptx");
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
