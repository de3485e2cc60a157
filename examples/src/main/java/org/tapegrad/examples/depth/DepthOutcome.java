package org.tapegrad.examples.depth;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.tapegrad.examples.report.Charts;
import org.tapegrad.examples.report.Json;
import org.tapegrad.examples.report.Markdown;
import org.tapegrad.examples.report.Numbers;
import org.tapegrad.examples.report.ReportSection;
import org.tapegrad.examples.report.Text;
import org.tapegrad.examples.run.Outcome;

/** What {@link DepthExperiment} found: one {@link Chain.Result} per configuration and the variance facts. */
public final class DepthOutcome implements Outcome {
    /** The chart's file name in the output directory. */
    public static final String CHART = "depth_std.png";

    private final DepthExperiment.Options options;
    private final List<Chain.Result> chains;
    private final List<VarianceFacts.Fact> facts;

    DepthOutcome(DepthExperiment.Options options, List<Chain.Result> chains, List<VarianceFacts.Fact> facts) {
        this.options = options;
        this.chains = List.copyOf(chains);
        this.facts = List.copyOf(facts);
    }

    /** The chains, in the article's order. */
    public List<Chain.Result> chains() {
        return chains;
    }

    /** The variance facts (empty when trials was 0). */
    public List<VarianceFacts.Fact> facts() {
        return facts;
    }

    /** The result of configuration {@code id}, if it ran. */
    public Optional<Chain.Result> chain(String id) {
        return chains.stream().filter(c -> c.config().id().equals(id)).findFirst();
    }

    @Override
    public String prose() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "depth: %d-layer chain, %d units, %s, seed %d%n", options.layers(),
                options.units(), options.dtype(), options.seed()));
        s.append(String.format(Locale.ROOT, "  %-46s %12s %12s  %s%n", "weights, activation", "final mean",
                "final std", "first NaN layer"));
        for (Chain.Result r : chains) {
            s.append(String.format(Locale.ROOT, "  %-46s %12s %12s  %s%n", r.config().label(),
                    Numbers.format(r.finalMean()), Numbers.format(r.finalStd()), nanText(r)));
        }
        String xavier = xavierNote();
        if (!xavier.isEmpty()) {
            s.append(Text.wrap(xavier)).append('\n');
        }
        if (!facts.isEmpty()) {
            s.append(String.format(Locale.ROOT, "variance facts, averaged over %d trials (n = %d):%n",
                    options.trials(), options.units()));
            for (VarianceFacts.Fact f : facts) {
                s.append(String.format(Locale.ROOT, "  %-22s %-5s %10s   predicted %s%n", f.quantity(),
                        f.statistic(), Numbers.format(f.measured()), prediction(f)));
            }
        }
        s.append(Text.wrap(explanation()));
        return s.toString();
    }

    private static String prediction(VarianceFacts.Fact f) {
        String value = Numbers.format(f.predicted());
        return f.formula().equals(value) ? value : f.formula() + " = " + value;
    }

    private static String nanText(Chain.Result r) {
        if (r.firstNanLayer() > 0) {
            return r.firstNanLayer() + " (the article's loop index i = " + (r.firstNanLayer() - 1) + ")";
        }
        if (r.firstZeroLayer() > 0) {
            return "none (exactly 0 from layer " + r.firstZeroLayer() + ")";
        }
        return "none";
    }

    /** The difference between the article's xavier helper and Glorot's formula, with this run's numbers. */
    String xavierNote() {
        int n = options.units();
        double helperBound = 1 / Math.sqrt(6.0 / (2 * n));
        double glorotBound = Math.sqrt(6.0 / (2 * n));
        StringBuilder note = new StringBuilder(String.format(Locale.ROOT,
                "The article's xavier(m, h) divides uniform(-1, 1) by √(6/(m+h)) where Glorot multiplies: for "
                        + "n = %d its weights lie in ±%s (std %s) instead of ±%s (std %s = 1/√n), a variance %s "
                        + "times too large.", n, Numbers.format(helperBound), Numbers.format(helperBound / Math.sqrt(3)),
                Numbers.format(glorotBound), Numbers.format(glorotBound / Math.sqrt(3)),
                Numbers.format(Math.pow(helperBound / glorotBound, 2))));
        boolean any = false;
        for (Activation act : List.of(Activation.TANH, Activation.SIGMOID, Activation.RELU)) {
            Optional<Chain.Result> helper = byWeights(act, "article xavier");
            Optional<Chain.Result> glorot = byWeights(act, "Glorot");
            if (helper.isPresent() && glorot.isPresent()) {
                note.append(any ? ";" : " Final std with").append(String.format(Locale.ROOT, " %s: %s (helper) vs %s "
                        + "(Glorot)", act, Numbers.format(helper.get().finalStd()),
                        Numbers.format(glorot.get().finalStd())));
                any = true;
            }
        }
        if (any) {
            note.append(". The helper's huge weights push tanh and sigmoid into saturation (outputs pinned near "
                    + "their limits, gradients near 0), and make the ReLU chain explode; Glorot keeps tanh "
                    + "unsaturated.");
        }
        return note.toString();
    }

    private Optional<Chain.Result> byWeights(Activation act, String weightsPrefix) {
        return chains.stream().filter(c -> c.config().activation() == act
                && c.config().weights().startsWith(weightsPrefix)).findFirst();
    }

    private String explanation() {
        return String.format(Locale.ROOT, """
                Why: each layer adds up n = %d products of weights and inputs, so with N(0,1) weights the \
                variance is multiplied by n (the std by √n ≈ %s) at every layer: float32 overflows to \
                Infinity near 3.4e38 after about 28 layers, and Infinity − Infinity is NaN. Multiplying by \
                0.01 shrinks the std by 0.01·√n per layer until it underflows to 0. Dividing by √n makes the \
                multiplier exactly 1, so the signal survives all %d layers. A ReLU zeroes half the signal, \
                halving the variance each layer, which Kaiming's √(2/n) puts back.""", options.units(),
                Numbers.format(Math.sqrt(options.units())), options.layers());
    }

    @Override
    public Map<String, Object> json() {
        Map<String, Object> j = Json.object();
        j.put("layers", options.layers());
        j.put("units", options.units());
        j.put("dtype", options.dtype().toString());
        j.put("seed", options.seed());
        j.put("trials", options.trials());
        List<Object> configs = new ArrayList<>();
        for (Chain.Result r : chains) {
            Map<String, Object> c = Json.object();
            c.put("id", r.config().id());
            c.put("weights", r.config().weights());
            c.put("activation", r.config().activation().toString());
            c.put("finalMean", r.finalMean());
            c.put("finalStd", r.finalStd());
            c.put("firstNanLayer", r.firstNanLayer() > 0 ? r.firstNanLayer() : null);
            c.put("firstZeroLayer", r.firstZeroLayer() > 0 ? r.firstZeroLayer() : null);
            c.put("std", r.std());
            c.put("mean", r.mean());
            configs.add(c);
        }
        j.put("configs", configs);
        List<Object> factList = new ArrayList<>();
        for (VarianceFacts.Fact f : facts) {
            Map<String, Object> m = Json.object();
            m.put("quantity", f.quantity());
            m.put("statistic", f.statistic());
            m.put("measured", f.measured());
            m.put("predicted", f.predicted());
            m.put("formula", f.formula());
            factList.add(m);
        }
        j.put("facts", factList);
        j.put("xavierNote", xavierNote());
        return j;
    }

    @Override
    public List<ReportSection> report(Path directory) throws IOException {
        List<Charts.Series> series = new ArrayList<>();
        for (Chain.Result r : chains) {
            series.add(new Charts.Series(r.config().label(), r.std()));
        }
        Charts.Drawn drawn = Charts.lineChart(new Charts.Spec("Per-layer std of the activations (log scale)",
                "layer", "std of x", true, 1500, 800), series);
        Charts.savePng(drawn.chart(), directory.resolve(CHART));

        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, """
                **What was run.** The first seed article's experiment: `x = randn(%d)`, then %d times \
                `a = init(%d, %d); x = act(a @ x)`, recording `x.mean()` and `x.std()` after every layer, in \
                %s, seed %d. Layer 1 is the output of the first product; the article's loop index `i` is \
                the layer minus one.%n%n""", options.units(), options.layers(), options.units(), options.units(),
                options.dtype(), options.seed()));
        List<List<String>> rows = new ArrayList<>();
        for (Chain.Result r : chains) {
            rows.add(List.of(r.config().weights(), r.config().activation().toString(), Numbers.format(r.finalMean()),
                    Numbers.format(r.finalStd()), nanText(r)));
        }
        md.append(Markdown.table(List.of("weights", "activation", "final mean", "final std", "first NaN layer"),
                rows)).append('\n');
        md.append(Markdown.image("per-layer std of every configuration", CHART)).append("\n\n");
        md.append("*Log-scale y axis: NaN and 0 cannot be drawn, so a line stops where its std became NaN "
                + "(overflow) or exactly 0 (underflow); the legend says from which layer.*");
        for (String note : drawn.notes()) {
            md.append("\n- ").append(note);
        }
        md.append("\n\n").append(xavierNote()).append("\n\n");
        if (!facts.isEmpty()) {
            md.append(String.format(Locale.ROOT, "**The variance facts**, averaged over %d trials of fresh "
                    + "`x ~ N(0, 1)^%d`, `a, b ~ N(0, 1)^(%d×%d)` (std is √(mean of y²), as the article computes "
                    + "it):%n%n", options.trials(), options.units(), options.units(), options.units()));
            List<List<String>> factRows = new ArrayList<>();
            for (VarianceFacts.Fact f : facts) {
                factRows.add(List.of("`" + f.quantity() + "`", f.statistic(), Numbers.format(f.measured()),
                        prediction(f)));
            }
            md.append(Markdown.table(List.of("y", "statistic", "measured", "predicted"), factRows)).append('\n');
        }
        md.append(explanation()).append('\n');
        return List.of(ReportSection.of("Depth: the " + options.layers() + "-layer chain", md.toString()));
    }
}
