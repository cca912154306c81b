/**
 * Arrow IPC files, file format ({@code ARROW1} ... footer) and stream format, through Arrow
 * Java's IPC reader and writer. {@link io.blueshift.storage.arrow.ArrowIpcTable#open} tells the
 * two apart by the magic, reads every record batch and copies it into our column vectors
 * (blocks of up to 122,880 rows with zone maps); {@link io.blueshift.storage.arrow.ArrowIpcWriter}
 * writes one record batch per batch given.
 *
 * <p>Read: bool; int8/16/32 and uint8/16 as INTEGER, int64 and uint32 as BIGINT (uint64 while it
 * fits); float and double as DOUBLE; decimal128/256 up to 18 digits; date32, date64; timestamp
 * in any unit (a zone is ignored: values are UTC instants) as microseconds; utf8, large_utf8,
 * utf8_view; dictionary-encoded columns of those (decoded); the null type as an all-NULL
 * VARCHAR. Anything else (nested types, binary, time, interval, wider decimals, compressed
 * buffers) is an {@link io.blueshift.storage.arrow.ArrowIpcException} naming the file and column.
 * Written: bool, int32, int64, double, decimal128, date32, timestamp[us], utf8.
 *
 * <p>Why a copy and not {@code memory/arrow}'s C Data import: IPC files carry utf8 (our strings
 * are views), many units and widths, and the blocks must live in our pool after Arrow Java's
 * buffers are gone; fixed-width columns of the same layout are copied in bulk. Arrow Java needs
 * {@code --add-opens=java.base/java.nio=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow} on
 * JDK 25 (the launcher and the tests pass both).
 */
package io.blueshift.storage.arrow;
