package io.blueshift.gpu;

/**
 * A backend that may find a device ({@link java.util.ServiceLoader} finds providers; the
 * system property {@code blueshift.gpu.backend} picks one by name).
 */
public interface AcceleratorProvider {
    /** "cuda", "reference", "none". */
    String name();

    /** Opens the first device, or says why there is none. Never throws. */
    Discovery open();
}
