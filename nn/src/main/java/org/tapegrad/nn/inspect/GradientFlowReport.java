package org.tapegrad.nn.inspect;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link GradientFlowInspector} found: the measurements of every layer, in forward order, and a verdict
 * for each, printable as a text table ({@link #toTable()}), JSON ({@link #toJson()}) or a Markdown table
 * ({@link #toMarkdown()}). This class is immutable.
 */
public final class GradientFlowReport {
    private final List<LayerStats> layers;
    private final List<LayerVerdict> verdicts;
    private final double loss;
    private final int steps;

    /**
     * @param layers   the measured layers, in forward order
     * @param verdicts one per layer, in the same order
     * @param loss     the loss of the inspected pass
     * @param steps    the SGD steps taken before it
     * @throws IllegalArgumentException if the two lists do not match
     */
    public GradientFlowReport(List<LayerStats> layers, List<LayerVerdict> verdicts, double loss, int steps) {
        if (layers.size() != verdicts.size()) {
            throw new IllegalArgumentException("GradientFlowReport: " + layers.size() + " layers but " + verdicts.size()
                    + " verdicts");
        }
        for (int i = 0; i < layers.size(); i++) {
            if (!layers.get(i).name().equals(verdicts.get(i).layer())) {
                throw new IllegalArgumentException("GradientFlowReport: verdict " + i + " is for '"
                        + verdicts.get(i).layer() + "' but layer " + i + " is '" + layers.get(i).name() + "'");
            }
        }
        this.layers = List.copyOf(layers);
        this.verdicts = List.copyOf(verdicts);
        this.loss = loss;
        this.steps = steps;
    }

    /** The measurements, one per layer, in forward order. */
    public List<LayerStats> layers() {
        return layers;
    }

    /** The verdicts, one per layer, in forward order. */
    public List<LayerVerdict> verdicts() {
        return verdicts;
    }

    /**
     * The verdict of the layer with this dotted name.
     *
     * @throws IllegalArgumentException if no layer has that name; the message lists the names
     */
    public LayerVerdict verdict(String layer) {
        for (LayerVerdict v : verdicts) {
            if (v.layer().equals(layer)) {
                return v;
            }
        }
        List<String> names = new ArrayList<>();
        for (LayerVerdict v : verdicts) {
            names.add(v.layer());
        }
        throw new IllegalArgumentException("GradientFlowReport: no layer named '" + layer + "'; the layers are " + names);
    }

    /** The loss of the inspected pass. */
    public double loss() {
        return loss;
    }

    /** The number of SGD steps taken before the inspected pass. */
    public int steps() {
        return steps;
    }

    /** Whether every layer is {@link Verdict#HEALTHY}. */
    public boolean isHealthy() {
        return verdicts.stream().allMatch(v -> v.verdict() == Verdict.HEALTHY);
    }

    // ------------------------------------------------------------------ text

    /**
     * A fixed-width table, one row per layer, then every finding with its reason. Columns: the layer, its type,
     * the nonlinearity after it ("act"), the mean, std and fraction of zeros of its activation (the
     * nonlinearity's output, or the layer's own when there is none), the weight's mean and std, the weight
     * gradient's mean, std, max |·| and fraction of exact zeros, the std of the gradient at the layer's output,
     * {@code ‖∇W‖/‖W‖}, and the verdict.
     */
    public String toTable() {
        String[] header = {"layer", "type", "act", "act mean", "act std", "act zeros", "w mean", "w std", "grad mean",
            "grad std", "grad max|.|", "grad zeros", "out-grad std", "|grad|/|w|", "verdict"};
        List<String[]> rows = new ArrayList<>();
        rows.add(header);
        for (int i = 0; i < layers.size(); i++) {
            LayerStats l = layers.get(i);
            TensorSummary a = l.activationValues();
            TensorSummary g = l.weightGradient();
            rows.add(new String[] {l.name().isEmpty() ? "(model)" : l.name(), l.type(),
                l.activation() == null ? "-" : l.activation().type(), Format.number(a.mean()), Format.number(a.std()),
                Format.percent(a.zeroFraction()), Format.number(l.weight().mean()), Format.number(l.weight().std()),
                g == null ? "-" : Format.number(g.mean()), g == null ? "-" : Format.number(g.std()),
                g == null ? "-" : Format.number(g.maxAbs()), g == null ? "-" : Format.percent(g.zeroFraction()),
                l.outputGradient() == null ? "-" : Format.number(l.outputGradient().std()),
                Format.number(l.gradientToWeightNormRatio()), verdicts.get(i).verdict().name()});
        }
        int[] widths = new int[header.length];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        StringBuilder s = new StringBuilder();
        s.append("Gradient flow: loss ").append(Format.number(loss)).append(", after ").append(steps)
                .append(steps == 1 ? " SGD step" : " SGD steps").append('\n');
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                line.append(c < 3 ? pad(row[c], widths[c]) : padLeft(row[c], widths[c]));
                line.append(c + 1 < row.length ? "  " : "");
            }
            s.append(line.toString().stripTrailing()).append('\n');
        }
        s.append('\n');
        for (int i = 0; i < layers.size(); i++) {
            List<Finding> findings = verdicts.get(i).findings();
            String name = layers.get(i).displayName();
            s.append(name).append(": ").append(findings.get(0).verdict()).append(" - ")
                    .append(findings.get(0).reason()).append('\n');
            for (Finding f : findings.subList(1, findings.size())) {
                s.append("    also ").append(f.verdict()).append(" - ").append(f.reason()).append('\n');
            }
        }
        return s.toString();
    }

    /**
     * A Markdown table with one row per layer: activation std, std of the gradient at its output,
     * {@code ‖∇W‖/‖W‖}, the verdict and its reason (for reports).
     */
    public String toMarkdown() {
        StringBuilder s = new StringBuilder();
        s.append("| layer | type | activation std | output-gradient std | ‖∇W‖/‖W‖ | verdict | reason |\n");
        s.append("| --- | --- | ---: | ---: | ---: | --- | --- |\n");
        for (int i = 0; i < layers.size(); i++) {
            LayerStats l = layers.get(i);
            LayerVerdict v = verdicts.get(i);
            s.append("| ").append(l.name().isEmpty() ? "(model)" : l.name()).append(" | ").append(l.type())
                    .append(" | ").append(Format.number(l.activationValues().std()))
                    .append(" | ").append(Format.number(l.outputGradientStd()))
                    .append(" | ").append(Format.number(l.gradientToWeightNormRatio()))
                    .append(" | ").append(v.verdict()).append(" | ").append(v.reason().replace("|", "\\|")).append(" |\n");
        }
        return s.toString();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }

    private static String padLeft(String s, int width) {
        return " ".repeat(width - s.length()) + s;
    }

    // ------------------------------------------------------------------ JSON

    /**
     * The whole report as JSON: {@code loss}, {@code steps}, the {@code thresholds} of {@link FlowRules}, and
     * {@code layers}, an array with, per layer, its name, type, verdict, reason, every finding, and the
     * summaries ({@code numel, mean, std, min, max, maxAbs, norm, zeroFraction, nonFinite}) of its input, output,
     * activation, the gradients at both, its weight and the weight's gradient. Missing values and numbers JSON
     * cannot hold (NaN, ±Infinity) are {@code null}; the {@code nonFinite} counts say how many there were.
     */
    public String toJson() {
        Json j = new Json().beginObject();
        j.name("loss").value(loss);
        j.name("steps").value(steps);
        j.name("thresholds").beginObject()
                .name("scaleFactorPerLayer").value(FlowRules.SCALE_FACTOR_PER_LAYER)
                .name("scaleRatioOverall").value(FlowRules.SCALE_RATIO_OVERALL)
                .name("saturatedFraction").value(FlowRules.SATURATED_FRACTION)
                .name("saturationMargin").value(FlowRules.SATURATION_MARGIN)
                .name("symmetryGradientTolerance").value(FlowRules.SYMMETRY_GRADIENT_TOLERANCE)
                .endObject();
        j.name("layers").beginArray();
        for (int i = 0; i < layers.size(); i++) {
            writeLayer(j, layers.get(i), verdicts.get(i));
        }
        j.endArray();
        return j.endObject().toString();
    }

    private static void writeLayer(Json j, LayerStats l, LayerVerdict v) {
        j.beginObject();
        j.name("name").value(l.name());
        j.name("type").value(l.type());
        j.name("verdict").value(v.verdict().name());
        j.name("reason").value(v.reason());
        j.name("findings").beginArray();
        for (Finding f : v.findings()) {
            j.beginObject().name("verdict").value(f.verdict().name()).name("reason").value(f.reason()).endObject();
        }
        j.endArray();
        ActivationStats a = l.activation();
        j.name("activationType").value(a == null ? null : a.type());
        j.name("saturatedFraction").value(a == null ? Double.NaN : a.saturatedFraction());
        writeSummary(j, "input", l.input());
        writeSummary(j, "output", l.output());
        writeSummary(j, "outputGradient", l.outputGradient());
        writeSummary(j, "activation", l.activationValues());
        writeSummary(j, "activationGradient", a == null ? null : a.gradient());
        j.name("weightName").value(l.weightName());
        j.name("weightShape").beginArray();
        for (int size : l.weightShape()) {
            j.value(size);
        }
        j.endArray();
        writeSummary(j, "weight", l.weight());
        writeSummary(j, "weightGradient", l.weightGradient());
        j.name("gradientToWeightNormRatio").value(l.gradientToWeightNormRatio());
        j.name("allGradientsZero").value(l.allGradientsZero());
        RowSymmetry s = l.symmetry();
        j.name("symmetry");
        if (s == null) {
            j.nullValue();
        } else {
            j.beginObject().name("rows").value(s.rows()).name("weightRowsIdentical").value(s.weightRowsIdentical())
                    .name("commonValue").value(s.commonValue()).name("gradientRowSpread").value(s.gradientRowSpread())
                    .endObject();
        }
        j.endObject();
    }

    private static void writeSummary(Json j, String name, TensorSummary s) {
        j.name(name);
        if (s == null) {
            j.nullValue();
            return;
        }
        j.beginObject().name("numel").value(s.numel()).name("mean").value(s.mean()).name("std").value(s.std())
                .name("min").value(s.min()).name("max").value(s.max()).name("maxAbs").value(s.maxAbs())
                .name("norm").value(s.norm()).name("zeroFraction").value(s.zeroFraction())
                .name("nonFinite").value(s.nonFiniteCount()).endObject();
    }

    @Override
    public String toString() {
        return toTable();
    }
}
