package io.blueshift.sql;

/** The one-line text of an exception for the user. */
final class BlueshiftMessages {
    private BlueshiftMessages() {}

    static String of(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
