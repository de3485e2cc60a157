package org.tapegrad.examples.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.tapegrad.autograd.DType;
import org.tapegrad.autograd.Generator;
import org.tapegrad.autograd.Tensor;
import org.tapegrad.autograd.functional.Functional;
import org.tapegrad.autograd.functional.Reduction;
import org.tapegrad.autograd.kernel.Parallelism;
import org.tapegrad.autograd.ops.Kernels;

/**
 * The performance work's kernels against the simple definitions they replace: the branch-free ReLU
 * against the selection, the chunked float rounding against the cast, the four-way sum against the
 * left-to-right sum, and the fused, channel- or position-parallel BatchNorm and cross entropy against
 * the same formulas composed from elementary tensor operations, and against themselves on one thread
 * (bit for bit: the split never changes a result).
 */
class FusedKernelsProperties {
    /** Float64 results of the fused kernels against composed operations (different summation order). */
    private static final double COMPOSED = 1e-9;
    /** The four-way sum against the left-to-right sum, relative to Σ|a|. */
    private static final double REORDERED_SUM = 1e-14;

    private static final double[] SPECIAL = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL,
        1e-310, -1e-310, 1.0, -1.0, Double.MAX_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Float.MAX_VALUE, 3.4028235677973366e38, 1.401298464324817e-45, 7e-46};

    @Provide
    Arbitrary<double[]> values() {
        Arbitrary<Double> special = Arbitraries.integers().between(0, SPECIAL.length - 1).map(i -> SPECIAL[i]);
        Arbitrary<Double> ordinary = Arbitraries.doubles().between(-10, 10);
        Arbitrary<Double> anyBits = Arbitraries.longs().map(Double::longBitsToDouble).filter(v -> !Double.isNaN(v));
        Arbitrary<Double> one = Arbitraries.frequencyOf(Tuple.of(3, special), Tuple.of(5, ordinary),
                Tuple.of(2, anyBits));
        return one.array(double[].class).ofMinSize(1).ofMaxSize(5000);
    }

    @Property(tries = 40)
    void reluForwardIsMaxWithZeroAndItsGradientSelectsWherePositive(@ForAll("values") double[] x,
            @ForAll("values") double[] g) {
        int n = Math.min(x.length, g.length);
        Tensor input = Tensor.of(java.util.Arrays.copyOf(x, n), n).requiresGrad(true);
        Tensor y = input.relu();
        y.backward(Tensor.of(java.util.Arrays.copyOf(g, n), n));
        double[] out = y.toDoubleArray();
        double[] dx = input.grad().toDoubleArray();
        for (int i = 0; i < n; i++) {
            double expectedY = x[i] > 0 ? x[i] : 0.0;
            double expectedDx = x[i] > 0 ? g[i] : 0.0;
            assertEquals(Double.doubleToRawLongBits(expectedY), Double.doubleToRawLongBits(out[i]),
                    "relu(" + x[i] + ") = " + out[i]);
            assertEquals(Double.doubleToRawLongBits(expectedDx), Double.doubleToRawLongBits(dx[i]),
                    "relu'(" + x[i] + ") · " + g[i] + " = " + dx[i]);
        }
    }

    @Property(tries = 40)
    void chunkedRoundingGivesTheFloatCastOfEveryValue(@ForAll("values") double[] values) {
        double[] rounded = values.clone();
        Kernels.round(DType.FLOAT32, rounded, 0, rounded.length);
        for (int i = 0; i < values.length; i++) {
            assertEquals(Double.doubleToLongBits((float) values[i]), Double.doubleToLongBits(rounded[i]),
                    "round(" + values[i] + ")");
        }
        double[] unchanged = values.clone();
        Kernels.round(DType.FLOAT64, unchanged, 0, unchanged.length);
        assertArrayEquals(values, unchanged, 0.0);
    }

    @Property(tries = 40)
    void fourWaySumAgreesWithTheLeftToRightSum(@ForAll("finite") double[] a, @ForAll int shift) {
        int from = Math.floorMod(shift, a.length);
        double plain = 0;
        double magnitude = 0;
        for (int i = from; i < a.length; i++) {
            plain += a[i];
            magnitude += Math.abs(a[i]);
        }
        assertEquals(plain, Kernels.sum(a, from, a.length), REORDERED_SUM * magnitude * a.length);
    }

    @Provide
    Arbitrary<double[]> finite() {
        return Arbitraries.doubles().between(-1e6, 1e6).array(double[].class).ofMinSize(1).ofMaxSize(3000);
    }

    /** (batch, channels, height, width): up to 3·6·90·90 values, so channels are split across threads. */
    @Provide
    Arbitrary<int[]> images() {
        return Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 6),
                Arbitraries.integers().between(1, 90), Arbitraries.integers().between(1, 90))
                .as((n, c, h, w) -> new int[] {n, c, h, w})
                .filter(s -> s[0] * s[2] * s[3] > 1);
    }

    @Property(tries = 20)
    void batchNormEqualsTheComposedFormulaAndDoesNotDependOnTheThreadCount(@ForAll("images") int[] shape,
            @ForAll long seed) {
        Generator gen = new Generator(seed);
        Tensor x = Tensor.randn(gen, DType.FLOAT64, shape);
        Tensor gamma = Tensor.randn(gen, DType.FLOAT64, shape[1]);
        Tensor beta = Tensor.randn(gen, DType.FLOAT64, shape[1]);
        Tensor r = Tensor.randn(gen, DType.FLOAT64, shape);
        double eps = 1e-5;
        double[][] fused = onOneAndThreeThreads(() -> gradients(x, gamma, beta, r,
                (xi, gi, bi) -> Functional.batchNorm(xi, null, null, gi, bi, true, 0.1, eps)));
        double[][] composed = gradients(x, gamma, beta, r, (xi, gi, bi) -> {
            int[] dims = {0, 2, 3};
            Tensor mean = xi.mean(dims, true);
            Tensor var = xi.var(dims, 0, true);
            Tensor scale = gi.reshape(1, shape[1], 1, 1);
            return xi.sub(mean).div(var.add(eps).sqrt()).mul(scale).add(bi.reshape(1, shape[1], 1, 1));
        });
        assertAllClose(composed, fused, "batchNorm of " + java.util.Arrays.toString(shape));
    }

    @Property(tries = 20)
    void crossEntropyEqualsLogSoftmaxOfTheTargetsAndDoesNotDependOnTheThreadCount(@ForAll("images") int[] shape,
            @ForAll long seed) {
        Generator gen = new Generator(seed);
        int classes = shape[1] + 1;
        int[] logitsShape = {shape[0], classes, shape[2], shape[3]};
        Tensor x = Tensor.randn(gen, DType.FLOAT64, logitsShape);
        Tensor target = Tensor.randint(gen, 0, classes, DType.FLOAT64, shape[0], shape[2], shape[3]);
        double[][] fused = onOneAndThreeThreads(() -> gradients(x, null, null, null,
                (xi, gi, bi) -> Functional.crossEntropy(xi, target, Reduction.MEAN)));
        Tensor oneHot = oneHot(target, logitsShape);
        double[][] composed = gradients(x, null, null, null,
                (xi, gi, bi) -> xi.logSoftmax(1).mul(oneHot).sum().neg().div(target.numel()));
        assertAllClose(composed, fused, "crossEntropy of " + java.util.Arrays.toString(logitsShape));
    }

    private interface Op {
        Tensor apply(Tensor x, Tensor gamma, Tensor beta);
    }

    /** {output, dx, dγ, dβ} of {@code Σ r·op(x, γ, β)} (or of the scalar op itself when r is null). */
    private static double[][] gradients(Tensor x, Tensor gamma, Tensor beta, Tensor r, Op op) {
        Tensor xl = x.detach().requiresGrad(true);
        Tensor gl = gamma == null ? null : gamma.detach().requiresGrad(true);
        Tensor bl = beta == null ? null : beta.detach().requiresGrad(true);
        Tensor out = op.apply(xl, gl, bl);
        (r == null ? out : out.mul(r).sum()).backward();
        return new double[][] {out.toDoubleArray(), xl.grad().toDoubleArray(),
            gl == null ? null : gl.grad().toDoubleArray(), bl == null ? null : bl.grad().toDoubleArray()};
    }

    /** The result on three threads, after checking it equals the result on one thread bit for bit. */
    private static double[][] onOneAndThreeThreads(Supplier<double[][]> run) {
        int before = Parallelism.threads();
        try {
            Parallelism.setThreads(1);
            double[][] serial = run.get();
            Parallelism.setThreads(3);
            double[][] parallel = run.get();
            for (int i = 0; i < serial.length; i++) {
                if (serial[i] != null) {
                    assertArrayEquals(serial[i], parallel[i], 0.0, "result " + i + " on 3 threads vs 1");
                }
            }
            return parallel;
        } finally {
            Parallelism.setThreads(before);
        }
    }

    private static void assertAllClose(double[][] expected, double[][] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] == null) {
                continue;
            }
            double scale = 1;
            for (double e : expected[i]) {
                scale = Math.max(scale, Math.abs(e));
            }
            assertArrayEquals(expected[i], actual[i], COMPOSED * scale, what + ", result " + i);
        }
    }

    private static Tensor oneHot(Tensor target, int[] logitsShape) {
        double[] t = target.toDoubleArray();
        int classes = logitsShape[1];
        int inner = logitsShape[2] * logitsShape[3];
        double[] h = new double[t.length * classes];
        for (int p = 0; p < t.length; p++) {
            int n = p / inner;
            int s = p % inner;
            h[(n * classes + (int) t[p]) * inner + s] = 1;
        }
        return Tensor.of(h, logitsShape);
    }
}
