package io.blueshift.simd;

import java.nio.ByteOrder;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The only place that names a vector species (as in Lucene): loading this class is what fails
 * with a {@link LinkageError} when {@code jdk.incubator.vector} is absent, which the lookup in
 * {@code Kernels} turns into a fallback to the scalar twins.
 */
final class SimdSpecies {
    static final VectorSpecies<Byte> BYTE = ByteVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> INT = IntVector.SPECIES_PREFERRED;
    static final VectorSpecies<Long> LONG = LongVector.SPECIES_PREFERRED;
    static final VectorSpecies<Double> DOUBLE = DoubleVector.SPECIES_PREFERRED;
    /** Int lanes as many as {@link #LONG} has: row ids for INT64/FLOAT64 filters, INT32 widening. */
    static final VectorSpecies<Integer> INT_PER_LONG =
            VectorSpecies.of(int.class, VectorShape.forBitSize(LONG.vectorBitSize() / 2));
    static final int BITS = INT.vectorBitSize();
    static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private SimdSpecies() {}
}
