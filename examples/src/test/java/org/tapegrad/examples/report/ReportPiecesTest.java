package org.tapegrad.examples.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small pieces the report is built from. */
class ReportPiecesTest {
    @Test
    void numbersAreReadable() {
        assertEquals("22.63", Numbers.format(22.627417));
        assertEquals("0.01234", Numbers.format(0.0123400));
        assertEquals("1.401e-45", Numbers.format(1.4012984643e-45));
        assertEquals("1e-5", Numbers.format(0.00001));
        assertEquals("29130", Numbers.format(29127.0));
        assertEquals("2.913e5", Numbers.format(291270.0));
        assertEquals("-0.5", Numbers.format(-0.5));
        assertEquals("1", Numbers.format(1.0));
        assertEquals("0", Numbers.format(0.0));
        assertEquals("NaN", Numbers.format(Double.NaN));
        assertEquals("-Infinity", Numbers.format(Double.NEGATIVE_INFINITY));
    }

    @Test
    void jsonWritesNonFiniteNumbersAsNullAndEscapesStrings() {
        Map<String, Object> j = Json.object();
        j.put("values", new double[] {1, 0.5, Double.NaN, Double.POSITIVE_INFINITY});
        j.put("text", "a \"quoted\"\nline");
        j.put("empty", List.of());
        assertEquals("{\n  \"values\": [1, 0.5, null, null],\n  \"text\": \"a \\\"quoted\\\"\\nline\",\n"
                + "  \"empty\": []\n}", Json.write(j));
    }

    @Test
    void markdownTablesEscapePipesAndCheckRowLengths() {
        assertEquals("| a | b |\n| --- | --- |\n| x\\|y | z |\n", Markdown.table(List.of("a", "b"),
                List.of(List.of("x|y", "z"))));
        assertThrows(IllegalArgumentException.class, () -> Markdown.table(List.of("a", "b"), List.of(List.of("x"))));
        assertEquals("depth-the-100-layer-chain", Markdown.anchor("Depth: the 100-layer chain"));
    }

    @Test
    void narrowSpansAreDrawnShiftedAndLabelledWithTheValuesTheyStandFor() {
        // a weight variance that moves in its fourth decimal: XChart alone spaces such ticks unevenly
        Charts.Series variance = new Charts.Series("v", new double[] {0.0757125, 0.07574, 0.0758, 0.0759925});
        Charts.Drawn drawn = Charts.lineChart(new Charts.Spec("t", "epoch", "variance", false, 400, 300),
                List.of(variance));
        double[] plotted = drawn.chart().getSeriesMap().get("v").getYData();
        for (double y : plotted) {
            assertTrue(y >= 0 && y <= 1000, "plotted " + y);
        }
        Charts.NarrowRange narrow = Charts.NarrowRange.of(List.of(variance));
        assertEquals(0.07571, Double.parseDouble(narrow.label(narrow.toPlotted(0.07571))), 1e-12);
        assertEquals("0.07580", narrow.label(narrow.toPlotted(0.0758)));
        assertEquals(narrow.label(plotted[2]), drawn.chart().getStyler().getyAxisTickLabelsFormattingFunction()
                .apply(plotted[2]));
    }

    @Test
    void tinyValuesAreLabelledInScientificNotationAndWideSpansAreLeftAlone() {
        Charts.NarrowRange tiny = Charts.NarrowRange.of(List.of(new Charts.Series("g", new double[] {1e-9, 3e-9})));
        assertEquals("2.0e-09", tiny.label(tiny.toPlotted(2e-9)));
        assertEquals(null, Charts.NarrowRange.of(List.of(new Charts.Series("loss", new double[] {0.3, 1.3}))));
        assertEquals(null, Charts.NarrowRange.of(List.of(new Charts.Series("flat", new double[] {5, 5}))));
    }

    @Test
    void logChartsDropWhatALogAxisCannotShowAndSaySo(@TempDir Path dir) throws Exception {
        Charts.Drawn drawn = Charts.lineChart(new Charts.Spec("t", "x", "y", true, 400, 300), List.of(
                new Charts.Series("grows", new double[] {1, 10, Double.POSITIVE_INFINITY, Double.NaN}),
                new Charts.Series("dies", new double[] {1, 0.1, 0, 0}),
                new Charts.Series("never", new double[] {Double.NaN})));
        assertEquals(List.of("grows (2 pts not drawn: Infinity from x=3)", "dies (2 pts not drawn: 0 from x=3)",
                "never: nothing to draw (NaN from x=1)"), drawn.notes());
        Charts.savePng(drawn.chart(), dir.resolve("c.png"));
        assertTrue(Files.size(dir.resolve("c.png")) > 1000);
    }

    @Test
    void atomicWritesLeaveNoTemporaryFileBehind(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("sub/report.md");
        AtomicFiles.writeString(target, "one");
        AtomicFiles.writeString(target, "two");
        assertEquals("two", Files.readString(target));
        assertThrows(java.io.IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write('x');
            throw new java.io.IOException("disk full");
        }));
        assertEquals("two", Files.readString(target), "a failed write leaves the old content");
        try (var files = Files.list(target.getParent())) {
            assertEquals(List.of(target), files.toList());
        }
    }
}
