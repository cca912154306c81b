package io.blueshift.simd;

import io.blueshift.kernels.AggregateKernels;
import io.blueshift.kernels.ArithmeticKernels;
import io.blueshift.kernels.BitUnpackKernels;
import io.blueshift.kernels.FilterKernels;
import io.blueshift.kernels.GatherKernels;
import io.blueshift.kernels.HashKernels;
import io.blueshift.kernels.KernelProvider;
import io.blueshift.kernels.KeyBitmapKernels;
import io.blueshift.kernels.ScalarGatherKernels;
import io.blueshift.kernels.SelectionKernels;
import io.blueshift.kernels.StringKernels;

/** The Vector API kernels. */
final class SimdKernelProvider implements KernelProvider {
    static final SimdKernelProvider INSTANCE = new SimdKernelProvider();

    private final String name = "simd (" + SimdSpecies.BITS + "-bit)";

    private SimdKernelProvider() {}

    @Override public String name() { return name; }
    @Override public FilterKernels filter() { return SimdFilterKernels.INSTANCE; }
    @Override public SelectionKernels selection() { return SimdSelectionKernels.INSTANCE; }
    @Override public ArithmeticKernels arithmetic() { return SimdArithmeticKernels.INSTANCE; }
    @Override public AggregateKernels aggregate() { return SimdAggregateKernels.INSTANCE; }
    @Override public HashKernels hash() { return SimdHashKernels.INSTANCE; }
    // the Vector API has no gather from a MemorySegment by index: the scalar loop is the best we have
    @Override public GatherKernels gather() { return ScalarGatherKernels.INSTANCE; }
    @Override public StringKernels strings() { return SimdStringKernels.INSTANCE; }
    // behind a warm-up gate: the scalar twin takes most values until the vector code is compiled
    private final BitUnpackKernels bitUnpack = WarmingBitUnpackKernels.of(SimdBitUnpackKernels.INSTANCE);
    @Override public BitUnpackKernels bitUnpack() { return bitUnpack; }
    @Override public KeyBitmapKernels keyBitmap() { return SimdKeyBitmapKernels.INSTANCE; }

    @Override public String toString() { return name; }
}
