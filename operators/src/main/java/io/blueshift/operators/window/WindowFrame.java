package io.blueshift.operators.window;

/**
 * The rows an aggregate window function sees around the current row. Bounds are offsets from
 * the current row ({@code -n} = n PRECEDING, {@code 0} = CURRENT ROW, {@code n} = n FOLLOWING),
 * {@link #UNBOUNDED_PRECEDING} or {@link #UNBOUNDED_FOLLOWING}. In ROWS mode they count rows;
 * in RANGE mode only the unbounded ones and CURRENT ROW (the current row and its peers, the
 * rows with equal ORDER BY values) are allowed.
 */
public record WindowFrame(boolean rows, long lower, long upper) {
    public static final long UNBOUNDED_PRECEDING = Long.MIN_VALUE;
    public static final long UNBOUNDED_FOLLOWING = Long.MAX_VALUE;

    /** SQL's default with ORDER BY: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW. */
    public static final WindowFrame RUNNING = new WindowFrame(false, UNBOUNDED_PRECEDING, 0);
    /** The whole partition (the default without ORDER BY). */
    public static final WindowFrame PARTITION = new WindowFrame(false, UNBOUNDED_PRECEDING, UNBOUNDED_FOLLOWING);

    public WindowFrame {
        if (!rows && (lower != UNBOUNDED_PRECEDING && lower != 0 || upper != UNBOUNDED_FOLLOWING && upper != 0)) {
            throw new UnsupportedOperationException("not supported: RANGE frames with an offset (use ROWS)");
        }
    }

    public String describe() {
        return (rows ? "ROWS " : "RANGE ") + bound(lower) + " .. " + bound(upper);
    }

    private static String bound(long b) {
        if (b == UNBOUNDED_PRECEDING) return "UNBOUNDED PRECEDING";
        if (b == UNBOUNDED_FOLLOWING) return "UNBOUNDED FOLLOWING";
        if (b == 0) return "CURRENT ROW";
        return b < 0 ? -b + " PRECEDING" : b + " FOLLOWING";
    }
}
