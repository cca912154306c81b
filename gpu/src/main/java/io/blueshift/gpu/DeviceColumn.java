package io.blueshift.gpu;

import java.util.Objects;

/** A column on the device: values and, when it has nulls, its Arrow validity bitmap. Owns both. */
public record DeviceColumn(ValueKind kind, DeviceBuffer data, DeviceBuffer validity) implements AutoCloseable {
    public DeviceColumn {
        Objects.requireNonNull(kind, "kind is null");
        Objects.requireNonNull(data, "data is null");
    }

    @Override
    public void close() {
        try {
            data.close();
        } finally {
            if (validity != null) {
                validity.close();
            }
        }
    }
}
