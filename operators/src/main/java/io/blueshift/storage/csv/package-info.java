/**
 * CSV reading and writing. {@link io.blueshift.storage.csv.CsvTable#open} maps the file, infers
 * names and types from its head (BOOLEAN, BIGINT, DOUBLE, DATE, TIMESTAMP, else VARCHAR, as
 * DuckDB's sniffer; overrides in {@link io.blueshift.storage.csv.CsvOptions} win), splits it
 * into spans of 122,880 rows in one quote-aware pass, and parses the spans in parallel straight
 * from bytes into column vectors, one block with zone maps each. {@link io.blueshift.storage.csv.CsvWriter}
 * writes RFC 4180 with values printed as DuckDB prints them.
 *
 * <p>Differences from DuckDB's defaults, on purpose: a quoted empty field {@code ""} is the empty
 * string, not NULL (DuckDB's {@code allow_quoted_nulls = false}), so what we write reads back the
 * same; a value after the sample that does not fit an inferred type widens the type and the file
 * is parsed again, where DuckDB stops with an error.
 *
 * <p>Every failure on bad input is a {@link io.blueshift.storage.csv.CsvException} naming the file,
 * the line and, where it is about one value, the column: a value not of a given type, a row with
 * the wrong number of fields, an unterminated quote, text after a closing quote, invalid UTF-8 in
 * a VARCHAR column or the header.
 */
package io.blueshift.storage.csv;
