package org.tapegrad.autograd.functional;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tapegrad.autograd.functional.TestTensors.EXACT;
import static org.tapegrad.autograd.functional.TestTensors.assertClose;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Gradcheck;
import org.tapegrad.autograd.Shapes;
import org.tapegrad.autograd.Tensor;

/** Properties of {@link Functional#crossEntropy} and {@link Functional#nllLoss}. */
class CrossEntropyProperties {

    /**
     * One random loss: logits of shape (C), (N, C), (N, C, d1) or (N, C, d1, d2); the ignore index is either
     * PyTorch's −100 or the last class (so that every position of that class drops out).
     */
    record Config(int[] shape, boolean weighted, boolean ignoreLastClass, double smoothing, Reduction reduction) {
        int classes() {
            return shape.length == 1 ? shape[0] : shape[1];
        }

        int classDim() {
            return shape.length == 1 ? 0 : 1;
        }

        int[] targetShape() {
            return Shapes.remove(shape, classDim());
        }

        int ignoreIndex() {
            return ignoreLastClass && classes() > 1 ? classes() - 1 : -100;
        }

        @Override
        public String toString() {
            return "logits " + Arrays.toString(shape) + (weighted ? " weighted" : "") + " ignoreIndex " + ignoreIndex()
                    + " smoothing " + smoothing + " " + reduction;
        }
    }

    @Provide
    Arbitrary<Config> configs() {
        Arbitrary<int[]> shapes = Arbitraries.integers().between(1, 3).list().ofMinSize(1).ofMaxSize(4)
                .map(sizes -> sizes.stream().mapToInt(Integer::intValue).toArray())
                .map(s -> {
                    s[s.length == 1 ? 0 : 1] += 1; // 2 to 4 classes
                    return s;
                });
        return Combinators.combine(shapes, Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.of(0.0, 0.1, 0.5, 1.0), Arbitraries.of(Reduction.values()))
                .as(Config::new);
    }

    /** Logits, targets (about a quarter ignored, position 0 never) and weights for a configuration. */
    private static final class Case {
        final Tensor logits;
        final Tensor target;
        final Tensor weight;

        Case(Config c, long seed) {
            Generator gen = new Generator(seed);
            logits = Tensor.randn(gen, DType.FLOAT64, c.shape()).mul(2).requiresGrad(true);
            int[] ts = c.targetShape();
            long[] t = new long[Shapes.numel("target", ts)];
            int usable = c.ignoreIndex() >= 0 ? c.classes() - 1 : c.classes();
            for (int i = 0; i < t.length; i++) {
                t[i] = i > 0 && gen.nextDouble() < 0.25 ? c.ignoreIndex() : gen.nextInt(usable);
            }
            target = Tensor.ofIndices(t, ts);
            weight = c.weighted() ? Tensor.rand(gen, DType.FLOAT64, c.classes()).add(0.5) : null;
        }
    }

    @Property(tries = 80)
    void gradientOfTheLogitsMatchesFiniteDifferences(@ForAll("configs") Config c, @ForAll long seed) {
        Case k = new Case(c, seed);
        Gradcheck.check(in -> Functional.crossEntropy(in[0], k.target, k.weight, c.ignoreIndex(), c.reduction(),
                c.smoothing()), k.logits);
    }

    @Property(tries = 40)
    void withoutWeightsOrSmoothingItIsMinusTheMeanLogSoftmaxAtTheTarget(@ForAll("configs") Config c,
            @ForAll long seed) {
        Generator gen = new Generator(seed);
        Tensor logits = Tensor.randn(gen, DType.FLOAT64, c.shape()).mul(3);
        int[] ts = c.targetShape();
        int positions = Shapes.numel("target", ts);
        long[] t = new long[positions];
        for (int i = 0; i < positions; i++) {
            t[i] = gen.nextInt(c.classes());
        }
        Tensor picked = logits.logSoftmax(c.classDim()).mul(oneHot(t, c));
        Tensor expected = picked.sum().neg().div(positions);
        assertClose(expected, Functional.crossEntropy(logits, Tensor.ofIndices(t, ts)), EXACT);
    }

    @Property(tries = 40)
    void crossEntropyIsNllOfLogSoftmaxInValueAndGradient(@ForAll("configs") Config c, @ForAll long seed) {
        Case k = new Case(c, seed);
        Tensor g = Tensor.randn(new Generator(seed + 1), DType.FLOAT64,
                c.reduction() == Reduction.NONE ? c.targetShape() : new int[0]);
        Tensor ce = Functional.crossEntropy(k.logits, k.target, k.weight, c.ignoreIndex(), c.reduction(), 0.0);
        ce.backward(g);
        Tensor dCe = k.logits.grad();
        k.logits.zeroGrad();
        Tensor nll = Functional.nllLoss(k.logits.logSoftmax(c.classDim()), k.target, k.weight, c.ignoreIndex(),
                c.reduction());
        nll.backward(g);
        assertClose(nll, ce, EXACT);
        assertClose(k.logits.grad(), dCe, EXACT);
    }

    @Property(tries = 40)
    void labelSmoothingMixesTheNllWithTheWeightedSumOfAllLogProbabilities(@ForAll("configs") Config c,
            @ForAll long seed) {
        Case k = new Case(c, seed);
        double eps = c.smoothing();
        Tensor logits = k.logits.detach();
        Tensor smoothed = Functional.crossEntropy(logits, k.target, k.weight, c.ignoreIndex(), c.reduction(), eps);
        Tensor nll = Functional.crossEntropy(logits, k.target, k.weight, c.ignoreIndex(), Reduction.NONE, 0.0);
        // S_p = −Σ_c w_c·lp[p, c] at positions that are not ignored
        int[] cs = new int[c.shape().length];
        Arrays.fill(cs, 1);
        cs[c.classDim()] = c.classes();
        Tensor w = k.weight == null ? Tensor.ones(DType.FLOAT64, cs) : k.weight.reshape(cs);
        Tensor kept = keptMask(k.target, c.ignoreIndex());
        Tensor s = logits.logSoftmax(c.classDim()).mul(w).sum(c.classDim(), false).neg().mul(kept);
        Tensor perPosition = nll.mul(1 - eps).add(s.mul(eps / c.classes()));
        Tensor expected;
        if (c.reduction() == Reduction.NONE) {
            expected = perPosition;
        } else if (c.reduction() == Reduction.SUM) {
            expected = perPosition.sum();
        } else {
            // D = Σ w[y_p] over kept positions = the unreduced, unsmoothed loss's weights
            Tensor ones = Tensor.zeros(DType.FLOAT64, c.shape());
            Tensor d = Functional.nllLoss(ones.sub(1), k.target, k.weight, c.ignoreIndex(), Reduction.SUM);
            expected = perPosition.sum().div(d);
        }
        assertClose(expected, smoothed, EXACT);
    }

    @Property(tries = 40)
    void probabilityTargetGradientsMatchFiniteDifferences(@ForAll("configs") Config c, @ForAll long seed) {
        Generator gen = new Generator(seed);
        Tensor logits = Tensor.randn(gen, DType.FLOAT64, c.shape()).requiresGrad(true);
        Tensor probabilities = Tensor.rand(gen, DType.FLOAT64, c.shape()).softmax(c.classDim()).detach()
                .requiresGrad(true);
        Tensor weight = c.weighted() ? Tensor.rand(gen, DType.FLOAT64, c.classes()).add(0.5) : null;
        Gradcheck.check(in -> Functional.crossEntropy(in[0], in[1], weight, -100, c.reduction(), c.smoothing()),
                logits, probabilities);
    }

    @Property(tries = 30)
    void oneHotProbabilitiesGiveTheSameLossAsClassIndicesWithoutWeights(@ForAll("configs") Config c,
            @ForAll long seed) {
        Generator gen = new Generator(seed);
        Tensor logits = Tensor.randn(gen, DType.FLOAT64, c.shape());
        int[] ts = c.targetShape();
        long[] t = new long[Shapes.numel("target", ts)];
        for (int i = 0; i < t.length; i++) {
            t[i] = gen.nextInt(c.classes());
        }
        Tensor indices = Functional.crossEntropy(logits, Tensor.ofIndices(t, ts), null, -100, c.reduction(),
                c.smoothing());
        Tensor probabilities = Functional.crossEntropy(logits, oneHot(t, c), null, -100, c.reduction(), c.smoothing());
        assertClose(indices, probabilities, EXACT);
    }

    @Property(tries = 30)
    void logitsOfMagnitudeAThousandGiveFiniteLossesAndGradients(@ForAll("configs") Config c, @ForAll long seed) {
        Case k = new Case(c, seed);
        Tensor big = k.logits.detach().mul(500).requiresGrad(true); // |logits| up to ~3000
        Tensor loss = Functional.crossEntropy(big, k.target, k.weight, c.ignoreIndex(), c.reduction(), c.smoothing());
        loss.backward(Tensor.ones(DType.FLOAT64, loss.shape()));
        for (double v : loss.toDoubleArray()) {
            assertTrue(Double.isFinite(v), "loss " + v);
        }
        for (double v : big.grad().toDoubleArray()) {
            assertTrue(Double.isFinite(v), "gradient " + v);
        }
    }

    /** The one-hot encoding of class indices, with the classes along the configuration's class dimension. */
    private static Tensor oneHot(long[] t, Config c) {
        int[] shape = c.shape();
        int classes = c.classes();
        int inner = 1;
        for (int d = c.classDim() + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        double[] data = new double[Shapes.numel("oneHot", shape)];
        for (int p = 0; p < t.length; p++) {
            int n = p / inner;
            int s = p % inner;
            data[(n * classes + (int) t[p]) * inner + s] = 1.0;
        }
        return Tensor.of(data, shape);
    }

    /** 1 where the target is kept, 0 where it equals ignoreIndex. */
    private static Tensor keptMask(Tensor target, int ignoreIndex) {
        double[] t = target.toDoubleArray();
        double[] m = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            m[i] = t[i] == ignoreIndex ? 0.0 : 1.0;
        }
        return Tensor.of(m, target.shape());
    }
}
