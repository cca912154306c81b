package io.blueshift.bench.calibration;

import io.blueshift.bench.charts.SvgLineChart;
import io.blueshift.hwprofiles.Calibration;

import java.util.List;

/** The batch-rows sweep of a calibration as an SVG chart, marking the calibrated choice and the L2 rule's. */
public final class SweepChart {
    private SweepChart() { }

    public static String svg(Calibration c, String machine) {
        List<Calibration.SweepPoint> points = c.batchSweep();
        if (points.isEmpty()) throw new IllegalArgumentException("the calibration has no batch-rows sweep");
        SvgLineChart chart = new SvgLineChart("Batch rows sweep: " + machine,
                "batch rows (" + c.sweepWorkload() + ", " + c.threads() + " threads)", "ms per query (median)",
                points.stream().map(p -> Integer.toString(p.batchRows())).toList());
        chart.add(new SvgLineChart.Series("Blueshift aggregation", points.stream().map(Calibration.SweepPoint::millis).toList()));
        for (int i = 0; i < points.size(); i++) {
            if (points.get(i).batchRows() == c.batchRows()) chart.mark(new SvgLineChart.Mark(0, i, "calibrated"));
        }
        for (int i = 0; i < points.size(); i++) {
            if (points.get(i).batchRows() == c.ruleBatchRows() && c.ruleBatchRows() != c.batchRows()) {
                chart.mark(new SvgLineChart.Mark(0, i, "L2 rule"));
            }
        }
        return chart.render();
    }
}
