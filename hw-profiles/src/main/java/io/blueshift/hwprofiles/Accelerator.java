package io.blueshift.hwprofiles;

import java.util.List;
import java.util.Objects;

/**
 * A device that can take work off the CPU: a GPU, or (in the {@code aqua} profile) a
 * scan/filter accelerator in front of storage. {@code offloadMinRows} is the smallest input
 * worth sending to it: below that, transfer and launch cost more than the CPU path.
 */
public record Accelerator(String kind, String description, List<String> operations, long offloadMinRows) {
    public Accelerator {
        Objects.requireNonNull(kind, "kind is null");
        Objects.requireNonNull(description, "description is null");
        operations = List.copyOf(operations);
        if (offloadMinRows < 0) throw new IllegalArgumentException("offloadMinRows must be >= 0, got " + offloadMinRows);
    }
}
