/**
 * Arrow C Data Interface over the FFM API (no JNI, no Unsafe): {@link io.blueshift.memory.arrow.ArrowSchema}
 * and {@link io.blueshift.memory.arrow.ArrowArray} are the C structs as layouts, release callbacks are
 * upcall stubs, and calling a producer's release is a downcall.
 *
 * <p>A {@link io.blueshift.memory.Batch} crosses as a struct array ({@code +s}) with one child per column.
 * Formats: BOOLEAN {@code b}, INT32 {@code i}, INT64 {@code l}, FLOAT64 {@code g}, DATE {@code tdD},
 * TIMESTAMP {@code tsu:}, DECIMAL {@code d:p,s} (128-bit: widened on export, narrowed with an overflow
 * check on import; {@code d:p,s,64} is accepted on import without a copy but never produced, since
 * Arrow Java 19 reads it as a 128-bit decimal and returns garbage), VARCHAR {@code vu} (Utf8View).
 * Everything else is shared, not copied; see {@link io.blueshift.memory.arrow.ArrowExport} and
 * {@link io.blueshift.memory.arrow.ArrowImport} for ownership and the few documented copies.
 */
package io.blueshift.memory.arrow;
