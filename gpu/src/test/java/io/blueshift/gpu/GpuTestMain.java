package io.blueshift.gpu;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.PrintWriter;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

/**
 * Runs the gpu module's tests (the {@code gpu}-tagged ones included) without Maven, for the
 * device bundle {@code ci/gpu-test} builds: a machine with a GPU has no Java toolchain or
 * network. Prints each test's outcome and a skipped test's reason; exit status 1 on failures.
 */
public final class GpuTestMain {
    private GpuTestMain() { }

    public static void main(String[] args) {
        String pkg = args.length > 0 ? args[0] : "io.blueshift.gpu";
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectPackage(pkg)).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        TestExecutionListener printer = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (!id.isTest()) return;
                String name = id.getLegacyReportingName();
                String parent = id.getParentIdObject().map(p -> p.toString().replaceAll(".*class:([^\\]]+)].*", "$1")).orElse("");
                switch (result.getStatus()) {
                    case SUCCESSFUL -> System.out.println("PASS    " + parent + " " + name);
                    case ABORTED -> System.out.println("SKIPPED " + parent + " " + name + ": "
                            + result.getThrowable().map(Throwable::getMessage).orElse(""));
                    case FAILED -> System.out.println("FAIL    " + parent + " " + name + ": "
                            + result.getThrowable().map(Throwable::toString).orElse(""));
                }
            }
        };
        launcher.execute(request, summary, printer);
        TestExecutionSummary s = summary.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        s.printTo(out);
        s.printFailuresTo(out, 30);
        System.exit(s.getTotalFailureCount() == 0 && s.getTestsFoundCount() > 0 ? 0 : 1);
    }
}
