package io.blueshift.bench.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class SvgLineChartTest {
    @Test
    void rendersWellFormedSvgWithPointsAndMarks() throws Exception {
        String svg = new SvgLineChart("sweep <&>", "batch rows", "ms", List.of("1024", "2048", "4096"))
                .add(new SvgLineChart.Series("agg", List.of(30.0, 12.5, Double.NaN)))
                .mark(new SvgLineChart.Mark(0, 1, "calibrated"))
                .render();
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", doc.getDocumentElement().getTagName());
        // two data points (NaN skipped) and the mark's ring
        assertEquals(3, doc.getElementsByTagName("circle").getLength());
        assertTrue(svg.contains("calibrated"));
        assertTrue(svg.contains("sweep &lt;&amp;&gt;"));
    }

    @Test
    void checksShapes() {
        SvgLineChart c = new SvgLineChart("t", "x", "y", List.of("a", "b"));
        assertThrows(IllegalArgumentException.class, () -> c.add(new SvgLineChart.Series("s", List.of(1.0))));
        c.add(new SvgLineChart.Series("s", List.of(1.0, 2.0)));
        assertThrows(IllegalArgumentException.class, () -> c.mark(new SvgLineChart.Mark(0, 5, "x")));
    }

    @Test
    void niceSteps() {
        assertEquals(20, SvgLineChart.niceStep(13));
        assertEquals(50, SvgLineChart.niceStep(41));
        assertEquals(0.5, SvgLineChart.niceStep(0.3));
    }
}
