package io.blueshift.bench.kernels;

import java.util.List;

/**
 * Prints {@link KernelReport}'s table:
 * {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp ... io.blueshift.bench.kernels.KernelReportMain}.
 */
public final class KernelReportMain {
    private KernelReportMain() { }

    public static void main(String[] args) {
        List<KernelReport.Row> rows = KernelReport.run(System.err);
        KernelReport.print(rows, System.out);
    }
}
