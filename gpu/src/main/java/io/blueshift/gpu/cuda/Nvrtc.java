package io.blueshift.gpu.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * NVRTC bound through FFM: compiles CUDA C to PTX at run time. The library is looked for as
 * {@code libnvrtc.so}, {@code .so.13}, {@code .so.12}, {@code .so.11.2}, then in the toolkit
 * folders under {@code /usr/local/cuda*}; its builtins library beside it is opened first so
 * NVRTC finds it without {@code LD_LIBRARY_PATH}.
 */
public final class Nvrtc {
    private final MethodHandle create, compile, ptxSize, ptx, logSize, log, destroy;
    private final String library;

    private Nvrtc(NativeLibrary lib) throws NativeLibrary.Unavailable {
        library = lib.name();
        create = lib.function("nvrtcCreateProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        compile = lib.function("nvrtcCompileProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        ptxSize = lib.function("nvrtcGetPTXSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        ptx = lib.function("nvrtcGetPTX", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        logSize = lib.function("nvrtcGetProgramLogSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        log = lib.function("nvrtcGetProgramLog", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        destroy = lib.function("nvrtcDestroyProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    /** The candidate libraries, in the order they are tried. */
    static List<String> candidates() {
        List<String> c = new ArrayList<>();
        String override = System.getProperty("blueshift.gpu.libnvrtc");
        if (override != null) {
            c.add(override);
            return c;
        }
        c.addAll(List.of("libnvrtc.so", "libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2"));
        for (String f : NativeLibrary.toolkitFiles("libnvrtc.so")) {
            c.add(f);
        }
        return c;
    }

    public static Nvrtc load() throws NativeLibrary.Unavailable {
        NativeLibrary lib = NativeLibrary.open(candidates());
        // NVRTC opens its builtins library by name when it compiles: a copy already loaded (by
        // path, from the folder of the libnvrtc opened, else from the toolkit) is found by its
        // soname, so no LD_LIBRARY_PATH is needed
        List<String> builtins = new ArrayList<>();
        if (lib.name().startsWith("/")) builtins.addAll(NativeLibrary.siblingFiles(lib.name(), "libnvrtc-builtins.so"));
        builtins.addAll(NativeLibrary.toolkitFiles("libnvrtc-builtins.so"));
        for (String b : builtins) {
            try {
                NativeLibrary.open(List.of(b));
                break;
            } catch (NativeLibrary.Unavailable e) {
                // NVRTC may still find its builtins by itself
            }
        }
        return new Nvrtc(lib);
    }

    public String library() { return library; }

    private static int raw(MethodHandle h, Object... args) {
        try {
            return (int) h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void check(String function, int rc, String detail) {
        if (rc != 0) {
            throw new CudaException(function, rc, CudaErrors.nvrtcName(rc), detail);
        }
    }

    /** PTX for {@code source} (NUL-terminated in the returned segment's arena) compiled with {@code options}. */
    public byte[] compile(String source, String name, List<String> options) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment prog = a.allocate(ADDRESS);
            check("nvrtcCreateProgram", raw(create, prog, a.allocateFrom(source), a.allocateFrom(name), 0,
                    MemorySegment.NULL, MemorySegment.NULL), null);
            MemorySegment program = prog.get(ADDRESS, 0);
            try {
                MemorySegment opts = a.allocate(ADDRESS, Math.max(options.size(), 1));
                for (int i = 0; i < options.size(); i++) {
                    opts.setAtIndex(ADDRESS, i, a.allocateFrom(options.get(i)));
                }
                int rc = raw(compile, program, options.size(), opts);
                if (rc != 0) {
                    check("nvrtcCompileProgram", rc, programLog(a, program));
                }
                MemorySegment size = a.allocate(JAVA_LONG);
                check("nvrtcGetPTXSize", raw(ptxSize, program, size), null);
                MemorySegment out = a.allocate(size.get(JAVA_LONG, 0));
                check("nvrtcGetPTX", raw(ptx, program, out), null);
                return out.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            } finally {
                raw(destroy, prog);
            }
        }
    }

    private String programLog(Arena a, MemorySegment program) {
        MemorySegment size = a.allocate(JAVA_LONG);
        if (raw(logSize, program, size) != 0) return "";
        long n = size.get(JAVA_LONG, 0);
        if (n <= 1) return "";
        MemorySegment text = a.allocate(n);
        if (raw(log, program, text) != 0) return "";
        String s = text.getString(0).strip();
        return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
    }
}
