package org.tapegrad.examples.mlp;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tapegrad.examples.depth.Activation;
import org.tapegrad.examples.report.Charts;
import org.tapegrad.examples.report.Json;
import org.tapegrad.examples.report.Markdown;
import org.tapegrad.examples.report.Numbers;
import org.tapegrad.examples.report.ReportSection;
import org.tapegrad.examples.report.Text;
import org.tapegrad.examples.run.Outcome;

/** What {@link MlpExperiment} found: the article's six runs and the library sweep. */
public final class MlpOutcome implements Outcome {
    public static final String ARTICLE_CHART = "mlp_article.png";
    public static final String TANH_CHART = "mlp_library_tanh.png";
    public static final String RELU_CHART = "mlp_library_relu.png";

    private final MlpExperiment.Options options;
    private final List<Mlp.Result> article;
    private final List<Mlp.Result> library;

    MlpOutcome(MlpExperiment.Options options, List<Mlp.Result> article, List<Mlp.Result> library) {
        this.options = options;
        this.article = List.copyOf(article);
        this.library = List.copyOf(library);
    }

    /** The article's six runs, in its order. */
    public List<Mlp.Result> article() {
        return article;
    }

    /** Every library initialiser on the tanh network, then on the ReLU network (empty without the sweep). */
    public List<Mlp.Result> library() {
        return library;
    }

    /** The library run of {@code call}'s initialiser with {@code activation}. */
    public Mlp.Result library(String callPrefix, Activation activation) {
        return library.stream().filter(r -> r.activation() == activation && r.label().startsWith(callPrefix))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no library run " + callPrefix));
    }

    private String heading() {
        return String.format(Locale.ROOT, "%d × Linear(%d, %d, no bias), batch %d, %s, seed %d", options.layers(),
                options.units(), options.units(), options.batch(), options.dtype(), options.seed());
    }

    @Override
    public String prose() {
        StringBuilder s = new StringBuilder("mlp: " + heading() + "\n");
        s.append(String.format(Locale.ROOT, "  %-58s %11s  %s%n", "the article's set-ups", "final std", "verdict"));
        for (Mlp.Result r : article) {
            s.append(String.format(Locale.ROOT, "  %-58s %11s  %s%n", r.label(), Numbers.format(r.finalStd()),
                    r.verdict()));
        }
        if (!library.isEmpty()) {
            s.append(String.format(Locale.ROOT, "  %-50s %11s  %-38s %11s  %s%n", "every initialiser of the library",
                    "tanh std", "tanh verdict", "relu std", "relu verdict"));
            for (Mlp.Result tanh : byActivation(Activation.TANH)) {
                Mlp.Result relu = library(tanh.label(), Activation.RELU);
                s.append(String.format(Locale.ROOT, "  %-50s %11s  %-38s %11s  %s%n", tanh.label(),
                        Numbers.format(tanh.finalStd()), tanh.verdict(), Numbers.format(relu.finalStd()),
                        relu.verdict()));
            }
        }
        s.append(Text.wrap(explanation()));
        return s.toString();
    }

    private List<Mlp.Result> byActivation(Activation activation) {
        return library.stream().filter(r -> r.activation() == activation).toList();
    }

    private String explanation() {
        return String.format(Locale.ROOT, """
                Why: a Linear layer sums n = %d products, so its output variance is n·Var(w)·Var(x). N(0,1) \
                weights multiply the variance by %d per layer and overflow float32 after about 32 layers; \
                std √(1/n) makes the factor 1. tanh is slightly contracting, so with std √(1/n) the signal \
                slowly fades; the gain 5/3 of calculateGain("tanh") compensates. ReLU keeps half the \
                variance, so √(1/n) halves it at every layer and Kaiming's √(2/n) holds it steady. \
                Constant initialisers (zeros_, ones_, constant_) give every unit the same weights: the units \
                stay identical, however long the network trains.""", options.units(), options.units());
    }

    @Override
    public Map<String, Object> json() {
        Map<String, Object> j = Json.object();
        j.put("layers", options.layers());
        j.put("units", options.units());
        j.put("batch", options.batch());
        j.put("dtype", options.dtype().toString());
        j.put("seed", options.seed());
        j.put("article", runs(article));
        j.put("library", runs(library));
        return j;
    }

    private static List<Object> runs(List<Mlp.Result> results) {
        List<Object> list = new ArrayList<>();
        for (Mlp.Result r : results) {
            Map<String, Object> m = Json.object();
            m.put("init", r.label());
            m.put("activation", r.activation().toString());
            m.put("finalStd", r.finalStd());
            m.put("firstNanLayer", r.firstNanLayer() > 0 ? r.firstNanLayer() : null);
            m.put("firstZeroLayer", r.firstZeroLayer() > 0 ? r.firstZeroLayer() : null);
            m.put("saturatedFraction", r.saturatedFraction());
            m.put("symmetric", r.symmetric());
            m.put("verdict", r.verdict());
            m.put("std", r.std());
            list.add(m);
        }
        return list;
    }

    @Override
    public List<ReportSection> report(Path directory) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, """
                **What was run.** The fifth seed article's network, %s: `x = randn(%d, %d)`, then for each layer \
                a fresh weight `w` of shape (%d, %d) filled by the initialiser, `x = act(x @ w.t())`, recording \
                `x.std()` after every layer (forward only).%n%n""", heading(), options.batch(), options.units(),
                options.units(), options.units()));
        md.append("**The article's set-ups:**\n\n");
        List<List<String>> rows = new ArrayList<>();
        for (Mlp.Result r : article) {
            rows.add(List.of("`" + r.label() + "`", Numbers.format(r.std()[0]), Numbers.format(r.finalStd()),
                    r.verdict()));
        }
        md.append(Markdown.table(List.of("weights, activation", "std after layer 1", "final std", "verdict"), rows))
                .append('\n');
        md.append(chart(directory, ARTICLE_CHART, "The article's set-ups", article)).append("\n\n");
        if (!library.isEmpty()) {
            md.append("**Every initialiser of the library**, with its default arguments, on the tanh and the ReLU "
                    + "network:\n\n");
            List<List<String>> libRows = new ArrayList<>();
            for (Mlp.Result tanh : byActivation(Activation.TANH)) {
                Mlp.Result relu = library(tanh.label(), Activation.RELU);
                libRows.add(List.of("`" + tanh.label() + "`", Numbers.format(tanh.finalStd()), tanh.verdict(),
                        Numbers.format(relu.finalStd()), relu.verdict()));
            }
            md.append(Markdown.table(List.of("initialiser", "tanh: final std", "tanh: verdict", "relu: final std",
                    "relu: verdict"), libRows)).append('\n');
            md.append(chart(directory, TANH_CHART, "Every initialiser, tanh network", byActivation(Activation.TANH)))
                    .append("\n\n");
            md.append(chart(directory, RELU_CHART, "Every initialiser, ReLU network", byActivation(Activation.RELU)))
                    .append("\n\n");
        }
        md.append(explanation()).append('\n');
        return List.of(ReportSection.of("MLP: " + options.layers() + " Linear layers and every initialiser",
                md.toString()));
    }

    private static String chart(Path directory, String file, String title, List<Mlp.Result> results)
            throws IOException {
        List<Charts.Series> series = new ArrayList<>();
        for (Mlp.Result r : results) {
            series.add(new Charts.Series(r.label(), r.std()));
        }
        Charts.Drawn drawn = Charts.lineChart(new Charts.Spec(title + ": per-layer std (log scale)", "layer",
                "std of the layer's output", true, 1500, 800), series);
        Charts.savePng(drawn.chart(), directory.resolve(file));
        StringBuilder md = new StringBuilder(Markdown.image(title, file));
        if (!drawn.notes().isEmpty()) {
            md.append("\n\n*Log scale: points that are NaN or 0 are not drawn:*");
            for (String note : drawn.notes()) {
                md.append("\n- ").append(note);
            }
        }
        return md.toString();
    }
}
