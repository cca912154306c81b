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
        chart.add(new SvgLineChart.Series("Blueshift, " + (c.sweepWorkload().startsWith("mixed") ? "mixed pipeline" : "aggregation"), points.stream().map(Calibration.SweepPoint::millis).toList()));
        for (int i = 0; i < points.size(); i++) {
            if (points.get(i).batchRows() == c.batchRows()) {
                chart.mark(new SvgLineChart.Mark(0, i, c.batchRows() == c.ruleBatchRows() ? "calibrated = L2 rule" : "calibrated"));
            }
        }
        for (int i = 0; i < points.size(); i++) {
            if (points.get(i).batchRows() == c.ruleBatchRows() && c.ruleBatchRows() != c.batchRows()) {
                chart.mark(new SvgLineChart.Mark(0, i, "L2 rule"));
            }
        }
        return chart.render();
    }

    /** The partition-bits sweep on the hash join, marking the calibrated choice and the L2 rule's. */
    public static String partitionSvg(Calibration c, String machine) {
        List<Calibration.PartitionPoint> points = c.partitionSweep();
        if (points.isEmpty()) throw new IllegalArgumentException("the calibration has no partition-bits sweep");
        SvgLineChart chart = new SvgLineChart("Hash partition bits sweep: " + machine,
                "context hash partition bits (" + c.joinWorkload() + ", " + c.threads() + " threads)", "ms per query (median)",
                points.stream().map(p -> Integer.toString(p.bits())).toList());
        chart.add(new SvgLineChart.Series("Blueshift hash join", points.stream().map(Calibration.PartitionPoint::millis).toList()));
        for (int i = 0; i < points.size(); i++) {
            if (points.get(i).bits() == c.hashPartitionBits()) chart.mark(new SvgLineChart.Mark(0, i, "calibrated"));
            if (points.get(i).bits() == c.ruleHashPartitionBits() && c.ruleHashPartitionBits() != c.hashPartitionBits()) {
                chart.mark(new SvgLineChart.Mark(0, i, "L2 rule"));
            }
        }
        return chart.render();
    }
}
