package io.blueshift.bench.charts;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A small line chart as SVG text, for results files: one or more series over the same
 * categorical x axis (e.g. batch sizes), a y axis from zero with rounded ticks, and points
 * that can be marked with a label (e.g. "calibrated"). No dependency; the output is plain
 * SVG 1.1 that browsers and GitHub render.
 */
public final class SvgLineChart {
    /** One line: a name for the legend and one y value per x category ({@code NaN}: no point). */
    public record Series(String name, List<Double> values) {
        public Series {
            Objects.requireNonNull(name, "name is null");
            values = List.copyOf(values);
        }
    }

    /** A ring around the point {@code index} of series {@code series}, with a label above it. */
    public record Mark(int series, int index, String label) { }

    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};
    private static final int WIDTH = 640, HEIGHT = 360, LEFT = 64, RIGHT = 20, TOP = 40, BOTTOM = 56;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<String> categories;
    private final List<Series> series = new ArrayList<>();
    private final List<Mark> marks = new ArrayList<>();

    public SvgLineChart(String title, String xLabel, String yLabel, List<String> categories) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.categories = List.copyOf(categories);
        if (this.categories.isEmpty()) throw new IllegalArgumentException("no x categories");
    }

    public SvgLineChart add(Series s) {
        if (s.values().size() != categories.size()) {
            throw new IllegalArgumentException("series " + s.name() + " has " + s.values().size() + " values for "
                    + categories.size() + " categories");
        }
        series.add(s);
        return this;
    }

    public SvgLineChart mark(Mark m) {
        if (m.series() < 0 || m.series() >= series.size() || m.index() < 0 || m.index() >= categories.size()) {
            throw new IllegalArgumentException("mark outside the chart: " + m);
        }
        marks.add(m);
        return this;
    }

    public String render() {
        double max = 0;
        for (Series s : series) for (double v : s.values()) if (!Double.isNaN(v)) max = Math.max(max, v);
        double step = niceStep(max > 0 ? max / 5 : 1);
        double top = Math.max(step, Math.ceil(max / step) * step);
        int plotW = WIDTH - LEFT - RIGHT, plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                WIDTH / 2, escape(title)));
        for (double y = 0; y <= top + step / 2; y += step) {
            double py = TOP + plotH - y / top * plotH;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    LEFT, py, LEFT + plotW, py));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT - 6, py + 4, tick(y)));
        }
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                LEFT, TOP + plotH, LEFT + plotW, TOP + plotH));
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                LEFT, TOP, LEFT, TOP + plotH));
        for (int i = 0; i < categories.size(); i++) {
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x(i, plotW), TOP + plotH + 18, escape(categories.get(i))));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                LEFT + plotW / 2, HEIGHT - 12, escape(xLabel)));
        sb.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 16 %d)\">%s</text>%n",
                TOP + plotH / 2, TOP + plotH / 2, escape(yLabel)));
        for (int s = 0; s < series.size(); s++) {
            String color = COLORS[s % COLORS.length];
            StringBuilder path = new StringBuilder();
            List<Double> v = series.get(s).values();
            for (int i = 0; i < v.size(); i++) {
                if (Double.isNaN(v.get(i))) continue;
                path.append(path.isEmpty() ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x(i, plotW), y(v.get(i), top, plotH)));
            }
            sb.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n", path, color));
            for (int i = 0; i < v.size(); i++) {
                if (Double.isNaN(v.get(i))) continue;
                sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s: %s</title></circle>%n",
                        x(i, plotW), y(v.get(i), top, plotH), color, escape(categories.get(i)), tick(v.get(i))));
            }
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", LEFT + 10, TOP + 6 + 16 * s, color, LEFT + 28, TOP + 11 + 16 * s,
                    escape(series.get(s).name())));
        }
        for (Mark m : marks) {
            double v = series.get(m.series()).values().get(m.index());
            double px = x(m.index(), plotW), py = y(v, top, plotH);
            sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"8\" fill=\"none\" stroke=\"#ff7f0e\" stroke-width=\"2.5\"/>%n", px, py));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#ff7f0e\" font-weight=\"bold\">%s</text>%n",
                    px, py - 14, escape(m.label())));
        }
        return sb.append("</svg>\n").toString();
    }

    private double x(int i, int plotW) {
        return categories.size() == 1 ? LEFT + plotW / 2.0 : LEFT + 20 + (plotW - 40) * (double) i / (categories.size() - 1);
    }

    private static double y(double v, double top, int plotH) {
        return TOP + plotH - v / top * plotH;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) if (m * p >= raw) return m * p;
        return 10 * p;
    }

    private static String tick(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
