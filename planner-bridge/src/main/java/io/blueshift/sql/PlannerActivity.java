package io.blueshift.sql;

/**
 * Whether anyone but the engine's warm-up thread has planned SQL in this JVM: the warm-up
 * ({@code io.blueshift.api.EngineWarmup}) stops at the first user statement, so it never takes
 * a core from a query. One volatile read per planning once a user statement has been seen.
 */
public final class PlannerActivity {
    private static volatile Thread warmup;
    private static volatile boolean userSeen;

    private PlannerActivity() {}

    /** Called at the start of every planning. */
    static void planning() {
        if (!userSeen && Thread.currentThread() != warmup) {
            userSeen = true;
        }
    }

    /** The thread whose planning does not count as a user's. */
    public static void warmupThread(Thread thread) {
        warmup = thread;
    }

    /** True once a thread other than the warm-up's has planned a statement. */
    public static boolean userSeen() {
        return userSeen;
    }
}
