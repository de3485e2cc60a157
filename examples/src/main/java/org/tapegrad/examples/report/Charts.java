package org.tapegrad.examples.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line charts with XChart, saved as PNG (atomically, see {@link AtomicFiles}). Charts are drawn
 * headless: this class sets {@code java.awt.headless=true} before any AWT class loads, unless the
 * property was already given.
 *
 * <p>A logarithmic axis cannot show 0, negative, NaN or infinite values. Such points are dropped and
 * the series' legend entry says how many and from where, so a reader is never misled by a line that
 * simply stops. (The log axis is drawn as log10 of the values on a linear axis labelled with powers of
 * ten, because XChart's own log axis labels every decade and these charts span 80 of them.)
 */
public final class Charts {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf),
        new Color(0x393b79), new Color(0xad494a), new Color(0x637939), new Color(0x8c6d31), new Color(0x7b4173),
        new Color(0x3182bd), new Color(0xe6550d), new Color(0x31a354), new Color(0x756bb1), new Color(0x636363),
    };

    private Charts() {
    }

    /** One line: its legend name and y values at x = 1, 2, …, y.length. */
    public record Series(String name, double[] y) {
        public Series {
            y = y.clone();
        }
    }

    /** What to draw: title, axis titles, size and whether the y axis is logarithmic. */
    public record Spec(String title, String xTitle, String yTitle, boolean logY, int width, int height) {
        public Spec {
            if (width < 100 || height < 100) {
                throw new IllegalArgumentException("chart: " + width + "×" + height + " is too small");
            }
        }
    }

    /** How many points of each series a log axis dropped; empty when none were dropped. */
    public record Drawn(XYChart chart, List<String> notes) {
    }

    /**
     * Builds a line chart. For a log y axis, points that are not finite and positive are dropped and the
     * legend entry gets a note such as "(NaN from x=29, not drawn)"; a series with no drawable point is
     * left out and named in {@link Drawn#notes()}.
     */
    public static Drawn lineChart(Spec spec, List<Series> series) {
        XYChart chart = new XYChartBuilder().width(spec.width()).height(spec.height()).title(spec.title())
                .xAxisTitle(spec.xTitle()).yAxisTitle(spec.yTitle()).build();
        Styler styler = chart.getStyler();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesVisible(true);
        chart.getStyler().setLegendPosition(series.size() > 6 ? Styler.LegendPosition.OutsideE
                : Styler.LegendPosition.InsideNE);
        styler.setSeriesColors(PALETTE);
        List<String> notes = new ArrayList<>();
        NarrowRange narrow = spec.logY() ? null : NarrowRange.of(series);
        int drawn = 0;
        for (Series s : series) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            int dropped = 0;
            String firstBad = null;
            for (int i = 0; i < s.y().length; i++) {
                double v = s.y()[i];
                boolean ok = Double.isFinite(v) && (!spec.logY() || v > 0);
                if (ok) {
                    xs.add((double) (i + 1));
                    ys.add(spec.logY() ? Math.log10(v) : narrow != null ? narrow.toPlotted(v) : v);
                } else {
                    dropped++;
                    if (firstBad == null) {
                        firstBad = describe(v) + " from x=" + (i + 1);
                    }
                }
            }
            String name = s.name();
            if (dropped > 0) {
                name += " (" + dropped + " pts not drawn: " + firstBad + ")";
            }
            if (xs.isEmpty()) {
                notes.add(s.name() + ": nothing to draw (" + firstBad + ")");
                continue;
            }
            if (dropped > 0) {
                notes.add(name);
            }
            XYSeries line = chart.addSeries(name, xs, ys);
            line.setMarker(SeriesMarkers.NONE);
            line.setLineStyle(new BasicStroke(drawn >= PALETTE.length / 2 ? 1.5f : 2f, BasicStroke.CAP_ROUND,
                    BasicStroke.JOIN_ROUND, 10f, drawn >= PALETTE.length / 2 ? new float[] {6f, 3f} : null, 0f));
            drawn++;
        }
        if (spec.logY()) {
            logLabels(chart);
        } else if (narrow != null) {
            chart.getStyler().setyAxisTickLabelsFormattingFunction(narrow::label);
        } else if (largestMagnitude(series) < 1e-3) {
            // XChart's default pattern prints 1e-9-sized values as 0.
            chart.getStyler().setYAxisDecimalPattern("0.##E0");
        }
        chart.getStyler().setXAxisTickMarkSpacingHint(70);
        if (drawn == 0) {
            // XChart refuses to draw a chart without series; show an empty placeholder line instead.
            XYSeries empty = chart.addSeries("(no drawable points)", new double[] {1}, new double[] {1});
            empty.setMarker(SeriesMarkers.NONE);
        }
        return new Drawn(chart, List.copyOf(notes));
    }

    /**
     * A log axis drawn as a linear axis of log10 values: XChart's own log axis labels every decade, which
     * overlap over the 80 decades these charts span. Ticks are labelled with the power of ten they stand for.
     */
    private static void logLabels(XYChart chart) {
        chart.getStyler().setyAxisTickLabelsFormattingFunction(e -> {
            long exponent = Math.round(e);
            if (Math.abs(e - exponent) > 1e-9 * Math.max(1, Math.abs(e))) {
                return Numbers.format(Math.pow(10, e));
            }
            return exponent >= -3 && exponent <= 4 ? Numbers.format(Math.pow(10, exponent)) : "1e" + exponent;
        });
    }

    /**
     * XChart (3.8) spaces the ticks of a linear axis unevenly, at data values with overlapping labels, when
     * the data span less than about 0.005 (a weight variance that moves in its fourth decimal). Data that
     * span less than 1 are therefore drawn as {@code (y − low) / unit}, spanning 100 to 1000, and each tick
     * is labelled with the value it stands for, to the precision the span needs.
     *
     * @param low       subtracted from every value (a multiple of unit at or below the smallest value)
     * @param unit      a power of ten, a hundredth to a thousandth of the span
     * @param spanDecade ⌊log10(span)⌋
     * @param largest   the largest magnitude among the values
     */
    record NarrowRange(double low, double unit, int spanDecade, double largest) {
        /** The transform for these series, or null when their finite values span 1 or more (or nothing). */
        static NarrowRange of(List<Series> series) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (Series s : series) {
                for (double v : s.y()) {
                    if (Double.isFinite(v)) {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                }
            }
            double span = max - min;
            if (!(span > 0) || span >= 1) {
                return null;
            }
            int spanDecade = (int) Math.floor(Math.log10(span));
            double unit = Math.pow(10, spanDecade - 2);
            return new NarrowRange(Math.floor(min / unit) * unit, unit, spanDecade,
                    Math.max(Math.abs(min), Math.abs(max)));
        }

        double toPlotted(double value) {
            return (value - low) / unit;
        }

        /** The label of the tick at plotted value {@code t}: enough digits to tell ticks a tenth of the span apart. */
        String label(double t) {
            double value = low + t * unit;
            if (largest < 1e-3) {
                int digits = Math.max(1, (int) Math.floor(Math.log10(largest)) - spanDecade + 1);
                return String.format(Locale.ROOT, "%." + digits + "e", value);
            }
            int decimals = Math.max(0, 1 - spanDecade);
            return BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_EVEN)
                    .toPlainString();
        }
    }

    private static double largestMagnitude(List<Series> series) {
        double m = 0;
        for (Series s : series) {
            for (double v : s.y()) {
                if (Double.isFinite(v)) {
                    m = Math.max(m, Math.abs(v));
                }
            }
        }
        return m;
    }

    private static String describe(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return "Infinity";
        }
        return v == 0 ? "0" : "≤0";
    }

    /** Saves one chart as a PNG file. */
    public static void savePng(XYChart chart, Path file) throws IOException {
        AtomicFiles.write(file, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }

    /**
     * Saves charts as one PNG, laid out row by row in a grid of {@code rows} × {@code columns} cells the
     * size of the largest chart; cells left over stay white.
     */
    public static void savePanelsPng(List<XYChart> charts, int rows, int columns, Path file) throws IOException {
        if (charts.isEmpty() || charts.size() > rows * columns) {
            throw new IllegalArgumentException("panels: " + charts.size() + " charts do not fit " + rows + "×" + columns);
        }
        List<BufferedImage> images = new ArrayList<>();
        int cellWidth = 0;
        int cellHeight = 0;
        for (XYChart chart : charts) {
            BufferedImage image = BitmapEncoder.getBufferedImage(chart);
            images.add(image);
            cellWidth = Math.max(cellWidth, image.getWidth());
            cellHeight = Math.max(cellHeight, image.getHeight());
        }
        BufferedImage grid = new BufferedImage(columns * cellWidth, rows * cellHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
            for (int i = 0; i < images.size(); i++) {
                g.drawImage(images.get(i), (i % columns) * cellWidth, (i / columns) * cellHeight, null);
            }
        } finally {
            g.dispose();
        }
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(grid, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        });
    }
}
