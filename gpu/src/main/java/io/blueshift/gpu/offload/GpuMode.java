package io.blueshift.gpu.offload;

import java.util.Locale;

/** The session option {@code gpu=on|off|auto}: always offload what can run there, never, or when the cost model says it pays. */
public enum GpuMode {
    ON, OFF, AUTO;

    public static GpuMode parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("gpu must be on, off or auto, got '" + text + "'");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
