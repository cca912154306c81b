package io.blueshift.gpu.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A shared library opened through FFM, and downcall handles to its functions. Opening or a
 * missing symbol is an {@link Unavailable} carrying the reason: never an
 * {@code UnsatisfiedLinkError} or a crash.
 */
final class NativeLibrary {
    private final String name;
    private final SymbolLookup lookup;

    /** A library that cannot be used here, and why. */
    static final class Unavailable extends Exception {
        Unavailable(String reason) {
            super(reason, null, false, false);
        }
    }

    private NativeLibrary(String name, SymbolLookup lookup) {
        this.name = name;
        this.lookup = lookup;
    }

    String name() { return name; }

    /** The first of {@code candidates} (names for the loader, or absolute paths) that opens. */
    static NativeLibrary open(List<String> candidates) throws Unavailable {
        List<String> failures = new ArrayList<>();
        for (String c : candidates) {
            try {
                SymbolLookup l = c.startsWith("/") ? SymbolLookup.libraryLookup(Path.of(c), Arena.global())
                        : SymbolLookup.libraryLookup(c, Arena.global());
                return new NativeLibrary(c, l);
            } catch (IllegalArgumentException | IllegalCallerException | UnsupportedOperationException e) {
                failures.add(c);
            }
        }
        throw new Unavailable("cannot load " + String.join(" or ", failures.isEmpty() ? candidates : failures));
    }

    MethodHandle function(String symbol, FunctionDescriptor descriptor) throws Unavailable {
        var address = lookup.find(symbol)
                .orElseThrow(() -> new Unavailable(name + " has no function " + symbol + " (driver too old?)"));
        try {
            return Linker.nativeLinker().downcallHandle(address, descriptor);
        } catch (IllegalCallerException e) {
            throw new Unavailable("native access is off (run with --enable-native-access=ALL-UNNAMED): " + e.getMessage());
        }
    }

    /** Files matching {@code prefix*} in the folder of the library file {@code path}, newest name first. */
    static List<String> siblingFiles(String path, String prefix) {
        List<String> out = new ArrayList<>();
        Path dir = Path.of(path).toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) return out;
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .sorted((a, b) -> b.getFileName().toString().compareTo(a.getFileName().toString()))
                    .forEach(p -> out.add(p.toString()));
        } catch (Exception e) {
            // an unreadable folder is one place less to look
        }
        return out;
    }

    /** Files matching {@code prefix*} in the CUDA toolkit folders ($CUDA_HOME, $CUDA_PATH, then /usr/local/cuda*, newest first). */
    static List<String> toolkitFiles(String prefix) {
        List<String> out = new ArrayList<>();
        List<Path> roots = new ArrayList<>();
        for (String env : List.of("CUDA_HOME", "CUDA_PATH")) {
            String v = System.getenv(env);
            if (v != null && !v.isBlank()) roots.add(Path.of(v));
        }
        try (Stream<Path> s = Files.list(Path.of("/usr/local"))) {
            s.filter(p -> p.getFileName().toString().startsWith("cuda")).sorted((a, b) -> b.compareTo(a)).forEach(roots::add);
        } catch (Exception e) {
            // no /usr/local: the environment's roots only
        }
        for (Path root : roots) {
            for (Path dir : List.of(root.resolve("lib64"), root.resolve("targets/x86_64-linux/lib"), root.resolve("lib"))) {
                if (!Files.isDirectory(dir)) continue;
                try (Stream<Path> s = Files.list(dir)) {
                    s.filter(p -> p.getFileName().toString().startsWith(prefix))
                            .sorted((a, b) -> b.getFileName().toString().compareTo(a.getFileName().toString()))
                            .forEach(p -> out.add(p.toAbsolutePath().toString()));
                } catch (Exception e) {
                    // an unreadable folder is one place less to look
                }
            }
        }
        return out;
    }
}
