package io.blueshift.kernels;

/** The scalar twins: complete on any JVM, and the oracle the vectorized provider is tested against. */
public final class ScalarKernelProvider implements KernelProvider {
    public static final ScalarKernelProvider INSTANCE = new ScalarKernelProvider();

    private ScalarKernelProvider() {}

    @Override public String name() { return "scalar"; }
    @Override public FilterKernels filter() { return ScalarFilterKernels.INSTANCE; }
    @Override public SelectionKernels selection() { return ScalarSelectionKernels.INSTANCE; }
    @Override public ArithmeticKernels arithmetic() { return ScalarArithmeticKernels.INSTANCE; }
    @Override public AggregateKernels aggregate() { return ScalarAggregateKernels.INSTANCE; }
    @Override public HashKernels hash() { return ScalarHashKernels.INSTANCE; }
    @Override public GatherKernels gather() { return ScalarGatherKernels.INSTANCE; }
    @Override public StringKernels strings() { return ScalarStringKernels.INSTANCE; }
    @Override public BitUnpackKernels bitUnpack() { return ScalarBitUnpackKernels.INSTANCE; }
    @Override public KeyBitmapKernels keyBitmap() { return ScalarKeyBitmapKernels.INSTANCE; }

    @Override public String toString() { return name(); }
}
