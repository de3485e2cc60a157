package org.tapegrad.examples.seed;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.examples.report.Charts;
import org.tapegrad.examples.report.Json;
import org.tapegrad.examples.report.Markdown;
import org.tapegrad.examples.report.Numbers;
import org.tapegrad.examples.report.ReportSection;
import org.tapegrad.examples.report.Text;
import org.tapegrad.examples.run.Outcome;

/** What {@link ConvExperiment} found: one {@link SeedExperiment.Result} per variant and the derivation check. */
public final class ConvOutcome implements Outcome {
    /** The panels of each variant's chart, in order. */
    public static final List<String> PANELS = List.of("loss", "conv1 weight mean", "conv1 weight variance",
            "conv2 weight mean", "conv2 weight variance");

    private final ConvExperiment.Options options;
    private final List<SeedExperiment.Result> results;
    private final KernelGradient.Check derivation;

    ConvOutcome(ConvExperiment.Options options, List<SeedExperiment.Result> results, KernelGradient.Check derivation) {
        this.options = options;
        this.results = List.copyOf(results);
        this.derivation = derivation;
    }

    public List<SeedExperiment.Result> results() {
        return results;
    }

    public KernelGradient.Check derivation() {
        return derivation;
    }

    /** The file name of a variant's five-panel chart. */
    public static String chartFile(Variant variant) {
        return "conv_" + variant.id().replace('-', '_') + ".png";
    }

    private String settings() {
        return String.format(Locale.ROOT, "%d epochs, image 1×3×%d×%d, SGD(lr %s, momentum %s), %s, %s, seed %d",
                options.epochs(), options.size(), options.size(), Numbers.format(options.lr()),
                Numbers.format(options.momentum()), options.zeroGrad() ? "gradients zeroed every epoch"
                        : "gradients never zeroed (they accumulate, as in the article)", options.dtype(),
                options.seed());
    }

    /** One line per conv layer: did its weight ever receive a non-zero gradient, and what that did. */
    public static List<String> verdicts(SeedExperiment.Result r) {
        List<String> lines = new ArrayList<>();
        if (r.conv1W0() != null) {
            lines.add(verdict("conv1", r.conv1EverNonZeroGrad(), r.conv1MaxAbsGrad(), r.conv1W0(), r.conv1WFinal()));
        }
        lines.add(verdict("conv2", r.conv2EverNonZeroGrad(), r.conv2MaxAbsGrad(), r.conv2W0(), r.conv2WFinal()));
        return lines;
    }

    private static String verdict(String layer, boolean everNonZero, double maxAbsGrad, Tensor w0, Tensor wFinal) {
        double moved = wFinal.sub(w0).abs().max().item();
        if (!everNonZero) {
            return layer + ": never received a non-zero gradient; its weights did not move (max |Δw| = "
                    + Numbers.format(moved) + ")";
        }
        String s = layer + ": received non-zero gradients (largest |grad| " + Numbers.format(maxAbsGrad)
                + "); weights moved by up to " + Numbers.format(moved);
        int distinct = SeedExperiment.distinctFilters(wFinal);
        int filters = wFinal.size(0);
        if (distinct < filters && SeedExperiment.distinctFilters(w0) == 1) {
            s += "; only " + distinct + " of its " + filters + " filters are distinct: filters that start equal and "
                    + "receive equal gradients stay equal, so the symmetry is never broken";
        }
        return s;
    }

    @Override
    public String prose() {
        StringBuilder s = new StringBuilder("conv: " + settings() + "\n");
        for (SeedExperiment.Result r : results) {
            Variant v = r.config().variant();
            s.append(String.format(Locale.ROOT, "%n%s: %s%n", v, v.description()));
            for (int epoch = 0; epoch < r.losses().length; epoch++) {
                s.append(String.format(Locale.ROOT, "round %d: loss = %.7f%n", epoch, r.losses()[epoch]));
            }
            for (String line : verdicts(r)) {
                s.append("verdict ").append(line).append('\n');
            }
            for (TrainingListener l : r.config().listeners()) {
                for (String line : l.verdicts()) {
                    s.append("inspector: ").append(line).append('\n');
                }
            }
        }
        s.append('\n').append(derivationProse());
        s.append(Text.wrap(explanation()));
        return s.toString();
    }

    private String derivationProse() {
        KernelGradient.Check d = derivation;
        StringBuilder s = new StringBuilder("the derivation on a 3×3 image and a 2×2 kernel (∂L/∂k₁ = Σ ∂f·i):\n");
        s.append(String.format(Locale.ROOT, "  ∂L/∂k engine %s, by hand %s%n", list(d.engineKernelGrad()),
                list(d.handKernelGrad())));
        s.append(String.format(Locale.ROOT, "  ∂L/∂i engine %s, by hand %s%n", list(d.engineImageGrad()),
                list(d.handImageGrad())));
        s.append(String.format(Locale.ROOT, "  with a zero kernel, ∂L/∂i = %s%n", list(d.zeroKernelImageGrad())));
        return s.toString();
    }

    private static String list(double[] v) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            s.append(i == 0 ? "" : ", ").append(Numbers.format(v[i]));
        }
        return s.append(']').toString();
    }

    private static String explanation() {
        return """
                Why: with every conv weight 0, each layer outputs exactly 0, BatchNorm turns that into its bias \
                (0), and the ReLU sits at its kink, where PyTorch (and tapegrad) take the derivative as 0: no \
                gradient reaches bn2, and conv2's zero weights pass nothing down, so no weight ever moves and \
                the loss stays at ln 3 = 1.0986. A single conv applied straight to the image does learn, \
                because its gradient is Σ ∂f·(the image's pixels), which is not 0. A constant 5 does train, \
                but its three filters get the same gradient and stay identical: they can never learn \
                different features. Kaiming's random weights break the symmetry and the loss falls.""";
    }

    @Override
    public Map<String, Object> json() {
        Map<String, Object> j = Json.object();
        j.put("epochs", options.epochs());
        j.put("size", options.size());
        j.put("lr", options.lr());
        j.put("momentum", options.momentum());
        j.put("zeroGrad", options.zeroGrad());
        j.put("dtype", options.dtype().toString());
        j.put("seed", options.seed());
        List<Object> variants = new ArrayList<>();
        for (SeedExperiment.Result r : results) {
            Map<String, Object> m = Json.object();
            m.put("variant", r.config().variant().id());
            m.put("description", r.config().variant().description());
            m.put("singleConv", r.config().variant().singleConv());
            m.put("finalLoss", r.losses()[r.losses().length - 1]);
            m.put("conv1EverNonZeroGrad", r.conv1W0() == null ? null : r.conv1EverNonZeroGrad());
            m.put("conv2EverNonZeroGrad", r.conv2EverNonZeroGrad());
            m.put("conv1MaxAbsGrad", r.conv1MaxAbsGrad());
            m.put("conv2MaxAbsGrad", r.conv2MaxAbsGrad());
            m.put("losses", r.losses());
            m.put("conv1Mean", r.conv1Mean());
            m.put("conv1Var", r.conv1Var());
            m.put("conv2Mean", r.conv2Mean());
            m.put("conv2Var", r.conv2Var());
            List<String> all = new ArrayList<>(verdicts(r));
            for (TrainingListener l : r.config().listeners()) {
                all.addAll(l.verdicts());
            }
            m.put("verdicts", all);
            variants.add(m);
        }
        j.put("variants", variants);
        Map<String, Object> d = Json.object();
        d.put("image", derivation.image());
        d.put("kernel", derivation.kernel());
        d.put("upstream", derivation.upstream());
        d.put("engineKernelGrad", derivation.engineKernelGrad());
        d.put("handKernelGrad", derivation.handKernelGrad());
        d.put("engineImageGrad", derivation.engineImageGrad());
        d.put("handImageGrad", derivation.handImageGrad());
        d.put("zeroKernelImageGrad", derivation.zeroKernelImageGrad());
        d.put("maxDifference", derivation.maxDifference());
        j.put("derivation", d);
        return j;
    }

    @Override
    public List<ReportSection> report(Path directory) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, """
                **What was run.** The conv seed article's experiment: `conv1(3→3, 3×3, padding 1, no bias) → \
                BatchNorm2d → ReLU → conv2 → BatchNorm2d → ReLU` on one `randn(1, 3, %d, %d)` image, every \
                pixel labelled class 2, mean cross entropy, %s. Each epoch: forward, loss, backward, record the \
                loss and the mean and unbiased variance of both conv weights, then step. The single-conv \
                variant is conv2 alone, applied straight to the image (as in the article's script and the \
                PyTorch reference case `seedexp_zeros_single_conv`).%n%n""", options.size(), options.size(),
                settings()));
        List<List<String>> rows = new ArrayList<>();
        for (SeedExperiment.Result r : results) {
            boolean single = r.conv1W0() == null;
            int last = r.losses().length - 1;
            rows.add(List.of(r.config().variant().id(), "`" + r.config().variant().description() + "`",
                    Numbers.format(r.losses()[0]), Numbers.format(r.losses()[last]),
                    single ? "–" : (r.conv1EverNonZeroGrad() ? "yes" : "**never**"),
                    r.conv2EverNonZeroGrad() ? "yes" : "**never**",
                    single ? "–" : Numbers.format(r.conv1Mean()[last]) + " / " + Numbers.format(r.conv1Var()[last]),
                    Numbers.format(r.conv2Mean()[last]) + " / " + Numbers.format(r.conv2Var()[last])));
        }
        md.append(Markdown.table(List.of("variant", "initialisation", "first loss", "last loss",
                "conv1 got a non-zero gradient", "conv2 got a non-zero gradient", "conv1 mean / var (last)",
                "conv2 mean / var (last)"), rows)).append('\n');
        for (SeedExperiment.Result r : results) {
            Variant v = r.config().variant();
            md.append("### ").append(v.id()).append(": ").append(v.description()).append("\n\n");
            writeChart(r, directory.resolve(chartFile(v)));
            md.append(Markdown.image(v.id() + ": loss and conv weight statistics per epoch", chartFile(v)))
                    .append("\n\n");
            for (String line : verdicts(r)) {
                md.append("- ").append(line).append('\n');
            }
            for (TrainingListener l : r.config().listeners()) {
                for (String line : l.verdicts()) {
                    md.append("- ").append(line).append('\n');
                }
            }
            md.append('\n');
        }
        md.append(derivationMarkdown());
        md.append(explanation()).append('\n');
        return List.of(ReportSection.of("Conv: zero initialisation and gradient death", md.toString()));
    }

    private String derivationMarkdown() {
        KernelGradient.Check d = derivation;
        StringBuilder md = new StringBuilder("### The derivation, checked on numbers\n\n");
        md.append("A 3×3 image `i` and a 2×2 kernel `k` give the 2×2 output `f = i ⋆ k`, for example "
                + "`f₁ = i₁k₁ + i₂k₂ + i₄k₃ + i₅k₄`. Given ∂L/∂f, the chain rule gives "
                + "`∂L/∂k₁ = ∂f₁·i₁ + ∂f₂·i₂ + ∂f₃·i₄ + ∂f₄·i₅`: each kernel weight's gradient is the sum of ∂f "
                + "times the pixels it saw, and each pixel's gradient is the sum of ∂f times the weights it met. "
                + "Here `i` = " + list(d.image()) + ", `k` = " + list(d.kernel()) + ", ∂L/∂f = "
                + list(d.upstream()) + ":\n\n");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("∂L/∂k (Σ ∂f·i)", list(d.engineKernelGrad()), list(d.handKernelGrad())));
        rows.add(List.of("∂L/∂i (Σ ∂f·k)", list(d.engineImageGrad()), list(d.handImageGrad())));
        rows.add(List.of("∂L/∂i with k = 0", list(d.zeroKernelImageGrad()), list(new double[9])));
        md.append(Markdown.table(List.of("gradient", "tapegrad's backward()", "hand formula"), rows)).append('\n');
        md.append("Largest difference: ").append(Numbers.format(d.maxDifference())).append(
                ". With a zero kernel nothing flows down to the layer below: that is why conv1 starves when conv2 "
                        + "is zero.\n\n");
        return md.toString();
    }

    private void writeChart(SeedExperiment.Result r, Path file) throws IOException {
        List<XYChart> panels = new ArrayList<>();
        List<double[]> series = SeedExperiment.series(r);
        for (int p = 0; p < PANELS.size(); p++) {
            String title = PANELS.get(p);
            double[] values = series.get(p);
            boolean missing = allNaN(values);
            String chartTitle = r.config().variant().id() + ": " + (missing ? "no conv1 in this model" : title);
            Charts.Drawn drawn = Charts.lineChart(new Charts.Spec(chartTitle, "epoch", title, false, 520, 360),
                    missing ? List.of() : List.of(new Charts.Series(title, values)));
            drawn.chart().getStyler().setLegendVisible(false);
            panels.add(drawn.chart());
        }
        Charts.savePanelsPng(panels, 2, 3, file);
    }

    private static boolean allNaN(double[] values) {
        for (double v : values) {
            if (!Double.isNaN(v)) {
                return false;
            }
        }
        return true;
    }
}
