package org.tapegrad.autograd.functional;

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
import org.tapegrad.autograd.Tensor;

/** Properties of {@link Functional#batchNorm} over (N, C, d1, …) inputs with N ≥ 2. */
class BatchNormProperties {
    private static final double EPS = 1e-5;
    /** Agreement between two float64 computations of batch norm in different orders (divisions by σ amplify). */
    private static final double CLOSE = 1e-10;

    /** One random batch norm: input shape (N, C, trailing…), mode and which optional tensors are given. */
    record Config(int[] shape, boolean training, boolean affine, boolean running, double momentum) {
        int channels() {
            return shape[1];
        }

        int[] reducedDims() {
            int[] dims = new int[shape.length - 1];
            dims[0] = 0;
            for (int d = 2; d < shape.length; d++) {
                dims[d - 1] = d;
            }
            return dims;
        }

        int[] channelShape() {
            int[] s = new int[shape.length];
            Arrays.fill(s, 1);
            s[1] = shape[1];
            return s;
        }

        @Override
        public String toString() {
            return "x " + Arrays.toString(shape) + (training ? " training" : " eval") + (affine ? " affine" : "")
                    + (running ? " running stats" : "") + " momentum " + momentum;
        }
    }

    @Provide
    Arbitrary<Config> configs() {
        Arbitrary<int[]> shapes = Combinators.combine(Arbitraries.integers().between(2, 3),
                Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 3).list().ofMaxSize(2))
                .as((n, c, trailing) -> {
                    int[] s = new int[2 + trailing.size()];
                    s[0] = n;
                    s[1] = c;
                    for (int i = 0; i < trailing.size(); i++) {
                        s[2 + i] = trailing.get(i);
                    }
                    return s;
                });
        return Combinators.combine(shapes, Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.of(true, false), Arbitraries.of(0.1, 0.5, 1.0))
                .as(Config::new);
    }

    private static Tensor positive(Generator gen, int n) {
        return Tensor.rand(gen, DType.FLOAT64, n).add(0.5);
    }

    @Property(tries = 60)
    void gradientsOfInputWeightAndBiasMatchFiniteDifferences(@ForAll("configs") Config c, @ForAll long seed) {
        Generator gen = new Generator(seed);
        Tensor x = Tensor.randn(gen, DType.FLOAT64, c.shape()).requiresGrad(true);
        Tensor rm = c.running() ? Tensor.randn(gen, DType.FLOAT64, c.channels()) : null;
        Tensor rv = c.running() ? positive(gen, c.channels()) : null;
        if (c.affine()) {
            Tensor w = positive(gen, c.channels()).requiresGrad(true);
            Tensor b = Tensor.randn(gen, DType.FLOAT64, c.channels()).requiresGrad(true);
            Gradcheck.check(in -> Functional.batchNorm(in[0], rm, rv, in[1], in[2], c.training(), c.momentum(), EPS),
                    x, w, b);
        } else {
            Gradcheck.check(in -> Functional.batchNorm(in[0], rm, rv, null, null, c.training(), c.momentum(), EPS), x);
        }
    }

    @Property(tries = 40)
    void fusedBackwardEqualsBackwardThroughTheComposedFormula(@ForAll("configs") Config c, @ForAll long seed) {
        Generator gen = new Generator(seed);
        Tensor x = Tensor.randn(gen, DType.FLOAT64, c.shape()).requiresGrad(true);
        Tensor w = positive(gen, c.channels()).requiresGrad(true);
        Tensor b = Tensor.randn(gen, DType.FLOAT64, c.channels()).requiresGrad(true);
        Tensor rm = Tensor.randn(gen, DType.FLOAT64, c.channels());
        Tensor rv = positive(gen, c.channels());
        Tensor g = Tensor.randn(gen, DType.FLOAT64, c.shape());
        boolean batchStats = c.training() || !c.running();

        Functional.batchNorm(x, c.running() ? rm.copy() : null, c.running() ? rv.copy() : null, w, b, c.training(),
                c.momentum(), EPS).backward(g);
        Tensor dx = x.grad();
        Tensor dw = w.grad();
        Tensor db = b.grad();
        x.zeroGrad();
        w.zeroGrad();
        b.zeroGrad();

        int[] dims = c.reducedDims();
        int[] cs = c.channelShape();
        Tensor mean = batchStats ? x.mean(dims, true) : rm.reshape(cs);
        Tensor var = batchStats ? x.var(dims, 0, true) : rv.reshape(cs);
        Tensor composed = x.sub(mean).div(var.add(EPS).sqrt()).mul(w.reshape(cs)).add(b.reshape(cs));
        composed.backward(g);
        assertClose(x.grad(), dx, CLOSE);
        assertClose(w.grad(), dw, CLOSE);
        assertClose(b.grad(), db, CLOSE);
    }

    @Property(tries = 40)
    void trainingOutputHasPerChannelMeanZeroAndBiasedVarianceOneOverOnePlusEpsOverVariance(
            @ForAll("configs") Config c, @ForAll long seed) {
        Tensor x = Tensor.randn(new Generator(seed), DType.FLOAT64, c.shape()).mul(3).add(1);
        Tensor y = Functional.batchNorm(x, null, null, null, null, true, c.momentum(), EPS);
        int[] dims = c.reducedDims();
        assertClose(Tensor.zeros(DType.FLOAT64, c.channels()), y.mean(dims, false), CLOSE);
        Tensor expectedVar = x.var(dims, 0, false).pow(-1).mul(EPS).add(1).pow(-1);
        assertClose(expectedVar, y.var(dims, 0, false), CLOSE);
    }

    @Property(tries = 40)
    void trainingBlendsTheRunningStatisticsWithTheBatchMeanAndUnbiasedVariance(@ForAll("configs") Config c,
            @ForAll long seed) {
        Generator gen = new Generator(seed);
        Tensor x = Tensor.randn(gen, DType.FLOAT64, c.shape());
        Tensor rm0 = Tensor.randn(gen, DType.FLOAT64, c.channels());
        Tensor rv0 = positive(gen, c.channels());
        Tensor rm = rm0.copy();
        Tensor rv = rv0.copy();
        Functional.batchNorm(x, rm, rv, null, null, true, c.momentum(), EPS);
        double f = c.momentum();
        int[] dims = c.reducedDims();
        assertClose(rm0.mul(1 - f).add(x.mean(dims, false).mul(f)), rm, CLOSE);
        assertClose(rv0.mul(1 - f).add(x.var(dims, 1, false).mul(f)), rv, CLOSE);
    }

    @Property(tries = 30)
    void evalNormalisesWithTheRunningStatisticsAndLeavesThemAlone(@ForAll("configs") Config c, @ForAll long seed) {
        Generator gen = new Generator(seed);
        Tensor x = Tensor.randn(gen, DType.FLOAT64, c.shape());
        Tensor rm = Tensor.randn(gen, DType.FLOAT64, c.channels());
        Tensor rv = positive(gen, c.channels());
        Tensor w = Tensor.randn(gen, DType.FLOAT64, c.channels());
        Tensor b = Tensor.randn(gen, DType.FLOAT64, c.channels());
        Tensor rmBefore = rm.copy();
        Tensor rvBefore = rv.copy();
        Tensor y = Functional.batchNorm(x, rm, rv, w, b, false, c.momentum(), EPS);
        int[] cs = c.channelShape();
        Tensor expected = x.sub(rm.reshape(cs)).div(rv.reshape(cs).add(EPS).sqrt()).mul(w.reshape(cs))
                .add(b.reshape(cs));
        assertClose(expected, y, CLOSE);
        assertClose(rmBefore, rm, 0.0);
        assertClose(rvBefore, rv, 0.0);
    }
}
