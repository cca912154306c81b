package io.blueshift.kernels;

import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Where callers get their kernels. The provider is chosen once, on first use, from the system
 * property {@code blueshift.simd}:
 * <ul>
 *   <li>{@code scalar}: the scalar twins;</li>
 *   <li>{@code simd}: the vectorized provider, or an {@link IllegalStateException} from
 *       {@link #provider()} saying why it cannot load;</li>
 *   <li>{@code auto} or absent: vectorized when it loads and the preferred vector is at least
 *       256 bits wide (narrower integer vectors lose to scalar code), else scalar.</li>
 * </ul>
 * One log line (System.Logger {@code io.blueshift.kernels}) says which and why: DEBUG when a
 * provider loads (the CLI's output stays clean), ERROR when none can.
 */
public final class Kernels {
    public static final String PROPERTY = "blueshift.simd";
    static final int MIN_VECTOR_BITS = 256;

    private static final System.Logger LOG = System.getLogger("io.blueshift.kernels");

    private Kernels() {}

    /** The provider the engine runs on. */
    public static KernelProvider provider() {
        Choice choice = ChosenHolder.CHOICE;
        if (choice.provider == null) {
            throw new IllegalStateException(choice.reason);
        }
        return choice.provider;
    }

    /** The scalar twins, whatever was chosen. */
    public static KernelProvider scalar() {
        return ScalarKernelProvider.INSTANCE;
    }

    /** The Vector API provider if it loads on this JVM (whatever its width), else empty. */
    public static Optional<KernelProvider> vectorized() {
        return Optional.ofNullable(VectorizedHolder.LOOKUP.provider);
    }

    /** A provider, or none with the reason. */
    private record Choice(KernelProvider provider, String reason) {}

    /** Outcome of looking for the vectorized provider: the provider, its width, or why not. */
    private record Lookup(KernelProvider provider, int bits, String reason) {}

    // separate holders so scalar() never triggers the lookup and class init cannot deadlock
    private static final class VectorizedHolder {
        static final Lookup LOOKUP = lookupVectorized();
    }

    private static final class ChosenHolder {
        static final Choice CHOICE = choose();
    }

    private static Lookup lookupVectorized() {
        try {
            ServiceLoader<VectorizedKernelsFactory> loader =
                    ServiceLoader.load(VectorizedKernelsFactory.class, Kernels.class.getClassLoader());
            for (VectorizedKernelsFactory factory : loader) {
                int bits = factory.preferredVectorBits();
                return new Lookup(factory.create(), bits, null);
            }
            return new Lookup(null, 0, "no vectorized provider on the class path (blueshift-simd missing)");
        } catch (LinkageError | RuntimeException e) {
            // typically NoClassDefFoundError for jdk/incubator/vector/...: the module was not added
            return new Lookup(null, 0, "vectorized provider failed to load (" + e
                    + "); run with --add-modules jdk.incubator.vector");
        }
    }

    private static Choice choose() {
        String mode = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        Choice choice = switch (mode) {
            case "scalar" -> new Choice(scalar(), "scalar kernels: forced by -D" + PROPERTY + "=scalar");
            case "simd" -> {
                Lookup l = VectorizedHolder.LOOKUP;
                yield l.provider != null
                        ? new Choice(l.provider, l.provider.name() + " kernels: forced by -D" + PROPERTY + "=simd")
                        : new Choice(null, "-D" + PROPERTY + "=simd but " + l.reason);
            }
            case "auto", "" -> {
                Lookup l = VectorizedHolder.LOOKUP;
                if (l.provider == null) {
                    yield new Choice(scalar(), "scalar kernels: " + l.reason);
                }
                if (l.bits < MIN_VECTOR_BITS) {
                    yield new Choice(scalar(), "scalar kernels: preferred vector is " + l.bits
                            + " bits, under " + MIN_VECTOR_BITS + " (set -D" + PROPERTY + "=simd to override)");
                }
                yield new Choice(l.provider, l.provider.name() + " kernels: preferred vector is " + l.bits + " bits");
            }
            default -> new Choice(null, "-D" + PROPERTY + "=" + mode + " is not one of scalar, simd, auto");
        };
        LOG.log(choice.provider != null ? System.Logger.Level.DEBUG : System.Logger.Level.ERROR, "Blueshift " + choice.reason);
        return choice;
    }
}
