package org.tapegrad.examples.formulas;

import java.util.ArrayList;
import java.util.List;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.examples.run.Experiment;
import org.tapegrad.examples.run.Progress;
import org.tapegrad.examples.run.Seeds;
import org.tapegrad.init.Fans;
import org.tapegrad.init.Init;

/**
 * {@code formulas}: for a Linear(512, 256) weight and a Conv2d(64, 128, 3) weight, the fans, the gains and
 * every initialiser's standard deviation (and uniform bound): the formula, its value, and the std measured
 * on a sample the library draws.
 */
public final class FormulasExperiment implements Experiment {
    /** The two weights of the issue: Linear(512, 256) is (256, 512); Conv2d(64, 128, 3) is (128, 64, 3, 3). */
    public static final List<Weight> WEIGHTS = List.of(
            new Weight("Linear(512, 256)", new int[] {256, 512}),
            new Weight("Conv2d(64, 128, 3)", new int[] {128, 64, 3, 3}));

    /** A layer's weight: its name and shape in PyTorch's layout. */
    public record Weight(String layer, int[] shape) {
        public Weight {
            shape = shape.clone();
        }
    }

    /** A gain: the call, the formula, its value by hand and the library's value. */
    public record Gain(String call, String formula, double byHand, double library) {
    }

    /** One initialiser's scale next to the std measured on a sample. */
    public record Measured(Scale scale, double measuredStd, double measuredMaxAbs) {
        /** {@code measured/formula − 1}. */
        public double relativeDifference() {
            return measuredStd / scale.std() - 1;
        }
    }

    /** Everything measured for one weight. */
    public record WeightResult(Weight weight, Fans fans, List<Measured> scales) {
    }

    /** @param dtype the type of the sampled weights */
    public record Options(DType dtype, long seed) {
        public Options {
            if (dtype == null) {
                throw new IllegalArgumentException("formulas: dtype is null");
            }
        }
    }

    private final Options options;

    public FormulasExperiment(Options options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "formulas";
    }

    /** The gains of {@code calculateGain}, with the formula worked out by hand. */
    public static List<Gain> gains() {
        List<Gain> g = new ArrayList<>();
        g.add(new Gain("calculateGain(\"linear\")", "1", 1, Init.calculateGain("linear")));
        g.add(new Gain("calculateGain(\"conv2d\")", "1", 1, Init.calculateGain("conv2d")));
        g.add(new Gain("calculateGain(\"sigmoid\")", "1", 1, Init.calculateGain("sigmoid")));
        g.add(new Gain("calculateGain(\"tanh\")", "5/3", 5.0 / 3, Init.calculateGain("tanh")));
        g.add(new Gain("calculateGain(\"relu\")", "√2", Math.sqrt(2), Init.calculateGain("relu")));
        g.add(new Gain("calculateGain(\"leaky_relu\")", "√(2/(1+0.01²))", Math.sqrt(2 / (1 + 0.01 * 0.01)),
                Init.calculateGain("leaky_relu")));
        g.add(new Gain("calculateGain(\"leaky_relu\", √5)", "√(2/(1+5)) = √(1/3)", Math.sqrt(1.0 / 3),
                Init.calculateGain("leaky_relu", Math.sqrt(5))));
        g.add(new Gain("calculateGain(\"selu\")", "3/4", 0.75, Init.calculateGain("selu")));
        return g;
    }

    @Override
    public FormulasOutcome run(Progress progress) {
        List<WeightResult> results = new ArrayList<>();
        int stream = 0;
        for (Weight weight : WEIGHTS) {
            progress.step(name(), results.size() + 1, WEIGHTS.size(), weight.layer());
            Tensor probe = Tensor.empty(options.dtype(), weight.shape());
            Fans fans = Init.fans(probe);
            List<Measured> measured = new ArrayList<>();
            for (Scale scale : Scale.all(weight.shape())) {
                Tensor w = Tensor.empty(options.dtype(), weight.shape());
                scale.filler().fill(w, new Generator(Seeds.derive(options.seed(), stream++)));
                measured.add(new Measured(scale, w.std().item(), w.abs().max().item()));
            }
            results.add(new WeightResult(weight, fans, measured));
        }
        return new FormulasOutcome(options, results, gains());
    }
}
