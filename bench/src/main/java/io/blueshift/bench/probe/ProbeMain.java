package io.blueshift.bench.probe;

import io.blueshift.hwprofiles.HardwareProfile;

/** Prints the probe's scalar and Vector API read bandwidth: {@code java -cp ... ProbeMain [MiB] [reps]}. */
public final class ProbeMain {
    private ProbeMain() { }

    public static void main(String[] args) {
        long bytes = args.length > 0 ? Long.parseLong(args[0]) << 20 : BandwidthProbe.defaultBytes(HardwareProfile.detect());
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        BandwidthProbe.Result r = BandwidthProbe.measure(bytes, reps);
        System.out.printf("probe %d MiB: scalar %.1f GB/s, vector %.1f GB/s, reported %.1f GB/s%n",
                r.bytes() >> 20, r.scalarGBs(), r.vectorGBs(), r.gbs());
    }
}
