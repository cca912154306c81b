package io.blueshift.storage.arrow;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Arrow Java's buffers for one read or write, bounded, so a corrupt length in a file fails as
 * an allocation error instead of taking all memory. Arrow Java's allocator is not our
 * MemoryPool: it holds one record batch at a time, and the table's blocks are ours.
 */
final class ArrowAllocators {
    private ArrowAllocators() {}

    static BufferAllocator open(long limit) {
        RootAllocator allocator = null;
        try {
            allocator = new RootAllocator(limit);
            // Arrow's memory access needs the JVM flags below; find out now rather than mid-file
            try (org.apache.arrow.memory.ArrowBuf probe = allocator.buffer(8)) {
                probe.nioBuffer(0, 8);
            }
            return allocator;
        } catch (RuntimeException | LinkageError e) {
            if (allocator != null) {
                allocator.close();
            }
            throw new IllegalStateException("Arrow Java cannot start: run the JVM with --add-opens=java.base/java.nio=ALL-UNNAMED"
                    + " --sun-misc-unsafe-memory-access=allow (the blueshift launcher passes both): " + e, e);
        }
    }
}
