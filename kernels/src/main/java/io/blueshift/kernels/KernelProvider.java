package io.blueshift.kernels;

/** One implementation of every kernel family: the scalar twins or the Vector API ones. */
public interface KernelProvider {
    /** {@code "scalar"} or {@code "simd"}, plus detail such as the vector width. */
    String name();

    FilterKernels filter();

    SelectionKernels selection();

    ArithmeticKernels arithmetic();

    AggregateKernels aggregate();

    HashKernels hash();

    GatherKernels gather();

    StringKernels strings();

    BitUnpackKernels bitUnpack();

    /** Join keys tested against a build side's key bitmap (the join filter pushed to the probe side). */
    KeyBitmapKernels keyBitmap();
}
