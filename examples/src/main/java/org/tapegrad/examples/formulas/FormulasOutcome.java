package org.tapegrad.examples.formulas;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tapegrad.examples.report.Json;
import org.tapegrad.examples.report.Markdown;
import org.tapegrad.examples.report.Numbers;
import org.tapegrad.examples.report.ReportSection;
import org.tapegrad.examples.report.Text;
import org.tapegrad.examples.run.Outcome;

/** What {@link FormulasExperiment} found. */
public final class FormulasOutcome implements Outcome {
    private final FormulasExperiment.Options options;
    private final List<FormulasExperiment.WeightResult> weights;
    private final List<FormulasExperiment.Gain> gains;

    FormulasOutcome(FormulasExperiment.Options options, List<FormulasExperiment.WeightResult> weights,
            List<FormulasExperiment.Gain> gains) {
        this.options = options;
        this.weights = List.copyOf(weights);
        this.gains = List.copyOf(gains);
    }

    public List<FormulasExperiment.WeightResult> weights() {
        return weights;
    }

    public List<FormulasExperiment.Gain> gains() {
        return gains;
    }

    private static String describe(FormulasExperiment.WeightResult w) {
        return String.format(Locale.ROOT, "%s: weight %s, fan_in = %d, fan_out = %d", w.weight().layer(),
                Arrays.toString(w.weight().shape()), w.fans().fanIn(), w.fans().fanOut());
    }

    @Override
    public String prose() {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "formulas: %s samples, seed %d%n",
                options.dtype(), options.seed()));
        s.append("  gains:");
        for (FormulasExperiment.Gain g : gains) {
            s.append(String.format(Locale.ROOT, " %s = %s;", g.call().replace("calculateGain", ""),
                    Numbers.format(g.library())));
        }
        s.setLength(s.length() - 1);
        s.append('\n');
        for (FormulasExperiment.WeightResult w : weights) {
            s.append("  ").append(describe(w)).append('\n');
            s.append(String.format(Locale.ROOT, "    %-8s %-50s %-50s %10s %10s %10s%n", "family", "initialiser",
                    "std formula", "std", "bound", "measured"));
            for (FormulasExperiment.Measured m : w.scales()) {
                Scale sc = m.scale();
                s.append(String.format(Locale.ROOT, "    %-8s %-50s %-50s %10s %10s %10s%n", sc.family(), sc.call(),
                        sc.formula(), Numbers.format(sc.std()), Double.isNaN(sc.bound()) ? "-"
                                : Numbers.format(sc.bound()), Numbers.format(m.measuredStd())));
            }
        }
        s.append(Text.wrap(explanation()));
        return s.toString();
    }

    private static String explanation() {
        return """
                Why: fan_in is how many inputs feed one output (in_features, or in_channels·kH·kW for a conv), \
                fan_out how many outputs one input feeds. Keeping the forward signal's variance needs \
                Var(w) = 1/fan_in (LeCun, Caffe's default "xavier"); keeping the backward gradient's needs \
                1/fan_out; Glorot's 2/(fan_in+fan_out) compromises between the two. A ReLU zeroes half its \
                input, so He/Kaiming doubles the variance (2/fan_in) and the gain √2 says the same. PyTorch's \
                truncNormal_ does not rescale after cutting, so its std is 0.88σ; Keras divides by 0.8796 first.""";
    }

    @Override
    public Map<String, Object> json() {
        Map<String, Object> j = Json.object();
        j.put("dtype", options.dtype().toString());
        j.put("seed", options.seed());
        List<Object> gainList = new ArrayList<>();
        for (FormulasExperiment.Gain g : gains) {
            Map<String, Object> m = Json.object();
            m.put("call", g.call());
            m.put("formula", g.formula());
            m.put("value", g.library());
            gainList.add(m);
        }
        j.put("gains", gainList);
        List<Object> weightList = new ArrayList<>();
        for (FormulasExperiment.WeightResult w : weights) {
            Map<String, Object> m = Json.object();
            m.put("layer", w.weight().layer());
            m.put("shape", w.weight().shape());
            m.put("fanIn", w.fans().fanIn());
            m.put("fanOut", w.fans().fanOut());
            List<Object> rows = new ArrayList<>();
            for (FormulasExperiment.Measured ms : w.scales()) {
                Map<String, Object> r = Json.object();
                r.put("family", ms.scale().family());
                r.put("initialiser", ms.scale().call());
                r.put("formula", ms.scale().formula());
                r.put("std", ms.scale().std());
                r.put("bound", ms.scale().bound());
                r.put("measuredStd", ms.measuredStd());
                r.put("measuredMaxAbs", ms.measuredMaxAbs());
                rows.add(r);
            }
            m.put("initialisers", rows);
            weightList.add(m);
        }
        j.put("weights", weightList);
        return j;
    }

    @Override
    public List<ReportSection> report(Path directory) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, """
                **What was run.** For each weight below, every initialiser of the library filled a fresh \
                %s tensor (seed %d) and its standard deviation was measured, next to the formula worked out \
                by hand from the fans. "bound" is the half-width of a uniform initialiser's interval \
                (std = bound/√3).%n%n""", options.dtype(), options.seed()));
        List<List<String>> gainRows = new ArrayList<>();
        for (FormulasExperiment.Gain g : gains) {
            gainRows.add(List.of("`" + g.call() + "`", g.formula(), Numbers.format(g.library())));
        }
        md.append(Markdown.table(List.of("gain", "formula", "value"), gainRows)).append('\n');
        for (FormulasExperiment.WeightResult w : weights) {
            md.append("**").append(describe(w)).append("**\n\n");
            List<List<String>> rows = new ArrayList<>();
            for (FormulasExperiment.Measured m : w.scales()) {
                Scale sc = m.scale();
                rows.add(List.of(sc.family(), "`" + sc.call() + "`", sc.formula(), Numbers.format(sc.std()),
                        Double.isNaN(sc.bound()) ? "–" : Numbers.format(sc.bound()), Numbers.format(m.measuredStd()),
                        String.format(Locale.ROOT, "%+.2f%%", 100 * m.relativeDifference())));
            }
            md.append(Markdown.table(List.of("family", "initialiser", "std formula", "std", "bound", "measured std",
                    "difference"), rows)).append('\n');
        }
        md.append(explanation()).append('\n');
        return List.of(ReportSection.of("Formulas: fans, gains and every initialiser's scale", md.toString()));
    }
}
